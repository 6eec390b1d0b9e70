// SPDX-License-Identifier: BSD-2-Clause
/*
 * rfc9293.c - the RFC 9293 endpoint state machine as a transition table and
 * one step function.  Rows are tried in order and the first match decides,
 * which mirrors the order of the checks in RFC 9293 §3.10.7.4 (RST before
 * SYN before ACK before FIN).  Sending a SYN, FIN or RST is treated as the
 * application call that RFC 9293 §3.10 says produces it (OPEN, CLOSE,
 * ABORT), because a trace shows the segment, not the call.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rfc9293.h"
#include "trc.h"

/* States from a trace convert to enum tcp_state without a table
 * (rfc9293.h): TCP_ST_* must equal TRC_TCP_* (and the kernel's numbers in
 * events.h), which tests/unit/record/test-enums-agree.c asserts at build
 * time. */

#define F 0x01u
#define S 0x02u
#define R 0x04u
#define A 0x10u

#define B(st) (1u << TCP_ST_##st)
/* Each rule initialiser reads as one table row. */
/* clang-format off */
#define SYNC (B(ESTABLISHED) | B(FIN_WAIT1) | B(FIN_WAIT2) | B(CLOSE_WAIT) | \
	      B(CLOSING) | B(LAST_ACK) | B(TIME_WAIT))
#define STAY TCP_ST_UNKNOWN

#define RX(states, need, deny, when, next, act, ref) \
	{ states, RFC_IN_SEG_RX, need, deny, when, next, act, ref }
#define TX(states, need, deny, next, act, ref) \
	{ states, RFC_IN_SEG_TX, need, deny, RFC_COND_ANY, next, act, ref }
#define EV(states, kind, next, act, ref) \
	{ states, kind, 0, 0, RFC_COND_ANY, next, act, ref }
/* clang-format on */

