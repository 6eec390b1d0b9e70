// SPDX-License-Identifier: BSD-2-Clause
/*
 * writer_conn.c - the writer's connection table (serial -> declaration and
 * its chunk-local id) and the chunk-local owner table.  Both are sized for
 * the connections that are open, never for the file: a closed connection's
 * slot is freed at once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "writer_int.h"

#define CTAB_MIN 256u

static size_t slot_of(uint64_t serial, size_t cap)
{
	/* Fibonacci hashing: serials are consecutive, spread them out. */
	return (size_t)((serial * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

int ctab_init(struct conn_table *t)
{
	t->slots = calloc(CTAB_MIN, sizeof(*t->slots));
	if (!t->slots)
		return -ENOMEM;
	t->cap = CTAB_MIN;
	t->count = 0;
	return 0;
}

void ctab_free(struct conn_table *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->count = 0;
}

struct wconn *ctab_find(const struct conn_table *t, uint64_t serial)
{
	if (serial == 0)
		return NULL;
	for (size_t i = slot_of(serial, t->cap);; i = (i + 1) & (t->cap - 1)) {
		struct wconn *s = &t->slots[i];
		if (s->serial == serial)
			return s;
		if (s->serial == 0)
			return NULL;
	}
}

static struct wconn *place(struct wconn *slots, size_t cap, uint64_t serial)
{
	size_t i = slot_of(serial, cap);
	while (slots[i].serial != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct conn_table *t)
{
	size_t ncap;
	if (__builtin_mul_overflow(t->cap, 2, &ncap))
		return -ENOMEM;
	struct wconn *ns = calloc(ncap, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].serial)
			*place(ns, ncap, t->slots[i].serial) = t->slots[i];
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return 0;
}

struct wconn *ctab_insert(struct conn_table *t, uint64_t serial)
{
	if ((t->count + 1) * 2 > t->cap && grow(t) < 0)
		return NULL;
	struct wconn *s = place(t->slots, t->cap, serial);
	memset(s, 0, sizeof(*s));
	s->serial = serial;
	t->count++;
	return s;
}

int ctab_remove(struct conn_table *t, uint64_t serial)
{
	struct wconn *s = ctab_find(t, serial);
	if (!s)
		return -ENOENT;
	size_t hole = (size_t)(s - t->slots);
	s->serial = 0;
	t->count--;
	/* Backward-shift: move later members of the probe run into the hole
	 * when their home slot does not lie between the hole and them. */
	for (size_t j = (hole + 1) & (t->cap - 1); t->slots[j].serial;
	     j = (j + 1) & (t->cap - 1)) {
		size_t home = slot_of(t->slots[j].serial, t->cap);
		size_t dist_home = (j - home) & (t->cap - 1);
		size_t dist_hole = (j - hole) & (t->cap - 1);
		if (dist_home >= dist_hole) {
			t->slots[hole] = t->slots[j];
			t->slots[j].serial = 0;
			hole = j;
		}
	}
	return 0;
}

static uint32_t owner_hash(uint32_t tgid, uint32_t pid, const char *comm, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	h = (h ^ tgid) * 16777619u;
	h = (h ^ pid) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)comm[i]) * 16777619u;
	return h;
}

uint32_t owner_lookup(struct trc_writer *w, const struct trc_ev_state *s, bool *is_new)
{
	size_t n = strnlen(s->comm, TRC_COMM_LEN - 1);
	uint32_t i = owner_hash(s->tgid, s->pid, s->comm, n) & (OWNER_SLOTS - 1);

	/* The caller keeps ch_owners below OWNER_MAX_PER_CHUNK, so a free
	 * slot always exists and the probe terminates. */
	for (;; i = (i + 1) & (OWNER_SLOTS - 1)) {
		struct owner_slot *o = &w->owners[i];
		if (o->gen != w->gen) {
			o->gen = w->gen;
			o->idx = w->ch_owners++;
			o->tgid = s->tgid;
			o->pid = s->pid;
			o->comm_len = (uint8_t)n;
			memcpy(o->comm, s->comm, n);
			*is_new = true;
			return o->idx;
		}
		if (o->tgid == s->tgid && o->pid == s->pid && o->comm_len == n &&
		    memcmp(o->comm, s->comm, n) == 0) {
			*is_new = false;
			return o->idx;
		}
	}
}

uint32_t addr_lookup(struct trc_writer *w, int v6, const uint8_t *a, bool *is_new)
{
	unsigned int n = v6 ? 16 : 4;
	uint32_t h = 2166136261u ^ (uint32_t)v6;
	for (unsigned int k = 0; k < n; k++)
		h = (h ^ a[k]) * 16777619u;
	/* ch_addrs stays below ADDR_SLOTS / 2: the probe terminates. */
	for (uint32_t i = h & (ADDR_SLOTS - 1);; i = (i + 1) & (ADDR_SLOTS - 1)) {
		struct addr_slot *s = &w->addrs[i];
		if (s->gen != w->gen) {
			s->gen = w->gen;
			s->idx = w->ch_addrs++;
			s->v6 = (uint8_t)v6;
			memcpy(s->a, a, n);
			*is_new = true;
			return s->idx;
		}
		if (s->v6 == v6 && memcmp(s->a, a, n) == 0) {
			*is_new = false;
			return s->idx;
		}
	}
}
