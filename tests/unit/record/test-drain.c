// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-drain.c - BPF records in, trace out: feeds fabricated ring-buffer
 * records through drain_sample(), closes the writer and reads the trace
 * back.  Covers a connect() whose SYN_SENT event has local port 0 (joined
 * by the SYN it sends), a passive child that first carries the listener's
 * tuple (held until complete), flow-only segments, malformed records,
 * polled TIME_WAIT releasing the connection, a polled enter seconds after
 * the close, and lost-event gaps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "drain.h"
#include "drain_conn.h"
#include "trc.h"

static struct ev_tuple tup(uint16_t lport, uint16_t rport)
{
	struct ev_tuple t;

	memset(&t, 0, sizeof(t));
	t.family = 4;
	t.laddr[0] = 192, t.laddr[1] = 0, t.laddr[2] = 2, t.laddr[3] = 1;
	t.raddr[0] = 192, t.raddr[1] = 0, t.raddr[2] = 2, t.raddr[3] = 2;
	t.lport = lport;
	t.rport = rport;
	t.netns = 4026531840u;
	return t;
}

static int state(struct drain *d, uint64_t t, uint64_t cookie, struct ev_tuple tu, int o, int n,
		 int owner)
{
	struct ev_state s;

	memset(&s, 0, sizeof(s));
	s.hdr.type = EV_STATE;
	s.hdr.size = sizeof(s);
	s.hdr.t_ns = t;
	s.cookie = cookie;
	s.tuple = tu;
	s.old_state = (uint8_t)o;
	s.new_state = (uint8_t)n;
	if (owner) {
		s.flags = EV_STATE_F_OWNER;
		s.pid = s.tgid = 4242;
		memcpy(s.comm, "client", 7);
	}
	return drain_sample(d, &s, sizeof(s));
}

static int seg_of(struct drain *d, uint64_t t, struct ev_tuple tu, int dir, uint8_t flags,
		  uint64_t sk_cookie)
{
	struct ev_segment g;

	memset(&g, 0, sizeof(g));
	g.sk_cookie = sk_cookie;
	g.hdr.type = EV_SEGMENT;
	g.hdr.size = sizeof(g);
	g.hdr.t_ns = t;
	g.tuple = tu;
	g.dir = (uint8_t)dir;
	g.tcp_flags = flags;
	return drain_sample(d, &g, sizeof(g));
}

static int seg(struct drain *d, uint64_t t, struct ev_tuple tu, int dir, uint8_t flags)
{
	return seg_of(d, t, tu, dir, flags, 0);
}

struct seen {
	uint32_t type;
	uint16_t lport;
	uint32_t conn_flags;
	uint64_t serial;
	uint8_t a, b, c; /* old/new/flags, dir/tcp flags, phase */
};

static int read_back(int fd, struct seen *out, int max, struct trc_trailer *tr)
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
	if (!r)
		return -1;
	while (trc_reader_next(r, &ev, &c, &err) == TRC_OK && n < max) {
		struct seen *s = &out[n++];

		s->type = ev.type;
		s->serial = ev.conn_serial;
		s->lport = c ? c->lport : 0;
		s->conn_flags = c ? c->flags : 0;
		if (ev.type == TRC_EV_STATE) {
			s->a = ev.state.old_state, s->b = ev.state.new_state, s->c = ev.state.flags;
		} else if (ev.type == TRC_EV_SEGMENT) {
			s->a = ev.seg.dir, s->b = ev.seg.tcp_flags;
		} else if (ev.type == TRC_EV_TIMEWAIT) {
			s->a = ev.tw.phase, s->b = ev.tw.precision;
		}
	}
	if (trc_reader_trailer(r))
		*tr = *trc_reader_trailer(r);
	trc_reader_close(r);
	free(buf);
	return n;
}

/* Every event of the trace on fd is on a connection whose cookie is
 * cookie_base + its local port: 1 when so, 0 when any is not. */
