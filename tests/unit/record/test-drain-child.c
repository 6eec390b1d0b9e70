// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-drain-child.c - a passive child's LISTEN -> SYN_RECV as kernels up
 * to 6.12 report it: with the listener's tuple (remote port 0) and a
 * cookie the child does not keep.  The drain must write it on the child's
 * connection, with the child's tuple and cookie, as 7.x kernels report it
 * directly; concurrent children on two CPUs, cookie-less flavours
 * (raw_tp, tracepoint) and a child whose next transition never comes.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "drain.h"
#include "trc.h"

#define LISTENER_COOKIE 5

static struct ev_tuple tup(uint16_t lport, uint16_t rport)
{
	struct ev_tuple t;

	memset(&t, 0, sizeof(t));
	t.family = 4;
	t.laddr[0] = 192, t.laddr[1] = 0, t.laddr[2] = 2, t.laddr[3] = 2;
	if (rport)
		t.raddr[0] = 192, t.raddr[1] = 0, t.raddr[2] = 2, t.raddr[3] = 1;
	t.lport = lport;
	t.rport = rport;
	t.netns = 4026531840u;
	return t;
}

static int state(struct drain *d, uint64_t t, uint32_t cpu, uint64_t cookie, struct ev_tuple tu,
		 int o, int n)
{
	struct ev_state s;

	memset(&s, 0, sizeof(s));
	s.hdr.type = EV_STATE;
	s.hdr.size = sizeof(s);
	s.hdr.cpu = cpu;
	s.hdr.t_ns = t;
	s.cookie = cookie;
	s.tuple = tu;
	s.old_state = (uint8_t)o;
	s.new_state = (uint8_t)n;
	return drain_sample(d, &s, sizeof(s));
}

struct seen {
	uint8_t old_state, new_state;
	uint16_t lport, rport;
	uint64_t cookie, serial;
};

static int read_back(int fd, struct seen *out, int max)
{
	off_t len = lseek(fd, 0, SEEK_END);
	unsigned char *buf = malloc((size_t)len);
	struct trc_error err;
	struct trc_reader *r;
	struct trc_event ev;
	const struct trc_conn *c;
	int n = 0;

	if (!buf || pread(fd, buf, (size_t)len, 0) != len)
		return -1;
	r = trc_reader_open_mem(buf, (size_t)len, &err);
	while (r && trc_reader_next(r, &ev, &c, &err) == TRC_OK && n < max) {
		if (ev.type != TRC_EV_STATE || !c)
			continue;
		out[n].old_state = ev.state.old_state;
		out[n].new_state = ev.state.new_state;
		out[n].lport = c->lport;
		out[n].rport = c->rport;
		out[n].cookie = c->cookie;
		out[n].serial = ev.conn_serial;
		n++;
	}
	trc_reader_close(r);
	free(buf);
	return n;
}

static struct trc_writer *open_trace(int *fd, struct drain *d)
{
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC };
	struct trc_error err;
	struct trc_writer *w;

	*fd = memfd_create("trace", 0);
	w = trc_writer_open_fd(*fd, &h, NULL, &err);
	CHECK(w != NULL);
	CHECK_EQ(drain_init(d, w, 0, 0, 1000), 0);
	/* The listener, known before any child. */
	CHECK_EQ(state(d, 1000, 0, LISTENER_COOKIE, tup(8080, 0), TRC_TCP_CLOSE, TRC_TCP_LISTEN),
		 0);
	return w;
}

static int close_trace(int fd, struct drain *d, struct trc_writer *w, struct seen *s, int max)
{
	struct trc_error err;

	CHECK_EQ(trc_writer_close(w, NULL, &err), 0);
	drain_fini(d);
	return read_back(fd, s, max);
}

/* child_cookie[i] == 0: the cookie-less flavours; clone_cookie: what the
 * LISTEN -> SYN_RECV carried (6.1 and 6.12: a cookie later overwritten). */
static void check_child(const struct seen *syn_recv, const struct seen *established, uint16_t rport,
			uint64_t cookie)
{
	CHECK_EQ(syn_recv->old_state, TRC_TCP_LISTEN);
	CHECK_EQ(syn_recv->new_state, TRC_TCP_SYN_RECV);
	CHECK_EQ(syn_recv->lport, 8080);
	CHECK_EQ(syn_recv->rport, rport);
	CHECK_EQ(syn_recv->cookie, cookie);
	CHECK_EQ(established->serial, syn_recv->serial);
	CHECK_EQ(established->old_state, TRC_TCP_SYN_RECV);
}

