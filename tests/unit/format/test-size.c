// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-size - compactness: bytes per event over the WHOLE file (header,
 * chunks, trailer) for a synthetic workload shaped like real traffic, and
 * the assertion that it stays within the 6.0 bytes/event target.
 *
 * Workload: 10,000 connections, ~200 open at any time, each with 10 state
 * transitions (connect and close carry the owner's pid/comm) and 10
 * segments; half IPv4, half IPv6; two local and five remote addresses per
 * family; ephemeral local ports; increasing socket cookies; gaps between a
 * connection's events drawn log-uniformly from 1 us to 500 us, so the
 * events of concurrent connections interleave in the file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tutil.h"

#define N_CONNS	   10000
#define PER_CONN   20
#define CONCURRENT 200

struct gen_ev {
	uint64_t t;
	uint32_t conn;
	uint8_t k; /* index within the connection */
};

static const uint8_t path[10][2] = {
	{ TRC_TCP_CLOSE, TRC_TCP_SYN_SENT },	     { TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED },
	{ TRC_TCP_ESTABLISHED, TRC_TCP_FIN_WAIT1 },  { TRC_TCP_FIN_WAIT1, TRC_TCP_FIN_WAIT2 },
	{ TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE },	     { TRC_TCP_CLOSE, TRC_TCP_LISTEN },
	{ TRC_TCP_LISTEN, TRC_TCP_SYN_RECV },	     { TRC_TCP_SYN_RECV, TRC_TCP_ESTABLISHED },
	{ TRC_TCP_ESTABLISHED, TRC_TCP_CLOSE_WAIT }, { TRC_TCP_CLOSE_WAIT, TRC_TCP_LAST_ACK },
};
static const uint8_t seg_flags[10] = { 0x02, 0x12, 0x10, 0x18, 0x10, 0x18, 0x10, 0x11, 0x11, 0x10 };

static int by_time(const void *a, const void *b)
{
	const struct gen_ev *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

static uint64_t log_uniform(uint64_t *rng, uint64_t lo, uint64_t hi)
{
	double u = (double)(tu_rand(rng) >> 11) / (double)(1ull << 53);
	return (uint64_t)((double)lo * pow((double)hi / (double)lo, u));
}

static void make_conn(uint64_t *rng, uint32_t i, struct trc_conn *c)
{
	memset(c, 0, sizeof(*c));
	int v6 = i % 2;
	c->family = v6 ? TRC_FAMILY_IPV6 : TRC_FAMILY_IPV4;
	unsigned int l = (unsigned int)(tu_rand(rng) % 2), r = (unsigned int)(tu_rand(rng) % 5);
	if (v6) {
		c->laddr[0] = 0x20, c->laddr[1] = 0x01, c->laddr[2] = 0x0d, c->laddr[3] = 0xb8;
		memcpy(c->raddr, c->laddr, 4);
		c->laddr[15] = (uint8_t)(1 + l);
		c->raddr[15] = (uint8_t)(100 + r);
	} else {
		c->laddr[0] = 192, c->laddr[1] = 0, c->laddr[2] = 2, c->laddr[3] = (uint8_t)(1 + l);
		c->raddr[0] = 198, c->raddr[1] = 51, c->raddr[2] = 100,
		c->raddr[3] = (uint8_t)(10 + r);
	}
	c->lport = (uint16_t)(32768 + tu_rand(rng) % 28000);
	c->rport = (const uint16_t[]){ 80, 443, 5432 }[tu_rand(rng) % 3];
	c->netns = 4026531840u;
	c->cgroup_id = 7721;
}

/* Sequence numbers as a real exchange has them: random initial sequence
 * numbers, each side's seq advancing by what it sent (SYN and FIN count
 * one), ack tracking the other side; windows change after the handshake. */
static void fill_seq(struct trc_ev_segment *g, uint32_t conn, unsigned int j)
{
	uint32_t isn[2] = { conn * 2654435761u, ~conn * 40503u + 12345u };
	uint32_t sent[2] = { 0, 0 };
	for (unsigned int k = 0; k < j; k++) {
		unsigned int d = k % 2;
		sent[d] += (seg_flags[k] & 0x03) ? 1 : seg_flags[k] == 0x18 ? 517 : 0;
	}
	unsigned int d = j % 2; /* 0: from the remote side (rx), 1: sent (tx) */
	g->flags = TRC_SEG_F_SEQ;
	g->seq = isn[d] + sent[d];
	g->ack = seg_flags[j] == 0x02 ? 0 : isn[!d] + sent[!d];
	g->window = j < 2 ? 64240 : 501 + (j % 3);
	g->payload_len = seg_flags[j] == 0x18 ? 517 : 0;
}

static void fill_event(struct trc_event *ev, const struct gen_ev *g, uint64_t serial, int with_seq)
{
	memset(ev, 0, sizeof(*ev));
	ev->t_ns = g->t;
	ev->conn_serial = serial;
	unsigned int j = g->k / 2;
	if (g->k % 2 == 0) {
		ev->type = TRC_EV_STATE;
		ev->state.old_state = path[j][0];
		ev->state.new_state = path[j][1];
		if (j == 0 || j == 2) {
			ev->state.flags = TRC_STATE_F_OWNER;
			ev->state.tgid = 41000 + g->conn % 7;
			ev->state.pid = ev->state.tgid + (g->conn % 3 == 0);
			strcpy(ev->state.comm, g->conn % 7 < 4 ? "nginx" : "curl");
		}
	} else {
		ev->type = TRC_EV_SEGMENT;
		ev->seg.dir = (uint8_t)(j % 2);
		ev->seg.tcp_flags = seg_flags[j];
		if (with_seq)
			fill_seq(&ev->seg, g->conn, j);
	}
}

static double run(int with_seq, size_t *events_out)
{
	uint64_t rng = 42;
	struct gen_ev *g = calloc(N_CONNS * PER_CONN, sizeof(*g));
	uint64_t *serial = calloc(N_CONNS, sizeof(*serial));
	REQUIRE(g && serial);

	/* Starts spaced so that ~CONCURRENT connections overlap. */
	uint64_t start = 1000000000, mean_life = PER_CONN * 60000;
	for (uint32_t c = 0; c < N_CONNS; c++) {
		start += tu_rand(&rng) % (2 * mean_life / CONCURRENT);
		uint64_t t = start;
		for (uint8_t k = 0; k < PER_CONN; k++) {
			t += log_uniform(&rng, 1000, 500000);
			g[c * PER_CONN + k] = (struct gen_ev){ t, c, k };
		}
	}
	qsort(g, N_CONNS * PER_CONN, sizeof(*g), by_time);

	int fd;
	struct trc_writer *w = tu_writer(&fd, 0);
	uint64_t cookie = 8192;
	for (size_t i = 0; i < N_CONNS * PER_CONN; i++) {
		struct trc_event ev;
		if (g[i].k == 0) {
			struct trc_conn c;
			make_conn(&rng, g[i].conn, &c);
			c.cookie = cookie += 1 + tu_rand(&rng) % 4;
			REQUIRE(trc_writer_conn_open(w, &c, &serial[g[i].conn]) == 0);
		}
		fill_event(&ev, &g[i], serial[g[i].conn], with_seq);
		REQUIRE(trc_writer_append(w, &ev) == 0);
		if (g[i].k == PER_CONN - 1)
			REQUIRE(trc_writer_conn_close(w, serial[g[i].conn]) == 0);
	}
	struct tbuf b = tu_finish(w, fd);
	struct tu_read rd;
	REQUIRE(tu_read_all(b.p, b.len, &rd, 0) == TRC_EOF && rd.events == N_CONNS * PER_CONN);
	*events_out = rd.events;
	double bpe = (double)b.len / (double)rd.events;
	printf("%s: %zu events, %zu bytes, %.3f bytes/event\n", with_seq ? "with --seq" : "default",
	       rd.events, b.len, bpe);
	tu_read_free(&rd);
	free(b.p);
	free(g);
	free(serial);
	return bpe;
}

int main(void)
{
	size_t n;
	double bpe = run(0, &n);
	(void)run(1, &n); /* informative: seq/ack/window/length on every segment */
	REQUIRE(bpe <= 6.0);
	return 0;
}
