// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-conn.c - the connection table: lookup by (file, serial) across
 * growth, the tuple index (netns-exact for flows, any netns for peers),
 * peer linking with live endpoints and through the lookaside after the
 * first endpoint was finalised (not with an earlier incarnation of the
 * tuple), the partner a finalised endpoint waits for, the finalisation
 * queue and pop; joins of
 * flows to sockets (symmetric, exclusive, cut on removal); and the serial
 * index under random inserts, removals, freezes and thaws, including the
 * bounded probe for an endpoint that is not there.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "conn_index.h"
#include "tw_reported.h"
#include "tracegen.h"

static struct trc_conn decl(uint64_t serial, const char *la, uint16_t lp, const char *ra,
			    uint16_t rp, uint32_t netns, uint32_t flags)
{
	struct trc_conn d = { .serial = serial,
			      .family = TRC_FAMILY_IPV4,
			      .lport = lp,
			      .rport = rp,
			      .netns = netns,
			      .flags = flags };

	inet_pton(AF_INET, la, d.laddr);
	inet_pton(AF_INET, ra, d.raddr);
	return d;
}

static void growth(void)
{
	struct conn_table *t = conn_table_new();
	char a[32];

	for (uint32_t i = 1; i <= 5000; i++) {
		struct trc_conn d;

		snprintf(a, sizeof(a), "10.0.%u.%u", i / 250, i % 250);
		d = decl(i, a, (uint16_t)i, "192.0.2.9", 80, 1, 0);
		CHECK(conn_table_add(t, i % 2, &d) != NULL);
	}
	CHECK_EQ(conn_table_live(t), 5000);
	for (uint32_t i = 1; i <= 5000; i++) {
		struct conn *c = conn_table_lookup(t, i % 2, i);

		CHECK(c && c->serial == i && c->id == i);
		CHECK(!conn_table_lookup(t, (i + 1) % 2, i));
	}
	for (uint32_t n = 0; n < 5000; n++)
		conn_table_release(t, conn_table_pop(t));
	CHECK_EQ(conn_table_live(t), 0);
	CHECK(conn_table_pop(t) == NULL);
	conn_table_free(t);
}

static void tuples_and_peers(void)
{
	struct conn_table *t = conn_table_new();
	struct trc_conn d1 = decl(1, "192.0.2.1", 40000, "192.0.2.2", 80, 11, 0);
	struct trc_conn d2 = decl(2, "192.0.2.2", 80, "192.0.2.1", 40000, 22, TRC_CONN_F_FLOW_ONLY);
	struct trc_conn d3 = decl(3, "192.0.2.2", 80, "192.0.2.1", 40000, 22, 0);
	struct trc_conn d4 = decl(4, "192.0.2.1", 40001, "192.0.2.2", 80, 11, 0);
	struct trc_conn d5 = decl(5, "192.0.2.2", 80, "192.0.2.1", 40001, 22, 0);
	struct conn *c1 = conn_table_add(t, 0, &d1);
	struct conn *f2 = conn_table_add(t, 0, &d2);
	struct conn *c3, *c4, *c5;
	struct conn_key k;

	conn_key_from_decl(&k, &d2, false);
	CHECK(conn_table_by_tuple(t, &k, true) == f2);
	CHECK(conn_table_by_tuple(t, &k, false) == NULL);
	k.netns = 11; /* flows join sockets of the same netns only */
	CHECK(conn_table_by_tuple(t, &k, true) == NULL);
	CHECK_EQ(conn_table_link_peer(t, c1), 0); /* flows are not peers */
	c3 = conn_table_add(t, 0, &d3);
	CHECK_EQ(conn_table_link_peer(t, c3), c1->id); /* netns may differ */
	CHECK_EQ(c1->peer_id, c3->id);
	CHECK(c1->peer == c3 && c3->peer == c1);
	conn_table_remove(t, c1);
	CHECK(c3->peer == NULL && c3->peer_id == c1->id);
	conn_table_release(t, c1);
	/* Lookaside: the peer was finalised before this endpoint appeared. */
	c4 = conn_table_add(t, 0, &d4);
	conn_table_remove(t, c4);
	c5 = conn_table_add(t, 0, &d5);
	CHECK_EQ(conn_table_link_peer(t, c5), c4->id);
	conn_table_release(t, c4);
	/* Queue: first in, first out; unqueue from the middle. */
	conn_table_queue(t, f2, 0);
	conn_table_queue(t, c3, 0);
	conn_table_queue(t, c5, 1);
	conn_table_queue(t, c3, 1); /* queued once, in its first queue */
	CHECK(conn_table_queue_head(t, 0) == f2);
	CHECK(conn_table_queue_head(t, 1) == c5);
	conn_table_unqueue(t, c3);
	conn_table_unqueue(t, f2);
	CHECK(conn_table_queue_head(t, 0) == NULL);
	conn_table_unqueue(t, c5);
	CHECK(conn_table_queue_head(t, 1) == NULL);
	CHECK(conn_table_queue_head(t, 2) == NULL);
	conn_table_free(t);
}

