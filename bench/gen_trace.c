// SPDX-License-Identifier: BSD-2-Clause
/*
 * gen_trace - writes a synthetic but realistic trace of any length through
 * the format library's writer, for the analyser benchmarks (tcpana events/s
 * and peak memory on 1M and 10M events).
 *
 * Each simulated connection is a loopback client/server pair doing what
 * bench/loadgen does: connect, one request, one reply, the client closes
 * first.  The events are exactly those tcprec records for such a pair on
 * Linux: ten state transitions (client CLOSE>SYN_SENT>ESTABLISHED>
 * FIN_WAIT1>FIN_WAIT2>CLOSE, server child LISTEN>SYN_RECV>ESTABLISHED>
 * CLOSE_WAIT>LAST_ACK>CLOSE), the ten segments of the exchange seen once
 * sent and once received, the client's TIME_WAIT entry and, 16 us later,
 * its exit: 32 events.  The trace is compressed in time (about 1.5M events
 * per second of trace time), but a TIME_WAIT that ends inside the trace is
 * what a recording much longer than 60 s holds for all but its last minute;
 * -W leaves the exits out, so that every client stays in TIME_WAIT until
 * the end, as in a recording shorter than 60 s.
 * CONCURRENT pairs are in flight at once, interleaved event by event, so the
 * analyser's open-connection table has a fixed size however long the trace
 * is; that is what lets the benchmark show that its memory does not grow
 * with the trace length.
 * -S W/N writes only the pairs that worker W of `tcpana -j N` analyses
 * (tuple_hash.h), the others' events leaving their time: the trace that
 * worker would read if the format let it pass over the others' records
 * for free (bench_scaling.py's ideal worker).
 * -w NETNS is a recorder that polled TIME_WAIT in namespace NETNS while
 * the pairs ran in another: the header names NETNS (tw_netns) and the
 * pairs have no TIME_WAIT records.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trc.h"
#include "tuple_hash.h"

#define GEN_MAX_CONCURRENT 65536
#define GEN_SERVER_PORT	   8080
#define GEN_NETNS	   4026532000u

/* One step of a pair's script: who (0 client, 1 server), what. */
struct gen_step {
	uint8_t side;
	uint8_t type;	 /* TRC_EV_STATE, TRC_EV_SEGMENT or TRC_EV_TIMEWAIT */
	uint8_t a;	 /* state: old; segment: direction */
	uint8_t b;	 /* state: new; segment: TCP flags */
	uint32_t gap_ns; /* time since the previous step of this pair */
};

#define ST(side, o, n, gap)                                                                        \
	{                                                                                          \
		side, TRC_EV_STATE, TRC_TCP_##o, TRC_TCP_##n, gap                                  \
	}
#define SEG(from, flags, gap)                                                                      \
	{ from, TRC_EV_SEGMENT, TRC_DIR_TX, flags, gap },                                          \
	{                                                                                          \
		(uint8_t) !(from), TRC_EV_SEGMENT, TRC_DIR_RX, flags, 1                            \
	}

#define F_S  TRC_TCP_SYN
#define F_SA (TRC_TCP_SYN | TRC_TCP_ACK)
#define F_A  TRC_TCP_ACK
#define F_PA (TRC_TCP_PSH | TRC_TCP_ACK)
#define F_FA (TRC_TCP_FIN | TRC_TCP_ACK)

/* The order in which a loopback connection's events reach the recorder. */
static const struct gen_step script[] = {
	ST(0, CLOSE, SYN_SENT, 0),
	SEG(0, F_S, 2000),
	ST(1, LISTEN, SYN_RECV, 5000),
	SEG(1, F_SA, 1000),
	ST(0, SYN_SENT, ESTABLISHED, 3000),
	SEG(0, F_A, 1000),
	ST(1, SYN_RECV, ESTABLISHED, 2000),
	SEG(0, F_PA, 60000),
	SEG(1, F_A, 4000),
	SEG(1, F_PA, 70000),
	SEG(0, F_A, 40000),
	ST(0, ESTABLISHED, FIN_WAIT1, 50000),
	SEG(0, F_FA, 1000),
	ST(1, ESTABLISHED, CLOSE_WAIT, 2000),
	ST(1, CLOSE_WAIT, LAST_ACK, 80000),
	SEG(1, F_FA, 1000),
	ST(0, FIN_WAIT1, FIN_WAIT2, 2000),
	ST(0, FIN_WAIT2, CLOSE, 9000),
	{ 0, TRC_EV_TIMEWAIT, TRC_TW_ENTER, 0, 1 },
	SEG(0, F_A, 2000),
	ST(1, LAST_ACK, CLOSE, 3000),
	/* Must stay last: -W drops it. */
	{ 0, TRC_EV_TIMEWAIT, TRC_TW_EXIT, 0, 256000 },
};
#define SCRIPT_LEN (sizeof(script) / sizeof(script[0]))

struct gen_pair {
	uint64_t serial[2]; /* client, server */
	uint32_t step;	    /* next script step */
	bool left_out;	    /* -S: another worker's pair, not written */
};

