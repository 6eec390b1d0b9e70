// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn_freeze.c - compact form of held endpoints.  Most of an endpoint's
 * 1.5 KiB are zero once it is over (unused transition slots, counters
 * never hit), so the body is stored without its zero bytes (encode()):
 * cheap to encode and decode, lossless, and about a fifth of the size.
 * The head stays as it is so that the table, queues and loss marking
 * work on frozen endpoints unchanged.
 */
#include <stdlib.h>

#include "conn_int.h"

#define BODY_BYTES (sizeof(struct conn) - CONN_HEAD_SIZE)
#define BODY_WORDS (BODY_BYTES / 8)
#define MAP_BYTES  ((BODY_WORDS + 7) / 8)
/* Bitmap, a length byte and 8 bytes per word, and slack for the
 * unconditional 8-byte copies. */
#define ENC_MAX (MAP_BYTES + BODY_WORDS * 9 + 8)

_Static_assert(CONN_HEAD_SIZE % 8 == 0, "the body is encoded in aligned words");
_Static_assert(sizeof(struct conn) % 8 == 0, "the body is a whole number of words");

static unsigned char *body_of(struct conn *c)
{
	return (unsigned char *)c + CONN_HEAD_SIZE;
}

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

/* Encodes the body of c into out[ENC_MAX]; returns the length.  Layout:
 * a bitmap of the non-zero words, then per such word its count of
 * significant bytes and those bytes (in memory order).  Whole non-zero
 * words alone would keep twice as much: most are small counters, flags
 * and v4 addresses. */
static size_t encode(struct conn *c, unsigned char out[ENC_MAX])
{
	const unsigned char *body = body_of(c);
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

/* Restores into c (full size) the body encoded after frozen's head. */
static void decode(const struct conn *frozen, struct conn *c)
{
	const unsigned char *map = (const unsigned char *)frozen + CONN_HEAD_SIZE;
	const unsigned char *next = map + MAP_BYTES;
	unsigned char *body = body_of(c);

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

/* Points every link to old at c, which holds old's head. */
static void relocate(struct conn_table *t, const struct conn *old, struct conn *c)
{
	if (c->indexed && sidx_replace(t, old, c) < 0)
		c->indexed = false; /* it was not there: keep the flag true to the index */
	if (c->in_tuple_index) {
		*c->tpprev = c;
		if (c->tnext)
			c->tnext->tpprev = &c->tnext;
	}
	if (c->queued) {
		*(c->qprev ? &c->qprev->qnext : &t->qhead[c->queue]) = c;
		*(c->qnext ? &c->qnext->qprev : &t->qtail[c->queue]) = c;
	}
	if (c->peer)
		c->peer->peer = c;
	if (c->mirror)
		c->mirror->mirror = c;
	/* Never set on a frozen endpoint (conn_table_freeze()); patched for
	 * completeness, keeping the join symmetric. */
	if (c->flow)
		c->flow->sock = c;
	if (c->sock)
		c->sock->flow = c;
}

/* Freezes c alone, whatever it is linked to; c itself on failure. */
static struct conn *freeze_one(struct conn_table *t, struct conn *c)
{
	unsigned char enc[ENC_MAX];
	struct conn *f;
	size_t n;

	conn_table_uncool(t, c);
	n = encode(c, enc);
	f = malloc(CONN_HEAD_SIZE + n);
	if (!f)
		return c;
	c->frozen = true;
	memcpy(f, c, CONN_HEAD_SIZE);
	memcpy((unsigned char *)f + CONN_HEAD_SIZE, enc, n);
	relocate(t, c, f);
	/* Its allocations (list, flowbuf, violations) now belong to f. */
	conn_table_recycle(t, c);
	return f;
}

struct conn *conn_table_freeze(struct conn_table *t, struct conn *c)
{
	/* A flow joined to a socket and that socket exchange segments on
	 * every event: not worth it.  A segment-only endpoint and its mirror
	 * go together: everything reaches the mirror through c, so c thawed
	 * implies the mirror thawed (conn_table_thaw()). */
	if (c->frozen || !c->closed || c->is_mirror || c->flow || c->sock)
		return c;
	if (c->mirror && !freeze_one(t, c->mirror)->frozen)
		return c;
	return freeze_one(t, c);
}

static struct conn *thaw_one(struct conn_table *t, struct conn *f)
{
	/* Frozen endpoints are never on the cooling list. */
	struct conn *c = conn_table_shell(t);

	if (!c)
		return NULL;
	memcpy(c, f, CONN_HEAD_SIZE);
	decode(f, c);
	c->frozen = false;
	relocate(t, f, c);
	free(f);
	return c;
}

struct conn *conn_table_thaw(struct conn_table *t, struct conn *f)
{
	/* The mirror first: if c cannot be thawed after it, nothing reads
	 * the thawed mirror until c is. */
	if (f->mirror && f->mirror->frozen && !thaw_one(t, f->mirror))
		return NULL;
	return f->frozen ? thaw_one(t, f) : f;
}

void conn_frozen_free_parts(const struct conn *frozen)
{
	struct conn c;

	decode(frozen, &c); /* only the body: that is where the pointers are */
	free(c.list);
	free(c.flowbuf);
	free(c.violations);
}

void conn_table_cool(struct conn_table *t, struct conn *c)
{
	conn_table_uncool(t, c);
	c->cnext = NULL;
	c->cprev = t->ctail;
	*(t->ctail ? &t->ctail->cnext : &t->chead) = c;
	t->ctail = c;
	c->cooling = true;
}

void conn_table_uncool(struct conn_table *t, struct conn *c)
{
	if (!c->cooling)
		return;
	*(c->cprev ? &c->cprev->cnext : &t->chead) = c->cnext;
	*(c->cnext ? &c->cnext->cprev : &t->ctail) = c->cprev;
	c->cnext = c->cprev = NULL;
	c->cooling = false;
}

struct conn *conn_table_cool_head(struct conn_table *t)
{
	return t->chead;
}
