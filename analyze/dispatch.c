// SPDX-License-Identifier: BSD-2-Clause
/*
 * dispatch.c - routes each event to its endpoint: creates endpoints on
 * first sight (linking peers and adopting flows that began before their
 * socket), sends flow segments to the live socket with the same netns and
 * 4-tuple, and finalises endpoints: after a grace period once closed, at
 * their TIME_WAIT exit, or at the end of the trace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "idsort.h"
#include "replay_flow.h"

static uint64_t rt(const struct analyzer *a, const struct conn *c, uint64_t t)
{
	return t + (uint64_t)a->in[c->file].rt_off;
}

static bool is_empty(const struct conn *c)
{
	return !c->b->replay.n_trans && !c->b->traffic.seg_total && !c->tw_enter &&
	       !c->b->traffic.retransmits && !c->b->traffic.resets_sent &&
	       !c->b->traffic.resets_received;
}

/* The view of a finalised endpoint; false when it has nothing of its own
 * to report (a flow whose segments all went to its socket). */
static bool endpoint_view(struct analyzer *a, struct conn *c, struct conn_view *v)
{
	const struct input *in = &a->in[c->file];

	if (is_empty(c))
		return false;
	if (c->born_mark < a->coarse_lost)
		c->incomplete |= INC_LOST;
	if (c->born_mark < a->coarse_corrupt)
		c->incomplete |= INC_CORRUPT;
	replay_finish(c);
	classify_finish(c);
	*v = (struct conn_view){ .c = c, .hdr = in->hdr, .file = in->name };
	durations_compute(c, in->last_t, &v->dur);
	v->outcome = classify_outcome(c);
	v->zstate = classify_conn_state(c);
	v->verdict = replay_verdict(c);
	a->sum->endpoints_total++;
	return true;
}

/* Reports the connection of one endpoint or two (y may be NULL). */
static void report(struct analyzer *a, struct conn *x, struct conn *y)
{
	struct conn_view vx, vy;
	bool has_x = endpoint_view(a, x, &vx), has_y = y && endpoint_view(a, y, &vy);
	struct connection_view cv;
	int rc;

	if (!has_x && !has_y)
		return;
	connection_build(&cv, has_x ? &vx : NULL, has_y ? &vy : NULL);
	cv.first_rt = a->sum->t_first_ns;
	if (cv.outcome != OUT_LISTENER)
		a->sum->connections_total++;
	if (!analyzer_filter_connection(&a->opts->filter, &cv, a->sum->t_first_ns))
		return;
	if (cv.outcome == OUT_LISTENER)
		a->sum->listeners++;
	else
		a->sum->connections++;
	a->sum->endpoints += (uint64_t)has_x + has_y;
	a->sum->by_outcome[cv.outcome]++;
	a->sum->by_verdict[cv.verdict]++;
	if (a->sink->conn && !a->err && (rc = a->sink->conn(a->sink->arg, &cv)) < 0)
		a->err = rc;
}

/* Reports c's connection (with its mirror or the half parked on it) and
 * frees them.  c is out of the table, and leaving it cut every link
 * another endpoint had to it: what is freed here is reachable from
 * nowhere. */
static void finalise_removed(struct analyzer *a, struct conn *c)
{
	report(a, c, c->mirror ? c->mirror : c->parked);
	conn_free(c->mirror);
	conn_table_release(a->tab, c); /* and the parked half */
}

/* c with its body thawed; NULL, with the error set, when memory ran
 * out. */
static struct conn *thaw(struct analyzer *a, struct conn *c)
{
	if (conn_table_thaw(a->tab, c))
		return c;
	a->err = -ENOMEM;
	return NULL;
}

/* finalise_removed() of an endpoint that may be frozen, as its parked
 * half may be. */
static void finalise_frozen(struct analyzer *a, struct conn *c)
{
	if (c->parked && !thaw(a, c->parked)) {
		conn_free(c->parked); /* cannot be reported */
		c->parked = NULL;
	}
	if (thaw(a, c)) {
		finalise_removed(a, c);
		return;
	}
	conn_free(c->mirror); /* cannot be reported */
	conn_free(c);
}

/* The half parked on an endpoint that is going away without a report of
 * its own goes to to, or is reported alone. */
