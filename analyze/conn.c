// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn.c - the connection table: live endpoints by (file, serial) (the
 * index is conn_index.c), by 4-tuple for flow joining and peer pairing,
 * the finalisation queue, and a bounded ring of recently finalised
 * endpoints (CONN_LOOKASIDE) so that an endpoint appearing after its peer
 * was emitted still names it.
 * Memory grows with live endpoints only; tables double when full.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conn_int.h"

static struct lookaside_ent *look_slot(struct conn_table *t, const struct conn_key *k)
{
	return &t->look[tuple_hash(k->laddr, k->lport, k->raddr, k->rport) % CONN_LOOKASIDE];
}

void conn_key_from_decl(struct conn_key *k, const struct trc_conn *d, bool swapped)
{
	memset(k, 0, sizeof(*k));
	k->netns = d->netns;
	k->family = d->family;
	memcpy(k->laddr, swapped ? d->raddr : d->laddr, 16);
	memcpy(k->raddr, swapped ? d->laddr : d->raddr, 16);
	k->lport = swapped ? d->rport : d->lport;
	k->rport = swapped ? d->lport : d->rport;
}

static bool tuple_eq(const struct conn_key *a, const struct conn_key *b)
{
	return a->family == b->family && a->lport == b->lport && a->rport == b->rport &&
	       !memcmp(a->laddr, b->laddr, 16) && !memcmp(a->raddr, b->raddr, 16);
}

struct conn_table *conn_table_new(void)
{
	struct conn_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->nbuckets = 1024;
	t->tbuckets = calloc(t->nbuckets, sizeof(*t->tbuckets));
	if (sidx_init(t) < 0 || !t->tbuckets) {
		conn_table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	t->next_id = 1;
	return t;
}

/* The parts allocated only when needed. */
static void free_parts(struct conn *c)
{
	free(c->b->list);
	free(c->b->flowbuf);
	free(c->b->violations);
}

void conn_free(struct conn *c)
{
	if (!c)
		return;
	conn_free(c->parked);
	if (c->frozen)
		conn_frozen_free_parts(c);
	else
		free_parts(c);
	free(c->b);
	free(c->enc);
	free(c);
}

void conn_table_release(struct conn_table *t, struct conn *c)
{
	if (!c)
		return;
	conn_free(c->parked);
	c->parked = NULL;
	if (c->frozen || t->n_free >= CONN_FREE_MAX) {
		conn_free(c);
		return;
	}
	free_parts(c);
	c->fnext = t->free_list;
	t->free_list = c;
	t->n_free++;
}

struct conn_body *conn_table_body(struct conn_table *t)
{
	struct conn_body *b = t->free_bodies;

	if (!b)
		return malloc(sizeof(*b));
	memcpy(&t->free_bodies, b, sizeof(t->free_bodies));
	t->n_free_bodies--;
	return b;
}

void conn_table_body_release(struct conn_table *t, struct conn_body *b)
{
	if (t->n_free_bodies >= CONN_FREE_BODIES) {
		free(b);
		return;
	}
	/* A free body's first bytes link the list. */
	memcpy(b, &t->free_bodies, sizeof(t->free_bodies));
	t->free_bodies = b;
	t->n_free_bodies++;
}

/* A head with a body, both reused when possible; neither initialised. */
static struct conn *conn_shell(struct conn_table *t)
{
	struct conn *c = t->free_list;

