// SPDX-License-Identifier: BSD-2-Clause
/*
 * connection.c - one connection from its endpoints: which is the
 * originator, and the outcome, verdict and figures of the whole.  The
 * rules are tables; docs/JSON.md states them for users.
 */
#include <string.h>

#include "connection.h"
#include "trc_sock.h"

bool connection_outcome_ok(enum outcome o)
{
	return o != OUT_RESET_LOCAL && o != OUT_RESET_REMOTE && (unsigned int)o < OUT_COUNT;
}

const char *connection_seen_name(const struct connection_view *cv)
{
	if (cv->half[SIDE_ORIG] && cv->half[SIDE_RESP])
		return "both";
	return cv->half[SIDE_ORIG] ? "orig" : "resp";
}

/* +1: the endpoint opened the connection, -1: its peer did, 0: unknown. */
static int opened(const struct conn_view *v)
{
	return v->c->b->classify.originator;
}

/* Without a SYN or a SYN_SENT/SYN_RECV state to go by (a connection that
 * began before the recording), the side with the higher local port is
 * taken for the originator: clients use ephemeral ports, which are the
 * high ones on every common system. */
static bool guess_local_orig(const struct conn_view *v)
{
	return v->c->b->decl.lport > v->c->b->decl.rport;
}

/* Whether a is the originator of the pair (b may be NULL); *known is
 * false when that was guessed. */
static bool a_is_orig(const struct conn_view *a, const struct conn_view *b, bool *known)
{
	*known = true;
	if (opened(a) > 0 || (b && opened(b) < 0))
		return true;
	if (opened(a) < 0 || (b && opened(b) > 0))
		return false;
	*known = false;
	return guess_local_orig(a);
}

/* An endpoint's outcome as the connection's: who reset it. */
static enum outcome as_connection(enum outcome o, enum conn_side side)
{
	if (o == OUT_RESET_LOCAL)
		return side == SIDE_ORIG ? OUT_RESET_ORIG : OUT_RESET_RESP;
	if (o == OUT_RESET_REMOTE)
		return side == SIDE_ORIG ? OUT_RESET_RESP : OUT_RESET_ORIG;
	return o;
}

/* When the halves disagree, the outcome that explains the other wins: a
 * refusal or an unanswered SYN explains the other side's closing, and a
 * side that timed out or gave up forgot the connection, so the reset its
 * peer got later is a consequence; a side still open at the end of the
 * trace means the connection had not ended.  Higher wins. */
static int outcome_rank(enum outcome o)
{
	static const int rank[OUT_COUNT] = {
		[OUT_CLOSED_UNKNOWN] = 1, [OUT_NORMAL_CLOSE] = 2, [OUT_HALF_OPEN] = 3,
		[OUT_OPEN_AT_END] = 4,	  [OUT_RESET_RESP] = 5,	  [OUT_RESET_ORIG] = 6,
		[OUT_ABORTED] = 7,	  [OUT_TIMEOUT] = 8,	  [OUT_SYN_TIMEOUT] = 9,
		[OUT_REFUSED] = 10,	  [OUT_LISTENER] = 11,
	};
	return (unsigned int)o < OUT_COUNT ? rank[o] : 0;
}

/* A violation matters most (--check), then a verdict that could not be
 * reached. */
static int verdict_rank(enum verdict v)
{
	static const int rank[VERDICT_COUNT] = {
		[VERDICT_CONFORMANT] = 0,
		[VERDICT_LINUX] = 1,
		[VERDICT_INCOMPLETE] = 2,
		[VERDICT_VIOLATION] = 3,
	};
	return (unsigned int)v < VERDICT_COUNT ? rank[v] : 0;
}

static void set_tuple(struct connection_view *cv, const struct trc_conn *d, bool local_orig)
{
	enum conn_side l = local_orig ? SIDE_ORIG : SIDE_RESP;

	cv->family = d->family;
	memcpy(cv->addr[l], d->laddr, 16);
	memcpy(cv->addr[!l], d->raddr, 16);
	cv->port[l] = d->lport;
	cv->port[!l] = d->rport;
}

static void times(struct connection_view *cv)
{
	for (int s = 0; s < SIDE_COUNT; s++) {
		const struct conn_view *v = cv->half[s];
		uint64_t start, end;

		if (!v)
			continue;
		start = trc_realtime(v->hdr, v->dur.start_ns);
		end = trc_realtime(v->hdr, v->dur.end_ns);
		if (!cv->start_rt || start < cv->start_rt)
			cv->start_rt = start;
		if (end > cv->end_rt)
			cv->end_rt = end;
		if (v->c->incomplete & INC_TRACE_END)
			cv->open = true;
	}
}

static void judge(struct connection_view *cv)
{
	bool first = true;

	for (int s = 0; s < SIDE_COUNT; s++) {
		const struct conn_view *v = cv->half[s];
		enum outcome o;

		if (!v)
			continue;
		o = as_connection(v->outcome, (enum conn_side)s);
		if (first || outcome_rank(o) > outcome_rank(cv->outcome))
			cv->outcome = o;
		if (first || verdict_rank(v->verdict) > verdict_rank(cv->verdict))
			cv->verdict = v->verdict;
		first = false;
	}
}

static bool figure(const struct conn_view *v, unsigned int key, uint64_t *out)
{
	return v && figures_get(&v->c->b->fig, key, out);
}

