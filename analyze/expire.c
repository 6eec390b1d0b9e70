// SPDX-License-Identifier: BSD-2-Clause
/*
 * expire.c - what the passing of trace time does to held endpoints:
 * closed ones are frozen once they cool down and finalised once their
 * grace period is over, and a gap (lost events, a skipped block) marks
 * every endpoint it may have touched.
 */
#include <stdlib.h>

#include "expire.h"
#include "finalise.h"
#include "shard.h"

static uint64_t close_time(const struct conn *c)
{
	if (c->closed && (!c->mirror || !c->mirror->closed || c->close_ns <= c->mirror->close_ns))
		return c->close_ns;
	return c->mirror ? c->mirror->close_ns : c->close_ns;
}

/* Freezing reads a body nothing has touched for ANALYZER_FREEZE_NS: from
 * memory, a cache miss per line, and one body after the other that was a
 * tenth of the analysis.  The bodies due are taken in batches, every
 * ANALYZER_FREEZE_EVERY_NS of trace time, and fetched together before
 * they are encoded. */
static void freeze_cold(struct analyzer *a)
{
	struct conn *due[ANALYZER_FREEZE_BATCH], *c;
	size_t n;

	if (a->now_rt < a->next_freeze_rt)
		return;
	a->next_freeze_rt = a->now_rt + ANALYZER_FREEZE_EVERY_NS;
	do {
		n = 0;
		while (n < ANALYZER_FREEZE_BATCH && (c = conn_table_cool_head(a->tab)) &&
		       endpoint_rt(a, c, c->last_ns) + ANALYZER_FREEZE_NS <= a->now_rt) {
			conn_table_uncool(a->tab, c); /* also when it cannot be frozen */
			conn_table_prefetch(c);
			due[n++] = c;
		}
		for (size_t i = 0; i < n; i++)
			conn_table_freeze(a->tab, due[i]);
	} while (n == ANALYZER_FREEZE_BATCH);
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

/* When c, in queue q, is due: its grace period after its close, or
 * after its last event once its TIME_WAIT exit ended it.  It only moves
 * later while c stays queued (a close is not undone; an event is later
 * than the one before). */
static uint64_t due_rt(const struct analyzer *a, const struct conn *c, unsigned int q)
{
	uint64_t since = q == ANALYZER_QUEUE_ENDED ? c->last_ns : close_time(c);

	return endpoint_rt(a, c, since) + (q == 1 ? a->grace_tw_ns : a->grace_ns);
}

static void expire_queue(struct analyzer *a, unsigned int q)
{
	struct conn *c;

	while ((c = conn_table_queue_head(a->tab, q))) {
		if (a->now_rt < due_rt(a, c, q))
			return;
		if (!report_in_timewait(a, c, q)) {
			conn_table_unqueue(a->tab, c); /* its TIME_WAIT exit ends it */
			continue;
		}
		if (a->shard)
			shard_report_at(a->shard, a->sum->events, REPORT_QUEUE + q, c->qpos);
		finalise(a, c);
	}
}

void expire_due(struct analyzer *a)
{
	uint64_t next = UINT64_MAX, t;
	struct conn *c;

	freeze_cold(a);
	/* Reading the queues' heads on every event was a cache miss each
	 * (4 % of the analysis): nothing is due before the earliest head's
	 * time, which only moves later while no queue changes. */
	if (a->now_rt < a->next_due_rt && conn_table_queue_changes(a->tab) == a->due_changes)
		return;
	for (unsigned int q = 0; q < CONN_QUEUES; q++)
		expire_queue(a, q);
	for (unsigned int q = 0; q < CONN_QUEUES; q++)
		if ((c = conn_table_queue_head(a->tab, q)) && (t = due_rt(a, c, q)) < next)
			next = t;
	a->next_due_rt = next;
	a->due_changes = conn_table_queue_changes(a->tab);
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
	if (c->closed && endpoint_rt(m->a, c, close_time(c)) < m->from_rt &&
	    !(c->tw_enter && !c->tw_exit))
		return;
	c->incomplete |= m->reason;
	if (c->mirror)
		c->mirror->incomplete |= m->reason;
}

/* Slots read per event read, and a start-up allowance. */
#define MARK_WORK_PER_EVENT 8
#define MARK_WORK_FREE	    (1u << 20)

bool expire_mark_affordable(uint64_t *work, uint64_t peak_live, uint64_t events)
{
	/* A walk reads every slot of the index, which does not shrink: about
	 * twice the most endpoints ever live.  The peak, not the slots, is
	 * charged: it is the same however the endpoints are sharded. */
	uint64_t cost = 2 * peak_live;

	if (*work + cost > events * MARK_WORK_PER_EVENT + MARK_WORK_FREE)
		return false;
	*work += cost;
	return true;
}

void expire_mark_all(struct analyzer *a, uint32_t reason, uint64_t from_rt, uint64_t after_events)
{
	struct mark_ctx m = { a, reason, from_rt };
	bool walk;

	a->mark_seq++;
	if (a->shard)
		walk = shard_mark_walk(a->shard, a->mark_seq, after_events, a->sum->events);
	else
		walk = expire_mark_affordable(&a->mark_work, a->sum->peak_live, a->sum->events);
	if (!walk) {
		*(reason == INC_LOST ? &a->coarse_lost : &a->coarse_corrupt) = a->mark_seq;
		return;
	}
	conn_table_foreach(a->tab, mark_one, &m);
}
