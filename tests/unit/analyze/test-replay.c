// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-replay.c - end-to-end analysis of synthetic traces written with the
 * format writer: exact outcomes, verdicts, state paths, causes, peers and
 * violations for every scenario, over IPv4 and IPv6.  Lost events turn a
 * violation into "incomplete", never the reverse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "divergence.h"
#include "scenarios.h"

static const char *cli, *srv;
static char C[64], S[64], L[64];

static void names(bool v6)
{
	snprintf(C, sizeof(C), v6 ? "[%s]:%d" : "%s:%d", v6 ? CLI6 : CLI4, CPORT);
	snprintf(S, sizeof(S), v6 ? "[%s]:%d" : "%s:%d", v6 ? SRV6 : SRV4, SPORT);
	snprintf(L, sizeof(L), v6 ? "[::]:0" : "0.0.0.0:0");
	cli = C;
	srv = S;
}

static void expect(const struct tg_result *r, const char *local, const char *remote, enum outcome o,
		   enum verdict v, const char *path, const char *zeek)
{
	const struct tg_conn_res *c = tg_find(r, local, remote);

	if (!c)
		return;
	CHECK_STR(outcome_name(c->outcome), outcome_name(o));
	CHECK_STR(verdict_name(c->verdict), verdict_name(v));
	CHECK_STR(c->path, path);
	if (zeek)
		CHECK_STR(zeek_state_name(c->zstate), zeek);
}

static const struct tg_conn_res *run(uint8_t *(*build)(bool, size_t *), bool v6,
				     struct tg_result *r)
{
	size_t len;
	uint8_t *buf = build(v6, &len);

	names(v6);
	tg_analyze(buf, len, NULL, r);
	free(buf);
	CHECK_EQ(r->rc, 0);
	return NULL;
}

static void normal(bool v6)
{
	static struct tg_result r;
	const struct tg_conn_res *c, *s;

	run(sc_normal, v6, &r);
	CHECK_EQ(r.n, 3);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE>TIME_WAIT", "SF");
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", "SF");
	expect(&r, srv, L, OUT_LISTENER, VERDICT_CONFORMANT, "LISTEN>CLOSE", NULL);
	c = tg_find(&r, cli, srv);
	s = tg_find(&r, srv, cli);
	if (!c || !s)
		return;
	CHECK_EQ(c->peer_id, s->id);
	CHECK_EQ(s->peer_id, c->id);
	CHECK_STR(c->history, "ShADadFf");
	CHECK_STR(s->history, "ShADadFf");
	CHECK(c->has_owner && c->pid == 100);
	CHECK(s->has_owner && s->pid == 200);
	/* Causes: connect(), the SYN-ACK, close(), the ACK of our FIN, the
	 * peer's FIN (timewait socket takes over), the timewait socket. */
	CHECK_EQ(c->trans[0].cause.kind, CAUSE_APP);
	CHECK_EQ(c->trans[0].cause.input, RFC_IN_APP_ACTIVE_OPEN);
	CHECK_EQ(c->trans[1].cause.kind, CAUSE_SEGMENT);
	CHECK_EQ(c->trans[1].cause.tcp_flags, TRC_TCP_SYN | TRC_TCP_ACK);
	CHECK_EQ(c->trans[1].cause.dir, TRC_DIR_RX);
	CHECK_EQ(c->trans[2].cause.input, RFC_IN_APP_CLOSE);
	CHECK_EQ(c->trans[3].cause.tcp_flags, TRC_TCP_ACK);
	CHECK_EQ(c->trans[4].cause.tcp_flags, TRC_TCP_FIN | TRC_TCP_ACK);
	CHECK_EQ(c->trans[4].divergence, LX_TIMEWAIT_TAKEOVER);
	CHECK_EQ(c->trans[5].cause.kind, CAUSE_TIMEWAIT);
	CHECK_EQ(s->trans[0].divergence, LX_LISTEN_CHILD);
	CHECK_EQ(s->trans[0].cause.tcp_flags, TRC_TCP_SYN);
	CHECK_EQ(s->trans[1].cause.tcp_flags, TRC_TCP_ACK);
	CHECK_EQ(s->trans[3].cause.kind, CAUSE_APP);
	/* Durations: connect = SYN_SENT dwell, TIME_WAIT 60 s. */
	CHECK_EQ(c->dur.connect_ns, 100000);
	CHECK_EQ(c->dur.handshake_ns, 100000);
	CHECK_EQ(c->dur.timewait_ns, 60 * SEC);
	CHECK_EQ(s->dur.handshake_ns, 100000);
	CHECK_EQ(r.sum.events, 36);
	/* One connection of two endpoints, the client its originator. */
	CHECK_EQ(r.sum.connections, 1);
	CHECK_EQ(r.sum.listeners, 1);
	CHECK_EQ(r.sum.endpoints, 3);
	CHECK_EQ(r.sum.by_verdict[VERDICT_LINUX], 1);
	CHECK_EQ(c->conn_id, s->conn_id);
	CHECK(c->conn_both && c->conn_direction_known);
	CHECK_EQ(c->side, SIDE_ORIG);
	CHECK_EQ(s->side, SIDE_RESP);
	CHECK_EQ(c->conn_outcome, OUT_NORMAL_CLOSE);
}