static int ports_match_cookies(int fd, uint64_t cookie_base, int *events)
{
	off_t len = lseek(fd, 0, SEEK_END);
	unsigned char *buf = malloc((size_t)len);
	struct trc_error err;
	struct trc_reader *r;
	struct trc_event ev;
	const struct trc_conn *c;
	int ok = 1;

	*events = 0;
	if (!buf || pread(fd, buf, (size_t)len, 0) != len)
		return 0;
	r = trc_reader_open_mem(buf, (size_t)len, &err);
	while (r && trc_reader_next(r, &ev, &c, &err) == TRC_OK) {
		if (!c)
			continue;
		++*events;
		if (c->cookie != cookie_base + c->lport)
			ok = 0;
	}
	trc_reader_close(r);
	free(buf);
	return r && ok;
}

/* Two sockets connect() to the same remote at once: both SYN_SENT events
 * carry local port 0.  Each SYN's socket cookie must give each socket its
 * own port, whichever SYN goes out first. */
static void test_concurrent_connects(int reverse)
{
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC };
	struct trc_error err;
	struct drain d;
	int fd = memfd_create("trace", 0), events = 0;
	struct trc_writer *w = trc_writer_open_fd(fd, &h, NULL, &err);
	uint16_t first = reverse ? 6002 : 6001, second = reverse ? 6001 : 6002;

	CHECK(w != NULL);
	CHECK_EQ(drain_init(&d, w, 0, 0, 1000), 0);
	CHECK_EQ(state(&d, 1000, 1000 + 6001, tup(0, 80), TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 1), 0);
	CHECK_EQ(state(&d, 1001, 1000 + 6002, tup(0, 80), TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 1), 0);
	CHECK_EQ(seg_of(&d, 1002, tup(first, 80), EV_DIR_TX, TRC_TCP_SYN, 1000u + first), 0);
	CHECK_EQ(seg_of(&d, 1003, tup(second, 80), EV_DIR_TX, TRC_TCP_SYN, 1000u + second), 0);
	CHECK_EQ(state(&d, 1004, 1000 + 6001, tup(6001, 80), TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED,
		       0),
		 0);
	CHECK_EQ(state(&d, 1005, 1000 + 6002, tup(6002, 80), TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED,
		       0),
		 0);
	CHECK_EQ(seg(&d, 1006, tup(6002, 80), EV_DIR_RX, TRC_TCP_ACK), 0);
	CHECK_EQ(trc_writer_close(w, NULL, &err), 0);
	drain_fini(&d);
	CHECK(ports_match_cookies(fd, 1000, &events));
	CHECK_EQ(events, 7);
	close(fd);
}

/* tcp_tw_reuse: a new connect() takes the tuple of a socket still in
 * TIME_WAIT, and the server's new child the tuple of its closed one.
 * Each handshake must go to the new incarnation, never to the old one. */
