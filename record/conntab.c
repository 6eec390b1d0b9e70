// SPDX-License-Identifier: BSD-2-Clause
/*
 * conntab.c - chained hash tables (by cookie, by tuple) over individually
 * allocated entries plus a doubly linked list of all entries for sweeps.
 * The bucket arrays double when the table holds more entries than
 * buckets, so lookups stay O(1) at any number of open connections.
 */
#include "conntab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct conntab {
	struct conn_entry **by_cookie, **by_tuple;
	size_t n_buckets; /* power of two */
	size_t count;
	struct conn_entry *all;
};

#define CONNTAB_MIN_BUCKETS 1024

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* Word at a time: this runs for every segment, and a byte-wise hash of
 * the 48-byte tuple was a visible share of tcprec's CPU under load. */
static uint64_t tuple_hash(const struct ev_tuple *t)
{
	uint64_t w[sizeof(*t) / sizeof(uint64_t)], h = 0;

	_Static_assert(sizeof(*t) % sizeof(uint64_t) == 0, "tuple size");
	memcpy(w, t, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ull;
	return mix64(h);
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
	t->n_buckets = CONNTAB_MIN_BUCKETS;
	t->by_cookie = calloc(t->n_buckets, sizeof(*t->by_cookie));
	t->by_tuple = calloc(t->n_buckets, sizeof(*t->by_tuple));
	if (!t->by_cookie || !t->by_tuple) {
		conntab_free(t);
		errno = ENOMEM;
		return NULL;
	}
	return t;
}

void conntab_free(struct conntab *t)
{
	struct conn_entry *e, *n;

	if (!t)
		return;
	for (e = t->all; e; e = n) {
		n = e->next_all;
		free(e->held);
		free(e);
	}
	free(t->by_cookie);
	free(t->by_tuple);
	free(t);
}

static void link_cookie(struct conntab *t, struct conn_entry *e)
{
	size_t b = mix64(e->cookie) & (t->n_buckets - 1);

	e->next_cookie = t->by_cookie[b];
	t->by_cookie[b] = e;
}

static void link_tuple(struct conntab *t, struct conn_entry *e)
{
	size_t b = tuple_hash(&e->tuple) & (t->n_buckets - 1);

	e->next_tuple = t->by_tuple[b];
	t->by_tuple[b] = e;
}

static void unlink_chain(struct conn_entry **head, struct conn_entry *e, int cookie_chain)
{
	for (struct conn_entry **pp = head; *pp;
	     pp = cookie_chain ? &(*pp)->next_cookie : &(*pp)->next_tuple) {
		if (*pp == e) {
			*pp = cookie_chain ? e->next_cookie : e->next_tuple;
			return;
		}
	}
}

/* Doubles the bucket arrays; on allocation failure keeps the old ones
 * (longer chains, still correct). */
static void grow(struct conntab *t)
{
	size_t n = t->n_buckets * 2;
	struct conn_entry **c = calloc(n, sizeof(*c)), **u = calloc(n, sizeof(*u));

	if (!c || !u) {
		free(c);
		free(u);
		return;
	}
	free(t->by_cookie);
	free(t->by_tuple);
	t->by_cookie = c;
	t->by_tuple = u;
	t->n_buckets = n;
	/* Re-link oldest first so each chain keeps newest-first order. */
	struct conn_entry *last = t->all;

	while (last && last->next_all)
		last = last->next_all;
	for (struct conn_entry *e = last; e; e = e->prev_all) {
		if (e->cookie)
			link_cookie(t, e);
		link_tuple(t, e);
	}
}

struct conn_entry *conntab_add(struct conntab *t, uint64_t cookie, const struct ev_tuple *tuple)
{
	struct conn_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	if (t->count >= t->n_buckets)
		grow(t);
	e->cookie = cookie;
	conntab_tuple_norm(&e->tuple, tuple);
	e->next_all = t->all;
	if (t->all)
		t->all->prev_all = e;
	t->all = e;
	if (cookie)
		link_cookie(t, e);
	link_tuple(t, e);
	t->count++;
	return e;
}

struct conn_entry *conntab_by_cookie(const struct conntab *t, uint64_t cookie)
{
	if (!cookie)
		return NULL;
	for (struct conn_entry *e = t->by_cookie[mix64(cookie) & (t->n_buckets - 1)]; e;
	     e = e->next_cookie)
		if (e->cookie == cookie)
			return e;
	return NULL;
}

struct conn_entry *conntab_by_tuple(const struct conntab *t, const struct ev_tuple *tuple,
				    int flow_ok)
{
	struct ev_tuple k;

	conntab_tuple_norm(&k, tuple);
	for (struct conn_entry *e = t->by_tuple[tuple_hash(&k) & (t->n_buckets - 1)]; e;
	     e = e->next_tuple)
		if (!memcmp(&e->tuple, &k, sizeof(k)) && (flow_ok || !e->flow_only))
			return e;
	return NULL;
}

struct conn_entry *conntab_flow_by_tuple(const struct conntab *t, const struct ev_tuple *tuple)
{
	struct ev_tuple k;

	conntab_tuple_norm(&k, tuple);
	for (struct conn_entry *e = t->by_tuple[tuple_hash(&k) & (t->n_buckets - 1)]; e;
	     e = e->next_tuple)
		if (e->flow_only && !memcmp(&e->tuple, &k, sizeof(k)))
			return e;
	return NULL;
}

void conntab_retuple(struct conntab *t, struct conn_entry *e, const struct ev_tuple *tuple)
{
	unlink_chain(&t->by_tuple[tuple_hash(&e->tuple) & (t->n_buckets - 1)], e, 0);
	conntab_tuple_norm(&e->tuple, tuple);
	link_tuple(t, e);
}

void conntab_remove(struct conntab *t, struct conn_entry *e)
{
	if (e->cookie)
		unlink_chain(&t->by_cookie[mix64(e->cookie) & (t->n_buckets - 1)], e, 1);
	unlink_chain(&t->by_tuple[tuple_hash(&e->tuple) & (t->n_buckets - 1)], e, 0);
	if (e->prev_all)
		e->prev_all->next_all = e->next_all;
	else
		t->all = e->next_all;
	if (e->next_all)
		e->next_all->prev_all = e->prev_all;
	t->count--;
	free(e->held);
	free(e);
}

struct conn_entry *conntab_first(const struct conntab *t)
{
	return t->all;
}

struct conn_entry *conntab_next(const struct conn_entry *e)
{
	return e->next_all;
}

size_t conntab_count(const struct conntab *t)
{
	return t->count;
}
