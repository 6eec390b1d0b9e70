// SPDX-License-Identifier: BSD-2-Clause
/*
 * safestr.c - UTF-8 validation and the printable copy of untrusted
 * strings (safestr.h).
 */
#include "safestr.h"

#include <stdint.h>
#include <string.h>

/* Length of the sequence a lead byte starts, 0 if it cannot start one. */
static size_t utf8_lead_len(unsigned char u)
{
	if (u < 0x80)
		return 1;
	if (u < 0xC2) /* continuation byte, or the overlong leads C0/C1 */
		return 0;
	if (u <= 0xDF)
		return 2;
	if (u <= 0xEF)
		return 3;
	return u <= 0xF4 ? 4 : 0;
}

size_t utf8_seq_len(const unsigned char *s)
{
	static const uint32_t min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n = utf8_lead_len(s[0]);
	uint32_t cp;

	if (n <= 1)
		return n;
	cp = s[0] & (0xFFu >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0; /* also catches the terminating NUL */
		cp = (cp << 6) | (s[i] & 0x3Fu);
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < min_for_len[n])
		return 0;
	return n;
}

/* U+0080..U+009F are C1 controls: C2 80 .. C2 9F. */
static int is_control(const unsigned char *s, size_t n)
{
	return (n == 1 && (s[0] < 0x20 || s[0] == 0x7F)) || (n == 2 && s[0] == 0xC2 && s[1] < 0xA0);
}

const char *safestr(const char *s, char *out, size_t outlen)
{
	return safestr_n(s, strlen(s), out, outlen);
}

/* utf8_seq_len() of the sequence at p with left bytes readable. */
static size_t seq_len_within(const unsigned char *p, size_t left)
{
	unsigned char tail[4] = { 0 };

	if (left >= 4)
		return utf8_seq_len(p);
	/* Short of the end: a copy, NUL-padded, so nothing past it is read
	 * and a cut sequence is invalid. */
	memcpy(tail, p, left);
	return utf8_seq_len(tail);
}

const char *safestr_n(const char *s, size_t n_in, char *out, size_t outlen)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)s, *end = p + n_in;
	size_t len = 0;

	while (p < end && *p) {
		size_t n = seq_len_within(p, (size_t)(end - p));
		const char *src = (const char *)p;
		size_t take = n;

		if (!n || is_control(p, n)) {
			src = replacement;
			take = 3;
			n = n ? n : 1;
		}
		if (len + take >= outlen)
			break;
		memcpy(out + len, src, take);
		len += take;
		p += n;
	}
	out[len] = '\0';
	return out;
}