struct gen_ctx {
	struct trc_writer *w;
	uint64_t t_ns;
	uint64_t pairs_started;
	uint64_t events;
	uint64_t target;
	uint32_t script_len;	   /* SCRIPT_LEN, or one less without TIME_WAIT exits */
	uint64_t lost_every;	   /* -L: a LOST record after every so many events, or 0 */
	unsigned int worker, jobs; /* -S W/N; jobs 0: every pair */
	bool tw_records;	   /* false with -w of another namespace than the pairs' */
	uint64_t written, pairs_written;
};

/* A recorder that could not keep up: events lost over the last 300 us,
 * noticed now. */
static int lost_record(struct gen_ctx *g)
{
	struct trc_event ev = { .type = TRC_EV_LOST, .t_ns = g->t_ns };

	ev.lost.count = 1 + g->events % 7;
	ev.lost.t_begin_ns = g->t_ns - 300000;
	ev.lost.t_end_ns = g->t_ns;
	g->written++;
	return trc_writer_append(g->w, &ev);
}

static int pair_open(struct gen_ctx *g, struct gen_pair *p)
{
	uint16_t eport = (uint16_t)(32768 + g->pairs_started % 28000);
	struct trc_conn c = {
		.family = TRC_FAMILY_IPV4,
		.laddr = { 127, 0, 0, 1 },
		.raddr = { 127, 0, 0, 1 },
		.netns = GEN_NETNS,
		.cgroup_id = 1,
	};
	int r;

	g->pairs_started++;
	c.lport = eport;
	c.rport = GEN_SERVER_PORT;
	c.cookie = 2 * g->pairs_started;
	p->step = 0;
	p->left_out =
		g->jobs &&
		tuple_pair_worker(tuple_slot_pair(tuple_hash(c.laddr, c.lport, c.raddr, c.rport)),
				  g->jobs) != g->worker;
	if (p->left_out)
		return 0;
	g->pairs_written++;
	r = trc_writer_conn_open(g->w, &c, &p->serial[0]);
	if (r < 0)
		return r;
	c.lport = GEN_SERVER_PORT;
	c.rport = eport;
	c.cookie = 2 * g->pairs_started + 1;
	return trc_writer_conn_open(g->w, &c, &p->serial[1]);
}

static void fill_event(const struct gen_step *s, struct trc_event *ev)
{
	switch (s->type) {
	case TRC_EV_STATE:
		ev->state.old_state = s->a;
		ev->state.new_state = s->b;
		/* Connect and close run in the owner's context; the rest in
		 * softirq, where the recorder stores no owner. */
		if (s->b == TRC_TCP_SYN_SENT || s->b == TRC_TCP_FIN_WAIT1 ||
		    s->b == TRC_TCP_LAST_ACK) {
			ev->state.flags = TRC_STATE_F_OWNER;
			ev->state.pid = ev->state.tgid = s->side ? 4242 : 4343;
			strcpy(ev->state.comm, s->side ? "server" : "client");
		}
		break;
	case TRC_EV_SEGMENT:
		ev->seg.dir = s->a;
		ev->seg.tcp_flags = s->b;
		break;
	default:
		ev->tw.phase = s->a;
		ev->tw.precision = TRC_TW_POLLED;
		ev->tw.precision_ns = 100000000;
		break;
	}
}

/* Appends the pair's next event; closes the pair after its last one. */
static int pair_step(struct gen_ctx *g, struct gen_pair *p)
{
	const struct gen_step *s = &script[p->step];
	struct trc_event ev = { .type = s->type };
	int r;

	g->t_ns += s->gap_ns / 16 + 1; /* the pairs overlap in time */
	ev.t_ns = g->t_ns;
	ev.conn_serial = p->serial[s->side];
	fill_event(s, &ev);
	bool write = !p->left_out && (s->type != TRC_EV_TIMEWAIT || g->tw_records);
	r = write ? trc_writer_append(g->w, &ev) : 0;
	if (r < 0)
		return r;
	g->events++;
	g->written += write;
	if (g->lost_every && g->events % g->lost_every == 0 && (r = lost_record(g)) < 0)
		return r;
	if (++p->step < g->script_len)
		return 0;
	r = p->left_out ? 0 : trc_writer_conn_close(g->w, p->serial[0]);
	if (r == 0 && !p->left_out)
		r = trc_writer_conn_close(g->w, p->serial[1]);
	if (r == 0 && g->events < g->target)
		r = pair_open(g, p);
	else
		p->step = UINT32_MAX; /* retired */
	return r;
}

static int generate(struct gen_ctx *g, unsigned concurrent)
{
	struct gen_pair *pairs = calloc(concurrent, sizeof(*pairs));
	unsigned active = concurrent;
	int r = 0;

	if (!pairs)
		return -ENOMEM;
	for (unsigned i = 0; i < concurrent && r == 0; i++)
		r = pair_open(g, &pairs[i]);
	while (r == 0 && active > 0) {
		active = 0;
		for (unsigned i = 0; i < concurrent && r == 0; i++) {
			if (pairs[i].step == UINT32_MAX)
				continue;
			active++;
			r = pair_step(g, &pairs[i]);
		}
	}
	free(pairs);
	return r;
}

