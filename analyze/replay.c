// SPDX-License-Identifier: BSD-2-Clause
/*
 * replay.c - explains each transition the kernel reported for an endpoint.
 * The candidates are tried in the order the kernel itself would act: the
 * segments received since the previous transition (a received segment is
 * processed before the state it causes is set), then the application calls
 * and timers the RFC allows.  A match steps the model; otherwise the
 * transition is judged (judge.c): a documented Linux divergence or a
 * violation.  The model then follows the kernel so one surprise does not
 * cascade.
 */
#include <stdio.h>

#include "divergence.h"
#include "judge.h"
#include "replay.h"
#include "safestr.h"

void replay_add_transition(struct conn *c, const struct transition *t)
{
	/* Segments that can explain the next transition: those after the one
	 * that explained this one (it may explain a second step itself), or
	 * after this transition when no segment caused it.  An application
	 * call runs with the socket locked: a segment that arrives meanwhile
	 * waits in the socket's backlog and is processed after the call's
	 * transition, though it was seen arriving before it.  So after an
	 * application's transition, a received segment that explained nothing
	 * yet still counts from where the window was before the call. */
	uint64_t before = c->b->replay.last_trans_ns;

	c->b->replay.last_trans_ns =
		t->cause.kind == CAUSE_SEGMENT && t->cause.t_ns < t->t_ns ? t->cause.t_ns : t->t_ns;
	c->b->replay.backlog_ns = t->cause.kind == CAUSE_APP && before < c->b->replay.last_trans_ns
					  ? before
					  : c->b->replay.last_trans_ns;
	c->b->replay.rst_rx_event = false;
	if (c->b->replay.n_trans >= CONN_MAX_TRANS) {
		c->b->replay.trans_dropped++;
		return;
	}
	c->b->replay.trans[c->b->replay.n_trans++] = *t;
}

static bool step_to(struct conn *c, const struct rfc9293_input *in, uint8_t to)
{
	struct rfc9293_model next = c->b->replay.model;
	struct rfc9293_result r;

	/* Stepping a copy is the prediction; keeping it saves searching the
	 * rule table a second time. */
	if (rfc9293_step(&next, in, &r) != 1 || r.to != to)
		return false;
	c->b->replay.model = next;
	return true;
}

/* Without sequence numbers an ACK may or may not cover our FIN, and the
 * ACK of an ACK+FIN is processed before its FIN (§3.10.7.4 fifth and
 * eighth checks): try each reading. */
static bool try_segment(struct conn *c, struct rfc9293_input *in, uint8_t to)
{
	uint8_t fl = in->tcp_flags;

	if (step_to(c, in, to))
		return true;
	in->fin_unacked = true;
	if ((fl & TRC_TCP_ACK) && step_to(c, in, to))
		return true;
	in->fin_unacked = false;
	if (!(fl & TRC_TCP_FIN))
		return false;
	in->tcp_flags = fl & (uint8_t)~TRC_TCP_FIN;
	in->data = false;
	return step_to(c, in, to);
}

/* Received and sent segments since the previous transition, newest first;
 * a received segment may also explain a second transition (SYN_RECV ->
 * ESTABLISHED -> CLOSE_WAIT for one ACK+FIN). */
static bool explain_by_segment(struct conn *c, uint8_t to, struct cause *cs)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < c->b->replay.n_recent; i++) {
			int k = (c->b->replay.recent_head + CONN_RECENT - 1 - i) % CONN_RECENT;
			struct seg_rec *s = &c->b->replay.recent[k];
			struct rfc9293_input in = { .data = s->payload_len > 0 };
			bool fresh = s->t_ns >= c->b->replay.last_trans_ns;
			bool backlogged = s->dir == TRC_DIR_RX && !s->uses &&
					  s->t_ns >= c->b->replay.backlog_ns;

			if ((pass == 0) != (s->dir == TRC_DIR_RX) || s->uses >= 2 ||
			    (!fresh && s->uses == 0 && !backlogged) ||
			    (s->dir == TRC_DIR_TX && !fresh))
				continue;
			in.kind = s->dir == TRC_DIR_RX ? RFC_IN_SEG_RX : RFC_IN_SEG_TX;
			in.tcp_flags = s->tcp_flags;
			if (!try_segment(c, &in, to))
				continue;
			s->uses++;
			cause_of_segment(cs, s);
			return true;
		}
	}
	return false;
}

