// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-connection.c - a connection from its endpoints (connection.c):
 * who originated it, the combined outcome and verdict, bytes each way,
 * RTT and retransmissions, and the shortened text of outfmt.
 */
#include <string.h>

#include "connection.h"
#include "outputs.h"
#include "tracegen.h"

#define SEC 1000000000ull

/* An endpoint 192.0.2.1:lport > 192.0.2.2:rport (local first). */
struct ep {
	struct conn_body body;
	struct conn c;
	struct conn_view v;
};

static const struct trc_header hdr = { .anchor_realtime_ns = 1000 * SEC };

static void ep_init(struct ep *e, uint64_t id, uint16_t lport, uint16_t rport, int originator,
		    enum outcome o, enum verdict vd)
{
	memset(e, 0, sizeof(*e));
	e->body.decl.family = TRC_FAMILY_IPV4;
	e->body.decl.lport = lport;
	e->body.decl.rport = rport;
	memcpy(e->body.decl.laddr, (uint8_t[]){ 192, 0, 2, (uint8_t)(lport == 80 ? 2 : 1) }, 4);
	memcpy(e->body.decl.raddr, (uint8_t[]){ 192, 0, 2, (uint8_t)(lport == 80 ? 1 : 2) }, 4);
	e->body.classify.originator = (int8_t)originator;
	e->c.id = e->c.gid = id;
	e->c.b = &e->body;
	e->v = (struct conn_view){ .c = &e->c, .hdr = &hdr, .outcome = o, .verdict = vd };
	e->v.dur.start_ns = 10 * SEC;
	e->v.dur.end_ns = 11 * SEC;
}

static void fig(struct ep *e, unsigned int key, uint64_t v)
{
	e->body.fig.seen = true;
	e->body.fig.known |= TRC_SOCK_FIELD_BIT(key);
	e->body.fig.value[key] = v;
}

/* Client (port 40000) and server (port 80) of one connection. */
static void both_sides(void)
{
	struct ep cli, srv;
	struct connection_view cv;

	ep_init(&cli, 2, 40000, 80, 1, OUT_NORMAL_CLOSE, VERDICT_CONFORMANT);
	ep_init(&srv, 4, 80, 40000, -1, OUT_NORMAL_CLOSE, VERDICT_LINUX);
	srv.v.dur.start_ns = 10 * SEC + 5;
	srv.v.dur.end_ns = 12 * SEC;
	fig(&cli, TRC_SOCKF_BYTES_ACKED, 1000);
	fig(&cli, TRC_SOCKF_SRTT_US, 50);
	fig(&cli, TRC_SOCKF_TOTAL_RETRANS, 2);
	fig(&srv, TRC_SOCKF_BYTES_RECEIVED, 1000);
	fig(&srv, TRC_SOCKF_SRTT_US, 70);
	srv.body.traffic.retransmits = 3; /* no total_retrans figure: the trace's count */
	/* Given in either order, the same connection. */
	for (int order = 0; order < 2; order++) {
		connection_build(&cv, order ? &srv.v : &cli.v, order ? &cli.v : &srv.v);
		CHECK(cv.half[SIDE_ORIG] == &cli.v && cv.half[SIDE_RESP] == &srv.v);
		CHECK(cv.direction_known);
		CHECK_EQ(cv.id, 2);
		CHECK_EQ(cv.port[SIDE_ORIG], 40000);
		CHECK_EQ(cv.port[SIDE_RESP], 80);
		CHECK_EQ(cv.addr[SIDE_ORIG][3], 1);
		CHECK_EQ(cv.addr[SIDE_RESP][3], 2);
		CHECK_STR(connection_seen_name(&cv), "both");
		CHECK_EQ(cv.start_rt, 1010 * SEC);
		CHECK_EQ(cv.end_rt, 1012 * SEC);
		CHECK(!cv.open);
		CHECK_EQ(cv.outcome, OUT_NORMAL_CLOSE);
		CHECK_EQ(cv.verdict, VERDICT_LINUX);
		/* orig sent 1000 (its acked, the server's received agrees);
		 * the server's sending was not recorded by either. */
		CHECK(cv.bytes_known[SIDE_ORIG] && cv.bytes[SIDE_ORIG] == 1000);
		CHECK(!cv.bytes_known[SIDE_RESP]);
		CHECK(cv.rtt_known && cv.rtt_us == 50);
		CHECK_EQ(cv.retransmits, 5);
	}
	/* The responder's received bytes stand in for the originator's. */
	cli.body.fig.known &= ~TRC_SOCK_FIELD_BIT(TRC_SOCKF_BYTES_ACKED);
	cli.body.fig.known &= ~TRC_SOCK_FIELD_BIT(TRC_SOCKF_SRTT_US);
	srv.body.fig.value[TRC_SOCKF_BYTES_RECEIVED] = 999;
	connection_build(&cv, &cli.v, &srv.v);
	CHECK(cv.bytes_known[SIDE_ORIG] && cv.bytes[SIDE_ORIG] == 999);
	CHECK(cv.rtt_known && cv.rtt_us == 70);
	/* srtt 0: the socket timed no segment, there is no RTT. */
	srv.body.fig.value[TRC_SOCKF_SRTT_US] = 0;
	connection_build(&cv, &cli.v, &srv.v);
	CHECK(!cv.rtt_known);
	/* A side still open at the end keeps the connection open. */
	srv.c.incomplete = INC_TRACE_END;
	srv.v.outcome = OUT_OPEN_AT_END;
	connection_build(&cv, &cli.v, &srv.v);
	CHECK(cv.open);
	CHECK_EQ(cv.outcome, OUT_OPEN_AT_END);
}

