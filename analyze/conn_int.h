/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn_int.h - the connection table's layout, shared by conn.c (indexes,
 * peers, reuse) and conn_queue.c (finalisation queues, iteration).
 */
#ifndef ANALYZE_CONN_INT_H
#define ANALYZE_CONN_INT_H

#include <string.h>

#include "conn.h"

struct lookaside_ent {
	struct conn_key key;
	uint64_t id;
};

/* A slot of the serial index; empty when c is NULL.  The key is kept in
 * the slot so that probing and the shifts of a removal read no endpoint. */
struct sidx_slot {
	struct conn *c;
	uint64_t serial;
	uint32_t file;
};

struct conn_table {
	struct sidx_slot *sidx; /* by (file, serial): conn_index.c */
	size_t sidx_cap;	/* power of two, at least twice sidx_used */
	size_t sidx_used;
	struct conn **tbuckets; /* by 4-tuple (netns not hashed: peers differ) */
	size_t nbuckets;	/* power of two */
	uint64_t live;
	uint64_t next_id;
	struct conn *qhead[CONN_QUEUES], *qtail[CONN_QUEUES];
	struct conn *chead, *ctail; /* cooling list */
	/* Direct-mapped by tuple hash: a newer endpoint may evict an older one
	 * with the same slot; the bound is CONN_LOOKASIDE entries. */
	struct lookaside_ent look[CONN_LOOKASIDE];
	struct conn *free_list; /* finalised endpoints kept for reuse, with their bodies */
	unsigned int n_free;
	struct conn_body *free_bodies; /* thawed-then-frozen bodies kept for reuse */
	unsigned int n_free_bodies;
	size_t pop_cursor; /* slots before it are empty once popping started */
};

/* Hashes of the two indexes. */
static inline uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

static inline uint64_t tuple_hash(const uint8_t *la, uint16_t lp, const uint8_t *ra, uint16_t rp)
{
	uint64_t h = ((uint64_t)lp << 16) | rp;

	for (int i = 0; i < 16; i += 8) {
		uint64_t a, b;

		memcpy(&a, la + i, 8);
		memcpy(&b, ra + i, 8);
		h = mix(h ^ a) + b;
	}
	return mix(h);
}

static inline size_t tuple_slot(const struct conn_table *t, const uint8_t *la, uint16_t lp,
				const uint8_t *ra, uint16_t rp)
{
	return tuple_hash(la, lp, ra, rp) & (t->nbuckets - 1);
}

/* The serial index (conn_index.c).  find: NULL if absent; insert:
 * -ENOMEM when it could not grow; remove and replace: -ENOENT when c
 * (old) is not in it.  Every probe is bounded by the table size. */
int sidx_init(struct conn_table *t);
struct conn *sidx_find(const struct conn_table *t, uint32_t file, uint64_t serial);
int sidx_insert(struct conn_table *t, struct conn *c);
int sidx_remove(struct conn_table *t, const struct conn *c);
/* A body's worth of memory, reused or new (not initialised), and its
 * return to the reuse list; neither touches what the body owns. */
struct conn_body *conn_table_body(struct conn_table *t);
void conn_table_body_release(struct conn_table *t, struct conn_body *b);

/* Frees what a frozen endpoint's encoded body owns (list, flowbuf,
 * violations), not the endpoint itself. */
void conn_frozen_free_parts(const struct conn *frozen);

#endif /* ANALYZE_CONN_INT_H */
