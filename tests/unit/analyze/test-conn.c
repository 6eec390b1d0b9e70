// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-conn.c - the connection table: lookup by (file, serial) across
 * growth, the tuple index (netns-exact for flows, any netns for peers),
 * peer linking with live endpoints and through the lookaside after the
 * first endpoint was finalised, the finalisation queue and pop.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "tracegen.h"

static struct trc_conn decl(uint64_t serial, const char *la, uint16_t lp, const char *ra,
			    uint16_t rp, uint32_t netns, uint32_t flags)
{
	struct trc_conn d = { .serial = serial, .family = TRC_FAMILY_IPV4, .lport = lp,
			      .rport = rp, .netns = netns, .flags = flags };

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
	CHECK_INT(conn_table_live(t), 5000);
	for (uint32_t i = 1; i <= 5000; i++) {
		struct conn *c = conn_table_lookup(t, i % 2, i);

		CHECK(c && c->serial == i && c->id == i);
		CHECK(!conn_table_lookup(t, (i + 1) % 2, i));
	}
	for (uint32_t n = 0; n < 5000; n++)
		conn_free(conn_table_pop(t));
	CHECK_INT(conn_table_live(t), 0);
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
	CHECK_INT(conn_table_link_peer(t, c1), 0); /* flows are not peers */
	c3 = conn_table_add(t, 0, &d3);
	CHECK_INT(conn_table_link_peer(t, c3), c1->id); /* netns may differ */
	CHECK_INT(c1->peer_id, c3->id);
	CHECK(c1->peer == c3 && c3->peer == c1);
	conn_table_remove(t, c1);
	CHECK(c3->peer == NULL && c3->peer_id == c1->id);
	conn_free(c1);
	/* Lookaside: the peer was finalised before this endpoint appeared. */
	c4 = conn_table_add(t, 0, &d4);
	conn_table_remove(t, c4);
	c5 = conn_table_add(t, 0, &d5);
	CHECK_INT(conn_table_link_peer(t, c5), c4->id);
	conn_free(c4);
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

int main(void)
{
	growth();
	tuples_and_peers();
	return tg_exit();
}
