// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn_index.c - the index of live endpoints by (file, serial): open
 * addressing with linear probing, at most half full, and the key kept in
 * the slot.  Every event looks its endpoint up here; with chained buckets
 * each probe also read a cold endpoint (its serial), now a probe reads one
 * slot.  Deletion shifts the following slots back, so there are no
 * tombstones and lookups stay short however many endpoints come and go.
 */
#include <errno.h>
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

struct conn *sidx_find(const struct conn_table *t, uint32_t file, uint64_t serial)
{
	size_t mask = t->sidx_cap - 1;

	for (size_t i = home(t, file, serial);; i = (i + 1) & mask) {
		const struct sidx_slot *s = &t->sidx[i];

		if (!s->c)
			return NULL;
		if (s->serial == serial && s->file == file)
			return s->c;
	}
}

/* The slot that holds c; c must be indexed. */
static size_t slot_of(const struct conn_table *t, const struct conn *c)
{
	size_t mask = t->sidx_cap - 1, i = home(t, c->file, c->serial);

	while (t->sidx[i].c != c)
		i = (i + 1) & mask;
	return i;
}

static void place(struct conn_table *t, struct conn *c)
{
	size_t mask = t->sidx_cap - 1, i = home(t, c->file, c->serial);

	while (t->sidx[i].c)
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

void sidx_remove(struct conn_table *t, const struct conn *c)
{
	size_t mask = t->sidx_cap - 1, hole = slot_of(t, c);

	for (size_t j = (hole + 1) & mask; t->sidx[j].c; j = (j + 1) & mask) {
		const struct sidx_slot *s = &t->sidx[j];

		if (may_fill(hole, j, home(t, s->file, s->serial))) {
			t->sidx[hole] = *s;
			hole = j;
		}
	}
	t->sidx[hole].c = NULL;
	t->sidx_used--;
}

void sidx_replace(struct conn_table *t, const struct conn *old, struct conn *c)
{
	t->sidx[slot_of(t, old)].c = c;
}
