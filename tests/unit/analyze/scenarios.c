// SPDX-License-Identifier: BSD-2-Clause
/*
 * scenarios.c - builds the synthetic traces of scenarios.h.  Event order
 * follows the kernel: a sent segment follows the state change the call
 * made (connect, close), a received segment precedes the state change it
 * causes, the accepted child socket appears (LISTEN -> SYN_RECV) when the
 * third ACK arrives, and its handshake segments were a flow before that.
 */
#include "scenarios.h"

enum {
	EST = TRC_TCP_ESTABLISHED,
	SS = TRC_TCP_SYN_SENT,
	SR = TRC_TCP_SYN_RECV,
	FW1 = TRC_TCP_FIN_WAIT1,
	FW2 = TRC_TCP_FIN_WAIT2,
	CL = TRC_TCP_CLOSE,
	CW = TRC_TCP_CLOSE_WAIT,
	LA = TRC_TCP_LAST_ACK,
	LI = TRC_TCP_LISTEN,
	CLG = TRC_TCP_CLOSING,
};

#define CLIENT_PID 100
#define SERVER_PID 200

struct pair {
	uint64_t cli, flow, lis, srv;
};

static void open_pair(struct tg *g, bool v6, struct pair *p)
{
	const char *c = v6 ? CLI6 : CLI4, *s = v6 ? SRV6 : SRV4;

	p->lis = tg_conn(g, s, SPORT, v6 ? "::" : "0.0.0.0", 0, NS_SRV, 0);
	tg_state(g, p->lis, 0, CL, LI, SERVER_PID);
	p->cli = tg_conn(g, c, CPORT, s, SPORT, NS_CLI, 0);
	p->flow = tg_conn(g, s, SPORT, c, CPORT, NS_SRV, TRC_CONN_F_FLOW_ONLY);
}

/* Three-way handshake from t; returns the time after it. */
static uint64_t handshake(struct tg *g, bool v6, struct pair *p, uint64_t t)
{
	const char *c = v6 ? CLI6 : CLI4, *s = v6 ? SRV6 : SRV4;

	tg_state(g, p->cli, t, CL, SS, CLIENT_PID);
	tg_seg(g, p->cli, t + 1000, true, "S");
	tg_seg(g, p->flow, t + 50000, false, "S");
	tg_seg(g, p->flow, t + 60000, true, "S.");
	tg_seg(g, p->cli, t + 100000, false, "S.");
	tg_state(g, p->cli, t + 100000, SS, EST, 0);
	tg_seg(g, p->cli, t + 101000, true, ".");
	tg_seg(g, p->flow, t + 150000, false, ".");
	p->srv = tg_conn(g, s, SPORT, c, CPORT, NS_SRV, 0);
	tg_state(g, p->srv, t + 150000, LI, SR, 0);
	tg_state(g, p->srv, t + 150000, SR, EST, 0);
	return t + 200000;
}

/* One request/response exchange. */
static uint64_t exchange(struct tg *g, struct pair *p, uint64_t t)
{
	tg_seg(g, p->cli, t, true, "P.");
	tg_seg(g, p->srv, t + 50000, false, "P.");
	tg_seg(g, p->srv, t + 60000, true, ".");
	tg_seg(g, p->cli, t + 100000, false, ".");
	tg_seg(g, p->srv, t + 200000, true, "P.");
	tg_seg(g, p->cli, t + 250000, false, "P.");
	tg_seg(g, p->cli, t + 260000, true, ".");
	tg_seg(g, p->srv, t + 300000, false, ".");
	return t + 1 * MS;
}

/* a closes first, b follows: a ends in TIME_WAIT (timewait socket). */
/* Called after each close transition with the endpoint, the state it
 * entered and whether it closed first; NULL: nothing. */
typedef void (*after_state_fn)(struct tg *g, uint64_t serial, uint64_t t, int st, bool active);

