// SPDX-License-Identifier: BSD-2-Clause
/*
 * bounds_shapes.c - the pathological shapes of the bounds-on-work test,
 * written through the format library's writer (so every one is a valid
 * trace): many connections on one tuple, one cookie reused by every
 * declaration, a listener with a child per event, events for endpoints
 * that already reached CLOSE, and one connection with every event a
 * segment.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bounds_shapes.h"
#include "trc.h"

#define US 1000ull

struct gen {
	struct trc_writer *w;
	uint64_t t, left; /* event time; events still to write */
	int err;
};

static uint64_t conn(struct gen *g, uint16_t lport, uint32_t rhost, uint16_t rport, uint64_t cookie)
{
	struct trc_conn c = { .family = TRC_FAMILY_IPV4,
			      .lport = lport,
			      .rport = rport,
			      .netns = 4026531840u,
			      .cookie = cookie };
	uint64_t serial = 0;

	memcpy(c.laddr, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	memcpy(c.raddr, (uint8_t[]){ 198, 51, (uint8_t)(rhost >> 8), (uint8_t)rhost }, 4);
	if (!g->err)
		g->err = trc_writer_conn_open(g->w, &c, &serial);
	return serial;
}

static void close_conn(struct gen *g, uint64_t serial)
{
	if (!g->err)
		g->err = trc_writer_conn_close(g->w, serial);
}

/* Appends ev at the next time step, unless the budget is spent. */
static void put(struct gen *g, struct trc_event *ev)
{
	if (g->err || !g->left)
		return;
	g->t += 3 * US;
	ev->t_ns = g->t;
	g->err = trc_writer_append(g->w, ev);
	g->left--;
}

static void state(struct gen *g, uint64_t s, int old, int nw)
{
	struct trc_event ev = { .type = TRC_EV_STATE, .conn_serial = s };

	ev.state.old_state = (uint8_t)old;
	ev.state.new_state = (uint8_t)nw;
	put(g, &ev);
}

static void seg(struct gen *g, uint64_t s, int dir, uint8_t flags)
{
	struct trc_event ev = { .type = TRC_EV_SEGMENT, .conn_serial = s };

	ev.seg.dir = (uint8_t)dir;
	ev.seg.tcp_flags = flags;
	put(g, &ev);
}

static void other(struct gen *g, uint64_t s, uint32_t type, uint8_t a)
{
	struct trc_event ev = { .type = type, .conn_serial = s };

	if (type == TRC_EV_TIMEWAIT)
		ev.tw.phase = a;
	else if (type == TRC_EV_RESET)
		ev.reset.dir = a;
	else
		ev.retrans.tcp_flags = a;
	put(g, &ev);
}

/* A client's whole life: 10 events. */
static void client_life(struct gen *g, uint64_t s)
{
	state(g, s, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT);
	seg(g, s, TRC_DIR_TX, TRC_TCP_SYN);
	seg(g, s, TRC_DIR_RX, TRC_TCP_SYN | TRC_TCP_ACK);
	state(g, s, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED);
	seg(g, s, TRC_DIR_TX, TRC_TCP_FIN | TRC_TCP_ACK);
	state(g, s, TRC_TCP_ESTABLISHED, TRC_TCP_FIN_WAIT1);
	seg(g, s, TRC_DIR_RX, TRC_TCP_FIN | TRC_TCP_ACK);
	state(g, s, TRC_TCP_FIN_WAIT1, TRC_TCP_CLOSE);
	other(g, s, TRC_EV_TIMEWAIT, TRC_TW_ENTER);
	other(g, s, TRC_EV_TIMEWAIT, TRC_TW_EXIT);
}

/* Connection after connection on one 4-tuple, each with its own cookie. */
static void one_tuple(struct gen *g, struct bounds_expect *x)
{
	for (uint64_t i = 1; g->left && !g->err; i++) {
		uint64_t s = conn(g, 40000, 2, 80, i);
		client_life(g, s);
		close_conn(g, s);
		x->connections++;
	}
}

/* Every declaration carries the same cookie; the tuples cycle. */
static void one_cookie(struct gen *g, struct bounds_expect *x)
{
	for (uint64_t i = 0; g->left && !g->err; i++) {
		uint64_t s = conn(g, (uint16_t)(1024 + i % 60000), 2, 80, 7);
		state(g, s, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT);
		state(g, s, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED);
		other(g, s, TRC_EV_RESET, TRC_DIR_RX);
		state(g, s, TRC_TCP_ESTABLISHED, TRC_TCP_CLOSE);
		close_conn(g, s);
		x->connections++;
	}
}

/* A listener, then one child per remaining event, none of them closed:
 * every child is still open at the end of the trace. */
static void listener(struct gen *g, struct bounds_expect *x)
{
	uint64_t l = conn(g, 80, 0, 0, 1);

	state(g, l, TRC_TCP_CLOSE, TRC_TCP_LISTEN);
	x->connections = 1;
	for (uint64_t i = 0; g->left && !g->err; i++) {
		uint64_t s =
			conn(g, 80, (uint32_t)(i / 60000), (uint16_t)(1024 + i % 60000), 2 + i);
		state(g, s, TRC_TCP_SYN_RECV, TRC_TCP_ESTABLISHED);
		close_conn(g, s);
		x->connections++;
	}
}

/* Endpoints that reached CLOSE keep receiving events. */
static void after_close(struct gen *g, struct bounds_expect *x)
{
	for (uint64_t i = 1; g->left && !g->err; i++) {
		uint64_t s = conn(g, (uint16_t)(1024 + i % 60000), 3, 443, i);
		state(g, s, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT);
		state(g, s, TRC_TCP_SYN_SENT, TRC_TCP_CLOSE);
		seg(g, s, TRC_DIR_RX, TRC_TCP_RST | TRC_TCP_ACK);
		other(g, s, TRC_EV_RESET, TRC_DIR_TX);
		other(g, s, TRC_EV_RETRANSMIT, TRC_TCP_SYN);
		other(g, s, TRC_EV_TIMEWAIT, TRC_TW_EXIT);
		state(g, s, TRC_TCP_CLOSE, TRC_TCP_CLOSE);
		seg(g, s, TRC_DIR_TX, TRC_TCP_ACK);
		close_conn(g, s);
		x->connections++;
	}
}

/* One connection, established, then nothing but segments. */
static void segments(struct gen *g, struct bounds_expect *x)
{
	uint64_t s = conn(g, 40000, 2, 80, 1);

	state(g, s, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT);
	state(g, s, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED);
	for (uint64_t i = 0; g->left && !g->err; i++)
		seg(g, s, (int)(i & 1), TRC_TCP_ACK | (i & 1 ? 0 : TRC_TCP_PSH));
	x->connections = 1;
}

int bounds_shape_write(const char *name, uint64_t events, int fd, struct bounds_expect *x)
{
	static const struct {
		const char *name;
		void (*fn)(struct gen *, struct bounds_expect *);
	} shapes[] = {
		{ "one-tuple", one_tuple }, { "one-cookie", one_cookie },
		{ "listener", listener },   { "after-close", after_close },
		{ "segments", segments },
	};
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC,
				.anchor_realtime_ns = 1763782800000000000ull };
	struct gen g = { .t = 1000000000ull, .left = events };
	struct trc_error e;

	snprintf(h.tool_version, sizeof(h.tool_version), "test-bounds");
	snprintf(h.source, sizeof(h.source), "ebpf");
	memset(x, 0, sizeof(*x));
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		if (strcmp(name, shapes[i].name))
			continue;
		g.w = trc_writer_open_fd(fd, &h, NULL, &e);
		if (!g.w)
			return -errno;
		shapes[i].fn(&g, x);
		int rc = trc_writer_close(g.w, NULL, &e);
		return g.err ? g.err : rc;
	}
	return -ENOENT;
}
