// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn.c - the connection table: live endpoints by (file, serial) (the
 * index is conn_index.c), by 4-tuple for flow joining and peer pairing,
 * the finalisation queues (conn_queue.c), freezing (conn_freeze.c), and a
 * bounded ring of recently finalised
 * endpoints (CONN_LOOKASIDE) so that an endpoint appearing after its peer
 * was emitted still names it.
 * Memory grows with live endpoints only; tables double when full.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "conn_freeze.h"
#include "conn_index.h"
#include "freelist.h"
#include "hash.h"
#include "tuple_hash.h"

struct lookaside_ent {
	struct conn_key key;
	uint64_t id;  /* as conn.id: 0 = empty */
	uint64_t gid; /* as conn.gid */
};

_Static_assert(2 * TUPLE_SLOT_PAIRS == CONN_LOOKASIDE, "the lookaside's slots come in pairs");
_Static_assert(sizeof(struct conn) % FREELIST_LINE == 0, "heads start on a cache line");
_Static_assert(offsetof(struct conn, enc_class) < FREELIST_LINE,
	       "the link, the pairing and the flags share the head's first line");

struct conn_table {
	struct conn_index ix;	/* by (file, serial) */
	struct hchain by_tuple; /* by 4-tuple (netns not hashed: peers differ) */
	uint64_t live;
	uint64_t next_id;
	struct conn_queues queues;
	struct conn_freezer fz;
	/* Direct-mapped by tuple: a newer endpoint may evict an older one
	 * with the same slot; the bound is CONN_LOOKASIDE entries.  The slot
	 * is a function of the connection (tuple_hash.h) and its direction,
	 * so that a shard of a parallel analysis holds the slots of its
	 * connections and evicts as the whole table would. */
	struct lookaside_ent look[2 * TUPLE_SLOT_PAIRS];
	struct freelist heads; /* released endpoints kept for reuse (bodies apart) */
	size_t pop_cursor;     /* slots before it are empty once popping started */
};

/* Addresses are 16 bytes (IPv4 in the first 4, the rest zero). */
static uint64_t hash_tuple(const uint8_t *la, uint16_t lp, const uint8_t *ra, uint16_t rp)
{
	uint64_t h = ((uint64_t)lp << 16) | rp;

	for (int i = 0; i < 16; i += 8) {
		uint64_t a, b;

		memcpy(&a, la + i, 8);
		memcpy(&b, ra + i, 8);
		h = hash_mix(h ^ a) + b;
	}
	return hash_mix(h);
}

static uint64_t key_hash(const struct conn_key *k)
{
	return hash_tuple(k->laddr, k->lport, k->raddr, k->rport);
}

/* A walk over the endpoints of one tuple's hash, newest first.  The
 * chain also holds other hashes' endpoints: those are passed over on
 * their link, which shares the first cache line of the head with what
 * the walks test first (endpoint.h).  At most CONN_TUPLE_WALK_MAX links
 * in all, whatever their hash. */
struct tuple_walk {
	struct hchain_link *next;
	uint64_t hash;
	unsigned int budget;
};

static struct conn *walk_next(struct tuple_walk *w)
{
	while (w->next && w->budget) {
		struct hchain_link *l = w->next;

		w->next = hchain_next(l);
		w->budget--;
		if (l->hash == w->hash)
			return hchain_entry(l, struct conn, tlink);
	}
	return NULL;
}

static struct conn *walk_first(struct tuple_walk *w, const struct conn_table *t,
			       const struct conn_key *k)
{
	w->hash = key_hash(k);
	w->next = hchain_first(&t->by_tuple, w->hash);
	w->budget = CONN_TUPLE_WALK_MAX;
	return walk_next(w);
}

static struct lookaside_ent *look_slot(struct conn_table *t, const struct conn_key *k)
{
	unsigned int pair = tuple_slot_pair(tuple_hash(k->laddr, k->lport, k->raddr, k->rport));

	return &t->look[2 * pair + !tuple_first_end(k->laddr, k->lport, k->raddr, k->rport)];
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
	conn_queues_init(&t->queues);
	conn_freezer_init(&t->fz);
	if (conn_index_init(&t->ix) < 0 || hchain_init(&t->by_tuple, 1024) < 0) {
		conn_table_free(t);
		errno = ENOMEM;
		return NULL;
	}
	t->next_id = 1;
	return t;
}

void conn_table_share(struct conn_table *t, unsigned int shards)
{
	conn_index_share(&t->ix, shards);
}

/* The parts allocated only when needed. */
static void free_parts(struct conn *c)
{
	free(c->b->traffic.list);
	free(c->b->traffic.flowbuf);
	free(c->b->verdict.violations);
}

void conn_table_release(struct conn_table *t, struct conn *c)
{
	if (!c)
		return;
	conn_table_release(t, c->parked);
	if (c->frozen)
		conn_frozen_free_parts(c);
	else
		free_parts(c);
	conn_freezer_release_body_of(&t->fz, c);
	freelist_put(&t->heads, c);
}

/* A head with a body, both reused when possible; neither initialised. */
static struct conn *conn_shell(struct conn_table *t)
{
	struct conn *c = freelist_get(&t->heads, sizeof(*c));

	if (c && !(c->b = conn_freezer_body(&t->fz))) {
		freelist_put(&t->heads, c);
		return NULL;
	}
	return c;
}

void conn_table_free(struct conn_table *t)
{
	struct conn *c;

	if (!t)
		return;
	while ((c = conn_table_pop(t))) {
		conn_table_release(t, c->mirror);
		conn_table_release(t, c);
	}
	freelist_fini(&t->heads);
	conn_freezer_fini(&t->fz);
	conn_index_fini(&t->ix);
	hchain_fini(&t->by_tuple);
	free(t);
}