/* Two children on two CPUs, their events interleaved. */
static void test_two_cpus(uint64_t clone_a, uint64_t clone_b, uint64_t cookie_a, uint64_t cookie_b)
{
	struct seen s[8];
	struct drain d;
	int fd, n;
	struct trc_writer *w = open_trace(&fd, &d);

	CHECK_EQ(state(&d, 1010, 0, clone_a, tup(8080, 0), TRC_TCP_LISTEN, TRC_TCP_SYN_RECV), 0);
	CHECK_EQ(state(&d, 1011, 1, clone_b, tup(8080, 0), TRC_TCP_LISTEN, TRC_TCP_SYN_RECV), 0);
	CHECK_EQ(state(&d, 1012, 1, cookie_b, tup(8080, 40002), TRC_TCP_SYN_RECV,
		       TRC_TCP_ESTABLISHED),
		 0);
	CHECK_EQ(state(&d, 1013, 0, cookie_a, tup(8080, 40001), TRC_TCP_SYN_RECV,
		       TRC_TCP_ESTABLISHED),
		 0);
	CHECK_EQ(state(&d, 1014, 0, cookie_a, tup(8080, 40001), TRC_TCP_ESTABLISHED,
		       TRC_TCP_CLOSE_WAIT),
		 0);
	n = close_trace(fd, &d, w, s, 8);
	CHECK_EQ(n, 6);
	if (n == 6) {
		CHECK_EQ(s[0].new_state, TRC_TCP_LISTEN);
		check_child(&s[1], &s[2], 40002, cookie_b);
		check_child(&s[3], &s[4], 40001, cookie_a);
		CHECK_EQ(s[5].serial, s[3].serial);
		CHECK(s[1].serial != s[0].serial && s[3].serial != s[0].serial);
	}
	close(fd);
}

/* The child fails before its next transition: after DRAIN_PENDING_MAX_NS
 * the event is written as recorded, not lost. */
static void test_expired(void)
{
	struct seen s[4];
	struct drain d;
	int fd, n;
	struct trc_writer *w = open_trace(&fd, &d);

	CHECK_EQ(state(&d, 1010, 0, 31, tup(8080, 0), TRC_TCP_LISTEN, TRC_TCP_SYN_RECV), 0);
	CHECK_EQ(drain_tick(&d, 1010 + DRAIN_PENDING_MAX_NS / 2), 0);
	CHECK_EQ(d.children.n, 1);
	CHECK_EQ(drain_tick(&d, 1011 + DRAIN_PENDING_MAX_NS), 0);
	CHECK_EQ(d.children.n, 0);
	CHECK_EQ(drain_tick(&d, 1012 + 2 * DRAIN_PENDING_MAX_NS), 0); /* declares it */
	n = close_trace(fd, &d, w, s, 4);
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK_EQ(s[1].new_state, TRC_TCP_SYN_RECV);
		CHECK_EQ(s[1].cookie, 31);
	}
	close(fd);
}

/* A transition out of SYN_RECV of a socket already seen is not a child's
 * first one: it leaves the kept record alone. */
static void test_known_socket(void)
{
	struct seen s[8];
	struct drain d;
	int fd, n;
	struct trc_writer *w = open_trace(&fd, &d);

	CHECK_EQ(state(&d, 1010, 0, 40, tup(8080, 40010), TRC_TCP_SYN_RECV, TRC_TCP_SYN_RECV), 0);
	CHECK_EQ(state(&d, 1011, 0, 41, tup(8080, 0), TRC_TCP_LISTEN, TRC_TCP_SYN_RECV), 0);
	CHECK_EQ(state(&d, 1012, 0, 40, tup(8080, 40010), TRC_TCP_SYN_RECV, TRC_TCP_CLOSE), 0);
	CHECK_EQ(d.children.n, 1);
	CHECK_EQ(state(&d, 1013, 0, 42, tup(8080, 40011), TRC_TCP_SYN_RECV, TRC_TCP_ESTABLISHED),
		 0);
	CHECK_EQ(d.children.n, 0);
	n = close_trace(fd, &d, w, s, 8);
	CHECK_EQ(n, 5);
	if (n == 5)
		check_child(&s[3], &s[4], 40011, 42);
	close(fd);
}

int main(void)
{
	/* 6.1/6.12 with tp_btf: the clone's cookie is overwritten. */
	test_two_cpus(21, 22, 121, 122);
	/* 7.x order, or a cookie the kernel keeps: the same cookie throughout. */
	test_two_cpus(121, 122, 121, 122);
	/* raw_tp/tracepoint: the cookie field, 0 until someone asks. */
	test_two_cpus(0, 0, 0, 0);
	test_expired();
	test_known_socket();
	return check_exit_status();
}
