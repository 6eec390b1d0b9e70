// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn_index.c - the index of live endpoints by (file, serial): open
 * addressing with linear probing, at most half full, and the key kept in
 * the slot.  Every event looks its endpoint up here; with chained buckets
 * each probe also read a cold endpoint (its serial), now a probe reads one
 * slot.  Deletion shifts the following slots back, so there are no
 * tombstones and lookups stay short however many endpoints come and go.
 *
 * An endpoint's home slot follows its serial: the recorder numbers
 * connections as they appear, so the endpoints an event stream touches
 * at any moment have nearby serials, and their slots share cache lines.
 * Homes are two slots apart: a window of consecutive serials (at most
 * half the slots, the load limit) then leaves an empty slot after each
 * entry, where one slot each made a single run that every removal's
 * shift scanned to its end.
 * A shard of a parallel run holds about one connection in N, in an index
 * that many times smaller: with homes two slots apart, its window of
 * serials wrapped around the index onto itself, and a lookup read 1.45
 * slots with two shards and 2.4 with four, against 0.94 in one thread
 * (synthetic 10M).  A shard's homes are 4/N slots apart, in an index at
 * most a quarter full: 0.94 with two and four, 1.1 with eight, 1.4 with
 * sixteen, for twice one thread's index memory over all shards.
 * Hashing the serial scattered them over the whole index, and the lookup
 * was a cache miss for every event (16 % of tcpana's time on a 10 M-event
 * trace).  Serials chosen to collide (a crafted trace) would make long
 * runs; the first insert that probes more than SIDX_MAX_RUN slots turns
 * the index over to hashed homes for good, so the cost stays bounded.
 *
 * Every probe is bounded: it ends at the first empty slot (an entry never
 * lies beyond an empty slot of its probe sequence, which the shifts of a
 * removal preserve) and after cap slots at most, so no sequence of
 * inserts, replacements and removals, consistent or not, can make a probe
 * run forever.  A removal or replacement of an endpoint that is not in the
 * index says so instead of searching for it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "conn_index.h"
#include "hash.h"
#include "zeroed.h"

#define SIDX_MIN     1024
#define SIDX_MAX_RUN 64
/* Spreads the serials of different files apart in the serial-ordered
 * layout: odd, so distinct files never share a whole run. */
#define SIDX_FILE_STRIDE 0x9e3779b97f4a7c15ull

/* Fixed point of conn_index.spread. */
#define SIDX_SPREAD_ONE 65536u

static size_t home(const struct conn_index *t, uint32_t file, uint64_t serial)
{
	if (t->hashed)
		return hash_mix(serial * 31 + file) & (t->cap - 1);
	/* The product wraps, but its low bits are those of serial * spread
	 * / SIDX_SPREAD_ONE: for one shard, serial * 2. */
	return ((serial * t->spread) / SIDX_SPREAD_ONE + file * SIDX_FILE_STRIDE) & (t->cap - 1);
}

int conn_index_init(struct conn_index *t)
{
	t->slot = zeroed_array(SIDX_MIN, sizeof(*t->slot));
	if (!t->slot)
		return -ENOMEM;
	t->cap = SIDX_MIN;
	t->used = 0;
	t->hashed = false;
	t->spread = 2 * SIDX_SPREAD_ONE;
	t->fill = 2;
	return 0;
}

void conn_index_share(struct conn_index *t, unsigned int shards)
{
	if (shards < 2 || t->used)
		return;
	t->spread = 4 * SIDX_SPREAD_ONE / shards;
	t->fill = 4;
}

void conn_index_fini(struct conn_index *t)
{
	free(t->slot);
	t->slot = NULL;
	t->cap = t->used = 0;
}

#define SIDX_NONE SIZE_MAX

struct conn *conn_index_find(const struct conn_index *t, uint32_t file, uint64_t serial)
{
	size_t mask = t->cap - 1, i = home(t, file, serial);

	for (size_t n = 0; n < t->cap && t->slot[i].c; n++, i = (i + 1) & mask)
		if (t->slot[i].serial == serial && t->slot[i].file == file)
			return t->slot[i].c;
	return NULL;
}

/* The slot that holds c, or SIDX_NONE when c is not indexed under its
 * own key. */
static size_t slot_of(const struct conn_index *t, const struct conn *c)
{
	size_t mask = t->cap - 1, i = home(t, c->file, c->serial);

	for (size_t n = 0; n < t->cap && t->slot[i].c; n++, i = (i + 1) & mask)
		if (t->slot[i].c == c)
			return i;
	return SIDX_NONE;
}

/* Inserts into an index that has an empty slot (conn_index_insert() keeps it at
 * most half full); returns how many slots it probed. */
static size_t place(struct conn_index *t, struct conn *c)
{
	size_t mask = t->cap - 1, i = home(t, c->file, c->serial), n = 0;

	for (; n < t->cap && t->slot[i].c; n++)
		i = (i + 1) & mask;
	t->slot[i] = (struct sidx_slot){ .c = c, .serial = c->serial, .file = c->file };
	return n;
}

/* Moves every entry into a new array of new_cap slots. */
static int rebuild(struct conn_index *t, size_t new_cap)
{
	struct sidx_slot *old = t->slot;
	size_t old_cap = t->cap;

	t->slot = zeroed_array(new_cap, sizeof(*t->slot));
	if (!t->slot) {
		t->slot = old;
		return -ENOMEM;
	}
	t->cap = new_cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].c)
			place(t, old[i].c);
	free(old);
	return 0;
}

int conn_index_insert(struct conn_index *t, struct conn *c)
{
	if ((t->used + 1) * t->fill > t->cap && rebuild(t, t->cap * 2) < 0)
		return -ENOMEM;
	if (place(t, c) > SIDX_MAX_RUN && !t->hashed) {
		/* Serials that pile up: hashed homes from now on.  Out of
		 * memory, the runs stay long but bounded. */
		t->hashed = true;
		if (rebuild(t, t->cap) < 0)
			t->hashed = false;
	}
	t->used++;
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

int conn_index_remove(struct conn_index *t, const struct conn *c)
{
	size_t mask = t->cap - 1, hole = slot_of(t, c);

	if (hole == SIDX_NONE)
		return -ENOENT;
	for (size_t j = (hole + 1) & mask; t->slot[j].c; j = (j + 1) & mask) {
		const struct sidx_slot *s = &t->slot[j];

		if (may_fill(hole, j, home(t, s->file, s->serial))) {
			t->slot[hole] = *s;
			hole = j;
		}
	}
	t->slot[hole].c = NULL;
	t->used--;
	return 0;
}

struct conn *conn_index_next(const struct conn_index *t, size_t *cursor)
{
	for (size_t i = *cursor; i < t->cap; i++) {
		*cursor = i;
		if (t->slot[i].c)
			return t->slot[i].c;
	}
	*cursor = t->cap;
	return NULL;
}

size_t conn_index_slots(const struct conn_index *t)
{
	return t->cap;
}