static void hand_over_parked(struct analyzer *a, struct conn *from, struct conn *to)
{
	struct conn *p = from->parked;

	if (!p)
		return;
	from->parked = NULL;
	if (to && !to->parked)
		to->parked = p;
	else
		finalise_frozen(a, p);
}

/* Parks c (out of the table) on the live other half of its connection,
 * to be reported with it; false when there is none to take it. */
static bool park(struct conn *c, struct conn *partner)
{
	if (!partner || partner->parked || c->parked)
		return false;
	partner->parked = c;
	return true;
}

static void finalise_or_park(struct analyzer *a, struct conn *c, struct conn *partner)
{
	if (!park(c, partner))
		finalise_frozen(a, c);
}

static void finalise(struct analyzer *a, struct conn *c)
{
	struct conn *flow = c->flow, *partner = conn_table_partner(a->tab, c);

	/* Out of the table first (which cuts the join to its flow): a frozen
	 * endpoint then thaws without relinking anything. */
	conn_table_remove(a->tab, c);
	if (flow && is_empty(flow)) {
		/* All its segments went to c: nothing of its own to report. */
		conn_table_remove(a->tab, flow);
		hand_over_parked(a, flow, c);
		conn_free(flow);
	}
	finalise_or_park(a, c, partner == flow ? NULL : partner);
}

static void list_append(struct conn *c, const struct seg_rec *s)
{
	if (c->b->traffic.n_list == c->b->traffic.cap_list) {
		uint32_t cap = c->b->traffic.cap_list ? c->b->traffic.cap_list * 2 : 16;
		struct seg_rec *n;

		if (c->b->traffic.cap_list >= CONN_SEG_LIST_MAX ||
		    !(n = realloc(c->b->traffic.list, (size_t)cap * sizeof(*n)))) {
			c->b->traffic.list_dropped++;
			return;
		}
		c->b->traffic.list = n;
		c->b->traffic.cap_list = cap;
	}
	c->b->traffic.list[c->b->traffic.n_list++] = *s;
}

static void deliver(struct analyzer *a, struct conn *c, const struct seg_rec *s, bool dual)
{
	if (!c->b->first_ns)
		c->b->first_ns = s->t_ns;
	c->last_ns = s->t_ns;
	classify_segment(c, s);
	if (!c->flow_only) {
		replay_segment(c, s);
	} else {
		replay_flow_segment(c, s);
		if (!dual && !c->b->traffic.flowbuf)
			c->b->traffic.flowbuf =
				calloc(CONN_FLOW_BUF, sizeof(*c->b->traffic.flowbuf));
		if (!dual && c->b->traffic.flowbuf && c->b->traffic.n_flowbuf < CONN_FLOW_BUF)
			c->b->traffic.flowbuf[c->b->traffic.n_flowbuf++] = *s;
	}
	if (a->opts->keep_segments)
		list_append(c, s);
}

/* A socket appeared: take over the segments of a flow with its tuple
 * that came first (the handshake of an accepted child). */
static void adopt(struct analyzer *a, struct conn *sock)
{
	struct conn *f = conn_table_by_tuple(a->tab, &sock->key, true);

	if (!f || f->mirror || f->sock || f->file != sock->file ||
	    sock->b->first_ns > f->last_ns + ANALYZER_ADOPT_NS || !thaw(a, f))
		return;
	for (uint8_t i = 0; i < f->b->traffic.n_flowbuf; i++)
		deliver(a, sock, &f->b->traffic.flowbuf[i], false);
	sock->incomplete |= f->incomplete & (INC_LOST | INC_CORRUPT);
	if (f->b->traffic.seg_total == f->b->traffic.n_flowbuf) {
		/* Everything it had now belongs to the socket. */
		conn_table_remove(a->tab, f);
		hand_over_parked(a, f, sock);
		conn_free(f);
		return;
	}
	f->adopted = true;
}

/* A first event that shows the beginning of its endpoint: it cannot have
 * lost earlier events in a skipped block. */
static bool clean_start(const struct trc_event *ev)
{
	if (ev->type == TRC_EV_STATE)
		return ev->state.old_state == TCP_ST_CLOSE ||
		       ev->state.old_state == TCP_ST_LISTEN ||
		       (ev->state.flags & TRC_STATE_F_SNAPSHOT);
	return ev->type == TRC_EV_SEGMENT &&
	       (ev->seg.tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK)) == TRC_TCP_SYN;
}

