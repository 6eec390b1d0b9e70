// SPDX-License-Identifier: BSD-2-Clause
/*
 * strbuf.c - growth, numbers, padding and flushing of struct strbuf.
 */
#include <errno.h>
#include <stdlib.h>

#include "strbuf.h"

void sb_free(struct strbuf *sb)
{
	if (!sb->fixed)
		free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

char *sb_grow(struct strbuf *sb, size_t n)
{
	size_t cap = sb->cap ? sb->cap : 256;
	char *p;

	if (sb->failed || sb->fixed) {
		sb->failed = true;
		return NULL;
	}
	while (cap - sb->len < n) {
		if (cap > SIZE_MAX / 2) {
			sb->failed = true;
			return NULL;
		}
		cap *= 2;
	}
	p = realloc(sb->buf, cap);
	if (!p) {
		sb->failed = true;
		return NULL;
	}
	sb->buf = p;
	sb->cap = cap;
	return sb->buf + sb->len;
}

/* "00" to "99": two digits per division, since numbers are most of what
 * JSON prints. */
const char sb_digit_pairs[201] = "0001020304050607080910111213141516171819"
				 "2021222324252627282930313233343536373839"
				 "4041424344454647484950515253545556575859"
				 "6061626364656667686970717273747576777879"
				 "8081828384858687888990919293949596979899";

/* Powers of ten that fit in 64 bits, for u64_len(). */
static const uint64_t powers_of_ten[20] = {
	1ull,
	10ull,
	100ull,
	1000ull,
	10000ull,
	100000ull,
	1000000ull,
	10000000ull,
	100000000ull,
	1000000000ull,
	10000000000ull,
	100000000000ull,
	1000000000000ull,
	10000000000000ull,
	100000000000000ull,
	1000000000000000ull,
	10000000000000000ull,
	100000000000000000ull,
	1000000000000000000ull,
	10000000000000000000ull,
};

/* Decimal digits of v, without a loop: 1233 / 4096 is just above
 * log10(2), so t is the digits of the smallest number with v's bit
 * length, less one. */
static unsigned int u64_len(uint64_t v)
{
	unsigned int t = ((64u - (unsigned int)__builtin_clzll(v | 1)) * 1233u) >> 12;

	return t + ((v | 1) >= powers_of_ten[t]);
}

/* The digits of v, ending just before end.  Eight at a time from the low
 * end (sb_eight_digits()): the one chain of 64-bit divisions by 100 it
 * replaces was as long as the number's pairs, and most numbers printed
 * are nanoseconds of ten digits or more. */
static void digits_before(char *end, uint64_t v)
{
	uint32_t w;

	for (; v >= 100000000; v /= 100000000) {
		end -= 8;
		sb_eight_digits(end, (uint32_t)(v % 100000000));
	}
	for (w = (uint32_t)v; w >= 100; w /= 100) {
		end -= 2;
		sb_two_digits(end, w % 100);
	}
	if (w >= 10)
		sb_two_digits(end - 2, w);
	else
		end[-1] = (char)('0' + w);
}

char *sb_u64_digits(uint64_t v, char out[SB_U64_LEN])
{
	digits_before(out + SB_U64_LEN, v);
	return out + SB_U64_LEN - u64_len(v);
}

void sb_u64(struct strbuf *sb, uint64_t v)
{
	/* Straight into the buffer: digits stored a byte at a time on the
	 * stack and copied in one wide load made that load wait for the
	 * stores (store forwarding fails), and JSON is mostly numbers. */
	unsigned int n = u64_len(v);
	char *dst = sb_room(sb, n);

	if (!dst)
		return;
	digits_before(dst + n, v);
	sb->len += n;
}

void sb_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_ch(sb, '-');
		/* Negated in unsigned arithmetic: INT64_MIN has no positive twin. */
		sb_u64(sb, (uint64_t)0 - (uint64_t)v);
		return;
	}
	sb_u64(sb, (uint64_t)v);
}

void sb_u64_zero(struct strbuf *sb, uint64_t v, unsigned int width)
{
	char d[SB_U64_LEN], *p = sb_u64_digits(v, d);
	size_t n = (size_t)(d + SB_U64_LEN - p);

	for (; n < width; n++)
		sb_ch(sb, '0');
	sb_mem(sb, p, (size_t)(d + SB_U64_LEN - p));
}

static void spaces(struct strbuf *sb, size_t n)
{
	char *d = sb_room(sb, n);

	if (d) {
		memset(d, ' ', n);
		sb->len += n;
	}
}

/* Characters of UTF-8 text: the bytes that are not continuation bytes
 * (a process name may hold U+FFFD, three bytes in one column). */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	return chars;
}

static void pad_mem(struct strbuf *sb, const char *s, size_t n, size_t width, bool left)
{
	size_t chars = utf8_chars(s, n), fill = chars < width ? width - chars : 0;

	if (!left)
		spaces(sb, fill);
	sb_mem(sb, s, n);
	if (left)
		spaces(sb, fill);
}

void sb_pad(struct strbuf *sb, const char *s, size_t width, bool left)
{
	pad_mem(sb, s, strlen(s), width, left);
}

void sb_pad_u64(struct strbuf *sb, uint64_t v, size_t width, bool left)
{
	char d[SB_U64_LEN], *p = sb_u64_digits(v, d);

	pad_mem(sb, p, (size_t)(d + SB_U64_LEN - p), width, left);
}

int sb_flush(struct strbuf *sb, FILE *fp)
{
	int rc = 0;

	if (sb->failed)
		rc = -ENOMEM;
	else if (sb->len && fwrite(sb->buf, 1, sb->len, fp) != sb->len)
		rc = -EIO;
	sb_reset(sb);
	return rc;
}