static bool went(const struct conn *c, enum tcp_state from, enum tcp_state to)
{
	const struct ep_replay *r = &c->b->replay;

	for (unsigned int i = 0; i < r->n_trans && i < CONN_MAX_TRANS; i++)
		if (r->trans[i].from == from && (to == TCP_ST_UNKNOWN || r->trans[i].to == to))
			return true;
	return false;
}

/* The socket's SYN was acknowledged: it opened the connection. */
static unsigned int syn_acked(const struct conn *c)
{
	return went(c, TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED) ||
	       went(c, TCP_ST_SYN_SENT, TCP_ST_SYN_RECV);
}

/* Its FIN was acknowledged: FIN_WAIT2, TIME_WAIT (the full socket then
 * goes to CLOSE), or LAST_ACK ended normally. */
static unsigned int fin_acked(const struct conn_view *v)
{
	const struct conn *c = v->c;

	return went(c, TCP_ST_FIN_WAIT1, TCP_ST_FIN_WAIT2) ||
	       (c->tw_enter && (went(c, TCP_ST_FIN_WAIT1, TCP_ST_CLOSE) ||
				went(c, TCP_ST_CLOSING, TCP_ST_CLOSE))) ||
	       (went(c, TCP_ST_LAST_ACK, TCP_ST_CLOSE) && v->outcome == OUT_NORMAL_CLOSE);
}

/* The peer's FIN arrived in order. */
static unsigned int fin_received(const struct conn *c)
{
	return went(c, TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT) ||
	       went(c, TCP_ST_FIN_WAIT1, TCP_ST_CLOSING) ||
	       (c->tw_enter && (went(c, TCP_ST_FIN_WAIT2, TCP_ST_CLOSE) ||
				went(c, TCP_ST_FIN_WAIT1, TCP_ST_CLOSE)));
}

/* Payload bytes side s sent.  The kernel counts sequence space (RFC 4898's
 * ThruOctetsAcked and ThruOctetsReceived): bytes_acked includes the
 * opener's SYN and an acknowledged FIN, bytes_received a FIN received in
 * order; what the replay knows of them is taken off, so a 300-byte request
 * is 300 bytes, as Zeek counts it.  Failing the sender's counter, the
 * receiver's. */
static bool payload_bytes(const struct connection_view *cv, int s, uint64_t *out)
{
	const struct conn_view *snd = cv->half[s], *rcv = cv->half[!s];
	uint64_t v, control;

	if (figure(snd, TRC_SOCKF_BYTES_ACKED, &v))
		control = syn_acked(snd->c) + fin_acked(snd);
	else if (figure(rcv, TRC_SOCKF_BYTES_RECEIVED, &v))
		control = fin_received(rcv->c);
	else
		return false;
	*out = v >= control ? v - control : 0;
	return true;
}

/* Bytes each way, RTT and retransmissions from the kernel's counters. */
static void figures(struct connection_view *cv)
{
	const struct conn_view *o = cv->half[SIDE_ORIG], *r = cv->half[SIDE_RESP];

	for (int s = 0; s < SIDE_COUNT; s++)
		cv->bytes_known[s] = payload_bytes(cv, s, &cv->bytes[s]);
	/* A socket that never timed a segment has srtt 0: no RTT. */
	cv->rtt_known = (figure(o, TRC_SOCKF_SRTT_US, &cv->rtt_us) && cv->rtt_us) ||
			(figure(r, TRC_SOCKF_SRTT_US, &cv->rtt_us) && cv->rtt_us);
	for (int s = 0; s < SIDE_COUNT; s++) {
		uint64_t n;

		if (!cv->half[s])
			continue;
		if (!figure(cv->half[s], TRC_SOCKF_TOTAL_RETRANS, &n))
			n = cv->half[s]->c->b->traffic.retransmits;
		cv->retransmits += n;
	}
}

const struct conn_view *connection_home(const struct connection_view *cv)
{
	return cv->half[SIDE_ORIG] ? cv->half[SIDE_ORIG] : cv->half[SIDE_RESP];
}

/* The side whose conn_state and history stand for the connection: the
 * originator's when seen (Zeek's view), and a socket over a side inferred
 * from segments. */
static const struct conn_view *primary(const struct connection_view *cv)
{
	const struct conn_view *o = cv->half[SIDE_ORIG], *r = cv->half[SIDE_RESP];

	if (o && r && o->c->b->replay.inferred && !r->c->b->replay.inferred)
		return r;
	return o ? o : r;
}

void connection_build(struct connection_view *cv, const struct conn_view *a,
		      const struct conn_view *b)
{
	bool a_orig;

	memset(cv, 0, sizeof(*cv));
	if (!a) {
		a = b;
		b = NULL;
	}
	a_orig = a_is_orig(a, b, &cv->direction_known);
	cv->half[a_orig ? SIDE_ORIG : SIDE_RESP] = a;
	cv->half[a_orig ? SIDE_RESP : SIDE_ORIG] = b;
	cv->id = b && b->c->gid < a->c->gid ? b->c->gid : a->c->gid;
	if (a->outcome == OUT_LISTENER && !b) {
		/* A listener has no peer: it stands as the responder of
		 * every connection to its port. */
		cv->half[SIDE_ORIG] = NULL;
		cv->half[SIDE_RESP] = a;
		cv->direction_known = true;
		a_orig = false;
	}
	set_tuple(cv, &a->c->b->decl, a_orig);
	times(cv);
	judge(cv);
	figures(cv);
	cv->zstate = primary(cv)->zstate;
	cv->history = primary(cv)->c->b->classify.history;
}