/* The endpoint of the event, created on first sight.  Endpoints are only
 * ever reached through the table: no pointer to one outlives the event
 * that looked it up, so none can outlive the endpoint. */
static struct conn *get_conn(struct analyzer *a, struct input *in, uint32_t file)
{
	struct conn *c = conn_table_lookup(a->tab, file, in->ev.conn_serial);

	if (c)
		return thaw(a, c);
	if (a->live &&
	    tw_reported_has(&a->tw_reported, file, in->ev.conn_serial,
			    in->ev.type == TRC_EV_TIMEWAIT && in->ev.tw.phase == TRC_TW_EXIT))
		return NULL;
	c = conn_table_add(a->tab, file, in->conn);
	if (!c || (in->dual && c->flow_only && !conn_table_add_mirror(a->tab, c))) {
		a->err = -ENOMEM;
		return NULL;
	}
	c->b->first_ns = in->ev.t_ns;
	c->born_mark = a->mark_seq;
	if (a->now_rt <= a->lost_until_rt + ANALYZER_LOST_SLACK_NS)
		c->incomplete |= INC_LOST;
	if (a->now_rt <= a->corrupt_until_rt && !clean_start(&in->ev))
		c->incomplete |= INC_CORRUPT;
	if (c->mirror) {
		c->mirror->incomplete = c->incomplete;
		c->mirror->born_mark = c->born_mark;
	}
	if (conn_table_live(a->tab) > a->sum->peak_live)
		a->sum->peak_live = conn_table_live(a->tab);
	if (!c->flow_only) {
		(void)conn_table_link_peer(a->tab, c);
		adopt(a, c);
	}
	return c;
}

static uint64_t close_time(const struct conn *c)
{
	if (c->closed && (!c->mirror || !c->mirror->closed || c->close_ns <= c->mirror->close_ns))
		return c->close_ns;
	return c->mirror ? c->mirror->close_ns : c->close_ns;
}

static void queue(struct analyzer *a, struct conn *c)
{
	conn_table_queue(a->tab, c, c->b->replay.tw_expected && !c->tw_enter ? 1 : 0);
}

/* The socket a flow's segments go to, by tuple.  A flow that opens with
 * a SYN is a new incarnation of its tuple (tcp_tw_reuse, a reused port,
 * a server's next child): a closed socket with that tuple is an earlier
 * one and must not receive the new handshake.  Nor does a closed socket
 * whose timewait socket has ended: nothing of it is left in the kernel,
 * so what comes afterwards (a late FIN, the RST answering it) reached no
 * socket and is a flow of its own. */
static struct conn *flow_socket(struct analyzer *a, const struct conn *flow,
				const struct seg_rec *s)
{
	struct conn *sock = conn_table_by_tuple(a->tab, &flow->key, false);
	bool opens = (s->tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK)) == TRC_TCP_SYN;

	if (sock && sock->closed && (opens || flow->b->classify.syn_seen || sock->tw_exit))
		return NULL;
	return sock;
}

static void on_segment(struct analyzer *a, struct input *in, struct conn *c)
{
	const struct trc_ev_segment *g = &in->ev.seg;
	struct seg_rec s = {
		.t_ns = in->ev.t_ns,
		.seq = g->seq,
		.ack = g->ack,
		.window = g->window,
		.payload_len = g->payload_len,
		.dir = g->dir,
		.tcp_flags = g->tcp_flags,
		.flags = g->flags,
	};

	if (c->flow_only && !in->dual) {
		struct conn *sock = c->sock ? c->sock : flow_socket(a, c, &s);

		if (sock && !thaw(a, sock))
			return;
		if (sock) {
			conn_table_join(sock, c);
			deliver(a, sock, &s, false);
			return;
		}
	}
	deliver(a, c, &s, in->dual);
	if (c->mirror) {
		s.dir = s.dir == TRC_DIR_RX ? TRC_DIR_TX : TRC_DIR_RX;
		deliver(a, c->mirror, &s, true);
		if (c->mirror->closed)
			queue(a, c);
	}
	if (c->closed)
		queue(a, c);
}