static uint64_t close_seq_then(struct tg *g, uint64_t a, uint32_t apid, uint64_t b, uint32_t bpid,
			       uint64_t t, bool tw_exit, after_state_fn after)
{
#define AFTER(serial, when, st)                                                                    \
	do {                                                                                       \
		if (after)                                                                         \
			after(g, serial, when, st, serial == a);                                   \
	} while (0)
	tg_state(g, a, t, EST, FW1, apid);
	AFTER(a, t, FW1);
	tg_seg(g, a, t + 1000, true, "F.");
	tg_seg(g, b, t + 50000, false, "F.");
	tg_state(g, b, t + 50000, EST, CW, 0);
	AFTER(b, t + 50000, CW);
	tg_seg(g, b, t + 51000, true, ".");
	tg_seg(g, a, t + 100000, false, ".");
	tg_state(g, a, t + 100000, FW1, FW2, 0);
	AFTER(a, t + 100000, FW2);
	tg_state(g, b, t + 2 * MS, CW, LA, bpid);
	AFTER(b, t + 2 * MS, LA);
	tg_seg(g, b, t + 2 * MS + 1000, true, "F.");
	tg_seg(g, a, t + 2 * MS + 50000, false, "F.");
	tg_state(g, a, t + 2 * MS + 50000, FW2, CL, 0);
	AFTER(a, t + 2 * MS + 50000, CL);
	tg_seg(g, a, t + 2 * MS + 51000, true, ".");
	tg_seg(g, b, t + 2 * MS + 100000, false, ".");
	tg_state(g, b, t + 2 * MS + 100000, LA, CL, 0);
	AFTER(b, t + 2 * MS + 100000, CL);
#undef AFTER
	tg_tw(g, a, t + 60 * MS, true);
	if (tw_exit)
		tg_tw(g, a, t + 60 * SEC + 60 * MS, false);
	return t + 3 * MS;
}

static uint64_t close_seq(struct tg *g, uint64_t a, uint32_t apid, uint64_t b, uint32_t bpid,
			  uint64_t t, bool tw_exit)
{
	return close_seq_then(g, a, apid, b, bpid, t, tw_exit, NULL);
}

uint8_t *sc_normal(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	t = exchange(g, &p, t);
	close_seq(g, p.cli, CLIENT_PID, p.srv, SERVER_PID, t + 5 * MS, true);
	tg_state(g, p.lis, 61 * SEC, LI, CL, SERVER_PID);
	return tg_finish(g, len);
}

/* tcp_figures as tcprec --figures=all records them after each transition
 * past the handshake: zeros left out; this kernel lacks delivery_rate.
 * Counters grow with the connection; at CLOSE they are its totals: the
 * client sent 200 bytes (+ SYN and FIN) and received 1 MiB - 1 (+ FIN). */
static void figures(struct tg *g, uint64_t serial, uint64_t t, int st, bool client)
{
	static const uint16_t keys[] = { TRC_SOCKF_BYTES_ACKED, TRC_SOCKF_BYTES_RECEIVED,
					 TRC_SOCKF_SRTT_US, TRC_SOCKF_SND_CWND };
	uint64_t client_close[] = { 202, 1 << 20, 42, 10 },
		 server_close[] = { 1 << 20, 202, 35, 10 };
	uint64_t early[] = { 1, 0, 40, 10 };
	const uint64_t *v = st != CL ? early : client ? client_close : server_close;
	uint16_t k[4];
	uint64_t val[4];
	unsigned int n = 0;

	for (unsigned int i = 0; i < 4; i++)
		if (v[i])
			k[n] = keys[i], val[n++] = v[i];
	tg_sock(g, serial, t, TRC_SOCK_TCP_FIGURES, st, TRC_SOCK_FIELD_BIT(TRC_SOCKF_DELIVERY_RATE),
		n, k, val);
}

uint8_t *sc_figures(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	figures(g, p.cli, t, EST, true);
	t = exchange(g, &p, t);
	close_seq_then(g, p.cli, CLIENT_PID, p.srv, SERVER_PID, t + 5 * MS, true, figures);
	tg_state(g, p.lis, 61 * SEC, LI, CL, SERVER_PID);
	return tg_finish(g, len);
}

uint8_t *sc_server_close(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	t = exchange(g, &p, t);
	close_seq(g, p.srv, SERVER_PID, p.cli, CLIENT_PID, t + 5 * MS, false);
	tg_state(g, p.lis, 1 * SEC, LI, CL, SERVER_PID);
	return tg_finish(g, len);
}

