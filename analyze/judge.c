// SPDX-License-Identifier: BSD-2-Clause
/*
 * judge.c - the judgement of a transition (judge.h): conformant when the
 * RFC 9293 model explained it, else one of the documented Linux
 * divergences (divergence.h) when its context matches one, else a
 * violation with a sentence that names the states and what the RFC needs
 * between them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "divergence.h"
#include "judge.h"

void judge_add_violation(struct conn *c, const char *msg, bool needs_seg)
{
	if (!c->b->verdict.violations)
		c->b->verdict.violations = calloc(CONN_MAX_VIOL, sizeof(*c->b->verdict.violations));
	if (c->b->verdict.violations && c->b->verdict.n_violations < CONN_MAX_VIOL) {
		snprintf(c->b->verdict.violations[c->b->verdict.n_violations], CONN_VIOL_LEN, "%s",
			 msg);
		if (needs_seg)
			c->b->verdict.viol_needs_seg |= 1u << c->b->verdict.n_violations;
	}
	c->b->verdict.n_violations++;
	c->b->verdict.n_viol_seg += needs_seg;
}

/* The sentence of a violation: what the RFC needs for from -> to. */
static bool describe(char *buf, size_t len, uint8_t from, uint8_t to)
{
	static const struct {
		uint8_t flag;
		const char *what;
	} names[] = {
		{ TRC_TCP_RST, "a RST" },
		{ TRC_TCP_FIN, "a FIN" },
		{ TRC_TCP_SYN, "a SYN" },
		{ TRC_TCP_ACK, "an ACK" },
	};
	const char *a = tcp_state_name(from), *b = tcp_state_name(to);

	for (size_t i = 0; i < rfc9293_rule_count(); i++) {
		const struct rfc9293_rule *r = rfc9293_rule_get(i);
		const char *what = "a segment";

		if (!(r->states & (1u << from)) || r->next != to)
			continue;
		if (r->kind != RFC_IN_SEG_RX && r->kind != RFC_IN_SEG_TX) {
			snprintf(buf, len, "%s -> %s without the %s the RFC requires", a, b,
				 rfc9293_input_name(r->kind));
			return false;
		}
		if ((r->need & (TRC_TCP_SYN | TRC_TCP_ACK)) == (TRC_TCP_SYN | TRC_TCP_ACK))
			what = "a SYN-ACK";
		else
			for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++)
				if (r->need & names[j].flag) {
					what = names[j].what;
					break;
				}
		snprintf(buf, len, "%s -> %s without %s %s", a, b, what,
			 r->kind == RFC_IN_SEG_RX ? "received" : "sent");
		return true;
	}
	snprintf(buf, len, "%s -> %s is not a transition of the RFC 9293 state diagram", a, b);
	return false;
}

static bool recent_rx(const struct conn *c, uint8_t flag, bool fresh_only)
{
	for (int i = 0; i < c->b->replay.n_recent; i++) {
		const struct seg_rec *s = &c->b->replay.recent[i];

		if (s->dir == TRC_DIR_RX && (s->tcp_flags & flag) &&
		    (!fresh_only || s->t_ns >= c->b->replay.last_trans_ns))
			return true;
	}
	return false;
}

static const struct seg_rec *last_rx(const struct conn *c)
{
	for (int i = 0; i < c->b->replay.n_recent; i++) {
		const struct seg_rec *s =
			&c->b->replay.recent[(c->b->replay.recent_head + CONN_RECENT - 1 - i) %
					     CONN_RECENT];

		if (s->dir == TRC_DIR_RX && s->t_ns >= c->b->replay.last_trans_ns)
			return s;
	}
	return NULL;
}

void judge_transition(struct conn *c, struct transition *t, bool explained)
{
	struct lx_context lx = {
		.from = t->from,
		.to = t->to,
		.rx_fin = c->b->classify.rx_fin,
		.owner = t->owner,
		.rx_rst = c->b->replay.rst_rx_event || recent_rx(c, TRC_TCP_RST, true),
		.rfc_explained = explained,
	};
	enum lx_divergence d = lx_divergence_match(&lx);
	char msg[CONN_VIOL_LEN];

	if (d != LX_NONE) {
		/* One call, kept: -O3 cannot prove a second call non-NULL. */
		const struct seg_rec *takeover = d == LX_TIMEWAIT_TAKEOVER ? last_rx(c) : NULL;

		t->judge = JUDGE_LINUX;
		t->divergence = (uint8_t)d;
		c->b->verdict.divergences |= 1u << d;
		/* The timewait socket takes over on the segment that would
		 * have entered TIME-WAIT (the FIN, or the ACK of ours). */
		if (takeover) {
			cause_of_segment(&t->cause, takeover);
			return;
		}
		if (explained)
			return;
		t->cause.t_ns = t->t_ns;
		if (d == LX_TIMEWAIT_TAKEOVER) {
			t->cause.kind = CAUSE_TIMEWAIT;
		} else if (d == LX_ABORT_CLOSE) {
			t->cause.kind = CAUSE_APP;
			t->cause.input = RFC_IN_APP_ABORT;
		} else if (d == LX_FIN_WAIT2_TIMEOUT && t->owner) {
			t->cause.kind = CAUSE_APP; /* close() handed it over */
			t->cause.input = RFC_IN_APP_CLOSE;
		} else if (d != LX_LISTEN_CHILD && d != LX_NEW_SYN_RECV && d != LX_REPEATED_STATE) {
			t->cause.kind = CAUSE_TIMER;
			t->cause.input = RFC_IN_TIMER_GIVEUP;
		}
		return;
	}
	if (explained) {
		t->judge = JUDGE_CONFORMANT;
		return;
	}
	t->judge = JUDGE_VIOLATION;
	t->needs_seg = describe(msg, sizeof(msg), t->from, t->to);
	judge_add_violation(c, msg, t->needs_seg);
}
