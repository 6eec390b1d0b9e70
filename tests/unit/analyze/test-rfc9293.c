// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-rfc9293.c - every rule of the RFC 9293 transition table, table
 * driven (state x input -> next state, action), plus whole sequences:
 * simultaneous open and close, RST in each state, FIN with data, SYN in
 * ESTABLISHED.  Fails if any table row is not exercised.
 */
#include <stdio.h>
#include <string.h>

#include "rfc9293.h"
#include "tracegen.h"

enum { RX = RFC_IN_SEG_RX, TX = RFC_IN_SEG_TX };
#define ANYACT (-1)

struct tcase {
	enum tcp_state st;
	int kind;
	const char *flags;
	bool data, unacked, passive;
	enum tcp_state to;
	int action;
};

#define T(st, k, fl, to, act)                                                                      \
	{                                                                                          \
		TCP_ST_##st, k, fl, false, false, false, TCP_ST_##to, act                          \
	}
#define TD(st, k, fl, to, act)                                                                     \
	{                                                                                          \
		TCP_ST_##st, k, fl, true, false, false, TCP_ST_##to, act                           \
	}
#define TU(st, k, fl, to, act)                                                                     \
	{                                                                                          \
		TCP_ST_##st, k, fl, false, true, false, TCP_ST_##to, act                           \
	}
#define TP(st, k, fl, to, act)                                                                     \
	{                                                                                          \
		TCP_ST_##st, k, fl, false, false, true, TCP_ST_##to, act                           \
	}