static void test_tuple_reuse(void)
{
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC };
	struct trc_trailer tr = { 0 };
	struct trc_error err;
	struct seen s[32];
	struct drain d;
	int fd = memfd_create("trace", 0), n;
	struct trc_writer *w = trc_writer_open_fd(fd, &h, NULL, &err);
	struct ev_tuple c = tup(7000, 80), sv = tup(80, 7000);

	CHECK(w != NULL);
	CHECK_EQ(drain_init(&d, w, 0, 0, 1000), 0);
	/* First incarnation: client cookie 10 ends in TIME_WAIT, server
	 * child cookie 20 closes. */
	CHECK_EQ(state(&d, 1000, 10, c, TRC_TCP_ESTABLISHED, TRC_TCP_FIN_WAIT1, 1), 0);
	CHECK_EQ(state(&d, 1001, 20, sv, TRC_TCP_ESTABLISHED, TRC_TCP_CLOSE_WAIT, 0), 0);
	CHECK_EQ(state(&d, 1002, 10, c, TRC_TCP_FIN_WAIT1, TRC_TCP_FIN_WAIT2, 0), 0);
	CHECK_EQ(state(&d, 1003, 20, sv, TRC_TCP_CLOSE_WAIT, TRC_TCP_LAST_ACK, 1), 0);
	CHECK_EQ(state(&d, 1004, 10, c, TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE, 0), 0);
	CHECK_EQ(state(&d, 1005, 20, sv, TRC_TCP_LAST_ACK, TRC_TCP_CLOSE, 0), 0);
	CHECK_EQ(drain_timewait(&d, 10, &c, TRC_TW_ENTER, 1006, TRC_TW_POLLED, 100), 0);
	/* Second incarnation on the same tuples (n = 7 .. 13). */
	CHECK_EQ(state(&d, 2000, 11, tup(0, 80), TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 1), 0);
	CHECK_EQ(seg_of(&d, 2001, c, EV_DIR_TX, TRC_TCP_SYN, 11), 0);
	CHECK_EQ(seg(&d, 2002, sv, EV_DIR_RX, TRC_TCP_SYN), 0);
	CHECK_EQ(seg(&d, 2003, sv, EV_DIR_TX, TRC_TCP_SYN | TRC_TCP_ACK), 0);
	CHECK_EQ(seg(&d, 2004, c, EV_DIR_RX, TRC_TCP_SYN | TRC_TCP_ACK), 0);
	CHECK_EQ(state(&d, 2005, 11, c, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0), 0);
	CHECK_EQ(seg(&d, 2006, c, EV_DIR_TX, TRC_TCP_ACK), 0);
	CHECK_EQ(trc_writer_close(w, NULL, &err), 0);
	drain_fini(&d);
	n = read_back(fd, s, 32, &tr);
	CHECK_EQ(n, 14);
	if (n == 14) {
		uint64_t old_client = s[0].serial, old_server = s[1].serial;
		uint64_t new_client = s[7].serial, server_flow = s[9].serial;

		CHECK(new_client != old_client);
		CHECK_EQ(s[8].serial, new_client);  /* its SYN */
		CHECK_EQ(s[11].serial, new_client); /* the SYN-ACK it received */
		CHECK_EQ(s[12].serial, new_client);
		CHECK_EQ(s[13].serial, new_client);
		CHECK(server_flow != old_server); /* the new child's handshake flow */
		CHECK_EQ(s[10].serial, server_flow);
	}
	close(fd);
}

/* raw_tp/tracepoint states: the socket's events have cookie 0, the
 * polled TIME_WAIT record the cookie the walk generated.  It must land on
 * the socket of its tuple, not on a connection of its own. */
static void test_cookieless_timewait(void)
{
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC };
	struct trc_trailer tr = { 0 };
	struct trc_error err;
	struct seen s[8];
	struct drain d;
	int fd = memfd_create("trace", 0), n;
	struct trc_writer *w = trc_writer_open_fd(fd, &h, NULL, &err);
	struct ev_tuple c = tup(7100, 80);

	CHECK(w != NULL);
	CHECK_EQ(drain_init(&d, w, 0, 0, 1000), 0);
	CHECK_EQ(state(&d, 1000, 0, c, TRC_TCP_ESTABLISHED, TRC_TCP_FIN_WAIT1, 1), 0);
	CHECK_EQ(state(&d, 1001, 0, c, TRC_TCP_FIN_WAIT1, TRC_TCP_FIN_WAIT2, 0), 0);
	CHECK_EQ(state(&d, 1002, 0, c, TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE, 0), 0);
	CHECK_EQ(drain_timewait(&d, 9, &c, TRC_TW_ENTER, 1003, TRC_TW_POLLED, 100), 0);
	CHECK_EQ(drain_timewait(&d, 9, &c, TRC_TW_EXIT, 1004, TRC_TW_POLLED, 100), 0);
	CHECK_EQ(trc_writer_close(w, NULL, &err), 0);
	drain_fini(&d);
	n = read_back(fd, s, 8, &tr);
	CHECK_EQ(n, 5);
	for (int i = 1; i < n; i++)
		CHECK_EQ(s[i].serial, s[0].serial);
	close(fd);
}