uint8_t *sc_refused(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	const char *c = v6 ? CLI6 : CLI4, *s = v6 ? SRV6 : SRV4;
	uint64_t cli = tg_conn(g, c, CPORT, s, SPORT, NS_CLI, 0);
	uint64_t flow = tg_conn(g, s, SPORT, c, CPORT, NS_SRV, TRC_CONN_F_FLOW_ONLY);

	tg_state(g, cli, 1 * MS, CL, SS, CLIENT_PID);
	tg_seg(g, cli, 1 * MS + 1000, true, "S");
	tg_seg(g, flow, 1 * MS + 50000, false, "S");
	tg_seg(g, flow, 1 * MS + 60000, true, "R.");
	tg_seg(g, cli, 1 * MS + 100000, false, "R.");
	tg_reset(g, cli, 1 * MS + 100000, false);
	tg_state(g, cli, 1 * MS + 100000, SS, CL, 0);
	return tg_finish(g, len);
}

uint8_t *sc_syn_timeout(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	uint64_t cli = tg_conn(g, v6 ? CLI6 : CLI4, CPORT, v6 ? SRV6 : SRV4, SPORT, NS_CLI, 0);

	tg_state(g, cli, 1 * MS, CL, SS, CLIENT_PID);
	tg_seg(g, cli, 1 * MS + 1000, true, "S");
	tg_retrans(g, cli, 1 * SEC + 1 * MS, "S", SS);
	tg_seg(g, cli, 1 * SEC + 1 * MS, true, "S");
	tg_retrans(g, cli, 3 * SEC + 1 * MS, "S", SS);
	tg_seg(g, cli, 3 * SEC + 1 * MS, true, "S");
	tg_state(g, cli, 7 * SEC + 1 * MS, SS, CL, 0);
	return tg_finish(g, len);
}

uint8_t *sc_abort(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	t = exchange(g, &p, t);
	/* tcp_disconnect(): CLOSE first, then the RST is sent. */
	tg_state(g, p.cli, t, EST, CL, CLIENT_PID);
	tg_seg(g, p.cli, t + 1000, true, "R.");
	tg_reset(g, p.cli, t + 1000, true);
	tg_seg(g, p.srv, t + 50000, false, "R.");
	tg_reset(g, p.srv, t + 50000, false);
	tg_state(g, p.srv, t + 50000, EST, CL, 0);
	tg_state(g, p.lis, 1 * SEC, LI, CL, SERVER_PID);
	return tg_finish(g, len);
}

uint8_t *sc_simclose(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	t = exchange(g, &p, t);
	tg_state(g, p.cli, t, EST, FW1, CLIENT_PID);
	tg_seg(g, p.cli, t + 1000, true, "F.");
	tg_state(g, p.srv, t + 2000, EST, FW1, SERVER_PID);
	tg_seg(g, p.srv, t + 3000, true, "F.");
	tg_seg(g, p.cli, t + 50000, false, "F.");
	tg_state(g, p.cli, t + 50000, FW1, CLG, 0);
	tg_seg(g, p.cli, t + 51000, true, ".");
	tg_seg(g, p.srv, t + 52000, false, "F.");
	tg_state(g, p.srv, t + 52000, FW1, CLG, 0);
	tg_seg(g, p.srv, t + 53000, true, ".");
	tg_seg(g, p.cli, t + 100000, false, ".");
	tg_state(g, p.cli, t + 100000, CLG, CL, 0);
	tg_seg(g, p.srv, t + 101000, false, ".");
	tg_state(g, p.srv, t + 101000, CLG, CL, 0);
	tg_tw(g, p.cli, t + 50 * MS, true);
	tg_tw(g, p.srv, t + 50 * MS, true);
	tg_state(g, p.lis, 1 * SEC, LI, CL, SERVER_PID);
	return tg_finish(g, len);
}

/* A simultaneous close as Linux records it when the client's FIN
 * reaches the server while the server is inside close(): seen arriving
 * before the server's FIN_WAIT1, it waited in the socket's backlog and is
 * what moves the server to CLOSING (scripts/demo.sh recorded this). */