/* A tuple used again (a client port reused): the next incarnation's
 * endpoints pair with each other, not with an endpoint of the first that
 * already had its peer; the other half of a refused SYN (a flow of the
 * reversed tuple) is a socket's partner. */
static void incarnations_and_partners(void)
{
	struct conn_table *t = conn_table_new();
	struct trc_conn cd = decl(1, "192.0.2.1", 40000, "192.0.2.2", 80, 1, 0);
	struct trc_conn sd = decl(2, "192.0.2.2", 80, "192.0.2.1", 40000, 1, 0);
	struct trc_conn fd = decl(5, "192.0.2.2", 80, "192.0.2.1", 40000, 1, TRC_CONN_F_FLOW_ONLY);
	struct conn *c1 = conn_table_add(t, 0, &cd), *s1 = conn_table_add(t, 0, &sd);
	struct conn *c2, *s2, *f;

	CHECK_EQ(conn_table_link_peer(t, s1), c1->id);
	CHECK(conn_table_partner(t, c1) == s1 && conn_table_partner(t, s1) == c1);
	conn_table_remove(t, c1);
	conn_table_remove(t, s1);
	cd.serial = 3;
	sd.serial = 4;
	c2 = conn_table_add(t, 0, &cd);
	CHECK_EQ(conn_table_link_peer(t, c2), 0); /* not s1 */
	s2 = conn_table_add(t, 0, &sd);
	CHECK_EQ(conn_table_link_peer(t, s2), c2->id);
	conn_table_remove(t, s2);
	conn_table_release(t, s2);
	/* c2's peer is gone: no partner, even a flow of the reversed tuple. */
	f = conn_table_add(t, 0, &fd);
	CHECK(conn_table_partner(t, c2) == NULL);
	conn_table_remove(t, c2);
	conn_table_release(t, c2);
	cd.serial = 6;
	c2 = conn_table_add(t, 0, &cd);
	CHECK(conn_table_partner(t, c2) == f && conn_table_partner(t, f) == c2);
	c2->parked = c1; /* owned by c2 from here: freed with it */
	CHECK(conn_table_partner(t, f) == NULL);
	conn_table_release(t, s1);
	conn_table_free(t);
}

/* The shape of the use-after-free reproducers: a second flow with a
 * socket's tuple joined to it while the first still pointed at it, then
 * the socket finalised.  No endpoint may keep a pointer that is not
 * returned. */