static const struct tcase cases[] = {
	/* CLOSED */
	T(CLOSE, RX, "R", CLOSE, RFC_ACT_DROP),
	T(CLOSE, RX, "S", CLOSE, RFC_ACT_SEND_RST),
	T(CLOSE, RX, ".", CLOSE, RFC_ACT_SEND_RST),
	/* LISTEN */
	T(LISTEN, RX, "R", LISTEN, RFC_ACT_DROP),
	T(LISTEN, RX, ".", LISTEN, RFC_ACT_SEND_RST),
	T(LISTEN, RX, "S.", LISTEN, RFC_ACT_SEND_RST),
	T(LISTEN, RX, "S", SYN_RECV, RFC_ACT_SEND_SYNACK),
	T(LISTEN, RX, "F", LISTEN, RFC_ACT_DROP),
	/* SYN-SENT */
	T(SYN_SENT, RX, "R.", CLOSE, RFC_ACT_DROP),
	T(SYN_SENT, RX, "R", SYN_SENT, RFC_ACT_DROP),
	T(SYN_SENT, RX, "S.", ESTABLISHED, RFC_ACT_SEND_ACK),
	T(SYN_SENT, RX, "S", SYN_RECV, RFC_ACT_SEND_SYNACK),
	T(SYN_SENT, RX, ".", SYN_SENT, RFC_ACT_DROP),
	T(SYN_SENT, RX, "F", SYN_SENT, RFC_ACT_DROP),
	/* SYN-RECEIVED */
	TP(SYN_RECV, RX, "R", LISTEN, RFC_ACT_DROP),
	T(SYN_RECV, RX, "R", CLOSE, RFC_ACT_DROP),
	T(SYN_RECV, RX, "S", SYN_RECV, RFC_ACT_SEND_SYNACK),
	T(SYN_RECV, RX, "S.", ESTABLISHED, RFC_ACT_SEND_ACK),
	TP(SYN_RECV, RX, "S.", SYN_RECV, RFC_ACT_CHALLENGE_ACK),
	T(SYN_RECV, RX, ".", ESTABLISHED, RFC_ACT_NONE),
	T(SYN_RECV, RX, "F.", CLOSE_WAIT, RFC_ACT_SEND_ACK),
	T(SYN_RECV, RX, "F", SYN_RECV, RFC_ACT_DROP),
	/* ESTABLISHED: RST, SYN (RFC 5961 challenge ACK), FIN, FIN with data */
	T(ESTABLISHED, RX, "R", CLOSE, RFC_ACT_DROP),
	T(ESTABLISHED, RX, "R.", CLOSE, RFC_ACT_DROP),
	T(ESTABLISHED, RX, "S", ESTABLISHED, RFC_ACT_CHALLENGE_ACK),
	T(ESTABLISHED, RX, "S.", ESTABLISHED, RFC_ACT_CHALLENGE_ACK),
	T(ESTABLISHED, RX, "F.", CLOSE_WAIT, RFC_ACT_SEND_ACK),
	TD(ESTABLISHED, RX, "FP.", CLOSE_WAIT, RFC_ACT_SEND_ACK),
	TD(ESTABLISHED, RX, "P.", ESTABLISHED, RFC_ACT_SEND_ACK),
	T(ESTABLISHED, RX, ".", ESTABLISHED, RFC_ACT_NONE),
	/* FIN-WAIT-1 */
	T(FIN_WAIT1, RX, "F.", TIME_WAIT, RFC_ACT_SEND_ACK),
	TU(FIN_WAIT1, RX, "F.", CLOSING, RFC_ACT_SEND_ACK),
	T(FIN_WAIT1, RX, ".", FIN_WAIT2, RFC_ACT_NONE),
	TU(FIN_WAIT1, RX, ".", FIN_WAIT1, RFC_ACT_NONE),
	T(FIN_WAIT1, RX, "R", CLOSE, RFC_ACT_DROP),
	T(FIN_WAIT1, RX, "S", FIN_WAIT1, RFC_ACT_CHALLENGE_ACK),
	/* FIN-WAIT-2 */
	T(FIN_WAIT2, RX, "F.", TIME_WAIT, RFC_ACT_SEND_ACK),
	TD(FIN_WAIT2, RX, "FP.", TIME_WAIT, RFC_ACT_SEND_ACK),
	TD(FIN_WAIT2, RX, "P.", FIN_WAIT2, RFC_ACT_SEND_ACK),
	T(FIN_WAIT2, RX, ".", FIN_WAIT2, RFC_ACT_NONE),
	T(FIN_WAIT2, RX, "R", CLOSE, RFC_ACT_DROP),
	/* CLOSE-WAIT */
	T(CLOSE_WAIT, RX, "F.", CLOSE_WAIT, RFC_ACT_SEND_ACK),
	T(CLOSE_WAIT, RX, ".", CLOSE_WAIT, RFC_ACT_NONE),
	T(CLOSE_WAIT, RX, "R", CLOSE, RFC_ACT_DROP),
	T(CLOSE_WAIT, RX, "S", CLOSE_WAIT, RFC_ACT_CHALLENGE_ACK),
	/* CLOSING */
	T(CLOSING, RX, ".", TIME_WAIT, RFC_ACT_NONE),
	TU(CLOSING, RX, ".", CLOSING, RFC_ACT_NONE),
	T(CLOSING, RX, "R", CLOSE, RFC_ACT_DROP),
	/* LAST-ACK */
	T(LAST_ACK, RX, ".", CLOSE, RFC_ACT_NONE),
	TU(LAST_ACK, RX, ".", LAST_ACK, RFC_ACT_NONE),
	T(LAST_ACK, RX, "R", CLOSE, RFC_ACT_DROP),
	/* TIME-WAIT */
	T(TIME_WAIT, RX, "F.", TIME_WAIT, RFC_ACT_SEND_ACK),
	T(TIME_WAIT, RX, ".", TIME_WAIT, RFC_ACT_NONE),
	T(TIME_WAIT, RX, "R", CLOSE, RFC_ACT_DROP),
	T(TIME_WAIT, RX, "S", TIME_WAIT, RFC_ACT_CHALLENGE_ACK),
	/* Segments sent = the calls that produce them */
	T(CLOSE, TX, "S", SYN_SENT, RFC_ACT_SEND_SYN),
	T(LISTEN, TX, "S", SYN_SENT, RFC_ACT_SEND_SYN),
	T(CLOSE, TX, "R.", CLOSE, RFC_ACT_SEND_RST),
	T(LISTEN, TX, "R", LISTEN, RFC_ACT_SEND_RST),
	T(SYN_SENT, TX, "R", CLOSE, RFC_ACT_NONE),
	T(SYN_SENT, TX, "S", SYN_SENT, RFC_ACT_NONE),
	T(SYN_RECV, TX, "R.", CLOSE, RFC_ACT_SEND_RST),
	T(ESTABLISHED, TX, "R.", CLOSE, RFC_ACT_SEND_RST),
	T(FIN_WAIT2, TX, "R.", CLOSE, RFC_ACT_SEND_RST),
	T(CLOSE_WAIT, TX, "R.", CLOSE, RFC_ACT_SEND_RST),
	T(LAST_ACK, TX, "R", CLOSE, RFC_ACT_NONE),
	T(TIME_WAIT, TX, "R", CLOSE, RFC_ACT_NONE),
	T(ESTABLISHED, TX, "F.", FIN_WAIT1, RFC_ACT_SEND_FIN),
	T(SYN_RECV, TX, "F.", FIN_WAIT1, RFC_ACT_SEND_FIN),
	T(CLOSE_WAIT, TX, "F.", LAST_ACK, RFC_ACT_SEND_FIN),
	T(FIN_WAIT1, TX, "F.", FIN_WAIT1, RFC_ACT_NONE),
	T(ESTABLISHED, TX, "P.", ESTABLISHED, RFC_ACT_NONE),
	/* Application calls */
	T(CLOSE, RFC_IN_APP_ACTIVE_OPEN, "", SYN_SENT, RFC_ACT_SEND_SYN),
	T(LISTEN, RFC_IN_APP_ACTIVE_OPEN, "", SYN_SENT, RFC_ACT_SEND_SYN),
	T(CLOSE, RFC_IN_APP_PASSIVE_OPEN, "", LISTEN, RFC_ACT_NONE),
	T(LISTEN, RFC_IN_APP_CLOSE, "", CLOSE, RFC_ACT_NONE),
	T(SYN_SENT, RFC_IN_APP_CLOSE, "", CLOSE, RFC_ACT_NONE),
	T(SYN_RECV, RFC_IN_APP_CLOSE, "", FIN_WAIT1, RFC_ACT_SEND_FIN),
	T(ESTABLISHED, RFC_IN_APP_CLOSE, "", FIN_WAIT1, RFC_ACT_SEND_FIN),
	T(CLOSE_WAIT, RFC_IN_APP_CLOSE, "", LAST_ACK, RFC_ACT_SEND_FIN),
	T(FIN_WAIT1, RFC_IN_APP_CLOSE, "", FIN_WAIT1, RFC_ACT_ERROR),
	T(CLOSE, RFC_IN_APP_CLOSE, "", CLOSE, RFC_ACT_ERROR),
	T(ESTABLISHED, RFC_IN_APP_ABORT, "", CLOSE, RFC_ACT_SEND_RST),
	T(SYN_SENT, RFC_IN_APP_ABORT, "", CLOSE, RFC_ACT_NONE),
	T(TIME_WAIT, RFC_IN_APP_ABORT, "", CLOSE, RFC_ACT_NONE),
	T(CLOSE, RFC_IN_APP_ABORT, "", CLOSE, RFC_ACT_ERROR),
	/* Timers */
	T(TIME_WAIT, RFC_IN_TIMER_2MSL, "", CLOSE, RFC_ACT_NONE),
	T(ESTABLISHED, RFC_IN_TIMER_2MSL, "", ESTABLISHED, RFC_ACT_NONE),
	T(SYN_SENT, RFC_IN_TIMER_GIVEUP, "", CLOSE, RFC_ACT_NONE),
	T(ESTABLISHED, RFC_IN_TIMER_GIVEUP, "", CLOSE, RFC_ACT_NONE),
	T(LISTEN, RFC_IN_TIMER_GIVEUP, "", LISTEN, RFC_ACT_NONE),
};