static const struct rfc9293_rule rx_rules[] = {
	/* §3.10.7.1: CLOSED answers everything but a RST with a RST. */
	RX(B(CLOSE), R, 0, RFC_COND_ANY, STAY, RFC_ACT_DROP, "3.10.7.1"),
	RX(B(CLOSE), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_SEND_RST, "3.10.7.1"),
	/* §3.10.7.2: LISTEN. */
	RX(B(LISTEN), R, 0, RFC_COND_ANY, STAY, RFC_ACT_DROP, "3.10.7.2"),
	RX(B(LISTEN), A, 0, RFC_COND_ANY, STAY, RFC_ACT_SEND_RST, "3.10.7.2"),
	RX(B(LISTEN), S, 0, RFC_COND_ANY, TCP_ST_SYN_RECV, RFC_ACT_SEND_SYNACK, "3.10.7.2"),
	RX(B(LISTEN), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_DROP, "3.10.7.2"),
	/* §3.10.7.3: SYN-SENT; a RST is only believed with an acceptable ACK. */
	RX(B(SYN_SENT), R | A, 0, RFC_COND_ANY, TCP_ST_CLOSE, RFC_ACT_DROP, "3.10.7.3"),
	RX(B(SYN_SENT), R, 0, RFC_COND_ANY, STAY, RFC_ACT_DROP, "3.10.7.3"),
	RX(B(SYN_SENT), S | A, 0, RFC_COND_ANY, TCP_ST_ESTABLISHED, RFC_ACT_SEND_ACK, "3.10.7.3"),
	/* Simultaneous open (§3.5, figure 8). */
	RX(B(SYN_SENT), S, A, RFC_COND_ANY, TCP_ST_SYN_RECV, RFC_ACT_SEND_SYNACK, "3.10.7.3"),
	RX(B(SYN_SENT), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_DROP, "3.10.7.3"),
	/* §3.10.7.4 second check: RST in SYN-RECEIVED. */
	RX(B(SYN_RECV), R, 0, RFC_COND_PASSIVE, TCP_ST_LISTEN, RFC_ACT_DROP, "3.10.7.4"),
	RX(B(SYN_RECV), R, 0, RFC_COND_ANY, TCP_ST_CLOSE, RFC_ACT_DROP, "3.10.7.4"),
	/* A SYN here is the peer's retransmitted initial SYN: outside the
	 * window, answered by repeating our SYN-ACK (first check). */
	RX(B(SYN_RECV), S, A, RFC_COND_ANY, STAY, RFC_ACT_SEND_SYNACK, "3.10.7.4"),
	/* Simultaneous open (figure 8, line 6): the peer's SYN-ACK. */
	RX(B(SYN_RECV), S | A, 0, RFC_COND_ACTIVE, TCP_ST_ESTABLISHED, RFC_ACT_SEND_ACK,
	   "3.10.7.4"),
	RX(B(SYN_RECV), S | A, 0, RFC_COND_ANY, STAY, RFC_ACT_CHALLENGE_ACK, "3.10.7.4"),
	RX(B(SYN_RECV), F | A, 0, RFC_COND_ANY, TCP_ST_CLOSE_WAIT, RFC_ACT_SEND_ACK, "3.10.7.4"),
	RX(B(SYN_RECV), A, 0, RFC_COND_ANY, TCP_ST_ESTABLISHED, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(SYN_RECV), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_DROP, "3.10.7.4"),
	/* Synchronized states: RST (second check, RFC 5961 §3 validation is
	 * the kernel's), then SYN (fourth check, RFC 5961 §4 challenge ACK). */
	RX(SYNC, R, 0, RFC_COND_ANY, TCP_ST_CLOSE, RFC_ACT_DROP, "3.10.7.4"),
	RX(SYNC, S, 0, RFC_COND_ANY, STAY, RFC_ACT_CHALLENGE_ACK, "3.10.7.4"),
	/* Eighth check: FIN (data in the same segment is delivered first). */
	RX(B(ESTABLISHED), F, 0, RFC_COND_ANY, TCP_ST_CLOSE_WAIT, RFC_ACT_SEND_ACK, "3.10.7.4"),
	RX(B(ESTABLISHED), 0, 0, RFC_COND_DATA, STAY, RFC_ACT_SEND_ACK, "3.10.7.4"),
	RX(B(ESTABLISHED), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(FIN_WAIT1), F | A, 0, RFC_COND_FIN_ACKED, TCP_ST_TIME_WAIT, RFC_ACT_SEND_ACK,
	   "3.10.7.4"),
	RX(B(FIN_WAIT1), F, 0, RFC_COND_ANY, TCP_ST_CLOSING, RFC_ACT_SEND_ACK, "3.10.7.4"),
	RX(B(FIN_WAIT1), A, 0, RFC_COND_FIN_ACKED, TCP_ST_FIN_WAIT2, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(FIN_WAIT1), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(FIN_WAIT2), F, 0, RFC_COND_ANY, TCP_ST_TIME_WAIT, RFC_ACT_SEND_ACK, "3.10.7.4"),
	RX(B(FIN_WAIT2), 0, 0, RFC_COND_DATA, STAY, RFC_ACT_SEND_ACK, "3.10.7.4"),
	RX(B(FIN_WAIT2), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(CLOSE_WAIT), F, 0, RFC_COND_ANY, STAY, RFC_ACT_SEND_ACK, "3.10.7.4"),
	RX(B(CLOSE_WAIT), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(CLOSING), A, 0, RFC_COND_FIN_ACKED, TCP_ST_TIME_WAIT, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(CLOSING), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(LAST_ACK), A, 0, RFC_COND_FIN_ACKED, TCP_ST_CLOSE, RFC_ACT_NONE, "3.10.7.4"),
	RX(B(LAST_ACK), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_NONE, "3.10.7.4"),
	/* A retransmitted FIN in TIME-WAIT is acknowledged, 2MSL restarts. */
	RX(B(TIME_WAIT), F, 0, RFC_COND_ANY, STAY, RFC_ACT_SEND_ACK, "3.10.7.4"),
	RX(B(TIME_WAIT), 0, 0, RFC_COND_ANY, STAY, RFC_ACT_NONE, "3.10.7.4"),

};