static void closes(bool v6)
{
	static struct tg_result r;
	const struct tg_conn_res *c;

	run(sc_server_close, v6, &r);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_CONFORMANT,
	       "SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", "SF");
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_RECV>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE>TIME_WAIT", "SF");
	run(sc_simclose, v6, &r);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_SENT>ESTABLISHED>FIN_WAIT1>CLOSING>CLOSE>TIME_WAIT", "SF");
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_RECV>ESTABLISHED>FIN_WAIT1>CLOSING>CLOSE>TIME_WAIT", "SF");
	/* The client's FIN waited in the server's backlog during close(). */
	run(sc_simclose_backlog, v6, &r);
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_RECV>ESTABLISHED>FIN_WAIT1>CLOSING>CLOSE>TIME_WAIT", "SF");
	c = tg_find(&r, srv, cli);
	if (c) {
		CHECK_EQ(c->trans[3].cause.kind, CAUSE_SEGMENT);
		CHECK_EQ(c->trans[3].cause.tcp_flags, TRC_TCP_FIN | TRC_TCP_ACK);
		CHECK_EQ(c->n_violations, 0);
	}
	run(sc_halfclose, v6, &r);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE>TIME_WAIT", "SF");
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", "SF");
	run(sc_closewait, v6, &r);
	expect(&r, cli, srv, OUT_TIMEOUT, VERDICT_LINUX,
	       "SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE>TIME_WAIT", "S2");
	expect(&r, srv, cli, OUT_HALF_OPEN, VERDICT_INCOMPLETE, "SYN_RECV>ESTABLISHED>CLOSE_WAIT",
	       "S2");
	expect(&r, srv, L, OUT_LISTENER, VERDICT_INCOMPLETE, "LISTEN", NULL);
}

