// SPDX-License-Identifier: BSD-2-Clause
/*
 * replay_flow.c - segment-only replay: an endpoint with no socket behind it
 * (pcap imports, unjoined flows) is driven through the RFC 9293 model by its
 * segments alone, and every state change the model makes is recorded as an
 * inferred transition.  Sending a SYN is the active OPEN; a side that
 * receives the first SYN was listening only if it answers with a SYN-ACK,
 * so its SYN is held until its first reply says which.
 */
#include "replay.h"
#include "replay_flow.h"

static bool seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static void record(struct conn *c, uint8_t from, uint8_t to, uint64_t t, const struct cause *cs)
{
	struct transition tr = {
		.t_ns = t,
		.from = from,
		.to = to,
		.judge = JUDGE_CONFORMANT,
		.inferred = 1,
		.cause = *cs,
	};

	replay_add_transition(c, &tr);
	c->b->replay.kstate = to;
	if ((to == TCP_ST_CLOSE || to == TCP_ST_TIME_WAIT) && !c->closed) {
		c->closed = true;
		c->close_ns = t;
	}
}

static void feed(struct conn *c, const struct rfc9293_input *in, uint64_t t, const struct cause *cs)
{
	struct rfc9293_result r;

	if (rfc9293_step(&c->b->replay.model, in, &r) == 1)
		record(c, r.from, r.to, t, cs);
}

static void seg_input(const struct conn *c, const struct seg_rec *s, struct rfc9293_input *in)
{
	in->kind = s->dir == TRC_DIR_RX ? RFC_IN_SEG_RX : RFC_IN_SEG_TX;
	in->tcp_flags = s->tcp_flags;
	in->data = s->payload_len > 0;
	/* With sequence numbers, an ACK that does not reach past our FIN
	 * leaves FIN-WAIT-1/CLOSING/LAST-ACK where they are. */
	in->fin_unacked = s->dir == TRC_DIR_RX && (s->flags & TRC_SEG_F_SEQ) &&
			  c->b->replay.fin_sent_seq_valid &&
			  !seq_geq(s->ack, c->b->replay.fin_sent_seq + 1);
}

static void feed_seg(struct conn *c, const struct seg_rec *s)
{
	struct rfc9293_input in = { 0 };
	struct cause cs = {
		.kind = CAUSE_SEGMENT, .dir = s->dir, .tcp_flags = s->tcp_flags, .t_ns = s->t_ns
	};

	seg_input(c, s, &in);
	feed(c, &in, s->t_ns, &cs);
}

/* The held SYN of a responder, once its first reply is known. */
static void settle_pending(struct conn *c, const struct seg_rec *reply)
{
	struct rfc9293_input open = { .kind = RFC_IN_APP_PASSIVE_OPEN };
	struct cause cs = { .kind = CAUSE_APP,
			    .input = RFC_IN_APP_PASSIVE_OPEN,
			    .t_ns = c->b->replay.pending_syn.t_ns };

	c->b->replay.has_pending_syn = false;
	if ((reply->tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK)) == (TRC_TCP_SYN | TRC_TCP_ACK))
		feed(c, &open, c->b->replay.pending_syn.t_ns, &cs);
	feed_seg(c, &c->b->replay.pending_syn);
	if ((reply->tcp_flags & TRC_TCP_RST) && c->b->replay.model.st == TCP_ST_CLOSE) {
		/* Nothing was listening: this side is done once it refused. */
		c->closed = true;
		c->close_ns = reply->t_ns;
	}
}

static bool is_syn(const struct seg_rec *s)
{
	return (s->tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK | TRC_TCP_RST)) == TRC_TCP_SYN;
}

static void start(struct conn *c, const struct seg_rec *s)
{
	struct rfc9293_input in = { .kind = RFC_IN_RESYNC, .resync_to = TCP_ST_CLOSE };
	struct rfc9293_result r;
	struct cause cs = { .kind = CAUSE_UNKNOWN, .t_ns = s->t_ns };

	if (!is_syn(s)) {
		/* Capture began mid-connection: assume it was established. */
		in.resync_to = TCP_ST_ESTABLISHED;
		(void)rfc9293_step(&c->b->replay.model, &in, &r);
		c->incomplete |= INC_MIDSTREAM;
		record(c, TCP_ST_UNKNOWN, TCP_ST_ESTABLISHED, s->t_ns, &cs);
		c->b->replay.trans[c->b->replay.n_trans - 1].judge = JUDGE_SNAPSHOT;
		return;
	}
	(void)rfc9293_step(&c->b->replay.model, &in, &r);
	c->b->replay.kstate = TCP_ST_CLOSE;
}

static uint32_t seq_after(const struct seg_rec *s)
{
	return s->seq + s->payload_len + !!(s->tcp_flags & TRC_TCP_FIN);
}

/* A FIN received in ESTABLISHED is held until this side's next segment:
 * if that is a FIN which does not acknowledge it, the two FINs crossed
 * (simultaneous close) and ours went first, though the capture point saw
 * theirs first. */
static bool hold_fin(struct conn *c, const struct seg_rec *s)
{
	if (c->b->replay.has_pending_fin) {
		c->b->replay.has_pending_fin = false;
		if (s->dir == TRC_DIR_TX && (s->tcp_flags & TRC_TCP_FIN) &&
		    (s->flags & TRC_SEG_F_SEQ) &&
		    !seq_geq(s->ack, seq_after(&c->b->replay.pending_fin))) {
			c->b->replay.fin_sent_seq = s->seq + s->payload_len;
			c->b->replay.fin_sent_seq_valid = true;
			feed_seg(c, s);
			feed_seg(c, &c->b->replay.pending_fin);
			return true;
		}
		feed_seg(c, &c->b->replay.pending_fin);
	}
	if (s->dir == TRC_DIR_RX && (s->tcp_flags & TRC_TCP_FIN) && (s->flags & TRC_SEG_F_SEQ) &&
	    c->b->replay.model.st == TCP_ST_ESTABLISHED) {
		c->b->replay.pending_fin = *s;
		c->b->replay.has_pending_fin = true;
		return true;
	}
	return false;
}

void replay_flow_flush(struct conn *c)
{
	if (c->b->replay.has_pending_fin) {
		c->b->replay.has_pending_fin = false;
		feed_seg(c, &c->b->replay.pending_fin);
	}
}

void replay_flow_segment(struct conn *c, const struct seg_rec *s)
{
	c->b->replay.inferred = true;
	if (c->b->replay.model.st == TCP_ST_UNKNOWN)
		start(c, s);
	if (c->b->replay.has_pending_syn) {
		if (s->dir == TRC_DIR_RX && is_syn(s))
			return; /* the peer retransmitted its SYN */
		settle_pending(c, s);
	} else if (c->b->replay.model.st == TCP_ST_CLOSE && !c->closed && s->dir == TRC_DIR_RX &&
		   is_syn(s)) {
		c->b->replay.pending_syn = *s;
		c->b->replay.has_pending_syn = true;
		return;
	}
	if (hold_fin(c, s))
		return;
	if (s->dir == TRC_DIR_TX && (s->tcp_flags & TRC_TCP_FIN) && (s->flags & TRC_SEG_F_SEQ)) {
		/* The FIN occupies the sequence number after the payload. */
		c->b->replay.fin_sent_seq = s->seq + s->payload_len;
		c->b->replay.fin_sent_seq_valid = true;
	}
	feed_seg(c, s);
}