static bool hit[256];

static enum tcp_state run(enum tcp_state st, bool passive, int kind, const char *flags, bool data,
			  bool unacked, struct rfc9293_result *r)
{
	struct rfc9293_model m = { .st = st, .passive = passive };
	struct rfc9293_input in = { .kind = (enum rfc9293_input_kind)kind,
				    .tcp_flags = tg_flags(flags),
				    .data = data,
				    .fin_unacked = unacked };
	int rc = rfc9293_step(&m, &in, r);

	CHECK(rc >= 0);
	CHECK(rc == (r->to != r->from));
	CHECK(m.st == r->to);
	if (r->rule >= 0 && r->rule < 256)
		hit[r->rule] = true;
	return m.st;
}

static void table_cases(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct rfc9293_result r;
		char what[160];
		enum tcp_state got =
			run(c->st, c->passive, c->kind, c->flags, c->data, c->unacked, &r);

		snprintf(what, sizeof(what), "case %zu: %s %s [%s]", i, tcp_state_name(c->st),
			 rfc9293_input_name((enum rfc9293_input_kind)c->kind), c->flags);
		check_str_at(tcp_state_name(got), tcp_state_name(c->to), what, __FILE__, __LINE__);
		if (c->action != ANYACT)
			check_str_at(rfc9293_action_name(r.action),
				     rfc9293_action_name((enum rfc9293_action)c->action), what,
				     __FILE__, __LINE__);
	}
}