/* Polled TIME_WAIT on a busy host: walks are seconds apart, so the walk
 * that sees a client's timewait socket comes long after the linger of its
 * CLOSE.  Its enter must still land on the connection, not open one of
 * its own; a close that cannot enter TIME_WAIT goes after the linger. */
static struct trc_writer *memfd_writer(int *fd)
{
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC };
	struct trc_error err;

	*fd = memfd_create("trace", 0);
	return trc_writer_open_fd(*fd, &h, NULL, &err);
}

static void test_tw_walk_lags_close(void)
{
	const uint64_t s_ns = 1000000000ull, t0 = 5 * s_ns;
	struct ev_tuple c = tup(7200, 80), sv = tup(80, 7200);
	struct trc_trailer tr = { 0 };
	struct trc_error err;
	struct seen s[8];
	struct drain d;
	int fd, n;
	struct trc_writer *w = memfd_writer(&fd);

	CHECK(w != NULL);
	CHECK_EQ(drain_init(&d, w, 0, 0, t0), 0);
	drain_tw_walked(&d, t0 - s_ns);
	CHECK_EQ(state(&d, t0, 30, c, TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE, 0), 0);
	CHECK_EQ(state(&d, t0 + 1, 31, sv, TRC_TCP_LAST_ACK, TRC_TCP_CLOSE, 0), 0);
	CHECK_EQ(drain_tick(&d, t0 + 3 * s_ns), 0);
	CHECK_EQ(conntab_count(d.ct), 1u); /* the server's child went */
	drain_tw_walked(&d, t0 + 3 * s_ns);
	CHECK_EQ(drain_timewait(&d, 30, &c, TRC_TW_ENTER, t0 + 4 * s_ns, TRC_TW_POLLED, s_ns), 0);
	CHECK_EQ(trc_writer_close(w, NULL, &err), 0);
	drain_fini(&d);
	n = read_back(fd, s, 8, &tr);
	CHECK_EQ(n, 3);
	if (n == 3) {
		CHECK_EQ(s[2].type, TRC_EV_TIMEWAIT);
		CHECK_EQ(s[2].serial, s[0].serial);
	}
	close(fd);
}

/* With exact TIME_WAIT (no walks), a close is released after the linger
 * as before: holding it for a walk that never comes would leak. */
static void test_unpolled_close_released(void)
{
	const uint64_t s_ns = 1000000000ull, t0 = 5 * s_ns;
	struct trc_error err;
	struct drain d;
	int fd;
	struct trc_writer *w = memfd_writer(&fd);

	CHECK(w != NULL);
	CHECK_EQ(drain_init(&d, w, 0, 0, t0), 0);
	CHECK_EQ(state(&d, t0, 40, tup(7300, 80), TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE, 0), 0);
	CHECK_EQ(drain_tick(&d, t0 + s_ns / 2), 0);
	CHECK_EQ(conntab_count(d.ct), 1u);
	CHECK_EQ(drain_tick(&d, t0 + 2 * s_ns), 0);
	CHECK_EQ(conntab_count(d.ct), 0u);
	CHECK_EQ(trc_writer_close(w, NULL, &err), 0);
	drain_fini(&d);
	close(fd);
}

/* A socket event goes to its socket's connection as a SOCK record with
 * its kind, state, flags and fields unchanged, and does not count
 * towards -c. */