	if (c) {
		t->free_list = c->fnext;
		t->n_free--;
		return c; /* its body came back with it */
	}
	c = malloc(sizeof(*c));
	if (c && !(c->b = conn_table_body(t))) {
		free(c);
		return NULL;
	}
	return c;
}

void conn_table_free(struct conn_table *t)
{
	struct conn *c;

	if (!t)
		return;
	while ((c = t->free_list)) {
		t->free_list = c->fnext;
		free(c->b);
		free(c);
	}
	while (t->free_bodies) {
		struct conn_body *b = t->free_bodies;

		memcpy(&t->free_bodies, b, sizeof(t->free_bodies));
		free(b);
	}
	while ((c = conn_table_pop(t))) {
		if (c->mirror)
			conn_free(c->mirror);
		conn_free(c);
	}
	free(t->sidx);
	free(t->tbuckets);
	free(t);
}

struct conn *conn_table_lookup(struct conn_table *t, uint32_t file, uint64_t serial)
{
	return sidx_find(t, file, serial);
}

static void tuple_insert(struct conn_table *t, struct conn *c)
{
	size_t s = tuple_slot(t, c->key.laddr, c->key.lport, c->key.raddr, c->key.rport);

	c->tnext = t->tbuckets[s];
	if (c->tnext)
		c->tnext->tpprev = &c->tnext;
	t->tbuckets[s] = c;
	c->tpprev = &t->tbuckets[s];
	c->in_tuple_index = true;
}

/* Doubles the tuple index; a load factor of one keeps chains short.  The
 * order within a chain decides between equal tuples (conn_table_by_tuple,
 * conn_table_link_peer), so it is rebuilt exactly this way. */
static int grow(struct conn_table *t)
{
	size_t old_n = t->nbuckets;
	struct conn **ot = t->tbuckets;

	t->tbuckets = calloc(old_n * 2, sizeof(*ot));
	if (!t->tbuckets) {
		t->tbuckets = ot;
		return -ENOMEM;
	}
	t->nbuckets = old_n * 2;
	for (size_t i = 0; i < old_n; i++) {
		struct conn *c, *n;

		for (c = ot[i]; c; c = n) {
			n = c->tnext;
			tuple_insert(t, c);
		}
	}
	free(ot);
	return 0;
}

struct conn *conn_table_add(struct conn_table *t, uint32_t file, const struct trc_conn *decl)
{
	struct conn_body *body;
	struct conn *c;

	if (t->live >= t->nbuckets && grow(t) < 0) {
		errno = ENOMEM;
		return NULL;
	}
	/* Reuse: finalising and opening connections at the same rate then
	 * costs no allocation. */
	c = conn_shell(t);
	if (!c)
		return NULL;
	body = c->b;
	memset(c, 0, sizeof(*c));
	memset(body, 0, sizeof(*body));
	c->b = body;
	c->id = t->next_id++;
	c->file = file;
	c->serial = decl->serial;
	c->b->decl = *decl;
	c->flow_only = decl->flags & TRC_CONN_F_FLOW_ONLY;
	conn_key_from_decl(&c->key, decl, false);
	if (sidx_insert(t, c) < 0) {
		conn_table_release(t, c);
		errno = ENOMEM;
		return NULL;
	}
	c->indexed = true;
	tuple_insert(t, c);
	t->live++;
	return c;
}

struct conn *conn_table_add_mirror(struct conn_table *t, struct conn *c)
{
	struct conn *m = calloc(1, sizeof(*m));

	if (!m || !(m->b = calloc(1, sizeof(*m->b)))) {
		free(m);
		return NULL;
	}
	m->id = t->next_id++;
	m->file = c->file;
	m->serial = c->serial;
	m->b->decl = c->b->decl;
	memcpy(m->b->decl.laddr, c->b->decl.raddr, 16);
	memcpy(m->b->decl.raddr, c->b->decl.laddr, 16);
	m->b->decl.lport = c->b->decl.rport;
	m->b->decl.rport = c->b->decl.lport;
	conn_key_from_decl(&m->key, &m->b->decl, false);
	m->flow_only = true;
	m->is_mirror = true;
	m->mirror = c;
	c->mirror = m;
	m->peer = c;
	c->peer = m;
	m->peer_id = c->id;
	c->peer_id = m->id;
	return m;
}

static void unlink_chain(struct conn *c)
{
	*c->tpprev = c->tnext;
	if (c->tnext)
		c->tnext->tpprev = c->tpprev;
	c->tnext = NULL;
	c->tpprev = NULL;
}

void conn_table_join(struct conn *sock, struct conn *flow)
{
	if (sock->flow == flow && flow->sock == sock)
		return;
	conn_unjoin(sock);
	conn_unjoin(flow);
	sock->flow = flow;
	flow->sock = sock;
}

void conn_unjoin(struct conn *c)
{
	if (c->flow) {
		c->flow->sock = NULL;
		c->flow = NULL;
	}
	if (c->sock) {
		c->sock->flow = NULL;
		c->sock = NULL;
	}
}

void conn_table_remove(struct conn_table *t, struct conn *c)
{
	struct lookaside_ent *l;

	conn_unjoin(c);
	conn_table_unqueue(t, c);
	conn_table_uncool(t, c);
	if (c->indexed)
		(void)sidx_remove(t, c); /* -ENOENT: nothing to take out */
	if (c->in_tuple_index)
		unlink_chain(c);
	c->in_tuple_index = false;
	c->indexed = false;
	t->live--;
	if (c->peer) {
		c->peer->peer = NULL; /* the id stays, the pointer must not */
		c->peer = NULL;
	}
	/* Only an endpoint still without a peer waits for a late one: one
	 * that had its peer would pair with the next incarnation of its
	 * tuple. */
	if (c->flow_only || c->key.rport == 0 || c->peer_id)
		return;
	l = look_slot(t, &c->key);
	l->key = c->key;
	l->id = c->id;
}

struct conn *conn_table_by_tuple(struct conn_table *t, const struct conn_key *k, bool flow_only)
{
	struct conn *c = t->tbuckets[tuple_slot(t, k->laddr, k->lport, k->raddr, k->rport)];

