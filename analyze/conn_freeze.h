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

struct conn_freezer {
	struct conn_list cooling;      /* least recently touched first */
	struct conn_body *free_bodies; /* released bodies kept for reuse */
	unsigned int n_free_bodies;
};

void conn_freezer_init(struct conn_freezer *f);
/* Frees the bodies kept for reuse. */
void conn_freezer_fini(struct conn_freezer *f);

/* A body's worth of memory, reused or new (not initialised), and its
 * return to the reuse list; neither touches what the body owns. */
struct conn_body *conn_freezer_body(struct conn_freezer *f);
void conn_freezer_body_release(struct conn_freezer *f, struct conn_body *b);

/* See conn_table_freeze() and conn_table_thaw() in conn.h. */
bool conn_freeze(struct conn_freezer *f, struct conn *c);
bool conn_thaw(struct conn_freezer *f, struct conn *c);

/* The cooling list: cool() (re)appends c, uncool() takes it off. */
void conn_cool(struct conn_freezer *f, struct conn *c);
void conn_uncool(struct conn_freezer *f, struct conn *c);
struct conn *conn_cool_head(struct conn_freezer *f);

/* Frees what a frozen endpoint's encoded body owns (list, flowbuf,
 * violations), not the endpoint itself. */
void conn_frozen_free_parts(const struct conn *frozen);

#endif /* ANALYZE_CONN_FREEZE_H */
