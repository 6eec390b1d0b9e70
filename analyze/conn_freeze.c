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
/* Bitmap, a length byte and 8 bytes per word, and slack for the
 * unconditional 8-byte copies. */
#define ENC_MAX (MAP_BYTES + BODY_WORDS * 9 + 8)

_Static_assert(sizeof(struct conn_body) % 8 == 0, "the body is a whole number of words");

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

/* Bytes of w up to its highest non-zero one (w != 0; little-endian
 * order, so small counters take one or two). */
static unsigned int significant_bytes(uint64_t w)
{
	return 8 - (unsigned int)__builtin_clzll(w) / 8;
}

/* Encodes body into out[ENC_MAX]; returns the length.  Layout:
 * a bitmap of the non-zero words, then per such word its count of
 * significant bytes and those bytes (in memory order).  Whole non-zero
 * words alone would keep twice as much: most are small counters, flags
 * and v4 addresses. */
static size_t encode(const struct conn_body *b, unsigned char out[ENC_MAX])
{
	const unsigned char *body = (const unsigned char *)b;
	size_t n = MAP_BYTES;

	memset(out, 0, MAP_BYTES);
	for (size_t i = 0; i < BODY_WORDS; i++) {
		uint64_t w;
		unsigned int len;

		memcpy(&w, body + i * 8, 8);
		if (!w)
			continue;
		out[i / 8] |= (unsigned char)(1u << (i % 8));
		len = significant_bytes(le64(w));
		out[n++] = (unsigned char)len;
		memcpy(out + n, body + i * 8, 8); /* only len count; ENC_MAX has slack */
		n += len;
	}
	return n;
}

/* Restores into b the body encoded in enc. */
static void decode(const unsigned char *enc, struct conn_body *b)
{
	const unsigned char *map = enc;
	const unsigned char *next = map + MAP_BYTES;
	unsigned char *body = (unsigned char *)b;

	memset(body, 0, BODY_BYTES);
	for (size_t m = 0; m < MAP_BYTES; m++) {
		for (unsigned int bits = map[m]; bits; bits &= bits - 1) {
			size_t i = m * 8 + (size_t)__builtin_ctz(bits);
			unsigned int len = *next++;

			memcpy(body + i * 8, next, len);
			next += len;
		}
	}
}

/* Freezes c alone, whatever it is linked to; false when memory is short. */
static bool freeze_one(struct conn_freezer *t, struct conn *c)
{
	unsigned char buf[ENC_MAX];
	size_t n;

	conn_uncool(t, c);
	n = encode(c->b, buf);
	c->enc = malloc(n);
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
	decode(c->enc, b);
	free(c->enc);
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

	decode(frozen->enc, &b);
	free(b.traffic.list);
	free(b.traffic.flowbuf);
	free(b.verdict.violations);
}

void conn_freezer_init(struct conn_freezer *f)
{
	TAILQ_INIT(&f->cooling);
	f->free_bodies = NULL;
	f->n_free_bodies = 0;
}

void conn_freezer_fini(struct conn_freezer *f)
{
	while (f->free_bodies) {
		struct conn_body *b = f->free_bodies;

		memcpy(&f->free_bodies, b, sizeof(f->free_bodies));
		free(b);
	}
	f->n_free_bodies = 0;
}

struct conn_body *conn_freezer_body(struct conn_freezer *f)
{
	struct conn_body *b = f->free_bodies;

	if (!b)
		return malloc(sizeof(*b));
	memcpy(&f->free_bodies, b, sizeof(f->free_bodies));
	f->n_free_bodies--;
	return b;
}

void conn_freezer_body_release(struct conn_freezer *f, struct conn_body *b)
{
	if (f->n_free_bodies >= CONN_FREE_BODIES) {
		free(b);
		return;
	}
	/* A free body's first bytes link the list. */
	memcpy(b, &f->free_bodies, sizeof(f->free_bodies));
	f->free_bodies = b;
	f->n_free_bodies++;
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