static void test_sock_fields(void)
{
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC };
	struct trc_error err;
	struct drain d;
	int fd = memfd_create("trace", 0);
	struct trc_writer *w = trc_writer_open_fd(fd, &h, NULL, &err);
	struct ev_tuple c = tup(7200, 80);
	struct ev_sock_fields f;
	struct trc_reader *r;
	struct trc_event ev;
	const struct trc_conn *conn;
	uint64_t state_serial = 0;
	int socks = 0;

	CHECK(w != NULL);
	CHECK_EQ(drain_init(&d, w, 2, 0, 1000), 0);
	CHECK_EQ(state(&d, 1000, 31, c, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 1), 0);
	memset(&f, 0, sizeof(f));
	f.hdr.type = EV_SOCK_FIELDS;
	f.hdr.size = sizeof(f);
	f.hdr.t_ns = 1001;
	f.cookie = 31;
	f.tuple = c;
	f.kind = TRC_SOCK_TCP_FIGURES;
	f.state = TRC_TCP_ESTABLISHED;
	f.flags = TRC_SOCK_FIELD_BIT(TRC_SOCKF_DELIVERY_RATE);
	f.n_fields = 2;
	f.key[0] = TRC_SOCKF_SRTT_US, f.value[0] = 38;
	f.key[1] = TRC_SOCKF_BYTES_ACKED, f.value[1] = 1ull << 40;
	CHECK_EQ(drain_sample(&d, &f, sizeof(f)), 0);
	CHECK_EQ(d.done, 0); /* one core event of -c 2 so far */
	CHECK_EQ(d.st.by_type[TRC_EV_SOCK], 1);
	CHECK_EQ(trc_writer_close(w, NULL, &err), 0);
	drain_fini(&d);

	off_t len = lseek(fd, 0, SEEK_END);
	unsigned char *buf = malloc((size_t)len);

	CHECK(buf && pread(fd, buf, (size_t)len, 0) == len);
	r = buf ? trc_reader_open_mem(buf, (size_t)len, &err) : NULL;
	CHECK(r != NULL);
	while (r && trc_reader_next(r, &ev, &conn, &err) == TRC_OK) {
		if (ev.type == TRC_EV_STATE)
			state_serial = ev.conn_serial;
		if (ev.type != TRC_EV_SOCK)
			continue;
		socks++;
		CHECK_EQ(ev.conn_serial, state_serial);
		CHECK_EQ(ev.t_ns, 1001);
		CHECK_EQ(ev.sock.kind, TRC_SOCK_TCP_FIGURES);
		CHECK_EQ(ev.sock.state, TRC_TCP_ESTABLISHED);
		CHECK_EQ(ev.sock.flags, TRC_SOCK_FIELD_BIT(TRC_SOCKF_DELIVERY_RATE));
		CHECK_EQ(ev.sock.n_fields, 2);
		CHECK_EQ(ev.sock.key[0], TRC_SOCKF_SRTT_US);
		CHECK_EQ(ev.sock.value[0], 38);
		CHECK_EQ(ev.sock.key[1], TRC_SOCKF_BYTES_ACKED);
		CHECK_EQ(ev.sock.value[1], 1ull << 40);
	}
	CHECK_EQ(socks, 1);
	trc_reader_close(r);
	free(buf);
	close(fd);
}

/* A drain writing to a memory file, for one test. */
struct fixture {
	int fd;
	struct trc_writer *w;
	struct drain d;
};

static int fixture_open(struct fixture *fx)
{
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC };
	struct trc_error err;

	fx->fd = memfd_create("trace", 0);
	fx->w = trc_writer_open_fd(fx->fd, &h, NULL, &err);
	CHECK(fx->w != NULL);
	return fx->w && drain_init(&fx->d, fx->w, 0, 0, 1000) == 0;
}

/* Ends the trace and reads its events back into s[max]; their count. */
static int fixture_read_back(struct fixture *fx, struct seen *s, int max)
{
	struct trc_trailer tr = { 0 };
	struct trc_error err;
	int n;

	CHECK_EQ(trc_writer_close(fx->w, NULL, &err), 0);
	drain_fini(&fx->d);
	n = read_back(fx->fd, s, max, &tr);
	close(fx->fd);
	return n;
}

/* raw_tp/tracepoint: state events without a cookie, then the end walk's
 * figures with the cookie the walk generated: on the same connection. */