/* Returns the event's endpoint: a new one when the socket opened again. */
static struct conn *on_state(struct analyzer *a, struct input *in, uint32_t file, struct conn *c)
{
	const struct trc_ev_state *st = &in->ev.state;

	if (c->closed && st->old_state == TCP_ST_CLOSE && st->new_state != TCP_ST_CLOSE &&
	    !(st->flags & TRC_STATE_F_SNAPSHOT)) {
		/* The same socket opened again (connect after disconnect). */
		finalise(a, c);
		c = get_conn(a, in, file);
		if (!c)
			return NULL;
	}
	replay_state(c, &in->ev);
	if (c->closed)
		queue(a, c);
	return c;
}

static void on_timewait(struct analyzer *a, struct input *in, struct conn *c)
{
	replay_timewait(c, &in->ev);
	if (in->ev.tw.phase != TRC_TW_EXIT)
		return;
	if (!c->closed) {
		c->closed = true;
		c->close_ns = in->ev.t_ns;
	}
	/* Over, but a LOST record naming a range over it may still come. */
	conn_table_unqueue(a->tab, c);
	conn_table_queue(a->tab, c, ANALYZER_QUEUE_ENDED);
}

static void on_lost(struct analyzer *a, struct input *in)
{
	const struct trc_ev_lost *l = &in->ev.lost;
	uint64_t end = l->t_end_ns > in->ev.t_ns ? l->t_end_ns : in->ev.t_ns;

	a->sum->lost_events += l->count;
	a->sum->lost_records++;
	end += (uint64_t)in->rt_off;
	if (end > a->lost_until_rt)
		a->lost_until_rt = end;
	/* The losses may predate the record (format/SPEC.md, LOST): mark
	 * from where they began.  Closed endpoints are kept for
	 * the grace period, longer than a recorder's counter-read interval,
	 * so the ones a gap touched are still here to be marked. */
	uint64_t begin = l->t_begin_ns <= in->ev.t_ns ? l->t_begin_ns : in->ev.t_ns;
	dispatch_mark_all(a, INC_LOST, begin + (uint64_t)in->rt_off);
}

void dispatch_event(struct analyzer *a, struct input *in)
{
	uint32_t file = (uint32_t)(in - a->in);
	struct conn *c;

	if (in->ev.type == TRC_EV_LOST) {
		on_lost(a, in);
		return;
	}
	if (!in->has_conn || !(c = get_conn(a, in, file)))
		return;
	c->last_ns = in->ev.t_ns;
	switch (in->ev.type) {
	case TRC_EV_STATE:
		c = on_state(a, in, file, c);
		break;
	case TRC_EV_SEGMENT:
		on_segment(a, in, c);
		break;
	case TRC_EV_TIMEWAIT:
		on_timewait(a, in, c);
		break;
	case TRC_EV_RETRANSMIT:
		classify_retransmit(c);
		break;
	case TRC_EV_RESET:
		replay_reset(c, &in->ev);
		break;
	case TRC_EV_SOCK:
		figures_apply(&c->b->fig, &in->ev.sock);
		break;
	default:
		break;
	}
	/* A closed endpoint is held, mostly untouched, for the grace period
	 * (and through TIME_WAIT): it is frozen once it has cooled down and
	 * its TIME_WAIT enter (due within a poll interval) came. */
	if (c && !c->frozen && c->closed && !(c->b->replay.tw_expected && !c->tw_enter))
		conn_table_cool(a->tab, c);
}

static void freeze_cold(struct analyzer *a)
{
	struct conn *c;

	while ((c = conn_table_cool_head(a->tab)) &&
	       rt(a, c, c->last_ns) + ANALYZER_FREEZE_NS <= a->now_rt) {
		conn_table_freeze(a->tab, c);
		conn_table_uncool(a->tab, c); /* also when it could not be frozen */
	}
}

/* A followed trace reports an endpoint in TIME_WAIT, or one whose polled
 * TIME_WAIT enter has not come yet (queue 1; walks on a busy host are
 * spaced by their cost, up to seconds), once its grace is over, as a
 * trace that ends there would.  The records its timewait socket still
 * makes are then dropped (tw_reported.h); without that, each late enter
 * opened an endpoint of its own.  True when c is to be reported now. */
