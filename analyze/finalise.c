// SPDX-License-Identifier: BSD-2-Clause
/*
 * finalise.c - an endpoint's end: its connection reported to the sink
 * (with the other half, parked on it or mirrored) and its memory
 * released; at the end of the trace, every endpoint still held, in order
 * of first appearance.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "finalise.h"
#include "idsort.h"
#include "shard.h"

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

/* A shard learns the output ids of its endpoints from the coordinator
 * (shard.h), mostly long before they are reported; one that is finalised
 * soon after it appeared may have to wait for it. */
static void resolve(struct analyzer *a, struct conn *c)
{
	if (a->shard && c) {
		shard_resolve(a->shard, c);
		shard_resolve(a->shard, c->peer);
	}
}

/* Reports the connection of one endpoint or two (y may be NULL). */
static void report(struct analyzer *a, struct conn *x, struct conn *y)
{
	struct conn_view vx, vy;
	bool has_x, has_y;
	struct connection_view cv;
	int rc;

	resolve(a, x);
	resolve(a, y);
	has_x = endpoint_view(a, x, &vx);
	has_y = y && endpoint_view(a, y, &vy);
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
	conn_table_release(a->tab, c->mirror);
	conn_table_release(a->tab, c); /* and the parked half */
}

/* c with its body thawed; NULL, with the error set, when memory ran
 * out. */
struct conn *finalise_thaw(struct analyzer *a, struct conn *c)
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
	if (c->parked && !finalise_thaw(a, c->parked)) {
		conn_table_release(a->tab, c->parked); /* cannot be reported */
		c->parked = NULL;
	}
	if (finalise_thaw(a, c)) {
		finalise_removed(a, c);
		return;
	}
	conn_table_release(a->tab, c->mirror); /* cannot be reported */
	conn_table_release(a->tab, c);
}

/* The half parked on an endpoint that is going away without a report of
 * its own goes to to, or is reported alone. */
void finalise_hand_over_parked(struct analyzer *a, struct conn *from, struct conn *to)
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

void finalise(struct analyzer *a, struct conn *c)
{
	struct conn *flow = c->flow, *partner = conn_table_partner(a->tab, c);

	/* Out of the table first (which cuts the join to its flow): a frozen
	 * endpoint then thaws without relinking anything.  Its peer keeps its
	 * id (conn.c). */
	resolve(a, c);
	conn_table_remove(a->tab, c);
	if (flow && is_empty(flow)) {
		/* All its segments went to c: nothing of its own to report. */
		conn_table_remove(a->tab, flow);
		finalise_hand_over_parked(a, flow, c);
		conn_table_release(a->tab, flow);
	}
	finalise_or_park(a, c, partner == flow ? NULL : partner);
}

static int by_id(const void *x, const void *y)
{
	const struct conn *const *p = x, *const *q = y;

	return (*p)->id < (*q)->id ? -1 : (*p)->id > (*q)->id;
}

/* The id of c's connection as reported: its first-seen endpoint's
 * (connection.c), among c and the half reported with it. */
static uint64_t connection_id(const struct conn *c)
{
	const struct conn *other = c->mirror ? c->mirror : c->parked;

	return other && other->id < c->id ? other->id : c->id;
}

/* Its gid, for the order of the rows of a parallel run. */
static uint64_t connection_gid(struct analyzer *a, struct conn *c)
{
	struct conn *other = c->mirror ? c->mirror : c->parked;

	resolve(a, c);
	resolve(a, other);
	return other && other->gid < c->gid ? other->gid : c->gid;
}

static int by_connection_id(const void *x, const void *y)
{
	uint64_t p = connection_id(*(struct conn *const *)x);
	uint64_t q = connection_id(*(struct conn *const *)y);

	return p < q ? -1 : p > q;
}

static void mark_end(struct analyzer *a, struct conn *c)
{
	if (c->closed)
		return;
	c->incomplete |= INC_TRACE_END;
	if (a->in[c->file].truncated)
		c->incomplete |= INC_TRUNCATED;
}

struct collected {
	struct conn **all;
	uint64_t n, cap;
};

static void collect(struct conn *c, void *arg)
{
	struct collected *got = arg;

	if (got->n < got->cap)
		got->all[got->n++] = c;
}

static void flush_unordered(struct analyzer *a)
{
	struct conn *c;

	while ((c = conn_table_peek(a->tab))) {
		resolve(a, c);
		conn_table_remove(a->tab, c);
		mark_end(a, c);
		if (c->mirror)
			mark_end(a, c->mirror);
		finalise_frozen(a, c);
	}
}

/* Takes the endpoints left at the end of the trace out of the table in
 * order of first appearance, and reports their connections in that
 * order.  Which half of a connection is parked on the other depends on
 * which is taken out first, so that order is the endpoints' own, never
 * the index's layout. */
void finalise_at_end(struct analyzer *a)
{
	uint64_t n = conn_table_live(a->tab), k = 0;
	struct conn **live = calloc(n ? n : 1, sizeof(*live));
	struct collected got = { live, 0, n };
	struct conn *c;

	if (!live) {
		flush_unordered(a); /* out of memory: the index's order will do */
		return;
	}
	conn_table_foreach(a->tab, collect, &got);
	n = got.n;
	if (idsort_conns(live, n) < 0)
		qsort(live, n, sizeof(*live), by_id);
	/* Taking each endpoint out of the table cuts its join, so that
	 * finalising one frees no other; one whose other half is still in
	 * the table is parked on it. */
	for (uint64_t i = 0; i < n; i++) {
		struct conn *partner;

		c = live[i];
		partner = conn_table_partner(a->tab, c);
		resolve(a, c);
		conn_table_remove(a->tab, c);
		mark_end(a, c);
		if (c->mirror)
			mark_end(a, c->mirror);
		if (!park(c, partner))
			live[k++] = c;
	}
	qsort(live, k, sizeof(*live), by_connection_id);
	/* The frozen ones are thawed one at a time, not all at once. */
	for (uint64_t i = 0; i < k; i++) {
		if (a->shard)
			shard_report_at(a->shard, UINT64_MAX, REPORT_END,
					connection_gid(a, live[i]));
		finalise_frozen(a, live[i]);
	}
	free(live);
	flush_unordered(a); /* none, unless the count was wrong */
}
