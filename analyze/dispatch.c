// SPDX-License-Identifier: BSD-2-Clause
/*
 * dispatch.c - routes each event to its endpoint: creates endpoints on
 * first sight (linking peers and adopting flows that began before their
 * socket), sends flow segments to the live socket with the same netns and
 * 4-tuple, and queues closed endpoints for expire.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "expire.h"
#include "finalise.h"
#include "replay_flow.h"
#include "shard.h"

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

/* Appends c to finalisation queue q, unless it is queued.  qpos is its
 * place among every endpoint queued, in shards too: a shard's rows are
 * merged with the others' in that order (shard.h). */
static void enqueue(struct analyzer *a, struct conn *c, unsigned int q)
{
	if (c->queued)
		return;
	c->qpos = a->shard ? shard_qpos(a->shard, a->sum->events) : a->sum->events;
	conn_table_queue(a->tab, c, q);
}

/* An endpoint that its TIME_WAIT exit ended is due a grace period after
 * its last event: one that gets another goes to the back of its queue,
 * which stays in order of due time.  In that order every endpoint due is
 * finalised on time, never held behind one that is not, as each shard of
 * a parallel run must do without seeing the others. */
static void requeue_ended(struct analyzer *a, struct conn *c)
{
	if (!c->queued || c->queue != ANALYZER_QUEUE_ENDED)
		return;
	conn_table_unqueue(a->tab, c);
	enqueue(a, c, ANALYZER_QUEUE_ENDED);
}

static void deliver(struct analyzer *a, struct conn *c, const struct seg_rec *s, bool dual)
{
	if (!c->b->first_ns)
		c->b->first_ns = s->t_ns;
	c->last_ns = s->t_ns;
	requeue_ended(a, c);
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
	    sock->b->first_ns > f->last_ns + ANALYZER_ADOPT_NS || !finalise_thaw(a, f))
		return;
	for (uint8_t i = 0; i < f->b->traffic.n_flowbuf; i++)
		deliver(a, sock, &f->b->traffic.flowbuf[i], false);
	sock->incomplete |= f->incomplete & (INC_LOST | INC_CORRUPT);
	if (f->b->traffic.seg_total == f->b->traffic.n_flowbuf) {
		/* Everything it had now belongs to the socket. */
		conn_table_remove(a->tab, f);
		finalise_hand_over_parked(a, f, sock);
		conn_table_release(a->tab, f);
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

/* Output ids and the peak of live endpoints: a shard leaves both to the
 * coordinator, which sees every shard (shard.h). */
static void count_creation(struct analyzer *a, struct conn *c)
{
	uint64_t live = conn_table_live(a->tab);

	if (a->shard) {
		shard_created(a->shard, c, c->mirror ? 2 : 1, a->sum->events, live);
		return;
	}
	c->gid = c->id;
	if (c->mirror)
		c->mirror->gid = c->mirror->id;
	if (live > a->sum->peak_live)
		a->sum->peak_live = live;
}

/* The endpoint of the event, created on first sight.  Endpoints are only
 * ever reached through the table: no pointer to one outlives the event
 * that looked it up, so none can outlive the endpoint. */
static struct conn *get_conn(struct analyzer *a, struct input *in, uint32_t file)
{
	struct conn *c = conn_table_lookup(a->tab, file, in->ev.conn_serial);

	if (c)
		return finalise_thaw(a, c);
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
	c->b->replay.tw_unwatched = in->hdr->tw_netns && in->conn->netns != in->hdr->tw_netns;
	c->born_mark = a->mark_seq;
	if (a->now_rt <= a->lost_until_rt + ANALYZER_LOST_SLACK_NS)
		c->incomplete |= INC_LOST;
	if (a->now_rt <= a->corrupt_until_rt && !clean_start(&in->ev))
		c->incomplete |= INC_CORRUPT;
	if (c->mirror) {
		c->mirror->incomplete = c->incomplete;
		c->mirror->born_mark = c->born_mark;
	}
	count_creation(a, c);
	if (!c->flow_only) {
		(void)conn_table_link_peer(a->tab, c);
		adopt(a, c);
	}
	return c;
}

static void queue(struct analyzer *a, struct conn *c)
{
	enqueue(a, c, c->b->replay.tw_expected && !c->tw_enter ? 1 : 0);
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

		if (sock && !finalise_thaw(a, sock))
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
	enqueue(a, c, ANALYZER_QUEUE_ENDED);
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
	expire_mark_all(a, INC_LOST, begin + (uint64_t)in->rt_off, a->sum->events - 1);
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
	requeue_ended(a, c);
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