static void failures(bool v6)
{
	static struct tg_result r;
	const struct tg_conn_res *c;

	run(sc_refused, v6, &r);
	CHECK_EQ(r.n, 2);
	expect(&r, cli, srv, OUT_REFUSED, VERDICT_CONFORMANT, "SYN_SENT>CLOSE", "REJ");
	c = tg_find(&r, srv, cli); /* the flow of the port without listener */
	if (c) {
		CHECK(c->inferred);
		CHECK_STR(outcome_name(c->outcome), "refused");
		CHECK_STR(c->history, "Sr");
	}
	c = tg_find(&r, cli, srv);
	if (c)
		CHECK_STR(c->history, "Sr");
	run(sc_syn_timeout, v6, &r);
	expect(&r, cli, srv, OUT_SYN_TIMEOUT, VERDICT_LINUX, "SYN_SENT>CLOSE", "S0");
	c = tg_find(&r, cli, srv);
	if (c) {
		CHECK_EQ(c->retransmits, 2);
		CHECK_STR(c->history, "ST");
		CHECK_EQ(c->trans[1].cause.kind, CAUSE_TIMER);
		CHECK_EQ(c->trans[1].divergence, LX_SYN_TIMEOUT);
		CHECK_EQ(c->dur.connect_ns, DUR_NONE);
	}
	run(sc_abort, v6, &r);
	expect(&r, cli, srv, OUT_RESET_LOCAL, VERDICT_LINUX, "SYN_SENT>ESTABLISHED>CLOSE", "RSTO");
	expect(&r, srv, cli, OUT_RESET_REMOTE, VERDICT_LINUX, "SYN_RECV>ESTABLISHED>CLOSE", "RSTO");
	c = tg_find(&r, cli, srv);
	if (c) {
		CHECK_EQ(c->trans[2].divergence, LX_ABORT_CLOSE);
		CHECK_EQ(c->trans[2].cause.input, RFC_IN_APP_ABORT);
	}
	c = tg_find(&r, srv, cli);
	if (c) {
		CHECK_EQ(c->trans[2].judge, JUDGE_CONFORMANT);
		CHECK_EQ(c->trans[2].cause.tcp_flags, TRC_TCP_RST | TRC_TCP_ACK);
	}
}

static void violations(bool v6)
{
	static struct tg_result r;
	const struct tg_conn_res *c;

	run(sc_violation_fin, v6, &r);
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_VIOLATION,
	       "SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", NULL);
	c = tg_find(&r, srv, cli);
	if (c) {
		CHECK_EQ(c->n_violations, 1);
		CHECK_STR(c->violation, "ESTABLISHED -> CLOSE_WAIT without a FIN received");
		CHECK_EQ(c->trans[2].judge, JUDGE_VIOLATION);
	}
	CHECK_EQ(r.sum.by_verdict[VERDICT_VIOLATION], 1);
	/* The same with lost events in between: incomplete, never violation. */
	run(sc_violation_lost, v6, &r);
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_INCOMPLETE,
	       "SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", NULL);
	c = tg_find(&r, srv, cli);
	if (c)
		CHECK(c->incomplete & INC_LOST);
	CHECK_EQ(r.sum.by_verdict[VERDICT_VIOLATION], 0);
	CHECK_EQ(r.sum.lost_events, 7);
	/* The LOST record arriving after the endpoint closed still reaches it. */
	run(sc_violation_lost_late, v6, &r);
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_INCOMPLETE,
	       "SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", NULL);
	CHECK_EQ(r.sum.by_verdict[VERDICT_VIOLATION], 0);
	run(sc_violation_illegal, v6, &r);
	expect(&r, cli, srv, OUT_ABORTED, VERDICT_VIOLATION, "SYN_SENT>FIN_WAIT2>CLOSE", NULL);
	c = tg_find(&r, cli, srv);
	if (c)
		CHECK_STR(
			c->violation,
			"SYN_SENT -> FIN_WAIT2 is not a transition of the RFC 9293 state diagram");
}

static void partial(bool v6)
{
	static struct tg_result r;
	const struct tg_conn_res *c;

	run(sc_snapshot, v6, &r);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_INCOMPLETE,
	       "ESTABLISHED>FIN_WAIT1>CLOSING>CLOSE>TIME_WAIT", "OTH");
	c = tg_find(&r, cli, srv);
	if (c) {
		CHECK(c->incomplete & INC_SNAPSHOT);
		CHECK_EQ(c->trans[0].cause.kind, CAUSE_SNAPSHOT);
	}
	/* No segments recorded at all: transitions that need one are
	 * unexplained, not violations. */
	run(sc_states_only, v6, &r);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_CONFORMANT,
	       "SYN_SENT>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", "SF");
	c = tg_find(&r, cli, srv);
	if (c)
		CHECK_EQ(c->trans[1].judge, JUDGE_UNEXPLAINED);
}

