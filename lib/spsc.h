/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * spsc.h - a queue of records from one producer thread to one consumer
 * thread.  Records are laid out one after the other in chunks; the
 * producer makes what it wrote visible with one release store of a record
 * count, the consumer reads up to there after an acquire load, so neither
 * side takes a lock or waits.  Unbounded: the producer allocates a chunk
 * when one is full and the consumer frees it once it has read it.
 */
#ifndef LIB_SPSC_H
#define LIB_SPSC_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define SPSC_CHUNK_BYTES (256 * 1024)
#define SPSC_NEXT_CHUNK	 UINT64_MAX /* a record length: read on in the next chunk */

struct spsc_chunk {
	struct spsc_chunk *next; /* written before the record that leads to it is published */
	size_t cap;
	alignas(8) unsigned char data[];
};

struct spsc {
	/* The producer's side. */
	struct spsc_chunk *wr;
	size_t wr_off;
	uint64_t reserved; /* records written, published or not */
	uint64_t wr_bytes; /* their bytes */
	/* Shared: records published. */
	alignas(64) _Atomic uint64_t published;
	/* The consumer's side. */
	alignas(64) struct spsc_chunk *rd;
	size_t rd_off;
	uint64_t consumed;
	_Atomic uint64_t rd_bytes; /* bytes of the records consumed */
	/* A chunk the consumer is done with, for the producer to fill again:
	 * a fresh one costs page faults and the kernel's zeroing. */
	alignas(64) struct spsc_chunk *_Atomic spare;
};

static inline struct spsc_chunk *spsc_chunk_new(struct spsc *q, size_t need)
{
	size_t cap = need > SPSC_CHUNK_BYTES ? need : SPSC_CHUNK_BYTES;
	struct spsc_chunk *c = NULL;

	if (cap == SPSC_CHUNK_BYTES)
		c = atomic_exchange_explicit(&q->spare, NULL, memory_order_acquire);
	if (!c)
		c = malloc(sizeof(*c) + cap);
	if (c) {
		c->next = NULL;
		c->cap = cap;
	}
	return c;
}

/* The consumer's chunk it has read to the end. */
static inline void spsc_chunk_done(struct spsc *q, struct spsc_chunk *c)
{
	if (c->cap == SPSC_CHUNK_BYTES)
		c = atomic_exchange_explicit(&q->spare, c, memory_order_release);
	free(c);
}

/* Returns 0 or -1 (out of memory). */
static inline int spsc_init(struct spsc *q)
{
	*q = (struct spsc){ 0 };
	q->wr = q->rd = spsc_chunk_new(q, 0);
	return q->wr ? 0 : -1;
}

/* Every record starts with its length; lengths round up to 8 bytes. */
static inline size_t spsc_span(size_t len)
{
	return 8 + ((len + 7) & ~(size_t)7);
}

/* Producer: room for a record of len bytes, or NULL (out of memory).  It
 * becomes visible at the next spsc_commit(). */
static inline void *spsc_reserve(struct spsc *q, size_t len)
{
	size_t span = spsc_span(len);
	uint64_t *hdr;

	/* 8 bytes always stay free for the mark that leads to the next chunk. */
	if (q->wr_off + span + 8 > q->wr->cap) {
		struct spsc_chunk *c = spsc_chunk_new(q, span + 8);

		if (!c)
			return NULL;
		*(uint64_t *)(q->wr->data + q->wr_off) = SPSC_NEXT_CHUNK;
		q->wr->next = c;
		q->reserved++;
		q->wr = c;
		q->wr_off = 0;
	}
	hdr = (uint64_t *)(q->wr->data + q->wr_off);
	*hdr = len;
	q->wr_off += span;
	q->wr_bytes += span;
	q->reserved++;
	return hdr + 1;
}

/* Producer: bytes of records not yet consumed, for a producer that must
 * not run too far ahead. */
static inline uint64_t spsc_backlog(const struct spsc *q)
{
	return q->wr_bytes - atomic_load_explicit(&q->rd_bytes, memory_order_relaxed);
}

static inline void spsc_commit(struct spsc *q)
{
	atomic_store_explicit(&q->published, q->reserved, memory_order_release);
}

/* Consumer: the next record (its length in *len), or NULL when none is
 * published yet. */
static inline const void *spsc_peek(struct spsc *q, size_t *len)
{
	for (;;) {
		uint64_t *hdr;

		if (q->consumed == atomic_load_explicit(&q->published, memory_order_acquire))
			return NULL;
		hdr = (uint64_t *)(q->rd->data + q->rd_off);
		if (*hdr != SPSC_NEXT_CHUNK) {
			*len = (size_t)*hdr;
			return hdr + 1;
		}
		struct spsc_chunk *done = q->rd;

		q->rd = done->next;
		q->rd_off = 0;
		q->consumed++;
		spsc_chunk_done(q, done);
	}
}

/* Consumer: done with the record spsc_peek() returned. */
static inline void spsc_pop(struct spsc *q)
{
	uint64_t *hdr = (uint64_t *)(q->rd->data + q->rd_off);
	size_t span = spsc_span((size_t)*hdr);

	q->rd_off += span;
	q->consumed++;
	atomic_store_explicit(&q->rd_bytes, atomic_load_explicit(&q->rd_bytes, memory_order_relaxed) + span,
			      memory_order_relaxed);
}

/* Once both threads are done with it. */
static inline void spsc_fini(struct spsc *q)
{
	struct spsc_chunk *c = q->rd;

	while (c) {
		struct spsc_chunk *next = c->next;

		free(c);
		c = next;
	}
	free(atomic_load_explicit(&q->spare, memory_order_relaxed));
	*q = (struct spsc){ 0 };
}

#endif /* LIB_SPSC_H */
