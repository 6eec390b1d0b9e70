/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn_freeze.h - frozen endpoints: a held endpoint's body stored without
 * its zero bytes, the cooling list of closed endpoints waiting to be
 * frozen, and the bodies kept for reuse.  Only the body changes form: the
 * head, and every link to the endpoint, stays where it is.
 */
#ifndef ANALYZE_CONN_FREEZE_H
#define ANALYZE_CONN_FREEZE_H

#include <stdbool.h>

#include "endpoint.h"
#include "freelist.h"

/* Bodies, and encoded bodies in size classes of CONN_ENC_STEP bytes,
 * each kind with its free list, are all cut from one source of huge-page
 * slabs (lib/freelist.h): through malloc, a growing set of held endpoints
 * cost a page fault for each 4 KiB of them, and on a paravirtualised
 * guest that was a fifth of the analysis.  What the lists keep is bounded
 * by the most bodies, and the most encodings of each class, held at once. */
#define CONN_ENC_STEP	 32
#define CONN_ENC_CLASSES 64

struct conn_freezer {
	struct conn_list cooling; /* least recently touched first */
	struct freelist bodies;
	struct freelist enc[CONN_ENC_CLASSES];
	struct slab_source slabs;
};

void conn_freezer_init(struct conn_freezer *f);
/* Frees what is kept for reuse. */
void conn_freezer_fini(struct conn_freezer *f);

/* A body's worth of memory, reused or new (not initialised), and its
 * return to the reuse list; neither touches what the body owns. */
struct conn_body *conn_freezer_body(struct conn_freezer *f);
void conn_freezer_body_release(struct conn_freezer *f, struct conn_body *b);
/* Gives back c's body or encoded body, whichever it has, with neither
 * what the body owns nor c itself. */
void conn_freezer_release_body_of(struct conn_freezer *f, struct conn *c);

/* See conn_table_freeze() and conn_table_thaw() in conn.h. */
bool conn_freeze(struct conn_freezer *f, struct conn *c);
bool conn_thaw(struct conn_freezer *f, struct conn *c);

/* Asks for c's body, or its encoding while frozen, to be brought into
 * the cache. */
void conn_prefetch(const struct conn *c);

/* The cooling list: cool() (re)appends c, uncool() takes it off. */
void conn_cool(struct conn_freezer *f, struct conn *c);
void conn_uncool(struct conn_freezer *f, struct conn *c);
struct conn *conn_cool_head(struct conn_freezer *f);

/* Frees what a frozen endpoint's encoded body owns (list, flowbuf,
 * violations), not the endpoint itself. */
void conn_frozen_free_parts(const struct conn *frozen);

#endif /* ANALYZE_CONN_FREEZE_H */