static void segment_only(bool v6)
{
	static struct tg_result r;
	const struct tg_conn_res *c, *s;

	run(sc_pcap_normal, v6, &r);
	CHECK_EQ(r.n, 2);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_CONFORMANT,
	       "SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>TIME_WAIT", "SF");
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_CONFORMANT,
	       "LISTEN>SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", "SF");
	c = tg_find(&r, cli, srv);
	s = tg_find(&r, srv, cli);
	if (c && s) {
		CHECK(c->inferred && s->inferred);
		CHECK_EQ(c->peer_id, s->id);
		CHECK_STR(c->history, "ShADadFf");
		CHECK_EQ(c->trans[0].inferred, 1);
	}
	run(sc_pcap_refused, v6, &r);
	expect(&r, cli, srv, OUT_REFUSED, VERDICT_CONFORMANT, "SYN_SENT>CLOSE", "REJ");
	expect(&r, srv, cli, OUT_REFUSED, VERDICT_CONFORMANT, "-", "REJ");
	run(sc_pcap_simclose, v6, &r);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_CONFORMANT,
	       "SYN_SENT>ESTABLISHED>FIN_WAIT1>CLOSING>TIME_WAIT", "SF");
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_CONFORMANT,
	       "LISTEN>SYN_RECV>ESTABLISHED>FIN_WAIT1>CLOSING>TIME_WAIT", "SF");
}

/* A server's orphan in FIN_WAIT2 is handed to a timewait socket, which
 * times out (tcp_fin_timeout); the client's FIN comes later, reaches no
 * socket and is answered with a RST.  That flow is not the closed
 * socket's: the socket gave up waiting (timeout), the flow is its own. */
static void late_fin_after_timewait(void)
{
	static struct tg_result r;
	struct tg *g = tg_new("ebpf");
	uint64_t f = tg_conn(g, SRV4, SPORT, CLI4, CPORT, NS_SRV, TRC_CONN_F_FLOW_ONLY), s;
	uint8_t *buf;
	size_t len;

	tg_seg(g, f, 1 * MS - 2000, false, "S");
	tg_seg(g, f, 1 * MS - 1000, true, "S.");
	tg_seg(g, f, 1 * MS, false, ".");
	s = tg_conn(g, SRV4, SPORT, CLI4, CPORT, NS_SRV, 0);
	tg_state(g, s, 1 * MS, TRC_TCP_LISTEN, TRC_TCP_SYN_RECV, 0);
	tg_state(g, s, 1 * MS, TRC_TCP_SYN_RECV, TRC_TCP_ESTABLISHED, 0);
	tg_state(g, s, 2 * MS, TRC_TCP_ESTABLISHED, TRC_TCP_FIN_WAIT1, 200);
	tg_seg(g, s, 2 * MS + 1000, true, "F.");
	tg_seg(g, s, 3 * MS, false, ".");
	tg_state(g, s, 3 * MS, TRC_TCP_FIN_WAIT1, TRC_TCP_FIN_WAIT2, 0);
	tg_state(g, s, 3 * MS + 1000, TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE, 0);
	tg_tw(g, s, 3 * MS + 2000, true);
	tg_tw(g, s, 1003 * MS, false);
	tg_close_conn(g, f);
	f = tg_conn(g, SRV4, SPORT, CLI4, CPORT, NS_SRV, TRC_CONN_F_FLOW_ONLY);
	tg_seg(g, f, 2500 * MS, false, "F.");
	tg_reset(g, f, 2500 * MS + 1000, true);
	tg_seg(g, f, 2500 * MS + 2000, true, "R");
	buf = tg_finish(g, &len);
	tg_analyze(buf, len, NULL, &r);
	free(buf);
	CHECK_EQ(r.n, 2);
	if (r.n != 2)
		return;
	CHECK_STR(outcome_name(r.conn[0].outcome), "timeout");
	CHECK_STR(verdict_name(r.conn[0].verdict), "linux-specific");
	CHECK_STR(outcome_name(r.conn[1].outcome), "reset_local");
	CHECK(verdict_name(r.conn[1].verdict)[0] != 'v'); /* never a violation */
}