struct conn *conn_table_lookup(struct conn_table *t, uint32_t file, uint64_t serial)
{
	return conn_index_find(&t->ix, file, serial);
}

static void tuple_insert(struct conn_table *t, struct conn *c)
{
	hchain_insert(&t->by_tuple, &c->tlink, key_hash(&c->key));
	c->in_tuple_index = true;
}

struct conn *conn_table_add(struct conn_table *t, uint32_t file, const struct trc_conn *decl)
{
	struct conn_body *body;
	struct conn *c;

	/* Reuse: finalising and opening connections at the same rate then
	 * costs no allocation. */
	c = conn_shell(t);
	if (!c)
		return NULL;
	body = c->b;
	memset(c, 0, sizeof(*c));
	memset(body, 0, sizeof(*body));
	c->b = body;
	c->enc = NULL;
	c->id = t->next_id++;
	c->file = file;
	c->serial = decl->serial;
	c->b->decl = *decl;
	c->flow_only = decl->flags & TRC_CONN_F_FLOW_ONLY;
	conn_key_from_decl(&c->key, decl, false);
	if (conn_index_insert(&t->ix, c) < 0) {
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
	struct conn *m = conn_shell(t);
	struct conn_body *body;

	if (!m)
		return NULL;
	body = m->b;
	memset(m, 0, sizeof(*m));
	memset(body, 0, sizeof(*body));
	m->b = body;
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
		(void)conn_index_remove(&t->ix, c); /* -ENOENT: nothing to take out */
	if (c->in_tuple_index)
		hchain_remove(&t->by_tuple, &c->tlink);
	c->in_tuple_index = false;
	c->indexed = false;
	t->live--;
	if (c->peer) {
		/* The ids stay, the pointers must not. */
		c->peer->peer = NULL;
		c->peer->peer_gid = c->gid;
		c->peer_gid = c->peer->gid;
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
	l->gid = c->gid;
}

struct conn *conn_table_by_tuple(struct conn_table *t, const struct conn_key *k, bool flow_only)
{
	struct tuple_walk w;

	for (struct conn *c = walk_first(&w, t, k); c; c = walk_next(&w))
		if (c->flow_only == flow_only && !c->adopted && c->key.netns == k->netns &&
		    tuple_eq(&c->key, k))
			return c;
	return NULL;
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

uint64_t conn_table_link_peer(struct conn_table *t, struct conn *c)
{
	struct conn_key rev;
	struct tuple_walk w;
	struct conn *p, *best = NULL;
	struct lookaside_ent *l;

	if (c->peer_id || c->flow_only || c->key.rport == 0)
		return c->peer_id;
	key_reversed(&rev, &c->key);
	for (p = walk_first(&w, t, &rev); p; p = walk_next(&w)) {
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
		c->peer_gid = l->gid;
		l->id = 0; /* one peer per endpoint */
	}
	return c->peer_id;
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
	struct tuple_walk w;
	struct conn *p, *best = NULL;

	if (c->is_mirror || c->mirror)
		return NULL; /* reported with its mirror */
	if (c->peer)
		return c->peer;
	if (c->peer_id || c->sock || c->adopted || !c->key.rport || !c->key.lport)
		return NULL;
	key_reversed(&rev, &c->key);
	for (p = walk_first(&w, t, &rev); p; p = walk_next(&w)) {
		if (!may_partner(c, p, &rev))
			continue;
		if (!best || p->key.netns == c->key.netns)
			best = p;
	}
	return best;
}

void conn_table_queue(struct conn_table *t, struct conn *c, unsigned int q)
{
	conn_queue_push(&t->queues, c, q);
}

void conn_table_unqueue(struct conn_table *t, struct conn *c)
{
	conn_queue_unlink(&t->queues, c);
}

struct conn *conn_table_queue_head(struct conn_table *t, unsigned int q)
{
	return conn_queue_head(&t->queues, q);
}

uint64_t conn_table_queue_changes(const struct conn_table *t)
{
	return t->queues.changes;
}

void conn_table_prefetch(const struct conn *c)
{
	if (c)
		conn_prefetch(c);
}

bool conn_table_freeze(struct conn_table *t, struct conn *c)
{
	return conn_freeze(&t->fz, c);
}

bool conn_table_thaw(struct conn_table *t, struct conn *c)
{
	return conn_thaw(&t->fz, c);
}

void conn_table_cool(struct conn_table *t, struct conn *c)
{
	conn_cool(&t->fz, c);
}

void conn_table_uncool(struct conn_table *t, struct conn *c)
{
	conn_uncool(&t->fz, c);
}

struct conn *conn_table_cool_head(struct conn_table *t)
{
	return conn_cool_head(&t->fz);
}

void conn_table_foreach(struct conn_table *t, void (*cb)(struct conn *, void *), void *arg)
{
	size_t i = 0;
	struct conn *c;

	for (; (c = conn_index_next(&t->ix, &i)) != NULL; i++)
		cb(c, arg);
}

struct conn *conn_table_peek(struct conn_table *t)
{
	return t->live ? conn_index_next(&t->ix, &t->pop_cursor) : NULL;
}

struct conn *conn_table_pop(struct conn_table *t)
{
	struct conn *c = conn_table_peek(t);

	if (c)
		conn_table_remove(t, c);
	return c;
}

uint64_t conn_table_live(const struct conn_table *t)
{
	return t->live;
}