uint8_t *sc_simclose_backlog(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	t = exchange(g, &p, t);
	tg_state(g, p.cli, t, EST, FW1, CLIENT_PID);
	tg_seg(g, p.cli, t + 700, true, "F.");
	tg_seg(g, p.srv, t + 1400, false, "F.");
	tg_state(g, p.srv, t + 1700, EST, FW1, SERVER_PID);
	tg_seg(g, p.srv, t + 2400, true, "F.");
	tg_seg(g, p.cli, t + 3300, false, "F.");
	tg_seg(g, p.cli, t + 4700, true, ".");
	tg_state(g, p.cli, t + 5000, FW1, CLG, 0);
	tg_seg(g, p.srv, t + 5300, false, ".");
	tg_seg(g, p.srv, t + 6700, true, ".");
	tg_seg(g, p.cli, t + 7100, false, ".");
	tg_state(g, p.cli, t + 8500, CLG, CL, 0);
	tg_state(g, p.srv, t + 10300, FW1, CLG, 0);
	tg_state(g, p.srv, t + 11900, CLG, CL, 0);
	tg_tw(g, p.cli, t + 26 * MS, true);
	tg_tw(g, p.srv, t + 26 * MS, true);
	tg_state(g, p.lis, 1 * SEC, LI, CL, SERVER_PID);
	return tg_finish(g, len);
}

uint8_t *sc_halfclose(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	/* shutdown(SHUT_WR) on the client, then the server sends data. */
	tg_state(g, p.cli, t, EST, FW1, CLIENT_PID);
	tg_seg(g, p.cli, t + 1000, true, "F.");
	tg_seg(g, p.srv, t + 50000, false, "F.");
	tg_state(g, p.srv, t + 50000, EST, CW, 0);
	tg_seg(g, p.srv, t + 51000, true, ".");
	tg_seg(g, p.cli, t + 100000, false, ".");
	tg_state(g, p.cli, t + 100000, FW1, FW2, 0);
	for (int i = 0; i < 3; i++) {
		tg_seg(g, p.srv, t + (uint64_t)(i + 1) * MS, true, "P.");
		tg_seg(g, p.cli, t + (uint64_t)(i + 1) * MS + 50000, false, "P.");
		tg_seg(g, p.cli, t + (uint64_t)(i + 1) * MS + 51000, true, ".");
		tg_seg(g, p.srv, t + (uint64_t)(i + 1) * MS + 100000, false, ".");
	}
	t += 10 * MS;
	tg_state(g, p.srv, t, CW, LA, SERVER_PID);
	tg_seg(g, p.srv, t + 1000, true, "F.");
	tg_seg(g, p.cli, t + 50000, false, "F.");
	tg_state(g, p.cli, t + 50000, FW2, CL, 0);
	tg_seg(g, p.cli, t + 51000, true, ".");
	tg_seg(g, p.srv, t + 100000, false, ".");
	tg_state(g, p.srv, t + 100000, LA, CL, 0);
	tg_tw(g, p.cli, t + 80 * MS, true);
	tg_state(g, p.lis, 1 * SEC, LI, CL, SERVER_PID);
	return tg_finish(g, len);
}

uint8_t *sc_closewait(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	tg_state(g, p.cli, t, EST, FW1, CLIENT_PID);
	tg_seg(g, p.cli, t + 1000, true, "F.");
	tg_seg(g, p.srv, t + 50000, false, "F.");
	tg_state(g, p.srv, t + 50000, EST, CW, 0);
	tg_seg(g, p.srv, t + 51000, true, ".");
	tg_seg(g, p.cli, t + 100000, false, ".");
	tg_state(g, p.cli, t + 100000, FW1, FW2, 0);
	/* The orphaned client gives up after tcp_fin_timeout; the server
	 * stays in CLOSE_WAIT until the trace ends. */
	tg_state(g, p.cli, t + 60 * SEC, FW2, CL, 0);
	tg_tw(g, p.cli, t + 60 * SEC + 50 * MS, true);
	tg_tw(g, p.cli, t + 60 * SEC + 60 * MS, false);
	tg_seg(g, p.srv, t + 70 * SEC, false, ".");
	return tg_finish(g, len);
}

enum lost_at {
	LOST_NONE,
	LOST_INLINE, /* the LOST record sits where the events went missing */
	LOST_LATE,   /* written 900 ms later, its range reaching back (SPEC: LOST) */
};