/* One socket connects, is disconnected (connect(AF_UNSPEC)) and connects
 * again: two endpoint records with the same socket. */
static void reused_socket(void)
{
	static struct tg_result r;
	struct tg *g = tg_new("ebpf");
	uint64_t c = tg_conn(g, CLI4, CPORT, SRV4, SPORT, NS_CLI, 0);
	uint8_t *buf;
	size_t len;

	tg_state(g, c, 1 * MS, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 100);
	tg_seg(g, c, 1 * MS + 1000, true, "S");
	tg_seg(g, c, 2 * MS, false, "R.");
	tg_state(g, c, 2 * MS, TRC_TCP_SYN_SENT, TRC_TCP_CLOSE, 0);
	tg_state(g, c, 3 * MS, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 100);
	tg_seg(g, c, 3 * MS + 1000, true, "S");
	tg_seg(g, c, 4 * MS, false, "S.");
	tg_state(g, c, 4 * MS, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0);
	buf = tg_finish(g, &len);
	tg_analyze(buf, len, NULL, &r);
	free(buf);
	CHECK_EQ(r.n, 2);
	if (r.n != 2)
		return;
	CHECK_STR(r.conn[0].path, "SYN_SENT>CLOSE");
	CHECK_STR(outcome_name(r.conn[0].outcome), "refused");
	CHECK_STR(r.conn[1].path, "SYN_SENT>ESTABLISHED");
	CHECK_STR(outcome_name(r.conn[1].outcome), "open_at_end");
	CHECK_STR(verdict_name(r.conn[1].verdict), "incomplete");
	CHECK(r.conn[1].incomplete & INC_TRACE_END);
}

/* One server child of the tuple closes; 100 ms later a connection with
 * the same tuple (tcp_tw_reuse on the client) arrives, its handshake a
 * flow before the new child exists.  The handshake belongs to the new
 * child, not to the closed one still held for its grace period. */
static void reused_tuple(void)
{
	static struct tg_result r;
	struct tg *g = tg_new("ebpf");
	uint64_t lis = tg_conn(g, SRV4, SPORT, "0.0.0.0", 0, NS_SRV, 0), t = 1 * MS;
	uint8_t *buf;
	size_t len;

	tg_state(g, lis, 0, TRC_TCP_CLOSE, TRC_TCP_LISTEN, 200);
	for (int i = 0; i < 2; i++, t += 100 * MS) {
		uint64_t f = tg_conn(g, SRV4, SPORT, CLI4, CPORT, NS_SRV, TRC_CONN_F_FLOW_ONLY);
		uint64_t c;

		tg_seg(g, f, t, false, "S");
		tg_seg(g, f, t + 1000, true, "S.");
		tg_seg(g, f, t + 2000, false, ".");
		c = tg_conn(g, SRV4, SPORT, CLI4, CPORT, NS_SRV, 0);
		tg_state(g, c, t + 2000, TRC_TCP_LISTEN, TRC_TCP_SYN_RECV, 0);
		tg_state(g, c, t + 2000, TRC_TCP_SYN_RECV, TRC_TCP_ESTABLISHED, 0);
		tg_seg(g, c, t + 3000, false, "F.");
		tg_state(g, c, t + 3000, TRC_TCP_ESTABLISHED, TRC_TCP_CLOSE_WAIT, 0);
		tg_state(g, c, t + 4000, TRC_TCP_CLOSE_WAIT, TRC_TCP_LAST_ACK, 200);
		tg_seg(g, c, t + 4000, true, "F.");
		tg_seg(g, c, t + 5000, false, ".");
		tg_state(g, c, t + 5000, TRC_TCP_LAST_ACK, TRC_TCP_CLOSE, 0);
	}
	buf = tg_finish(g, &len);
	tg_analyze(buf, len, NULL, &r);
	free(buf);
	CHECK_EQ(r.n, 3); /* the listener and two children; no stray flow */
	if (r.n != 3)
		return;
	for (int i = 1; i < 3; i++) {
		CHECK_STR(r.conn[i].path, "SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE");
		CHECK_STR(verdict_name(r.conn[i].verdict), "linux-specific"); /* child socket */
		CHECK_STR(r.conn[i].history, r.conn[1].history);
	}
}