static void test_cookieless_figures(void)
{
	struct fixture fx;
	struct seen s[8];
	struct ev_tuple c = tup(7300, 80);
	struct ev_sock_fields f;
	int n;

	if (!fixture_open(&fx))
		return;
	CHECK_EQ(state(&fx.d, 1000, 0, c, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 1), 0);
	memset(&f, 0, sizeof(f));
	f.hdr.type = EV_SOCK_FIELDS;
	f.hdr.size = sizeof(f);
	f.hdr.t_ns = 2000;
	f.cookie = 99;
	f.tuple = c;
	f.kind = TRC_SOCK_TCP_FIGURES;
	f.state = TRC_TCP_ESTABLISHED;
	CHECK_EQ(drain_sock_fields(&fx.d, &f), 0);
	n = fixture_read_back(&fx, s, 8);
	CHECK_EQ(n, 2);
	if (n == 2) {
		CHECK_EQ(s[1].type, TRC_EV_SOCK);
		CHECK_EQ(s[1].serial, s[0].serial);
	}
}

/* raw_tp/tracepoint: a retransmission assigns the socket's cookie in the
 * middle of its life; its retransmit record and later transitions carry
 * it, and stay on the socket's connection. */
static void test_cookie_assigned_midway(void)
{
	struct fixture fx;
	struct seen s[8];
	struct ev_tuple c = tup(7400, 80);
	struct ev_sock_event rt;
	int n;

	if (!fixture_open(&fx))
		return;
	CHECK_EQ(state(&fx.d, 1000, 0, tup(0, 80), TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 1), 0);
	CHECK_EQ(seg(&fx.d, 1001, c, EV_DIR_TX, TRC_TCP_SYN), 0);
	CHECK_EQ(state(&fx.d, 1002, 0, c, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0), 0);
	memset(&rt, 0, sizeof(rt));
	rt.hdr.type = EV_RETRANSMIT;
	rt.hdr.size = sizeof(rt);
	rt.hdr.t_ns = 1003;
	rt.cookie = 4242;
	rt.tuple = c;
	rt.state = TRC_TCP_ESTABLISHED;
	rt.tcp_flags = TRC_TCP_ACK | TRC_TCP_PSH;
	CHECK_EQ(drain_sample(&fx.d, &rt, sizeof(rt)), 0);
	CHECK_EQ(state(&fx.d, 1004, 4242, c, TRC_TCP_ESTABLISHED, TRC_TCP_FIN_WAIT1, 1), 0);
	n = fixture_read_back(&fx, s, 8);
	CHECK_EQ(n, 5);
	for (int i = 1; i < n; i++)
		CHECK_EQ(s[i].serial, s[0].serial);
}