/* Who reset it, from either side's words. */
static void resets(void)
{
	struct ep cli, srv;
	struct connection_view cv;

	ep_init(&cli, 1, 40000, 80, 1, OUT_RESET_LOCAL, VERDICT_CONFORMANT);
	ep_init(&srv, 3, 80, 40000, -1, OUT_RESET_REMOTE, VERDICT_CONFORMANT);
	connection_build(&cv, &cli.v, &srv.v);
	CHECK_EQ(cv.outcome, OUT_RESET_ORIG);
	connection_build(&cv, &srv.v, NULL);
	CHECK_EQ(cv.outcome, OUT_RESET_ORIG);
	CHECK_STR(connection_seen_name(&cv), "resp");
	srv.v.outcome = OUT_RESET_LOCAL;
	connection_build(&cv, &srv.v, NULL);
	CHECK_EQ(cv.outcome, OUT_RESET_RESP);
	CHECK(connection_outcome_ok(OUT_RESET_RESP) && !connection_outcome_ok(OUT_RESET_LOCAL));
	/* A refusal explains the other side's closing; a violation is worse
	 * than an incomplete verdict. */
	cli.v.outcome = OUT_REFUSED;
	cli.v.verdict = VERDICT_INCOMPLETE;
	srv.v.outcome = OUT_CLOSED_UNKNOWN;
	srv.v.verdict = VERDICT_VIOLATION;
	connection_build(&cv, &srv.v, &cli.v);
	CHECK_EQ(cv.outcome, OUT_REFUSED);
	CHECK_EQ(cv.verdict, VERDICT_VIOLATION);
	/* TCP_USER_TIMEOUT: the client gave up and forgot the connection,
	 * the server's next segment was answered by a reset. */
	cli.v.outcome = OUT_TIMEOUT;
	srv.v.outcome = OUT_RESET_REMOTE;
	connection_build(&cv, &srv.v, &cli.v);
	CHECK_EQ(cv.outcome, OUT_TIMEOUT);
}

/* Without a SYN or SYN state to go by, the higher port originated it. */
static void guessed(void)
{
	struct ep srv, lis;
	struct connection_view cv;

	ep_init(&srv, 5, 80, 40000, 0, OUT_OPEN_AT_END, VERDICT_INCOMPLETE);
	connection_build(&cv, &srv.v, NULL);
	CHECK(!cv.direction_known);
	CHECK(cv.half[SIDE_RESP] == &srv.v && !cv.half[SIDE_ORIG]);
	CHECK_EQ(cv.port[SIDE_ORIG], 40000);
	/* A listener is the responder of a connection without an originator. */
	ep_init(&lis, 1, 80, 0, 0, OUT_LISTENER, VERDICT_CONFORMANT);
	memset(lis.body.decl.raddr, 0, 16);
	connection_build(&cv, &lis.v, NULL);
	CHECK(cv.direction_known && cv.half[SIDE_RESP] == &lis.v);
	CHECK_EQ(cv.port[SIDE_RESP], 80);
	CHECK_EQ(cv.port[SIDE_ORIG], 0);
}

static void short_durations(void)
{
	char b[16];

	CHECK_STR(outfmt_duration_short(57000, b, sizeof(b)), "57.0us");
	CHECK_STR(outfmt_duration_short(1234567, b, sizeof(b)), "1.23ms");
	CHECK_STR(outfmt_duration_short(162494000, b, sizeof(b)), "162ms");
	CHECK_STR(outfmt_duration_short(9999000, b, sizeof(b)), "10.0ms");
	CHECK_STR(outfmt_duration_short(3150000000ull, b, sizeof(b)), "3.15s");
	CHECK_STR(outfmt_duration_short(999, b, sizeof(b)), "999ns");
	CHECK(strlen(outfmt_duration_short(999999999, b, sizeof(b))) <= 6);
}

static void fit(void)
{
	char b[22];

	CHECK_STR(outfmt_endpoint_fit("192.0.2.1:40000", 21, b), "192.0.2.1:40000");
	CHECK_STR(outfmt_endpoint_fit("[2001:db8:aaaa:bbbb:cccc:dddd:eeee:1]:443", 21, b),
		  "[2001:d..:eeee:1]:443");
	CHECK_EQ(strlen(b), 21);
	CHECK_STR(outfmt_endpoint_fit("[fd00:1234:5678:9abc:def0:1234:5678:9abc]:65535", 21, b),
		  "[fd00:..8:9abc]:65535");
	CHECK_EQ(strlen(b), 21);
}

int main(void)
{
	fit();
	both_sides();
	resets();
	guessed();
	short_durations();
	return check_exit_status();
}
