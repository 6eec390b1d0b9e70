// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-safestr.c - printable copies of untrusted strings: valid UTF-8 is
 * kept, each bad byte and each control character becomes U+FFFD, output
 * is cut only between characters, and UTF-8 validation agrees with the
 * JSON writer's (jansson's) rules; text columns pad by characters.
 */
#include <string.h>

#include "json_sb.h"
#include "safestr.h"
#include "strbuf.h"
#include "tracegen.h"

#define FFFD "\xEF\xBF\xBD"

static void check_safe(const char *in, const char *want)
{
	char out[SAFESTR_LEN(64)];

	CHECK_STR(safestr(in, out, sizeof(out)), want);
	CHECK(json_utf8_valid(out));
}

static void conversions(void)
{
	check_safe("", "");
	check_safe("nginx: worker", "nginx: worker");
	check_safe("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	check_safe("\xff\xfe", FFFD FFFD);
	check_safe("\x1b[31mX", FFFD "[31mX");		       /* ESC */
	check_safe("a\tb\nc\x7f", "a" FFFD "b" FFFD "c" FFFD); /* C0 and DEL */
	check_safe("\xc2\x9b"
		   "2J",
		   FFFD "2J");				     /* C1 CSI */
	check_safe("\xc2\xa0", "\xc2\xa0");		     /* NBSP is text */
	check_safe("\xc0\xaf", FFFD FFFD);		     /* overlong */
	check_safe("\xed\xa0\x80", FFFD FFFD FFFD);	     /* surrogate */
	check_safe("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* above U+10FFFF */
	check_safe("ok\xe2\x82", "ok" FFFD FFFD);	     /* cut sequence */
}

static void truncation(void)
{
	char out[8];

	/* Room for 7 bytes: "ab" + two U+FFFD would need 8. */
	CHECK_STR(safestr("ab\xff\xff", out, sizeof(out)), "ab" FFFD);
	CHECK_STR(safestr("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", out, sizeof(out)),
		  "\xe2\x82\xac\xe2\x82\xac");
	CHECK_STR(safestr("abc", out, 1), "");
}

/* Fields without a NUL: nothing past n bytes is read, and a sequence cut
 * by the field's end is invalid. */
static void bounded(void)
{
	const char field[6] = { 'a', 'b', 'c', 'd', '\xe2', '\x82' };
	char out[SAFESTR_LEN(6)];

	CHECK_STR(safestr_n(field, 4, out, sizeof(out)), "abcd");
	CHECK_STR(safestr_n(field, 6, out, sizeof(out)), "abcd" FFFD FFFD);
	CHECK_STR(safestr_n("ab\0cd", 5, out, sizeof(out)), "ab");
}

static void sequence_lengths(void)
{
	CHECK_EQ(utf8_seq_len((const unsigned char *)"a"), 1);
	CHECK_EQ(utf8_seq_len((const unsigned char *)""), 1);
	CHECK_EQ(utf8_seq_len((const unsigned char *)"\xc3\xa9"), 2);
	CHECK_EQ(utf8_seq_len((const unsigned char *)"\xe2\x82\xac"), 3);
	CHECK_EQ(utf8_seq_len((const unsigned char *)"\xf0\x9f\x98\x80"), 4);
	CHECK_EQ(utf8_seq_len((const unsigned char *)"\x80"), 0);
	CHECK_EQ(utf8_seq_len((const unsigned char *)"\xc3"), 0);
}

/* Columns are padded by characters: a replaced name stays aligned. */
static void padding(void)
{
	struct strbuf sb = { 0 };

	sb_pad(&sb, FFFD "x", 4, true);
	sb_ch(&sb, '|');
	sb_pad(&sb, "\xc3\xa9", 3, false);
	sb_ch(&sb, '\0');
	CHECK_STR(sb.buf, FFFD "x  |  \xc3\xa9");
	sb_free(&sb);
}

int main(void)
{
	padding();
	conversions();
	truncation();
	bounded();
	sequence_lengths();
	return check_exit_status();
}