int main(void)
{
	test_sock_fields();
	test_cookie_assigned_midway();
	test_cookieless_figures();
	test_cookieless_timewait();
	test_tw_walk_lags_close();
	test_unpolled_close_released();
	struct trc_header h = { .clock = TRC_CLOCK_MONOTONIC };
	struct trc_trailer tr = { 0 }, extra = { .end_reason = TRC_END_SIGNAL };
	struct trc_error err;
	struct seen s[32];
	struct drain d;
	int fd = memfd_create("trace", 0), n;
	struct trc_writer *w = trc_writer_open_fd(fd, &h, NULL, &err);
	unsigned char junk[40] = { 0 };

	test_concurrent_connects(0);
	test_concurrent_connects(1);
	test_tuple_reuse();
	CHECK(w != NULL);
	CHECK_EQ(drain_init(&d, w, 0, 0, 1000), 0);
	/* Active open: port 0 at SYN_SENT, completed by the SYN. */
	CHECK_EQ(state(&d, 1000, 77, tup(0, 80), TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 1), 0);
	CHECK_EQ(seg(&d, 1010, tup(5000, 80), EV_DIR_TX, TRC_TCP_SYN), 0);
	CHECK_EQ(state(&d, 1020, 77, tup(5000, 80), TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 1), 0);
	/* Passive side: SYN arrives before the child socket exists. */
	CHECK_EQ(seg(&d, 1030, tup(80, 5000), EV_DIR_RX, TRC_TCP_SYN), 0);
	CHECK_EQ(state(&d, 1040, 88, tup(80, 0), TRC_TCP_LISTEN, TRC_TCP_SYN_RECV, 0), 0);
	CHECK_EQ(state(&d, 1050, 88, tup(80, 5000), TRC_TCP_SYN_RECV, TRC_TCP_ESTABLISHED, 0), 0);
	/* The child is declared: its handshake flow goes at the next sweep,
	 * not after DRAIN_FLOW_IDLE_NS. */
	struct ev_tuple t88 = tup(80, 5000);
	struct conn_entry *flow88 = conntab_flow_by_tuple(d.ct, &t88);

	CHECK(flow88 != NULL && flow88->superseded);
	CHECK(conntab_by_tuple(d.ct, &t88, 1) == conntab_by_cookie(d.ct, 88));
	/* Garbage is counted, not trusted. */
	junk[0] = EV_STATE;
	junk[2] = sizeof(junk);
	CHECK_EQ(drain_sample(&d, junk, sizeof(junk)), 0);
	CHECK_EQ(d.st.malformed, 1);
	/* Close into TIME_WAIT; the exit releases the connection. */
	CHECK_EQ(state(&d, 1060, 77, tup(5000, 80), TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE, 0), 0);
	struct ev_tuple t77 = tup(5000, 80);

	CHECK_EQ(drain_timewait(&d, 77, &t77, TRC_TW_ENTER, 1070, TRC_TW_POLLED, 100), 0);
	CHECK(conntab_by_cookie(d.ct, 77) != NULL);
	CHECK_EQ(drain_timewait(&d, 77, &t77, TRC_TW_EXIT, 1080, TRC_TW_POLLED, 100), 0);
	CHECK(conntab_by_cookie(d.ct, 77) == NULL);
	CHECK_EQ(dconn_sweep(&d, 1085), 0);
	CHECK(conntab_flow_by_tuple(d.ct, &t88) == NULL);
	/* The tick writes the malformed gap and expires idle flows. */
	CHECK_EQ(drain_tick(&d, 1090 + DRAIN_FLOW_IDLE_NS + 1), 0);
	CHECK_EQ(conntab_count(d.ct), 1); /* only the established child */
	extra.malformed = d.st.malformed;
	CHECK_EQ(trc_writer_close(w, &extra, &err), 0);
	drain_fini(&d);

	n = read_back(fd, s, 32, &tr);
	CHECK_EQ(n, 10);
	if (n == 10) {
		/* Held SYN_SENT written first, on the completed tuple. */
		CHECK_EQ(s[0].type, TRC_EV_STATE);
		CHECK_EQ(s[0].lport, 5000);
		CHECK_EQ(s[0].b, TRC_TCP_SYN_SENT);
		CHECK_EQ(s[0].c, TRC_STATE_F_OWNER);
		CHECK_EQ(s[1].type, TRC_EV_SEGMENT);
		CHECK_EQ(s[1].serial, s[0].serial);
		CHECK_EQ(s[2].b, TRC_TCP_ESTABLISHED);
		/* SYN at the server: a flow-only connection. */
		CHECK_EQ(s[3].type, TRC_EV_SEGMENT);
		CHECK_EQ(s[3].conn_flags, TRC_CONN_F_FLOW_ONLY);
		CHECK_EQ(s[3].lport, 80);
		/* Child: LISTEN->SYN_RECV held, declared with the full tuple. */
		CHECK_EQ(s[4].b, TRC_TCP_SYN_RECV);
		CHECK_EQ(s[4].c, 0);
		CHECK_EQ(s[4].conn_flags, 0);
		CHECK_EQ(s[5].serial, s[4].serial);
		CHECK(s[4].serial != s[3].serial);
		CHECK_EQ(s[6].b, TRC_TCP_CLOSE);
		CHECK_EQ(s[7].type, TRC_EV_TIMEWAIT);
		CHECK_EQ(s[7].a, TRC_TW_ENTER);
		CHECK_EQ(s[7].b, TRC_TW_POLLED);
		CHECK_EQ(s[8].a, TRC_TW_EXIT);
		CHECK_EQ(s[9].type, TRC_EV_LOST);
	}
	CHECK_EQ(tr.malformed, 1);
	CHECK_EQ(tr.end_reason, TRC_END_SIGNAL);
	close(fd);
	return check_exit_status();
}
