/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn_int.h - the connection table's layout, shared by conn.c (indexes,
 * peers, reuse) and conn_queue.c (finalisation queues, iteration).
 */
#ifndef ANALYZE_CONN_INT_H
#define ANALYZE_CONN_INT_H

#include "conn.h"

struct lookaside_ent {
	struct conn_key key;
	uint64_t id;
};

struct conn_table {
	struct conn **sbuckets; /* by (file, serial) */
	struct conn **tbuckets; /* by 4-tuple (netns not hashed: peers differ) */
	size_t nbuckets;        /* power of two, same for both */
	uint64_t live;
	uint64_t next_id;
	struct conn *qhead[CONN_QUEUES], *qtail[CONN_QUEUES];
	/* Direct-mapped by tuple hash: a newer endpoint may evict an older one
	 * with the same slot; the bound is CONN_LOOKASIDE entries. */
	struct lookaside_ent look[CONN_LOOKASIDE];
	struct conn *free_list; /* finalised endpoints kept for reuse */
	unsigned int n_free;
	size_t pop_cursor; /* buckets before it are empty once popping started */
};

#endif /* ANALYZE_CONN_INT_H */