static void joins(void)
{
	struct conn_table *t = conn_table_new();
	struct trc_conn ds = decl(1, "192.0.2.1", 80, "192.0.2.2", 40000, 1, 0);
	struct trc_conn d1 = decl(2, "192.0.2.1", 80, "192.0.2.2", 40000, 1, TRC_CONN_F_FLOW_ONLY);
	struct trc_conn d2 = decl(3, "192.0.2.1", 80, "192.0.2.2", 40000, 1, TRC_CONN_F_FLOW_ONLY);
	struct trc_conn ds2 = decl(4, "192.0.2.1", 80, "192.0.2.2", 40000, 1, 0);
	struct conn *s = conn_table_add(t, 0, &ds), *f1 = conn_table_add(t, 0, &d1);
	struct conn *f2 = conn_table_add(t, 0, &d2), *s2 = conn_table_add(t, 0, &ds2);

	conn_table_join(s, f1);
	CHECK(s->flow == f1 && f1->sock == s);
	conn_table_join(s, f2); /* f1 is let go, not left pointing at s */
	CHECK(s->flow == f2 && f2->sock == s && f1->sock == NULL);
	conn_table_join(s2, f2); /* and s is let go by f2 */
	CHECK(s2->flow == f2 && f2->sock == s2 && s->flow == NULL);
	conn_table_join(s, f1);
	conn_table_remove(t, s); /* removal cuts the join on both sides */
	CHECK(s->flow == NULL && f1->sock == NULL);
	conn_table_release(t, s);
	conn_table_remove(t, f2);
	CHECK(s2->flow == NULL && f2->sock == NULL);
	conn_table_release(t, f2);
	CHECK_EQ(conn_table_live(t), 2);
	conn_table_free(t);
}

#define RAND_SLOTS 512

static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Every live model entry is found under its key, at its current address. */
static void check_model(struct conn_table *t, struct conn *const *live)
{
	for (uint32_t k = 0; k < RAND_SLOTS; k++)
		CHECK(conn_table_lookup(t, k & 1, k / 2 + 1) == live[k]);
}

static void index_random(void)
{
	struct conn_table *t = conn_table_new();
	struct conn *live[RAND_SLOTS] = { 0 };
	uint32_t x = 2463534242u, live_n = 0;

	for (int op = 0; op < 200000; op++) {
		uint32_t k = next_rand(&x) % RAND_SLOTS, what = next_rand(&x) % 4;
		struct conn *c = live[k];

		if (!c) {
			struct trc_conn d = decl(k / 2 + 1, "198.51.100.1", (uint16_t)k,
						 "198.51.100.2", 443, 1, 0);

			live[k] = conn_table_add(t, k & 1, &d);
			CHECK(live[k] != NULL);
			live_n++;
		} else if (what == 0) {
			conn_table_remove(t, c);
			CHECK(conn_table_lookup(t, c->file, c->serial) == NULL);
			conn_table_release(t, c);
			live[k] = NULL;
			live_n--;
		} else if (what == 1) {
			c->closed = true;
			/* Frozen in place: the table, queues and peers still
			 * point at it. */
			CHECK(conn_table_freeze(t, c));
			CHECK(c->frozen && !c->b && c->enc);
		} else if (what == 2 && c->frozen) {
			CHECK(conn_table_thaw(t, c));
			CHECK(!c->frozen && c->b && !c->enc);
		}
		if (op % 997 == 0)
			check_model(t, live);
	}
	check_model(t, live);
	CHECK_EQ(conn_table_live(t), live_n);
	conn_table_free(t);
}

/* The serial index alone: a removal of what is not there says so
 * instead of searching for it, and a walk sees every entry once. */
static void index_alone(void)
{
	static struct conn ends[3000];
	struct conn_index ix;
	size_t cursor = 0, seen = 0;

	CHECK_EQ(conn_index_init(&ix), 0);
	for (uint32_t i = 0; i < 3000; i++) {
		ends[i].serial = i / 2;
		ends[i].file = i % 2;
		CHECK_EQ(conn_index_insert(&ix, &ends[i]), 0);
	}
	CHECK(conn_index_find(&ix, 1, 1499) == &ends[2999]);
	CHECK_EQ(conn_index_remove(&ix, &ends[7]), 0);
	CHECK_EQ(conn_index_remove(&ix, &ends[7]), -ENOENT);
	CHECK(conn_index_find(&ix, 1, 3) == NULL);
	for (struct conn *c; (c = conn_index_next(&ix, &cursor)) != NULL; cursor++)
		seen++;
	CHECK_EQ(seen, 2999);
	CHECK(conn_index_slots(&ix) >= 2 * 2999);
	conn_index_fini(&ix);
}

