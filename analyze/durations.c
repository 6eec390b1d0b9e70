// SPDX-License-Identifier: BSD-2-Clause
/*
 * durations.c - derives every duration of an endpoint from its transitions.
 * An endpoint ends at its TIME_WAIT exit when one was recorded, else at
 * CLOSE, else (still open) when the trace ended.  TIME_WAIT is measured
 * from the timewait enter to exit records, which carry their own precision.
 */
#include "durations.h"

static uint64_t span(uint64_t a, uint64_t b)
{
	return b > a ? b - a : 0;
}

static uint64_t end_of(const struct conn *c, uint64_t trace_end_ns)
{
	uint64_t e;

	if (c->tw_exit)
		return c->b->replay.tw_exit_ns;
	if (c->closed)
		return c->close_ns; /* a TIME_WAIT without recorded exit is not counted */
	e = trace_end_ns > c->last_ns ? trace_end_ns : c->last_ns;
	return e;
}

static void handshake(const struct conn *c, struct durations *d)
{
	uint64_t syn_t = DUR_NONE;

	for (uint16_t i = 0; i < c->b->replay.n_trans; i++) {
		const struct transition *t = &c->b->replay.trans[i];

		if (syn_t == DUR_NONE && (t->to == TCP_ST_SYN_SENT || t->to == TCP_ST_SYN_RECV))
			syn_t = (t->cause.kind == CAUSE_SEGMENT && t->cause.t_ns < t->t_ns)
					? t->cause.t_ns
					: t->t_ns;
		if (t->to != TCP_ST_ESTABLISHED || t->judge == JUDGE_SNAPSHOT)
			continue;
		if (t->from == TCP_ST_SYN_SENT && i > 0 &&
		    c->b->replay.trans[i - 1].to == TCP_ST_SYN_SENT)
			d->connect_ns = span(c->b->replay.trans[i - 1].t_ns, t->t_ns);
		if (syn_t != DUR_NONE)
			d->handshake_ns = span(syn_t, t->t_ns);
		return;
	}
}

void durations_compute(const struct conn *c, uint64_t trace_end_ns, struct durations *d)
{
	d->connect_ns = d->handshake_ns = d->timewait_ns = DUR_NONE;
	for (int i = 0; i < TCP_ST_COUNT; i++)
		d->states[i] = DUR_NONE;
	d->start_ns = c->b->replay.n_trans ? c->b->replay.trans[0].t_ns : c->b->first_ns;
	if (c->b->first_ns && c->b->first_ns < d->start_ns)
		d->start_ns = c->b->first_ns;
	d->end_ns = end_of(c, trace_end_ns);
	if (d->end_ns < d->start_ns)
		d->end_ns = d->start_ns;
	d->lifetime_ns = d->end_ns - d->start_ns;
	for (uint16_t i = 0; i < c->b->replay.n_trans; i++) {
		const struct transition *t = &c->b->replay.trans[i];
		uint64_t until =
			i + 1 < c->b->replay.n_trans ? c->b->replay.trans[i + 1].t_ns : d->end_ns;

		/* Nothing is measured after CLOSE unless TIME_WAIT follows. */
		if (t->to == TCP_ST_CLOSE && i + 1 == c->b->replay.n_trans)
			until = t->t_ns;
		/* TIME_WAIT lasts until its exit, or (lower bound) the trace end. */
		if (t->to == TCP_ST_TIME_WAIT)
			until = c->tw_exit ? c->b->replay.tw_exit_ns
					   : (trace_end_ns > t->t_ns ? trace_end_ns : t->t_ns);
		d->dwell[i] = span(t->t_ns, until);
		if (t->to < TCP_ST_COUNT) {
			if (d->states[t->to] == DUR_NONE)
				d->states[t->to] = 0;
			d->states[t->to] += d->dwell[i];
		}
	}
	if (c->tw_enter && c->tw_exit)
		d->timewait_ns = span(c->b->replay.tw_enter_ns, c->b->replay.tw_exit_ns);
	handshake(c, d);
}