	for (unsigned int n = 0; c && n < CONN_TUPLE_WALK_MAX; c = c->tnext, n++)
		if (c->flow_only == flow_only && !c->adopted && c->key.netns == k->netns &&
		    tuple_eq(&c->key, k))
			return c;
	return NULL;
}

uint64_t conn_table_link_peer(struct conn_table *t, struct conn *c)
{
	struct conn_key rev;
	struct conn *p, *best = NULL;
	struct lookaside_ent *l;

	if (c->peer_id || c->flow_only || c->key.rport == 0)
		return c->peer_id;
	conn_key_from_decl(&rev, &c->b->decl, true);
	p = t->tbuckets[tuple_slot(t, rev.laddr, rev.lport, rev.raddr, rev.rport)];
	for (unsigned int n = 0; p && n < CONN_TUPLE_WALK_MAX; p = p->tnext, n++) {
		if (p == c || p->flow_only || p->peer_id || !tuple_eq(&p->key, &rev))
			continue;
		if (!best || p->key.netns == c->key.netns)
			best = p;
	}
	if (best) {
		best->peer = c;
		best->peer_id = c->id;
		c->peer = best;
		c->peer_id = best->id;
		return c->peer_id;
	}
	l = look_slot(t, &rev);
	if (l->id && tuple_eq(&l->key, &rev)) {
		c->peer_id = l->id;
		l->id = 0; /* one peer per endpoint */
	}
	return c->peer_id;
}

/* c's key with its ends swapped. */
static void key_reversed(struct conn_key *r, const struct conn_key *k)
{
	*r = *k;
	memcpy(r->laddr, k->raddr, 16);
	memcpy(r->raddr, k->laddr, 16);
	r->lport = k->rport;
	r->rport = k->lport;
}

/* Whether p can be the socket-or-flow partner of c. */
static bool may_partner(const struct conn *c, const struct conn *p, const struct conn_key *rev)
{
	return p != c && p->flow_only != c->flow_only && p->key.rport && !p->is_mirror &&
	       !p->mirror && !p->peer_id && !p->parked && !p->sock && !p->adopted &&
	       tuple_eq(&p->key, rev);
}

struct conn *conn_table_partner(struct conn_table *t, const struct conn *c)
{
	struct conn_key rev;
	struct conn *p, *best = NULL;

	if (c->is_mirror || c->mirror)
		return NULL; /* reported with its mirror */
	if (c->peer)
		return c->peer;
	if (c->peer_id || c->sock || c->adopted || !c->key.rport || !c->key.lport)
		return NULL;
	key_reversed(&rev, &c->key);
	p = t->tbuckets[tuple_slot(t, rev.laddr, rev.lport, rev.raddr, rev.rport)];
	for (unsigned int n = 0; p && n < CONN_TUPLE_WALK_MAX; p = p->tnext, n++) {
		if (!may_partner(c, p, &rev))
			continue;
		if (!best || p->key.netns == c->key.netns)
			best = p;
	}
	return best;
}
