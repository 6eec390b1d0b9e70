/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * strbuf.h - a growable byte buffer for building output lines and JSON
 * objects without stdio's format parsing: outputs append pieces, then write
 * the whole buffer with one fwrite().  printf-style padding is provided for
 * the fixed-width text columns.  An allocation failure is sticky: later
 * appends are ignored and sb_failed() reports it once, at the end.
 */
#ifndef ANALYZE_STRBUF_H
#define ANALYZE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct strbuf {
	char *buf;
	size_t len, cap;
	bool failed;
	bool fixed; /* buf is the caller's (on the stack): never reallocated */
};

/* A buffer over the caller's storage; appending past cap fails. */
static inline struct strbuf sb_fixed(char *buf, size_t cap)
{
	return (struct strbuf){ .buf = buf, .cap = cap, .fixed = true };
}

/* A buffer of size bytes to fill with sb_* calls and then read as a C
 * string with sb_fixed_cstr(): one byte is kept for the terminator. */
static inline struct strbuf sb_fixed_str(char *buf, size_t size)
{
	return sb_fixed(buf, size - 1);
}

/* The string in a sb_fixed_str() buffer; empty when something did not
 * fit (a fixed buffer skips what does not fit, so the rest is unusable). */
static inline const char *sb_fixed_cstr(struct strbuf *sb)
{
	sb->buf[sb->failed ? 0 : sb->len] = '\0';
	return sb->buf;
}

/* Longest decimal uint64_t / int64_t. */
#define SB_U64_LEN 20

void sb_free(struct strbuf *sb);
static inline void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->failed = false;
}
static inline bool sb_failed(const struct strbuf *sb)
{
	return sb->failed;
}

/* Room for n more bytes at sb->buf + sb->len; NULL after a failure. */
char *sb_grow(struct strbuf *sb, size_t n);
static inline char *sb_room(struct strbuf *sb, size_t n)
{
	if (sb->cap - sb->len >= n)
		return sb->buf + sb->len;
	return sb_grow(sb, n);
}

static inline void sb_mem(struct strbuf *sb, const void *p, size_t n)
{
	char *d = sb_room(sb, n);

	if (d) {
		memcpy(d, p, n);
		sb->len += n;
	}
}
static inline void sb_str(struct strbuf *sb, const char *s)
{
	sb_mem(sb, s, strlen(s));
}
static inline void sb_ch(struct strbuf *sb, char ch)
{
	char *d = sb_room(sb, 1);

	if (d) {
		*d = ch;
		sb->len++;
	}
}

/* "00", "01", ... "99" back to back. */
extern const char sb_digit_pairs[201];

/* v (0..99) as two digits at d, in one two-byte copy. */
static inline void sb_two_digits(char *d, uint32_t v)
{
	memcpy(d, sb_digit_pairs + 2 * v, 2);
}

/* v (0..99,999,999) as eight digits at d, zero-padded: its halves' pairs
 * come from independent 32-bit divisions, not from a chain of four. */
static inline void sb_eight_digits(char *d, uint32_t v)
{
	uint32_t hi = v / 10000, lo = v % 10000;

	sb_two_digits(d, hi / 100);
	sb_two_digits(d + 2, hi % 100);
	sb_two_digits(d + 4, lo / 100);
	sb_two_digits(d + 6, lo % 100);
}

/* Digits of v at the end of out[SB_U64_LEN]; returns the first one. */
char *sb_u64_digits(uint64_t v, char out[SB_U64_LEN]);
void sb_u64(struct strbuf *sb, uint64_t v);
void sb_i64(struct strbuf *sb, int64_t v);
/* v with at least width digits, zero-padded ("%0*llu"). */
void sb_u64_zero(struct strbuf *sb, uint64_t v, unsigned int width);

/* s padded with spaces to width characters of UTF-8 ("%-*s" when left,
 * else "%*s", which count bytes). */
void sb_pad(struct strbuf *sb, const char *s, size_t width, bool left);
/* v padded like "%-*llu" / "%*llu". */
void sb_pad_u64(struct strbuf *sb, uint64_t v, size_t width, bool left);

/* Writes the buffer to fp and empties it; -ENOMEM after an allocation
 * failure, -EIO when fp has an error. */
int sb_flush(struct strbuf *sb, FILE *fp);

#endif /* ANALYZE_STRBUF_H */