static int parse_num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return (errno || !*s || *s == '-' || *end || *out == 0 || *out > max) ? -EINVAL : 0;
}

/* -S W/N: worker W (0-based) of N. */
static int parse_worker(const char *s, struct gen_ctx *g)
{
	unsigned long w, n;
	char *end;

	errno = 0;
	w = strtoul(s, &end, 10);
	if (errno || end == s || *s == '-' || *end != '/')
		return -EINVAL;
	s = end + 1;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *s == '-' || *end || n == 0 || n > 65536 || w >= n)
		return -EINVAL;
	g->worker = (unsigned int)w;
	g->jobs = (unsigned int)n;
	return 0;
}

static void fill_header(struct trc_header *h)
{
	snprintf(h->tool_version, sizeof(h->tool_version), "gen_trace 1");
	snprintf(h->hostname, sizeof(h->hostname), "synthetic");
	snprintf(h->kernel_release, sizeof(h->kernel_release), "6.18.0-synthetic");
	snprintf(h->machine, sizeof(h->machine), "x86_64");
	snprintf(h->source, sizeof(h->source), "synthetic");
	snprintf(h->probes, sizeof(h->probes), "state=synthetic,segment=synthetic");
	snprintf(h->options, sizeof(h->options), "segments");
	h->clock = TRC_CLOCK_MONOTONIC;
	h->anchor_clock_ns = 1000000000ULL;
	h->anchor_realtime_ns = 1790000000000000000ULL;
}

int main(int argc, char **argv)
{
	struct gen_ctx g = { .t_ns = 1000000000ULL, .script_len = SCRIPT_LEN };
	struct trc_header h = { 0 };
	struct trc_error err = { 0 };
	uint64_t conc = 64, chunk_bytes = 0, tw_netns = 0;
	const char *out = NULL;
	int c, fd, r;

	while ((c = getopt(argc, argv, "n:k:o:L:C:S:w:Wh")) != -1) {
		if ((c == 'n' && parse_num(optarg, 1ULL << 40, &g.target) < 0) ||
		    (c == 'C' && parse_num(optarg, UINT32_MAX, &chunk_bytes) < 0) ||
		    (c == 'k' && parse_num(optarg, GEN_MAX_CONCURRENT, &conc) < 0) ||
		    (c == 'L' && parse_num(optarg, 1ULL << 40, &g.lost_every) < 0) ||
		    (c == 'S' && parse_worker(optarg, &g) < 0) ||
		    (c == 'w' && parse_num(optarg, UINT32_MAX, &tw_netns) < 0) || c == 'h' ||
		    c == '?') {
			fprintf(stderr,
				"Usage: gen_trace -n EVENTS [-k CONCURRENT] [-W] [-L EVERY] "
				"[-C BYTES] [-S W/N] [-w NETNS] -o FILE\n"
				"Writes about EVENTS events (whole connections, 32 each)\n"
				"with CONCURRENT (default 64, max %d) connections open.\n"
				"-W: no TIME_WAIT exits (31 events each; every client\n"
				"stays in TIME_WAIT until the end of the trace).\n"
				"-L: a LOST record (events lost over the last 300 us)\n"
				"after every EVERY events.\n"
				"-C: chunks of about BYTES (default the writer's, 64 KiB).\n"
				"-S: only the connections that worker W (0-based) of\n"
				"tcpana -j N analyses; the others' events are left out\n"
				"and still take their time.\n"
				"-w: TIME_WAIT was polled in namespace NETNS, not the\n"
				"pairs' (header tw_netns): no TIME_WAIT records.\n",
				GEN_MAX_CONCURRENT);
			return c == 'h' ? 0 : 2;
		}
		if (c == 'o')
			out = optarg;
		if (c == 'W')
			g.script_len = SCRIPT_LEN - 1;
	}
	if (!out || g.target == 0 || optind != argc) {
		fprintf(stderr, "gen_trace: -n EVENTS and -o FILE are required\n");
		return 2;
	}
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(out);
		return 1;
	}
	fill_header(&h);
	h.tw_netns = (uint32_t)tw_netns;
	g.tw_records = !tw_netns || tw_netns == GEN_NETNS;
	struct trc_writer_opts wo = { .sz = sizeof(wo), .chunk_bytes = (uint32_t)chunk_bytes };
	g.w = trc_writer_open_fd(fd, &h, &wo, &err);
	r = g.w ? generate(&g, (unsigned)conc) : -errno;
	if (g.w && trc_writer_close(g.w, NULL, &err) < 0 && r == 0)
		r = -EIO;
	close(fd);
	if (r < 0) {
		fprintf(stderr, "gen_trace: %s: %s%s%s\n", out, strerror(-r),
			err.msg[0] ? ": " : "", err.msg);
		return 1;
	}
	printf("gen_trace events=%llu connections=%llu file=%s\n", (unsigned long long)g.written,
	       (unsigned long long)(2 * g.pairs_written), out);
	return 0;
}