static bool explain_by_call(struct conn *c, uint8_t to, bool owner, uint64_t t, struct cause *cs)
{
	static const enum rfc9293_input_kind app[] = {
		RFC_IN_APP_ACTIVE_OPEN,
		RFC_IN_APP_PASSIVE_OPEN,
		RFC_IN_APP_CLOSE,
		RFC_IN_APP_ABORT,
	};
	static const enum rfc9293_input_kind timer[] = { RFC_IN_TIMER_2MSL, RFC_IN_TIMER_GIVEUP };

	/* Process context means a call; softirq/timer context means a timer. */
	for (int pass = 0; pass < 2; pass++) {
		bool apps = (pass == 0) == owner;
		const enum rfc9293_input_kind *k = apps ? app : timer;
		size_t n = apps ? sizeof(app) / sizeof(app[0]) : sizeof(timer) / sizeof(timer[0]);

		for (size_t i = 0; i < n; i++) {
			struct rfc9293_input in = { .kind = k[i] };

			if (step_to(c, &in, to)) {
				cs->kind = apps ? CAUSE_APP : CAUSE_TIMER;
				cs->input = (uint8_t)k[i];
				cs->t_ns = t;
				return true;
			}
		}
	}
	return false;
}

static void take_owner(struct conn *c, const struct trc_ev_state *st)
{
	if (c->b->owner.has_owner || !(st->flags & TRC_STATE_F_OWNER))
		return;
	c->b->owner.has_owner = true;
	c->b->owner.pid = st->pid;
	c->b->owner.tgid = st->tgid;
	/* Every output prints it: made printable once, here (safestr.h). */
	safestr_n(st->comm, sizeof(st->comm), c->b->owner.comm, sizeof(c->b->owner.comm));
}

static void resync(struct conn *c, uint8_t st)
{
	struct rfc9293_input in = { .kind = RFC_IN_RESYNC, .resync_to = st };
	struct rfc9293_result r;

	(void)rfc9293_step(&c->b->replay.model, &in, &r);
}

void replay_add_timewait(struct conn *c)
{
	struct transition t = {
		.t_ns = c->b->replay.tw_enter_ns > c->close_ns ? c->b->replay.tw_enter_ns
							       : c->close_ns,
		.from = TCP_ST_CLOSE,
		.to = TCP_ST_TIME_WAIT,
		.judge = JUDGE_LINUX,
		.divergence = LX_TIMEWAIT_TAKEOVER,
		.cause = { .kind = CAUSE_TIMEWAIT, .t_ns = c->b->replay.tw_enter_ns },
	};

	c->b->replay.tw_trans_pending = false;
	c->b->verdict.divergences |= 1u << LX_TIMEWAIT_TAKEOVER;
	replay_add_transition(c, &t);
	c->b->replay.kstate = TCP_ST_TIME_WAIT;
}