struct step {
	int kind;
	const char *flags;
	bool unacked;
	enum tcp_state to;
};

static void sequence(const char *name, enum tcp_state start, const struct step *s, size_t n)
{
	struct rfc9293_model m = { .st = start };

	for (size_t i = 0; i < n; i++) {
		struct rfc9293_input in = { .kind = (enum rfc9293_input_kind)s[i].kind,
					    .tcp_flags = tg_flags(s[i].flags),
					    .fin_unacked = s[i].unacked };
		struct rfc9293_result r;
		char what[96];

		(void)rfc9293_step(&m, &in, &r);
		snprintf(what, sizeof(what), "%s step %zu", name, i);
		check_str_at(tcp_state_name(m.st), tcp_state_name(s[i].to), what, __FILE__,
			     __LINE__);
	}
}

static void sequences(void)
{
	static const struct step simopen[] = {
		{ TX, "S", false, TCP_ST_SYN_SENT },
		{ RX, "S", false, TCP_ST_SYN_RECV },
		{ TX, "S.", false, TCP_ST_SYN_RECV },
		{ RX, "S.", false, TCP_ST_ESTABLISHED },
	};
	static const struct step simclose[] = {
		{ TX, "F.", false, TCP_ST_FIN_WAIT1 },
		{ RX, "F.", true, TCP_ST_CLOSING },
		{ TX, ".", false, TCP_ST_CLOSING },
		{ RX, ".", false, TCP_ST_TIME_WAIT },
		{ RFC_IN_TIMER_2MSL, "", false, TCP_ST_CLOSE },
	};
	static const struct step passive_rst[] = {
		{ RFC_IN_APP_PASSIVE_OPEN, "", false, TCP_ST_LISTEN },
		{ RX, "S", false, TCP_ST_SYN_RECV },
		{ RX, "R", false, TCP_ST_LISTEN },
	};
	static const struct step active_rst[] = {
		{ TX, "S", false, TCP_ST_SYN_SENT },
		{ RX, "S", false, TCP_ST_SYN_RECV },
		{ RX, "R", false, TCP_ST_CLOSE },
	};
	static const struct step normal[] = {
		{ RFC_IN_APP_ACTIVE_OPEN, "", false, TCP_ST_SYN_SENT },
		{ RX, "S.", false, TCP_ST_ESTABLISHED },
		{ RX, "S", false, TCP_ST_ESTABLISHED },
		{ TX, "F.", false, TCP_ST_FIN_WAIT1 },
		{ RX, ".", true, TCP_ST_FIN_WAIT1 },
		{ RX, ".", false, TCP_ST_FIN_WAIT2 },
		{ RX, "FP.", false, TCP_ST_TIME_WAIT },
		{ RFC_IN_TIMER_2MSL, "", false, TCP_ST_CLOSE },
	};

	sequence("simultaneous open", TCP_ST_CLOSE, simopen, 4);
	sequence("simultaneous close", TCP_ST_ESTABLISHED, simclose, 5);
	sequence("RST in passive SYN_RECV", TCP_ST_CLOSE, passive_rst, 3);
	sequence("RST in active SYN_RECV", TCP_ST_CLOSE, active_rst, 3);
	sequence("normal active close", TCP_ST_CLOSE, normal, 8);
}

