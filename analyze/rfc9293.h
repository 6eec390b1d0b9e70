/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rfc9293.h - the reference TCP endpoint state machine of RFC 9293.
 *
 * The model is explicit data: a transition table (rfc9293.c) indexed by
 * state and input, and one step function, rfc9293_step(), which is the only
 * code that changes a model's state.  Inputs are segments received or sent
 * (with their flags), application calls (OPEN, CLOSE, ABORT; inferred by the
 * replay from segments and kernel transitions) and timers.  The model does
 * not validate sequence numbers: the caller says whether an ACK covers our
 * FIN, and segments are otherwise taken as acceptable (RFC 9293 §3.10.7.4
 * first check), since the kernel already dropped those that were not.
 */
#ifndef ANALYZE_RFC9293_H
#define ANALYZE_RFC9293_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Endpoint states.  Numbered like Linux (and like trc.h) so that values
 * from a trace convert without a table; TCP_ST_CLOSE is RFC "CLOSED". */
enum tcp_state {
	TCP_ST_UNKNOWN = 0,
	TCP_ST_ESTABLISHED = 1,
	TCP_ST_SYN_SENT = 2,
	TCP_ST_SYN_RECV = 3,
	TCP_ST_FIN_WAIT1 = 4,
	TCP_ST_FIN_WAIT2 = 5,
	TCP_ST_TIME_WAIT = 6,
	TCP_ST_CLOSE = 7,
	TCP_ST_CLOSE_WAIT = 8,
	TCP_ST_LAST_ACK = 9,
	TCP_ST_LISTEN = 10,
	TCP_ST_CLOSING = 11,
	TCP_ST_NEW_SYN_RECV = 12,   /* Linux request socket, no RFC state */
	TCP_ST_BOUND_INACTIVE = 13, /* Linux bound, inactive socket */
	TCP_ST_COUNT = 14,
};

/* "SYN_SENT", ...; "UNKNOWN" for anything out of range (never NULL). */
const char *tcp_state_name(unsigned int st);

enum rfc9293_input_kind {
	RFC_IN_SEG_RX = 0,	 /* segment received */
	RFC_IN_SEG_TX,		 /* segment sent */
	RFC_IN_APP_ACTIVE_OPEN,	 /* connect() */
	RFC_IN_APP_PASSIVE_OPEN, /* listen() */
	RFC_IN_APP_CLOSE,	 /* close()/shutdown(SHUT_WR) */
	RFC_IN_APP_ABORT,	 /* ABORT (SO_LINGER 0, close with unread data) */
	RFC_IN_TIMER_2MSL,	 /* TIME-WAIT timeout */
	RFC_IN_TIMER_GIVEUP,	 /* retransmission / user timeout gave up */
	RFC_IN_RESYNC,		 /* adopt an observed state (snapshot, unexplained) */
	RFC_IN_COUNT,
};

const char *rfc9293_input_name(enum rfc9293_input_kind k);

/* What the endpoint does in reply; informational (tests and --timeline). */
enum rfc9293_action {
	RFC_ACT_NONE = 0,
	RFC_ACT_SEND_SYN,
	RFC_ACT_SEND_SYNACK,
	RFC_ACT_SEND_ACK,
	RFC_ACT_SEND_FIN,
	RFC_ACT_SEND_RST,
	RFC_ACT_CHALLENGE_ACK, /* RFC 5961 §4: SYN in a synchronized state */
	RFC_ACT_DROP,
	RFC_ACT_ERROR, /* the call is refused ("connection does not exist") */
	RFC_ACT_COUNT,
};

const char *rfc9293_action_name(enum rfc9293_action a);

struct rfc9293_model {
	enum tcp_state st;
	bool passive; /* the connection came from a passive OPEN (LISTEN) */
};

struct rfc9293_input {
	enum rfc9293_input_kind kind;
	uint8_t tcp_flags;	  /* TRC_TCP_* bits for segment inputs */
	bool data;		  /* segment carries payload */
	bool fin_unacked;	  /* known: this ACK does not cover our FIN */
	enum tcp_state resync_to; /* RFC_IN_RESYNC only */
};

struct rfc9293_result {
	enum tcp_state from;
	enum tcp_state to;
	enum rfc9293_action action;
	int rule; /* index of the table row that matched, -1 for none */
};

/* Applies one input.  Returns 1 when the state changed, 0 when it did not
 * (res->rule says which row decided; -1 when no row covers the input in
 * this state, which the RFC treats as "drop the segment"), -EINVAL for an
 * out-of-range state or input. */
int rfc9293_step(struct rfc9293_model *m, const struct rfc9293_input *in,
		 struct rfc9293_result *res);

/* Pure prediction: like rfc9293_step() on a copy; the model is unchanged. */
int rfc9293_predict(const struct rfc9293_model *m, const struct rfc9293_input *in,
		    struct rfc9293_result *res);

/* Table access for tests and documentation. */
struct rfc9293_rule {
	uint32_t states; /* bit (1u << enum tcp_state) for each state it applies to */
	enum rfc9293_input_kind kind;
	uint8_t need;	     /* flags that must be set */
	uint8_t deny;	     /* flags that must be clear */
	uint8_t when;	     /* enum rfc9293_cond */
	enum tcp_state next; /* TCP_ST_UNKNOWN = stay */
	enum rfc9293_action action;
	const char *ref; /* RFC 9293 section */
};

enum rfc9293_cond {
	RFC_COND_ANY = 0,
	RFC_COND_PASSIVE,     /* model.passive */
	RFC_COND_ACTIVE,      /* !model.passive */
	RFC_COND_FIN_ACKED,   /* !fin_unacked */
	RFC_COND_FIN_UNACKED, /* fin_unacked */
	RFC_COND_DATA,	      /* segment has payload */
};

size_t rfc9293_rule_count(void);
const struct rfc9293_rule *rfc9293_rule_get(size_t i);

#endif /* ANALYZE_RFC9293_H */