enum fw2_variant { FW2_CLOSE_IN_FW1, FW2_CLOSE_IN_FW2, FW2_ABORT };

/* The close patterns of real servers: shutdown(SHUT_WR), then close()
 * before or after the ACK of the FIN (the kernel sets the state it
 * already has: FIN_WAIT1 -> FIN_WAIT1, FIN_WAIT2 -> FIN_WAIT2) and the
 * orphan handed to a timewait socket in its FIN_WAIT2 substate; or close()
 * with SO_LINGER 0 in FIN_WAIT2.  What follows on the tuple decides the
 * outcome: the peer's FIN, its RST, or our own RST. */
static void shutdown_close(enum fw2_variant v)
{
	static struct tg_result r;
	struct tg *g = tg_new("ebpf");
	uint64_t c = tg_conn(g, CLI4, CPORT, SRV4, SPORT, NS_CLI, 0), t = 10 * MS;
	const uint32_t app = 100;
	uint8_t *buf;
	size_t len;

	tg_state(g, c, 1 * MS, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, app);
	tg_seg(g, c, 1 * MS + 1000, true, "S");
	tg_seg(g, c, 2 * MS, false, "S.");
	tg_state(g, c, 2 * MS, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0);
	tg_seg(g, c, 2 * MS + 1000, true, ".");
	tg_state(g, c, t, TRC_TCP_ESTABLISHED, TRC_TCP_FIN_WAIT1, app); /* shutdown() */
	tg_seg(g, c, t + 1000, true, "F.");
	if (v == FW2_CLOSE_IN_FW1)
		tg_state(g, c, t + 2000, TRC_TCP_FIN_WAIT1, TRC_TCP_FIN_WAIT1, app);
	tg_seg(g, c, t + 3000, false, ".");
	tg_state(g, c, t + 3000, TRC_TCP_FIN_WAIT1, TRC_TCP_FIN_WAIT2, 0);
	if (v == FW2_CLOSE_IN_FW1) {
		tg_state(g, c, t + 3004, TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE, 0);
	} else {
		if (v == FW2_CLOSE_IN_FW2)
			tg_state(g, c, t + 4000, TRC_TCP_FIN_WAIT2, TRC_TCP_FIN_WAIT2, app);
		tg_state(g, c, t + 4004, TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE, app);
	}
	if (v == FW2_ABORT) {
		tg_seg(g, c, t + 4010, true, "R.");
		tg_reset(g, c, t + 4010, true);
	} else {
		tg_tw(g, c, t + 5000, true);
		tg_seg(g, c, t + 6000, false, v == FW2_CLOSE_IN_FW1 ? "F." : "R");
		tg_tw(g, c, t + 7000, false);
	}
	buf = tg_finish(g, &len);
	tg_analyze(buf, len, NULL, &r);
	free(buf);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.conn[0].n_violations, 0);
	CHECK_STR(verdict_name(r.conn[0].verdict), "linux-specific");
	switch (v) {
	case FW2_CLOSE_IN_FW1:
		CHECK_STR(r.conn[0].path,
			  "SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT1>FIN_WAIT2>CLOSE>"
			  "TIME_WAIT");
		CHECK(r.conn[0].divergences & (1u << LX_REPEATED_STATE));
		CHECK_STR(outcome_name(r.conn[0].outcome), "normal_close");
		break;
	case FW2_CLOSE_IN_FW2:
		CHECK_STR(r.conn[0].path,
			  "SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>FIN_WAIT2>CLOSE>"
			  "TIME_WAIT");
		CHECK(r.conn[0].divergences & (1u << LX_REPEATED_STATE));
		CHECK_EQ(r.conn[0].trans[4].cause.kind, CAUSE_APP); /* close() again */
		CHECK_EQ(r.conn[0].trans[5].cause.kind, CAUSE_APP); /* hand-over, not a timer */
		CHECK_STR(outcome_name(r.conn[0].outcome), "reset_remote");
		break;
	case FW2_ABORT:
		CHECK_STR(r.conn[0].path, "SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE");
		CHECK(r.conn[0].divergences == (1u << LX_ABORT_CLOSE));
		CHECK_STR(outcome_name(r.conn[0].outcome), "reset_local");
		break;
	}
}