/* A RST is accepted in every synchronized state (§3.10.7.4). */
static void rst_everywhere(void)
{
	static const enum tcp_state sync[] = {
		TCP_ST_ESTABLISHED, TCP_ST_FIN_WAIT1, TCP_ST_FIN_WAIT2, TCP_ST_CLOSE_WAIT,
		TCP_ST_CLOSING,	    TCP_ST_LAST_ACK,  TCP_ST_TIME_WAIT,
	};
	struct rfc9293_result r;

	for (size_t i = 0; i < sizeof(sync) / sizeof(sync[0]); i++)
		CHECK(run(sync[i], false, RX, "R.", false, false, &r) == TCP_ST_CLOSE);
}

static void names_and_errors(void)
{
	struct rfc9293_model m = { .st = TCP_ST_COUNT };
	struct rfc9293_input in = { .kind = RFC_IN_SEG_RX };
	struct rfc9293_result r;

	CHECK_STR(tcp_state_name(TCP_ST_SYN_SENT), "SYN_SENT");
	CHECK_STR(tcp_state_name(99), "UNKNOWN");
	CHECK(rfc9293_step(&m, &in, &r) < 0);
	m.st = TCP_ST_ESTABLISHED;
	in.kind = RFC_IN_COUNT;
	CHECK(rfc9293_step(&m, &in, &r) < 0);
	in.kind = RFC_IN_RESYNC;
	in.resync_to = TCP_ST_CLOSE_WAIT;
	CHECK(rfc9293_step(&m, &in, &r) == 1 && m.st == TCP_ST_CLOSE_WAIT);
	/* NEW_SYN_RECV has no RFC rules: nothing matches, nothing changes. */
	m.st = TCP_ST_NEW_SYN_RECV;
	in.kind = RFC_IN_SEG_RX;
	CHECK(rfc9293_predict(&m, &in, &r) == 0 && r.rule == -1);
}

/* Rows are grouped by input kind (one section each) and only reference
 * states that exist. */
static void table_shape(void)
{
	int last = 0;

	CHECK(rfc9293_rule_count() > 50);
	CHECK(rfc9293_rule_get(rfc9293_rule_count()) == NULL);
	for (size_t i = 0; i < rfc9293_rule_count(); i++) {
		const struct rfc9293_rule *r = rfc9293_rule_get(i);

		CHECK((int)r->kind >= last);
		last = (int)r->kind;
		CHECK(r->next < TCP_ST_COUNT);
		CHECK(r->ref && !strncmp(r->ref, "3.", 2));
	}
}

int main(void)
{
	table_shape();
	table_cases();
	sequences();
	rst_everywhere();
	names_and_errors();
	for (size_t i = 0; i < rfc9293_rule_count(); i++) {
		if (!hit[i]) {
			check_fail(__FILE__, __LINE__, "table row %zu (ref %s) has no test case", i,
				   rfc9293_rule_get(i)->ref);
		}
	}
	return check_exit_status();
}
