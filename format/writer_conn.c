// SPDX-License-Identifier: BSD-2-Clause
/*
 * writer_conn.c - the writer's connection table (serial -> declaration and
 * its chunk-local id) and the chunk-local owner table.  Both are sized for
 * the connections that are open, never for the file: a closed connection's
 * slot is freed at once.  The table holds keys and pool indices only:
 * with the 128-byte connections in the slots, every doubling copied them
 * all to scattered places in fresh memory, and ctab_insert took 30 % of
 * tcprec's CPU while it wrote a 70,000-socket snapshot (perf: the copy in
 * the grow and the insert's memset, plus page faults).  The pool reuses
 * the last freed entry first, which is still in cache.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "writer_conn.h"
#include "writer_state.h"

#define CTAB_MIN 256u

static size_t slot_of(uint64_t serial, size_t cap)
{
	/* Fibonacci hashing: serials are consecutive, spread them out. */
	return (size_t)((serial * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

int ctab_init(struct conn_table *t)
{
	memset(t, 0, sizeof(*t));
	t->keys = calloc(CTAB_MIN, sizeof(*t->keys));
	t->idx = calloc(CTAB_MIN, sizeof(*t->idx));
	if (!t->keys || !t->idx) {
		ctab_free(t);
		return -ENOMEM;
	}
	t->cap = CTAB_MIN;
	return 0;
}

void ctab_free(struct conn_table *t)
{
	free(t->keys);
	free(t->idx);
	free(t->pool);
	free(t->free_idx);
	memset(t, 0, sizeof(*t));
}

/* The slot holding serial, or the empty slot where it would go. */
static size_t probe(const uint64_t *keys, size_t cap, uint64_t serial)
{
	size_t i = slot_of(serial, cap);

	while (keys[i] != 0 && keys[i] != serial)
		i = (i + 1) & (cap - 1);
	return i;
}

struct wconn *ctab_find(const struct conn_table *t, uint64_t serial)
{
	if (serial == 0)
		return NULL;
	size_t i = probe(t->keys, t->cap, serial);

	return t->keys[i] ? &t->pool[t->idx[i]] : NULL;
}

static int grow_table(struct conn_table *t)
{
	size_t ncap;
	if (__builtin_mul_overflow(t->cap, 2, &ncap))
		return -ENOMEM;
	uint64_t *nk = calloc(ncap, sizeof(*nk));
	uint32_t *ni = malloc(ncap * sizeof(*ni));
	if (!nk || !ni) {
		free(nk);
		free(ni);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->keys[i])
			continue;
		size_t j = probe(nk, ncap, t->keys[i]);

		nk[j] = t->keys[i];
		ni[j] = t->idx[i];
	}
	free(t->keys);
	free(t->idx);
	t->keys = nk;
	t->idx = ni;
	t->cap = ncap;
	return 0;
}

/* A pool entry for a new connection: the last one freed, else the next. */
static int pool_take(struct conn_table *t, uint32_t *out)
{
	if (t->n_free) {
		*out = t->free_idx[--t->n_free];
		return 0;
	}
	if (t->pool_used == t->pool_cap) {
		size_t ncap = t->pool_cap ? t->pool_cap * 2 : CTAB_MIN;
		if (ncap > UINT32_MAX)
			return -ENOMEM;
		struct wconn *np = realloc(t->pool, ncap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		t->pool = np;
		uint32_t *nf = realloc(t->free_idx, ncap * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		t->free_idx = nf;
		t->pool_cap = ncap;
	}
	*out = (uint32_t)t->pool_used++;
	return 0;
}

struct wconn *ctab_insert(struct conn_table *t, uint64_t serial)
{
	uint32_t at;

	if ((t->count + 1) * 2 > t->cap && grow_table(t) < 0)
		return NULL;
	if (pool_take(t, &at) < 0)
		return NULL;
	size_t i = probe(t->keys, t->cap, serial);
	struct wconn *s = &t->pool[at];

	memset(s, 0, sizeof(*s));
	t->keys[i] = serial;
	t->idx[i] = at;
	t->count++;
	return s;
}

int ctab_remove(struct conn_table *t, uint64_t serial)
{
	if (serial == 0)
		return -ENOENT;
	size_t hole = probe(t->keys, t->cap, serial);
	if (!t->keys[hole])
		return -ENOENT;
	t->free_idx[t->n_free++] = t->idx[hole];
	t->keys[hole] = 0;
	t->count--;
	/* Backward-shift: move later members of the probe run into the hole
	 * when their home slot does not lie between the hole and them. */
	for (size_t j = (hole + 1) & (t->cap - 1); t->keys[j]; j = (j + 1) & (t->cap - 1)) {
		size_t home = slot_of(t->keys[j], t->cap);
		size_t dist_home = (j - home) & (t->cap - 1);
		size_t dist_hole = (j - hole) & (t->cap - 1);
		if (dist_home >= dist_hole) {
			t->keys[hole] = t->keys[j];
			t->idx[hole] = t->idx[j];
			t->keys[j] = 0;
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