/* Segments sent: the call that produces them (§3.10.1, .4, .5). */
static const struct rfc9293_rule tx_rules[] = {
	TX(B(CLOSE) | B(LISTEN), S, A, TCP_ST_SYN_SENT, RFC_ACT_SEND_SYN, "3.10.1"),
	TX(B(CLOSE) | B(LISTEN), R, 0, STAY, RFC_ACT_SEND_RST, "3.10.7.1"),
	TX(B(SYN_SENT), R, 0, TCP_ST_CLOSE, RFC_ACT_NONE, "3.10.5"),
	TX(B(SYN_RECV) | B(ESTABLISHED) | B(FIN_WAIT1) | B(FIN_WAIT2) | B(CLOSE_WAIT), R, 0,
	   TCP_ST_CLOSE, RFC_ACT_SEND_RST, "3.10.5"),
	TX(B(CLOSING) | B(LAST_ACK) | B(TIME_WAIT), R, 0, TCP_ST_CLOSE, RFC_ACT_NONE, "3.10.5"),
	TX(B(SYN_RECV) | B(ESTABLISHED), F, 0, TCP_ST_FIN_WAIT1, RFC_ACT_SEND_FIN, "3.10.4"),
	TX(B(CLOSE_WAIT), F, 0, TCP_ST_LAST_ACK, RFC_ACT_SEND_FIN, "3.10.4"),
	TX(~0u, 0, 0, STAY, RFC_ACT_NONE, "3.10.2"),
};

/* Application calls (§3.10.1, .4, .5). */
static const struct rfc9293_rule active_open_rules[] = {
	EV(B(CLOSE) | B(LISTEN), RFC_IN_APP_ACTIVE_OPEN, TCP_ST_SYN_SENT, RFC_ACT_SEND_SYN,
	   "3.10.1"),
};

static const struct rfc9293_rule passive_open_rules[] = {
	EV(B(CLOSE), RFC_IN_APP_PASSIVE_OPEN, TCP_ST_LISTEN, RFC_ACT_NONE, "3.10.1"),
};

static const struct rfc9293_rule close_rules[] = {
	EV(B(LISTEN) | B(SYN_SENT), RFC_IN_APP_CLOSE, TCP_ST_CLOSE, RFC_ACT_NONE, "3.10.4"),
	EV(B(SYN_RECV) | B(ESTABLISHED), RFC_IN_APP_CLOSE, TCP_ST_FIN_WAIT1, RFC_ACT_SEND_FIN,
	   "3.10.4"),
	EV(B(CLOSE_WAIT), RFC_IN_APP_CLOSE, TCP_ST_LAST_ACK, RFC_ACT_SEND_FIN, "3.10.4"),
	EV(~0u, RFC_IN_APP_CLOSE, STAY, RFC_ACT_ERROR, "3.10.4"),
};

static const struct rfc9293_rule abort_rules[] = {
	EV(B(LISTEN) | B(SYN_SENT) | B(CLOSING) | B(LAST_ACK) | B(TIME_WAIT), RFC_IN_APP_ABORT,
	   TCP_ST_CLOSE, RFC_ACT_NONE, "3.10.5"),
	EV(B(SYN_RECV) | B(ESTABLISHED) | B(FIN_WAIT1) | B(FIN_WAIT2) | B(CLOSE_WAIT),
	   RFC_IN_APP_ABORT, TCP_ST_CLOSE, RFC_ACT_SEND_RST, "3.10.5"),
	EV(~0u, RFC_IN_APP_ABORT, STAY, RFC_ACT_ERROR, "3.10.5"),
};

/* Timers (§3.10.8). */
static const struct rfc9293_rule msl_rules[] = {
	EV(B(TIME_WAIT), RFC_IN_TIMER_2MSL, TCP_ST_CLOSE, RFC_ACT_NONE, "3.10.8"),
};

static const struct rfc9293_rule giveup_rules[] = {
	EV(~(B(CLOSE) | B(LISTEN)), RFC_IN_TIMER_GIVEUP, TCP_ST_CLOSE, RFC_ACT_NONE, "3.10.8"),
};

