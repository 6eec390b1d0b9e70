// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn_freeze.c - compact form of held endpoints.  Most of an endpoint's
 * 1.5 KiB body is zero once it is over (unused transition slots, counters
 * never hit), so a frozen body is stored without its zero bytes
 * (encode()): cheap to encode and decode, lossless, and about a fifth of
 * the size.  Only the body changes form: the head, and with it every link
 * to the endpoint, stays where it is.
 */
#include <stdlib.h>
#include <string.h>

#include "conn_freeze.h"

#define BODY_BYTES (sizeof(struct conn_body))
#define BODY_WORDS (BODY_BYTES / 8)
#define MAP_BYTES  ((BODY_WORDS + 7) / 8)
/* Where the code nibbles start: after the bitmap, the base and the count
 * of non-zero words. */
#define NIB_AT (MAP_BYTES + 8 + 1)
/* Header, a code nibble and 8 bytes per word, and slack for the
 * unconditional 8-byte copies. */
#define ENC_MAX (NIB_AT + (BODY_WORDS + 1) / 2 + BODY_WORDS * 8 + 8)
/* Codes: the word's own significant bytes (1..8) as 0..7, or its
 * difference from the base in 0..7 bytes as 8..15. */
#define CODE_DELTA 8

_Static_assert(sizeof(struct conn_body) % 8 == 0, "the body is a whole number of words");
_Static_assert(ENC_MAX <= CONN_ENC_STEP * CONN_ENC_CLASSES, "every encoding has a size class");
_Static_assert(BODY_WORDS <= UINT8_MAX, "the count of non-zero words fits a byte");

/* The word as read on a little-endian machine: its first byte in memory
 * is the lowest. */
static uint64_t le64(uint64_t w)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(w);
#else
	return w;
#endif
}

/* Bytes of w up to its highest non-zero one (little-endian order, so
 * small counters take one or two; 0 for 0). */
static unsigned int significant_bytes(uint64_t w)
{
	return w ? 8 - (unsigned int)__builtin_clzll(w) / 8 : 0;
}

/* Encodes body into out[ENC_MAX]; returns the length.  Layout: a bitmap
 * of the non-zero words, a base time (the body's first_ns), the count of
 * non-zero words, a code nibble for each, then their bytes.  Whole non-zero words
 * alone would keep twice as much: most are small counters, flags and v4
 * addresses.  A fifth of them are times on the boot clock (six bytes
 * each), all close to the endpoint's first event: their difference from
 * it takes three. */
static size_t encode(const struct conn_body *b, unsigned char out[ENC_MAX])
{
	const unsigned char *body = (const unsigned char *)b;
	unsigned char codes[BODY_WORDS], data[BODY_WORDS * 8 + 8];
	uint64_t base = b->first_ns;
	size_t n = 0, k = 0;

	memset(out, 0, MAP_BYTES);
	for (size_t i = 0; i < BODY_WORDS; i++) {
		uint64_t w, d;
		unsigned int len, dlen;

		memcpy(&w, body + i * 8, 8);
		if (!w)
			continue;
		out[i / 8] |= (unsigned char)(1u << (i % 8));
		len = significant_bytes(le64(w));
		dlen = w >= base ? significant_bytes(w - base) : 8;
		if (dlen < len) {
			d = le64(w - base);
			codes[k++] = (unsigned char)(CODE_DELTA + dlen);
			memcpy(data + n, &d, 8); /* only dlen count */
			n += dlen;
		} else {
			codes[k++] = (unsigned char)(len - 1);
			memcpy(data + n, body + i * 8, 8); /* only len count */
			n += len;
		}
	}
	memcpy(out + MAP_BYTES, &base, 8);
	out[NIB_AT - 1] = (unsigned char)k;
	for (size_t j = 0; j < k; j += 2)
		out[NIB_AT + j / 2] =
			(unsigned char)(codes[j] | (j + 1 < k ? codes[j + 1] << 4 : 0));
	memcpy(out + NIB_AT + (k + 1) / 2, data, n);
	return NIB_AT + (k + 1) / 2 + n;
}

/* The n (0..8) bytes at p as a little-endian number: one 8-byte load
 * and a mask while 8 bytes are there to read (end: where they stop).
 * Byte-wise copies of variable length, each read back as a word, stalled
 * on store forwarding: the most of decode()'s time after its first cache
 * miss. */
static uint64_t load_bytes(const unsigned char *p, unsigned int n, const unsigned char *end)
{
	uint64_t w = 0;

	if (end - p >= 8) {
		memcpy(&w, p, 8);
		w = le64(w);
		return n >= 8 ? w : w & ((1ull << (8 * n)) - 1);
	}
	for (unsigned int i = n; i-- > 0;)
		w = w << 8 | p[i];
	return w;
}

/* Restores into b the body encoded in enc, of len bytes with its size
 * class's slack. */