/* A listener opened at 1 ms, a recording stopped at 10 s with no event
 * after 3 s: the listener was open for the whole recording. */
static void open_until_stop(void)
{
	static struct tg_result r;
	struct tg *g = tg_new("ebpf");
	uint64_t lis = tg_conn(g, SRV4, SPORT, "0.0.0.0", 0, NS_SRV, 0);
	uint64_t c = tg_conn(g, CLI4, CPORT, SRV4, SPORT + 1, NS_CLI, 0);
	uint8_t *buf;
	size_t len;

	tg_state(g, lis, 1 * MS, TRC_TCP_CLOSE, TRC_TCP_LISTEN, 200);
	tg_state(g, c, 3 * SEC, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 100);
	buf = tg_finish_stopped(g, 10 * SEC, &len);
	tg_analyze(buf, len, NULL, &r);
	free(buf);
	CHECK_EQ(r.n, 2);
	CHECK_STR(outcome_name(r.conn[0].outcome), "listener");
	CHECK_EQ(r.conn[0].dur.end_ns, 10 * SEC);
	CHECK_EQ(r.conn[0].dur.lifetime_ns, 10 * SEC - 1 * MS);
	CHECK_STR(outcome_name(r.conn[1].outcome), "open_at_end");
	CHECK_EQ(r.conn[1].dur.lifetime_ns, 7 * SEC);
}

/* The latest tcp_figures record of an endpoint is its figures: provided
 * figures it leaves out are 0, unprovided ones unknown; the verdicts are
 * those of the same traffic without figures. */