#define SECTION(a)                                                                                 \
	{                                                                                          \
		a, sizeof(a) / sizeof(a[0])                                                        \
	}

/* One section per input kind, so that a step scans only its own rows;
 * RFC_IN_RESYNC has none (it adopts an observed state, no RFC event). */
static const struct {
	const struct rfc9293_rule *rows;
	size_t n;
} sections[RFC_IN_COUNT] = {
	[RFC_IN_SEG_RX] = SECTION(rx_rules),
	[RFC_IN_SEG_TX] = SECTION(tx_rules),
	[RFC_IN_APP_ACTIVE_OPEN] = SECTION(active_open_rules),
	[RFC_IN_APP_PASSIVE_OPEN] = SECTION(passive_open_rules),
	[RFC_IN_APP_CLOSE] = SECTION(close_rules),
	[RFC_IN_APP_ABORT] = SECTION(abort_rules),
	[RFC_IN_TIMER_2MSL] = SECTION(msl_rules),
	[RFC_IN_TIMER_GIVEUP] = SECTION(giveup_rules),
};

static const char *const state_names[TCP_ST_COUNT] = {
	[TCP_ST_UNKNOWN] = "UNKNOWN",
	[TCP_ST_ESTABLISHED] = "ESTABLISHED",
	[TCP_ST_SYN_SENT] = "SYN_SENT",
	[TCP_ST_SYN_RECV] = "SYN_RECV",
	[TCP_ST_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_ST_FIN_WAIT2] = "FIN_WAIT2",
	[TCP_ST_TIME_WAIT] = "TIME_WAIT",
	[TCP_ST_CLOSE] = "CLOSE",
	[TCP_ST_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_ST_LAST_ACK] = "LAST_ACK",
	[TCP_ST_LISTEN] = "LISTEN",
	[TCP_ST_CLOSING] = "CLOSING",
	[TCP_ST_NEW_SYN_RECV] = "NEW_SYN_RECV",
	[TCP_ST_BOUND_INACTIVE] = "BOUND_INACTIVE",
};

const char *tcp_state_name(unsigned int st)
{
	return st < TCP_ST_COUNT ? state_names[st] : "UNKNOWN";
}

const char *rfc9293_input_name(enum rfc9293_input_kind k)
{
	static const char *const names[RFC_IN_COUNT] = {
		"segment-rx", "segment-tx", "active-open",  "passive-open", "close",
		"abort",      "timer-2msl", "timer-giveup", "resync",
	};
	return (unsigned int)k < RFC_IN_COUNT ? names[k] : "unknown";
}

const char *rfc9293_action_name(enum rfc9293_action a)
{
	static const char *const names[RFC_ACT_COUNT] = {
		"none",	    "send-syn",	     "send-syn-ack", "send-ack", "send-fin",
		"send-rst", "challenge-ack", "drop",	     "error",
	};
	return (unsigned int)a < RFC_ACT_COUNT ? names[a] : "unknown";
}

size_t rfc9293_rule_count(void)
{
	size_t n = 0;

	for (int k = 0; k < RFC_IN_COUNT; k++)
		n += sections[k].n;
	return n;
}

const struct rfc9293_rule *rfc9293_rule_get(size_t i)
{
	for (int k = 0; k < RFC_IN_COUNT; k++) {
		if (i < sections[k].n)
			return &sections[k].rows[i];
		i -= sections[k].n;
	}
	return NULL;
}

static bool cond_holds(uint8_t when, const struct rfc9293_model *m, const struct rfc9293_input *in)
{
	switch (when) {
	case RFC_COND_PASSIVE:
		return m->passive;
	case RFC_COND_ACTIVE:
		return !m->passive;
	case RFC_COND_FIN_ACKED:
		return !in->fin_unacked;
	case RFC_COND_FIN_UNACKED:
		return in->fin_unacked;
	case RFC_COND_DATA:
		return in->data;
	default:
		return true;
	}
}

static bool is_segment(enum rfc9293_input_kind k)
{
	return k == RFC_IN_SEG_RX || k == RFC_IN_SEG_TX;
}