static void decode(const unsigned char *enc, size_t len, struct conn_body *b)
{
	const unsigned char *map = enc, *end = enc + len;
	unsigned char *body = (unsigned char *)b;
	const unsigned char *nib = enc + NIB_AT;
	const unsigned char *next = nib + (enc[NIB_AT - 1] + 1) / 2;
	uint64_t base;
	size_t k = 0;

	memcpy(&base, enc + MAP_BYTES, 8);

	memset(body, 0, BODY_BYTES);
	for (size_t m = 0; m < MAP_BYTES; m++) {
		for (unsigned int bits = map[m]; bits; bits &= bits - 1, k++) {
			size_t i = m * 8 + (size_t)__builtin_ctz(bits);
			unsigned int code = (nib[k / 2] >> (k % 2 ? 4 : 0)) & 0xf;
			unsigned int n = code >= CODE_DELTA ? code - CODE_DELTA : code + 1;
			uint64_t w = load_bytes(next, n, end);

			/* A word's bytes above its significant ones are zero;
			 * a difference is a number, the bytes of a word are
			 * in memory order. */
			w = code >= CODE_DELTA ? w + base : le64(w);
			memcpy(body + i * 8, &w, 8);
			next += n;
		}
	}
}

static size_t enc_bytes(uint8_t cls)
{
	return ((size_t)cls + 1) * CONN_ENC_STEP;
}

static void *enc_get(struct conn_freezer *f, uint8_t cls)
{
	return freelist_get_from(&f->enc[cls], &f->slabs, enc_bytes(cls));
}

/* Freezes c alone, whatever it is linked to; false when memory is short. */
static bool freeze_one(struct conn_freezer *t, struct conn *c)
{
	unsigned char buf[ENC_MAX];
	size_t n;

	conn_uncool(t, c);
	n = encode(c->b, buf);
	c->enc_class = (uint8_t)((n - 1) / CONN_ENC_STEP);
	c->enc = enc_get(t, c->enc_class);
	if (!c->enc)
		return false;
	memcpy(c->enc, buf, n);
	/* Its allocations (list, flowbuf, violations) now belong to enc. */
	conn_freezer_body_release(t, c->b);
	c->b = NULL;
	c->frozen = true;
	return true;
}

bool conn_freeze(struct conn_freezer *t, struct conn *c)
{
	/* A flow joined to a socket and that socket exchange segments on
	 * every event: not worth it.  A segment-only endpoint and its mirror
	 * go together: everything reaches the mirror through c, so c thawed
	 * implies the mirror thawed (conn_thaw()). */
	if (c->frozen)
		return true;
	if (!c->closed || c->is_mirror || c->flow || c->sock)
		return false;
	if (c->mirror && !c->mirror->frozen && !freeze_one(t, c->mirror))
		return false;
	return freeze_one(t, c);
}

static bool thaw_one(struct conn_freezer *t, struct conn *c)
{
	struct conn_body *b = conn_freezer_body(t);

	if (!b)
		return false;
	decode(c->enc, enc_bytes(c->enc_class), b);
	freelist_put(&t->enc[c->enc_class], c->enc);
	c->enc = NULL;
	c->b = b;
	c->frozen = false;
	return true;
}

bool conn_thaw(struct conn_freezer *t, struct conn *c)
{
	/* The mirror first: if c cannot be thawed after it, nothing reads
	 * the thawed mirror until c is. */
	if (c->mirror && c->mirror->frozen && !thaw_one(t, c->mirror))
		return false;
	return !c->frozen || thaw_one(t, c);
}

void conn_frozen_free_parts(const struct conn *frozen)
{
	struct conn_body b;

	decode(frozen->enc, enc_bytes(frozen->enc_class), &b);
	free(b.traffic.list);
	free(b.traffic.flowbuf);
	free(b.verdict.violations);
}

void conn_freezer_init(struct conn_freezer *f)
{
	memset(f, 0, sizeof(*f));
	TAILQ_INIT(&f->cooling);
}

void conn_freezer_fini(struct conn_freezer *f)
{
	freelist_fini(&f->bodies);
	for (size_t i = 0; i < CONN_ENC_CLASSES; i++)
		freelist_fini(&f->enc[i]);
	slab_source_fini(&f->slabs);
}

struct conn_body *conn_freezer_body(struct conn_freezer *f)
{
	return freelist_get_from(&f->bodies, &f->slabs, sizeof(struct conn_body));
}

void conn_freezer_body_release(struct conn_freezer *f, struct conn_body *b)
{
	freelist_put(&f->bodies, b);
}

void conn_freezer_release_body_of(struct conn_freezer *f, struct conn *c)
{
	conn_freezer_body_release(f, c->b);
	if (c->enc)
		freelist_put(&f->enc[c->enc_class], c->enc);
	c->b = NULL;
	c->enc = NULL;
}

void conn_prefetch(const struct conn *c)
{
	const char *p = c->frozen ? (const char *)c->enc : (const char *)c->b;
	size_t len = c->frozen ? enc_bytes(c->enc_class) : BODY_BYTES;

	if (!p)
		return;
	for (size_t off = 0; off < len; off += 64)
		__builtin_prefetch(p + off);
}

void conn_cool(struct conn_freezer *f, struct conn *c)
{
	conn_uncool(f, c);
	TAILQ_INSERT_TAIL(&f->cooling, c, clink);
	c->cooling = true;
}

void conn_uncool(struct conn_freezer *f, struct conn *c)
{
	if (!c->cooling)
		return;
	TAILQ_REMOVE(&f->cooling, c, clink);
	c->cooling = false;
}

struct conn *conn_cool_head(struct conn_freezer *f)
{
	return TAILQ_FIRST(&f->cooling);
}