static bool report_in_timewait(struct analyzer *a, struct conn *c, unsigned int q)
{
	/* Queue 1 holds those still waiting for their enter. */
	bool in_timewait = (c->tw_enter || q == 1) && !c->tw_exit;

	if (!in_timewait)
		return true;
	if (!a->live)
		return !c->tw_enter; /* its exit ends it; an enter that never came does not */
	/* Out of memory: reported all the same, its late records open an
	 * endpoint of their own (incomplete). */
	(void)tw_reported_add(&a->tw_reported, c->file, c->serial);
	return true;
}

static void expire_queue(struct analyzer *a, unsigned int q, uint64_t grace)
{
	struct conn *c;

	while ((c = conn_table_queue_head(a->tab, q))) {
		uint64_t since = q == ANALYZER_QUEUE_ENDED ? c->last_ns : close_time(c);

		if (a->now_rt < rt(a, c, since) + grace)
			return;
		if (!report_in_timewait(a, c, q)) {
			conn_table_unqueue(a->tab, c); /* its TIME_WAIT exit ends it */
			continue;
		}
		finalise(a, c);
	}
}

void dispatch_expire(struct analyzer *a)
{
	freeze_cold(a);
	expire_queue(a, 0, a->grace_ns);
	expire_queue(a, 1, a->grace_tw_ns);
	expire_queue(a, ANALYZER_QUEUE_ENDED, a->grace_ns);
}

struct mark_ctx {
	struct analyzer *a;
	uint32_t reason;
	uint64_t from_rt;
};

static void mark_one(struct conn *c, void *arg)
{
	const struct mark_ctx *m = arg;

	/* Closed before the gap began: nothing of it can be missing (a
	 * timewait socket still can lose its exit). */
	if (c->closed && rt(m->a, c, close_time(c)) < m->from_rt && !(c->tw_enter && !c->tw_exit))
		return;
	c->incomplete |= m->reason;
	if (c->mirror)
		c->mirror->incomplete |= m->reason;
}

/* Walks allowed per event read, and a start-up allowance. */
#define MARK_WORK_PER_EVENT 8
#define MARK_WORK_FREE	    (1u << 20)

void dispatch_mark_all(struct analyzer *a, uint32_t reason, uint64_t from_rt)
{
	struct mark_ctx m = { a, reason, from_rt };
	uint64_t cost = conn_table_foreach_cost(a->tab);

	a->mark_seq++;
	if (a->mark_work + cost > a->sum->events * MARK_WORK_PER_EVENT + MARK_WORK_FREE) {
		*(reason == INC_LOST ? &a->coarse_lost : &a->coarse_corrupt) = a->mark_seq;
		return;
	}
	a->mark_work += cost;
	conn_table_foreach(a->tab, mark_one, &m);
}

static int by_id(const void *x, const void *y)
{
	const struct conn *const *p = x, *const *q = y;

	return (*p)->id < (*q)->id ? -1 : (*p)->id > (*q)->id;
}

static void mark_end(struct analyzer *a, struct conn *c)
{
	if (c->closed)
		return;
	c->incomplete |= INC_TRACE_END;
	if (a->in[c->file].truncated)
		c->incomplete |= INC_TRUNCATED;
}

void dispatch_flush(struct analyzer *a)
{
	uint64_t n = conn_table_live(a->tab), k = 0;
	struct conn **all = calloc(n ? n : 1, sizeof(*all));
	struct conn *c;

	/* Taking each endpoint out of the table cuts its join, so that
	 * finalising one frees no other; one whose other half is still in
	 * the table is parked on it. */
	while ((c = conn_table_peek(a->tab))) {
		struct conn *partner = conn_table_partner(a->tab, c);

		conn_table_remove(a->tab, c);
		mark_end(a, c);
		if (c->mirror)
			mark_end(a, c->mirror);
		if (park(c, partner))
			continue;
		if (all)
			all[k++] = c;
		else
			finalise_frozen(a, c); /* out of memory: unsorted is fine */
	}
	if (!all)
		return;
	/* Report what is left in order of first appearance; the frozen
	 * ones are thawed one at a time, not all at once. */
	if (idsort_conns(all, k) < 0)
		qsort(all, k, sizeof(*all), by_id);
	for (uint64_t i = 0; i < k; i++)
		finalise_frozen(a, all[i]);
	free(all);
}