/* The rows of each section that can apply in each state, in table
 * order: find_rule() reads those few instead of every row of its
 * section (the receive section's rows for every segment were a twentieth
 * of an analysis).  Derived from the table on first use. */
#define ROWS_PER_STATE 64
#define FITS(rows)                                                                                 \
	_Static_assert(sizeof(rows) / sizeof(rows[0]) <= ROWS_PER_STATE, #rows " too long")
FITS(rx_rules);
FITS(tx_rules);
FITS(active_open_rules);
FITS(passive_open_rules);
FITS(close_rules);
FITS(abort_rules);
FITS(msl_rules);
FITS(giveup_rules);

/* Built once, on first use; pthread_once because the workers of a
 * parallel analysis (parallel.h) step models at the same time. */
static pthread_once_t by_state_once = PTHREAD_ONCE_INIT;
static struct {
	int base[RFC_IN_COUNT]; /* rule number of the section's first row */
	uint8_t n[RFC_IN_COUNT][TCP_ST_COUNT];
	uint8_t row[RFC_IN_COUNT][TCP_ST_COUNT][ROWS_PER_STATE];
} by_state;

static void index_rows(void)
{
	int base = 0;

	for (int k = 0; k < RFC_IN_COUNT; k++) {
		by_state.base[k] = base;
		base += (int)sections[k].n;
		for (int st = 0; st < TCP_ST_COUNT; st++)
			for (size_t i = 0; i < sections[k].n; i++)
				if (sections[k].rows[i].states & (1u << st))
					by_state.row[k][st][by_state.n[k][st]++] = (uint8_t)i;
	}
}

/* Returns the table-wide index of the first matching row, or -1. */
static int find_rule(const struct rfc9293_model *m, const struct rfc9293_input *in,
		     const struct rfc9293_rule **row)
{
	uint8_t fl = is_segment(in->kind) ? in->tcp_flags : 0;
	const uint8_t *idx;

	pthread_once(&by_state_once, index_rows);
	idx = by_state.row[in->kind][m->st];
	for (size_t j = 0; j < by_state.n[in->kind][m->st]; j++) {
		const struct rfc9293_rule *r = &sections[in->kind].rows[idx[j]];

		if ((fl & r->need) != r->need || (fl & r->deny))
			continue;
		if (cond_holds(r->when, m, in)) {
			*row = r;
			return by_state.base[in->kind] + idx[j];
		}
	}
	return -1;
}

int rfc9293_step(struct rfc9293_model *m, const struct rfc9293_input *in,
		 struct rfc9293_result *res)
{
	const struct rfc9293_rule *r = NULL;
	int i;

	if ((unsigned int)m->st >= TCP_ST_COUNT || (unsigned int)in->kind >= RFC_IN_COUNT)
		return -EINVAL;
	res->from = m->st;
	res->to = m->st;
	res->action = RFC_ACT_NONE;
	res->rule = -1;
	if (in->kind == RFC_IN_RESYNC) {
		if ((unsigned int)in->resync_to >= TCP_ST_COUNT)
			return -EINVAL;
		m->st = in->resync_to;
		res->to = m->st;
		return res->to != res->from;
	}
	i = find_rule(m, in, &r);
	if (i < 0)
		return 0;
	res->rule = i;
	res->action = r->action;
	if (r->next == STAY)
		return 0;
	/* Remember how the connection was opened: RST in SYN-RECEIVED goes
	 * back to LISTEN only after a passive OPEN (§3.10.7.4). */
	if (m->st == TCP_ST_LISTEN && r->next == TCP_ST_SYN_RECV)
		m->passive = true;
	else if (r->next == TCP_ST_SYN_SENT || r->next == TCP_ST_CLOSE)
		m->passive = false;
	m->st = r->next;
	res->to = m->st;
	return 1;
}

int rfc9293_predict(const struct rfc9293_model *m, const struct rfc9293_input *in,
		    struct rfc9293_result *res)
{
	struct rfc9293_model copy = *m;

	return rfc9293_step(&copy, in, res);
}
