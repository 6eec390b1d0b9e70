// SPDX-License-Identifier: BSD-2-Clause
/*
 * json_sb.c - UTF-8 validation and string escaping with jansson's rules
 * (jansson 2.14 utf.c and dump.c): '"' and '\\' escaped, \b \f \n \r \t by
 * name, other control characters as \u00XX in upper-case hex, everything
 * else (also '/' and non-ASCII) copied as it is.
 */
#include "json_sb.h"

#include "safestr.h"

bool json_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80 ? 1 : utf8_seq_len(p);

		if (!n)
			return false;
		p += n;
	}
	return true;
}

/* The escape of one ASCII byte into out (at least 7 bytes); 0 if none. */
static size_t escape(unsigned char ch, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	char named = 0;

	switch (ch) {
	case '"':
		named = '"';
		break;
	case '\\':
		named = '\\';
		break;
	case '\b':
		named = 'b';
		break;
	case '\f':
		named = 'f';
		break;
	case '\n':
		named = 'n';
		break;
	case '\r':
		named = 'r';
		break;
	case '\t':
		named = 't';
		break;
	default:
		if (ch >= 0x20)
			return 0;
		memcpy(out, "\\u00", 4);
		out[4] = hex[ch >> 4];
		out[5] = hex[ch & 15];
		return 6;
	}
	out[0] = '\\';
	out[1] = named;
	return 2;
}

bool json_sb_str(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;
	char esc[8];

	if (!json_utf8_valid(s))
		return false;
	sb_ch(sb, '"');
	for (; *p; p++) {
		size_t n = *p < 0x80 ? escape(*p, esc) : 0;

		if (!n)
			continue;
		sb_mem(sb, run, (size_t)(p - run));
		sb_mem(sb, esc, n);
		run = p + 1;
	}
	sb_mem(sb, run, (size_t)(p - run));
	sb_ch(sb, '"');
	return true;
}