/* The longest run of used slots, wrapping around the end. */
static size_t longest_run(const struct conn_index *ix)
{
	size_t best = 0, run = 0;

	for (size_t i = 0; i < 2 * ix->cap; i++) {
		run = ix->slot[i % ix->cap].c ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best < ix->cap ? best : ix->cap;
}

/* Consecutive serials, as a recorder hands them out, take every other
 * slot in serial order: a lookup reads one slot next to the last one's,
 * and a removal's shift stops at once (with a slot each they made one
 * run that every removal scanned to its end).  A window of them sliding
 * forward, as connections open and close, keeps that layout. */
static void index_serial_layout(void)
{
	enum { N = 20000, WINDOW = 3000 };
	static struct conn ends[N];
	struct conn_index ix;

	CHECK_EQ(conn_index_init(&ix), 0);
	for (uint32_t i = 0; i < N; i++) {
		ends[i].serial = 100 + i;
		CHECK_EQ(conn_index_insert(&ix, &ends[i]), 0);
		if (i >= WINDOW)
			CHECK_EQ(conn_index_remove(&ix, &ends[i - WINDOW]), 0);
	}
	CHECK(!ix.hashed);
	CHECK_EQ(longest_run(&ix), 1);
	CHECK(conn_index_find(&ix, 0, 100 + N - 1) == &ends[N - 1]);
	CHECK(conn_index_find(&ix, 0, 100 + N - WINDOW) == &ends[N - WINDOW]);
	CHECK(conn_index_find(&ix, 0, 100 + N - WINDOW - 1) == NULL);
	/* Neighbouring serials, neighbouring slots. */
	CHECK(&ix.slot[(2 * (100 + N - 1)) & (ix.cap - 1)] ==
	      &ix.slot[(2 * (100 + N - 2) + 2) & (ix.cap - 1)]);
	CHECK(ix.slot[(2 * (100 + N - 1)) & (ix.cap - 1)].c == &ends[N - 1]);
	conn_index_fini(&ix);
}

/* How many slots a lookup of an endpoint in the index reads, on average:
 * one more than its distance from its home (file 0, serial-ordered
 * homes, conn_index.c). */
static double mean_probes(const struct conn_index *ix)
{
	size_t mask = ix->cap - 1, used = 0, probes = 0;

	for (size_t i = 0; i < ix->cap; i++) {
		if (!ix->slot[i].c)
			continue;
		size_t home = (ix->slot[i].serial * ix->spread / 65536) & mask;

		probes += ((i - home) & mask) + 1;
		used++;
	}
	return used ? (double)probes / (double)used : 0;
}

/* A shard of a parallel run holds the endpoints of about one connection
 * in N, picked by tuple (at random here), both ends of each (two
 * consecutive serials), in an index about N times smaller than one
 * thread's.  A lookup must read about as few slots as in one thread's
 * index: with homes two slots apart there too, the window of serials
 * wrapped around the smaller index onto itself. */
static void index_shared_layout(unsigned int shards)
{
	enum { N = 60000, WINDOW = 20000 };
	static struct conn ends[N];
	struct conn_index ix, whole;

	memset(ends, 0, sizeof(ends));
	CHECK_EQ(conn_index_init(&ix), 0);
	CHECK_EQ(conn_index_init(&whole), 0);
	conn_index_share(&ix, shards);
	for (uint32_t i = 0; i < N; i++) {
		uint64_t pair = i / 2;

		ends[i].serial = 100 + i;
		ends[i].id = (pair * 0x9e3779b97f4a7c15ull) >> 61 < 8 / shards;
		CHECK_EQ(conn_index_insert(&whole, &ends[i]), 0);
		if (ends[i].id)
			CHECK_EQ(conn_index_insert(&ix, &ends[i]), 0);
		if (i < WINDOW)
			continue;
		CHECK_EQ(conn_index_remove(&whole, &ends[i - WINDOW]), 0);
		if (ends[i - WINDOW].id)
			CHECK_EQ(conn_index_remove(&ix, &ends[i - WINDOW]), 0);
	}
	for (uint32_t i = N - WINDOW; i < N; i++)
		CHECK(conn_index_find(&ix, 0, ends[i].serial) == (ends[i].id ? &ends[i] : NULL));
	CHECK(!ix.hashed && !whole.hashed);
	CHECK(mean_probes(&ix) < 1.05, "%.2f slots a lookup with %u shards, %.2f in one",
	      mean_probes(&ix), shards, mean_probes(&whole));
	CHECK(ix.cap * shards <= 2 * whole.cap, "%zu slots with %u shards, %zu in one", ix.cap,
	      shards, whole.cap);
	conn_index_fini(&ix);
	conn_index_fini(&whole);
}

/* Serials chosen to share one home (a crafted trace) turn the index over
 * to hashed homes after the first long run: the runs, and with them
 * every lookup and removal, stay short, and nothing is lost on the way. */
static void index_crafted_serials(void)
{
	enum { N = 4000 };
	static struct conn ends[N];
	struct conn_index ix;

	CHECK_EQ(conn_index_init(&ix), 0);
	for (uint32_t i = 0; i < N; i++) {
		ends[i].serial = (uint64_t)i << 32; /* the same home at any size */
		ends[i].file = 0;
		CHECK_EQ(conn_index_insert(&ix, &ends[i]), 0);
	}
	CHECK(ix.hashed);
	CHECK(longest_run(&ix) < 64);
	for (uint32_t i = 0; i < N; i++)
		CHECK(conn_index_find(&ix, 0, (uint64_t)i << 32) == &ends[i]);
	for (uint32_t i = 0; i < N; i += 2)
		CHECK_EQ(conn_index_remove(&ix, &ends[i]), 0);
	for (uint32_t i = 0; i < N; i++)
		CHECK(conn_index_find(&ix, 0, (uint64_t)i << 32) == (i % 2 ? &ends[i] : NULL));
	conn_index_fini(&ix);
}

/* --follow's endpoints reported in TIME_WAIT: known by (file, serial)
 * until the record that is their last. */
static void reported_in_timewait(void)
{
	struct tw_reported t;

	CHECK_EQ(tw_reported_init(&t), 0);
	CHECK(!tw_reported_has(&t, 0, 1, false));
	for (uint64_t s = 1; s <= 1000; s++)
		CHECK_EQ(tw_reported_add(&t, (uint32_t)(s % 3), s), 0);
	CHECK_EQ(tw_reported_add(&t, 1, 1), 0); /* again: still one entry */
	CHECK(tw_reported_has(&t, 1, 1, false));
	CHECK(!tw_reported_has(&t, 0, 1, false)); /* another file's serial 1 */
	CHECK(tw_reported_has(&t, 1, 1, true));	  /* its TIME_WAIT exit ... */
	CHECK(!tw_reported_has(&t, 1, 1, false)); /* ... was its last record */
	CHECK(tw_reported_has(&t, 1000 % 3, 1000, false));
	CHECK_EQ(t.by_serial.count, 999);
	tw_reported_fini(&t);
}

int main(void)
{
	reported_in_timewait();
	index_alone();
	index_serial_layout();
	index_shared_layout(2);
	index_shared_layout(4);
	index_crafted_serials();
	growth();
	tuples_and_peers();
	incarnations_and_partners();
	joins();
	index_random();
	return check_exit_status();
}