static void kernel_figures(bool v6)
{
	static struct tg_result r;
	const struct tg_conn_res *c, *s;
	uint64_t v;

	run(sc_figures, v6, &r);
	CHECK_EQ(r.n, 3);
	expect(&r, cli, srv, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE>TIME_WAIT", "SF");
	expect(&r, srv, cli, OUT_NORMAL_CLOSE, VERDICT_LINUX,
	       "SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE", "SF");
	c = tg_find(&r, cli, srv);
	s = tg_find(&r, srv, cli);
	if (!c || !s)
		return;
	CHECK(c->fig.seen && s->fig.seen);
	CHECK_EQ(c->fig.state, TRC_TCP_CLOSE);
	CHECK(figures_get(&c->fig, TRC_SOCKF_BYTES_ACKED, &v) && v == 202);
	CHECK(figures_get(&c->fig, TRC_SOCKF_BYTES_RECEIVED, &v) && v == 1 << 20);
	CHECK(figures_get(&c->fig, TRC_SOCKF_SRTT_US, &v) && v == 42);
	CHECK(figures_get(&c->fig, TRC_SOCKF_TOTAL_RETRANS, &v) && v == 0); /* left out, 0 */
	CHECK(!figures_get(&c->fig, TRC_SOCKF_DELIVERY_RATE, &v));	    /* lacking */
	CHECK(!figures_get(&c->fig, 12, &v));				    /* beyond the keys */
	CHECK(figures_get(&s->fig, TRC_SOCKF_BYTES_ACKED, &v) && v == 1 << 20);
}

/* figures_apply(): flags name the figures the kernel lacks, any other
 * left out is 0; other kinds leave figures alone. */
static void figures_rules(void)
{
	struct figures f = { 0 };
	struct trc_ev_sock s = { .kind = TRC_SOCK_TCP_FIGURES, .state = TRC_TCP_ESTABLISHED };
	uint64_t v;

	CHECK(!figures_get(&f, TRC_SOCKF_SRTT_US, &v)); /* none recorded */
	s.n_fields = 1;
	s.key[0] = TRC_SOCKF_SRTT_US, s.value[0] = 77;
	figures_apply(&f, &s);
	CHECK(f.seen);
	CHECK(figures_get(&f, TRC_SOCKF_SRTT_US, &v) && v == 77);
	CHECK(figures_get(&f, TRC_SOCKF_BYTES_ACKED, &v) && v == 0); /* left out: 0 */
	s.flags = TRC_SOCK_FIELD_BIT(TRC_SOCKF_BYTES_ACKED);
	s.value[0] = 78;
	figures_apply(&f, &s);
	CHECK(!figures_get(&f, TRC_SOCKF_BYTES_ACKED, &v)); /* lacking: unknown */
	CHECK(figures_get(&f, TRC_SOCKF_SRTT_US, &v) && v == 78);
	s.kind = 99; /* a later kind: not figures */
	s.value[0] = 1;
	figures_apply(&f, &s);
	CHECK(figures_get(&f, TRC_SOCKF_SRTT_US, &v) && v == 78);
	s.kind = TRC_SOCK_TCP_FIGURES;
	s.key[0] = 200; /* a later key: kept out of value[], no harm */
	s.flags = ~0u;
	figures_apply(&f, &s);
	CHECK(!figures_get(&f, TRC_SOCKF_SRTT_US, &v));
	CHECK_EQ(f.known, 0);
}

/* Connections still open when the trace ends are reported in order of
 * first appearance, whatever order the endpoint index holds them in and
 * whichever half each is reported by.  Clients first seen in the order
 * 0..7, their servers in the order 7..0, and the servers declared first
 * (lower serials). */
static void open_at_end_order(void)
{
	enum { N = 8 };
	struct tg *g = tg_new("ebpf");
	uint64_t c[N], s[N], last = 0;
	static struct tg_result r;
	uint8_t *buf;
	size_t len;

	for (int i = 0; i < N; i++)
		s[i] = tg_conn(g, SRV4, SPORT, CLI4, (uint16_t)(CPORT + i), NS_SRV, 0);
	for (int i = 0; i < N; i++)
		c[i] = tg_conn(g, CLI4, (uint16_t)(CPORT + i), SRV4, SPORT, NS_CLI, 0);
	for (int i = 0; i < N; i++)
		tg_state(g, c[i], (1 + (uint64_t)i) * MS, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 100);
	for (int i = N - 1; i >= 0; i--) {
		uint64_t t = (20 + (uint64_t)(N - i)) * MS;

		tg_state(g, s[i], t, TRC_TCP_LISTEN, TRC_TCP_SYN_RECV, 0);
		tg_state(g, c[i], t + 1000, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0);
		tg_state(g, s[i], t + 2000, TRC_TCP_SYN_RECV, TRC_TCP_ESTABLISHED, 0);
	}
	buf = tg_finish(g, &len);
	tg_analyze(buf, len, NULL, &r);
	free(buf);
	CHECK_EQ(r.n_connections, N);
	CHECK_EQ(r.n, 2 * N);
	for (int i = 0; i < r.n; i++) {
		CHECK(r.conn[i].conn_both);
		CHECK(r.conn[i].incomplete & INC_TRACE_END);
		CHECK(r.conn[i].conn_id >= last);
		last = r.conn[i].conn_id;
	}
	/* The first connection reported is client 0's, by its own id. */
	CHECK_EQ(r.conn[0].conn_id, 1);
}

int main(void)
{
	open_at_end_order();
	figures_rules();
	open_until_stop();
	shutdown_close(FW2_CLOSE_IN_FW1);
	shutdown_close(FW2_CLOSE_IN_FW2);
	shutdown_close(FW2_ABORT);
	reused_socket();
	reused_tuple();
	late_fin_after_timewait();
	for (int v6 = 0; v6 < 2; v6++) {
		normal(v6);
		kernel_figures(v6);
		closes(v6);
		failures(v6);
		violations(v6);
		partial(v6);
		segment_only(v6);
	}
	return check_exit_status();
}
