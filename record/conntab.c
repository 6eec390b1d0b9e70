// SPDX-License-Identifier: BSD-2-Clause
/*
 * conntab.c - two chained hash tables (lib/hchain.h: by cookie, by
 * tuple) over individually allocated entries, and a list of all entries
 * for sweeps.  The bucket arrays double when the table holds more entries
 * than buckets, so lookups stay O(1) at any number of open connections.
 */
#include "conntab.h"
#include "hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct conntab {
	struct hchain by_cookie, by_tuple;
	LIST_HEAD(, conn_entry) all; /* newest first */
};

#define CONNTAB_MIN_BUCKETS 1024

/* The tuple is hashed for every segment: a word at a time. */
static uint64_t tuple_hash(const struct ev_tuple *t)
{
	_Static_assert(sizeof(*t) % sizeof(uint64_t) == 0, "tuple size");
	return hash_words(t, sizeof(*t));
}

void conntab_tuple_norm(struct ev_tuple *dst, const struct ev_tuple *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->family = src->family;
	dst->lport = src->lport;
	dst->rport = src->rport;
	dst->netns = src->netns;
	memcpy(dst->laddr, src->laddr, src->family == 4 ? 4 : 16);
	memcpy(dst->raddr, src->raddr, src->family == 4 ? 4 : 16);
}

struct conntab *conntab_new(void)
{
	struct conntab *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	LIST_INIT(&t->all);
	if (hchain_init(&t->by_cookie, CONNTAB_MIN_BUCKETS) < 0 ||
	    hchain_init(&t->by_tuple, CONNTAB_MIN_BUCKETS) < 0) {
		conntab_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

void conntab_free(struct conntab *t)
{
	struct conn_entry *e;

	if (!t)
		return;
	while ((e = LIST_FIRST(&t->all))) {
		LIST_REMOVE(e, all);
		free(e->held);
		free(e);
	}
	hchain_fini(&t->by_cookie);
	hchain_fini(&t->by_tuple);
	free(t);
}

struct conn_entry *conntab_add(struct conntab *t, uint64_t cookie, const struct ev_tuple *tuple)
{
	struct conn_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->cookie = cookie;
	conntab_tuple_norm(&e->tuple, tuple);
	LIST_INSERT_HEAD(&t->all, e, all);
	if (cookie)
		hchain_insert(&t->by_cookie, &e->by_cookie, hash_mix(cookie));
	hchain_insert(&t->by_tuple, &e->by_tuple, tuple_hash(&e->tuple));
	return e;
}

struct conn_entry *conntab_by_cookie(const struct conntab *t, uint64_t cookie)
{
	uint64_t h = hash_mix(cookie);

	if (!cookie)
		return NULL;
	for (struct hchain_link *l = hchain_first(&t->by_cookie, h); l; l = hchain_next(l)) {
		struct conn_entry *e = hchain_entry(l, struct conn_entry, by_cookie);

		if (e->cookie == cookie)
			return e;
	}
	return NULL;
}

/* The newest entry with the normalised tuple k that matches. */
static struct conn_entry *newest_of(const struct conntab *t, const struct ev_tuple *k,
				    int (*match)(const struct conn_entry *, int), int arg)
{
	uint64_t h = tuple_hash(k);

	for (struct hchain_link *l = hchain_first(&t->by_tuple, h); l; l = hchain_next(l)) {
		struct conn_entry *e = hchain_entry(l, struct conn_entry, by_tuple);

		if (l->hash == h && !memcmp(&e->tuple, k, sizeof(*k)) && match(e, arg))
			return e;
	}
	return NULL;
}

static int kind_ok(const struct conn_entry *e, int flow_ok)
{
	return flow_ok || !e->flow_only;
}

static int is_flow(const struct conn_entry *e, int unused)
{
	(void)unused;
	return e->flow_only;
}

struct conn_entry *conntab_by_tuple(const struct conntab *t, const struct ev_tuple *tuple,
				    int flow_ok)
{
	struct ev_tuple k;

	conntab_tuple_norm(&k, tuple);
	return newest_of(t, &k, kind_ok, flow_ok);
}

struct conn_entry *conntab_flow_by_tuple(const struct conntab *t, const struct ev_tuple *tuple)
{
	struct ev_tuple k;

	conntab_tuple_norm(&k, tuple);
	return newest_of(t, &k, is_flow, 0);
}

void conntab_retuple(struct conntab *t, struct conn_entry *e, const struct ev_tuple *tuple)
{
	hchain_remove(&t->by_tuple, &e->by_tuple);
	conntab_tuple_norm(&e->tuple, tuple);
	hchain_insert(&t->by_tuple, &e->by_tuple, tuple_hash(&e->tuple));
}

void conntab_remove(struct conntab *t, struct conn_entry *e)
{
	if (e->cookie)
		hchain_remove(&t->by_cookie, &e->by_cookie);
	hchain_remove(&t->by_tuple, &e->by_tuple);
	LIST_REMOVE(e, all);
	free(e->held);
	free(e);
}

struct conn_entry *conntab_first(const struct conntab *t)
{
	return LIST_FIRST(&t->all);
}

struct conn_entry *conntab_next(const struct conn_entry *e)
{
	return LIST_NEXT(e, all);
}

size_t conntab_count(const struct conntab *t)
{
	return t->by_tuple.count;
}
