// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn_index.c - the index of live endpoints by (file, serial): open
 * addressing with linear probing, at most half full, and the key kept in
 * the slot.  Every event looks its endpoint up here; with chained buckets
 * each probe also read a cold endpoint (its serial), now a probe reads one
 * slot.  Deletion shifts the following slots back, so there are no
 * tombstones and lookups stay short however many endpoints come and go.
 *
 * Every probe is bounded: it ends at the first empty slot (an entry never
 * lies beyond an empty slot of its probe sequence, which the shifts of a
 * removal preserve) and after sidx_cap slots at most, so no sequence of
 * inserts, replacements and removals, consistent or not, can make a probe
 * run forever.  A removal or replacement of an endpoint that is not in the
 * index says so instead of searching for it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "conn_int.h"

#define SIDX_MIN 1024

static size_t home(const struct conn_table *t, uint32_t file, uint64_t serial)
{
	return mix(serial * 31 + file) & (t->sidx_cap - 1);
}

int sidx_init(struct conn_table *t)
{
	t->sidx = calloc(SIDX_MIN, sizeof(*t->sidx));
	if (!t->sidx)
		return -ENOMEM;
	t->sidx_cap = SIDX_MIN;
	return 0;
}

#define SIDX_NONE SIZE_MAX

struct conn *sidx_find(const struct conn_table *t, uint32_t file, uint64_t serial)
{
	size_t mask = t->sidx_cap - 1, i = home(t, file, serial);

	for (size_t n = 0; n < t->sidx_cap && t->sidx[i].c; n++, i = (i + 1) & mask)
		if (t->sidx[i].serial == serial && t->sidx[i].file == file)
			return t->sidx[i].c;
	return NULL;
}

/* The slot that holds c, or SIDX_NONE when c is not indexed under its
 * own key. */
static size_t slot_of(const struct conn_table *t, const struct conn *c)
{
	size_t mask = t->sidx_cap - 1, i = home(t, c->file, c->serial);

	for (size_t n = 0; n < t->sidx_cap && t->sidx[i].c; n++, i = (i + 1) & mask)
		if (t->sidx[i].c == c)
			return i;
	return SIDX_NONE;
}

/* Inserts into a table that has an empty slot (sidx_insert() keeps it at
 * most half full). */
static void place(struct conn_table *t, struct conn *c)
{
	size_t mask = t->sidx_cap - 1, i = home(t, c->file, c->serial);

	for (size_t n = 0; n < t->sidx_cap && t->sidx[i].c; n++)
		i = (i + 1) & mask;
	t->sidx[i] = (struct sidx_slot){ .c = c, .serial = c->serial, .file = c->file };
}

static int grow(struct conn_table *t)
{
	struct sidx_slot *old = t->sidx;
	size_t old_cap = t->sidx_cap;

	t->sidx = calloc(old_cap * 2, sizeof(*t->sidx));
	if (!t->sidx) {
		t->sidx = old;
		return -ENOMEM;
	}
	t->sidx_cap = old_cap * 2;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].c)
			place(t, old[i].c);
	free(old);
	return 0;
}

int sidx_insert(struct conn_table *t, struct conn *c)
{
	if ((t->sidx_used + 1) * 2 > t->sidx_cap && grow(t) < 0)
		return -ENOMEM;
	place(t, c);
	t->sidx_used++;
	return 0;
}

/* Whether the entry whose home is h may move back from slot j to the hole
 * at i: only if h is not cyclically within (i, j]. */
static bool may_fill(size_t i, size_t j, size_t h)
{
	if (i <= j)
		return h <= i || h > j;
	return h <= i && h > j;
}

int sidx_remove(struct conn_table *t, const struct conn *c)
{
	size_t mask = t->sidx_cap - 1, hole = slot_of(t, c);

	if (hole == SIDX_NONE)
		return -ENOENT;
	for (size_t j = (hole + 1) & mask; t->sidx[j].c; j = (j + 1) & mask) {
		const struct sidx_slot *s = &t->sidx[j];

		if (may_fill(hole, j, home(t, s->file, s->serial))) {
			t->sidx[hole] = *s;
			hole = j;
		}
	}
	t->sidx[hole].c = NULL;
	t->sidx_used--;
	return 0;
}