/* An established pair whose server reports CLOSE_WAIT with no FIN. */
static uint8_t *violation_fin(bool v6, size_t *len, enum lost_at lost)
{
	struct tg *g = tg_new("ebpf");
	struct pair p;
	uint64_t t;

	open_pair(g, v6, &p);
	t = handshake(g, v6, &p, 1 * MS);
	t = exchange(g, &p, t);
	if (lost == LOST_INLINE)
		tg_lost(g, t + 10000, t + 10000, t + 40000, 7);
	tg_seg(g, p.srv, t + 50000, false, ".");
	tg_state(g, p.srv, t + 50000, EST, CW, 0);
	tg_state(g, p.srv, t + 1 * MS, CW, LA, SERVER_PID);
	tg_seg(g, p.srv, t + 1 * MS + 1000, true, "F.");
	tg_seg(g, p.srv, t + 2 * MS, false, ".");
	tg_state(g, p.srv, t + 2 * MS, LA, CL, 0);
	if (lost == LOST_LATE) {
		/* Traffic in between lets the analyser expire closed endpoints. */
		tg_seg(g, p.cli, t + 500 * MS, false, ".");
		tg_lost(g, t + 900 * MS, t + 10000, t + 900 * MS, 7);
	}
	tg_state(g, p.lis, 1 * SEC, LI, CL, SERVER_PID);
	return tg_finish(g, len);
}

uint8_t *sc_violation_fin(bool v6, size_t *len)
{
	return violation_fin(v6, len, LOST_NONE);
}

uint8_t *sc_violation_lost(bool v6, size_t *len)
{
	return violation_fin(v6, len, LOST_INLINE);
}

uint8_t *sc_violation_lost_late(bool v6, size_t *len)
{
	return violation_fin(v6, len, LOST_LATE);
}

uint8_t *sc_violation_illegal(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	uint64_t cli = tg_conn(g, v6 ? CLI6 : CLI4, CPORT, v6 ? SRV6 : SRV4, SPORT, NS_CLI, 0);

	tg_state(g, cli, 1 * MS, CL, SS, CLIENT_PID);
	tg_seg(g, cli, 1 * MS + 1000, true, "S");
	tg_seg(g, cli, 2 * MS, false, "S.");
	tg_state(g, cli, 2 * MS, SS, FW2, 0);
	tg_state(g, cli, 3 * MS, FW2, CL, CLIENT_PID);
	return tg_finish(g, len);
}

uint8_t *sc_snapshot(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	uint64_t cli = tg_conn(g, v6 ? CLI6 : CLI4, CPORT, v6 ? SRV6 : SRV4, SPORT, NS_CLI, 0);

	tg_snapshot(g, cli, 1 * MS, EST);
	tg_seg(g, cli, 2 * MS, true, "P.");
	tg_seg(g, cli, 3 * MS, false, ".");
	tg_state(g, cli, 4 * MS, EST, FW1, CLIENT_PID);
	tg_seg(g, cli, 4 * MS + 1000, true, "F.");
	tg_seg(g, cli, 5 * MS, false, "F.");
	tg_state(g, cli, 5 * MS, FW1, CLG, 0);
	tg_seg(g, cli, 5 * MS + 1000, true, ".");
	tg_seg(g, cli, 6 * MS, false, ".");
	tg_state(g, cli, 6 * MS, CLG, CL, 0);
	tg_tw(g, cli, 60 * MS, true);
	return tg_finish(g, len);
}

uint8_t *sc_states_only(bool v6, size_t *len)
{
	struct tg *g = tg_new("ebpf");
	uint64_t cli = tg_conn(g, v6 ? CLI6 : CLI4, CPORT, v6 ? SRV6 : SRV4, SPORT, NS_CLI, 0);

	tg_state(g, cli, 1 * MS, CL, SS, CLIENT_PID);
	tg_state(g, cli, 2 * MS, SS, EST, 0);
	tg_state(g, cli, 3 * MS, EST, CW, 0);
	tg_state(g, cli, 4 * MS, CW, LA, CLIENT_PID);
	tg_state(g, cli, 5 * MS, LA, CL, 0);
	return tg_finish(g, len);
}
