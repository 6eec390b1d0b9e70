/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn_index.h - the index of live endpoints by (file, serial): open
 * addressing with linear probing, the key kept in the slot.  Every probe
 * is bounded by the index size.
 */
#ifndef ANALYZE_CONN_INDEX_H
#define ANALYZE_CONN_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"

/* A slot; empty when c is NULL.  The key is kept in the slot so that
 * probing and the shifts of a removal read no endpoint. */
struct sidx_slot {
	struct conn *c;
	uint64_t serial;
	uint32_t file;
};

struct conn_index {
	struct sidx_slot *slot;
	size_t cap; /* power of two, at least fill times used */
	size_t used;
	bool hashed; /* homes by hashed serial, after a long run (conn_index.c) */
	/* Slots between the homes of consecutive serials, in 1/65536, and
	 * the least ratio of slots to entries: 2 and 2, or 4/N and 4 in a
	 * shard of N (conn_index_share()) */
	uint32_t spread;
	uint32_t fill;
};

/* -ENOMEM when it could not be allocated. */
int conn_index_init(struct conn_index *ix);
void conn_index_fini(struct conn_index *ix);
/* The index holds the endpoints of one of shards shares of the
 * connections, picked by tuple: about one serial in shards.  Before the
 * first insert. */
void conn_index_share(struct conn_index *ix, unsigned int shards);
/* NULL if absent. */
struct conn *conn_index_find(const struct conn_index *ix, uint32_t file, uint64_t serial);
/* -ENOMEM when it could not grow. */
int conn_index_insert(struct conn_index *ix, struct conn *c);
/* -ENOENT when c is not in it. */
int conn_index_remove(struct conn_index *ix, const struct conn *c);
/* The endpoint of the first used slot at or after *cursor, which is left
 * on that slot; NULL past the end.  A removal only shifts entries back
 * towards the slot it emptied, never below it, so removing what this
 * returned keeps every slot before the cursor empty. */
struct conn *conn_index_next(const struct conn_index *ix, size_t *cursor);
/* Slots a walk over every endpoint reads. */
size_t conn_index_slots(const struct conn_index *ix);

#endif /* ANALYZE_CONN_INDEX_H */