void replay_state(struct conn *c, const struct trc_event *ev)
{
	const struct trc_ev_state *st = &ev->state;
	struct transition t = {
		.t_ns = ev->t_ns,
		.from = st->old_state,
		.to = st->new_state,
		.owner = !!(st->flags & TRC_STATE_F_OWNER),
	};
	char msg[CONN_VIOL_LEN];
	bool explained;

	take_owner(c, st);
	c->b->replay.kernel_states = true;
	if (st->flags & TRC_STATE_F_SNAPSHOT) {
		c->incomplete |= INC_SNAPSHOT;
		t.judge = JUDGE_SNAPSHOT;
		t.cause.kind = CAUSE_SNAPSHOT;
		t.cause.t_ns = ev->t_ns;
		resync(c, t.to);
		c->b->replay.kstate = t.to;
		replay_add_transition(c, &t);
		return;
	}
	if (c->b->replay.model.st == TCP_ST_UNKNOWN) {
		if (t.from != TCP_ST_CLOSE && t.from != TCP_ST_LISTEN && t.from != TCP_ST_UNKNOWN &&
		    t.from != TCP_ST_BOUND_INACTIVE)
			c->incomplete |= INC_MIDSTREAM;
		resync(c, t.from);
	} else if (c->b->replay.model.st != t.from && c->b->replay.kstate != TCP_ST_TIME_WAIT) {
		snprintf(msg, sizeof(msg), "%s -> %s reported, but the last recorded state was %s",
			 tcp_state_name(t.from), tcp_state_name(t.to),
			 tcp_state_name(c->b->replay.model.st));
		judge_add_violation(c, msg, false);
		resync(c, t.from);
	}
	/* A state set again (close() after shutdown(): tcp_close_state()
	 * maps FIN_WAIT1, FIN_WAIT2, CLOSING and LAST_ACK to themselves) is
	 * no step of the model: nothing may be spent explaining it. */
	explained = t.from != t.to && (explain_by_segment(c, t.to, &t.cause) ||
				       explain_by_call(c, t.to, t.owner, ev->t_ns, &t.cause));
	if (t.from == t.to && t.owner) {
		t.cause.kind = CAUSE_APP;
		t.cause.input = RFC_IN_APP_CLOSE;
		t.cause.t_ns = ev->t_ns;
	}
	judge_transition(c, &t, explained);
	resync(c, t.to);
	c->b->replay.kstate = t.to;
	replay_add_transition(c, &t);
	if (t.to == TCP_ST_CLOSE) {
		c->closed = true;
		c->close_ns = ev->t_ns;
		c->b->replay.tw_expected = (t.divergence == LX_TIMEWAIT_TAKEOVER ||
					    t.divergence == LX_FIN_WAIT2_TIMEOUT) &&
					   !c->b->replay.tw_unwatched;
		if (c->b->replay.tw_trans_pending)
			replay_add_timewait(c);
	}
}

void replay_segment(struct conn *c, const struct seg_rec *s)
{
	c->b->replay.recent[c->b->replay.recent_head] = *s;
	c->b->replay.recent[c->b->replay.recent_head].uses = 0;
	c->b->replay.recent_head = (uint8_t)((c->b->replay.recent_head + 1) % CONN_RECENT);
	if (c->b->replay.n_recent < CONN_RECENT)
		c->b->replay.n_recent++;
}

void replay_timewait(struct conn *c, const struct trc_event *ev)
{
	const struct trc_ev_timewait *tw = &ev->tw;

	if (tw->phase == TRC_TW_ENTER) {
		if (c->tw_enter)
			return;
		c->tw_enter = true;
		c->b->replay.tw_enter_ns = ev->t_ns;
		c->b->replay.tw_precision = tw->precision;
		c->b->replay.tw_precision_ns = tw->precision_ns;
		if (c->b->replay.kstate == TCP_ST_CLOSE)
			replay_add_timewait(c);
		else
			c->b->replay.tw_trans_pending = true;
		return;
	}
	c->tw_exit = true;
	c->b->replay.tw_exit_ns = ev->t_ns;
	if (!c->tw_enter) {
		/* Exit without enter: entered before the recording began. */
		c->tw_enter = true;
		c->b->replay.tw_enter_ns = ev->t_ns;
		c->incomplete |= INC_SNAPSHOT;
	}
}

void replay_reset(struct conn *c, const struct trc_event *ev)
{
	if (ev->reset.dir == TRC_DIR_RX) {
		c->b->traffic.resets_received++;
		c->b->replay.rst_rx_event = true;
		c->b->classify.rx_rst = true;
	} else {
		c->b->traffic.resets_sent++;
		c->b->classify.tx_rst = true;
	}
}
