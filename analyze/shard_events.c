// SPDX-License-Identifier: BSD-2-Clause
/*
 * shard_events.c - a shard's part of the event loop (analyzer.c): it
 * dispatches only its own connections' events and passes over the
 * others', which its readers hand out as runs of times (shard.h).
 */
#include "analyzer_state.h"
#include "dispatch.h"
#include "expire.h"
#include "shard.h"
#include "shard_events.h"

/* Skipped events from the look-ahead on, up to the first at which
 * something falls due (an endpoint's grace, freezing: expire_due()),
 * change only the counts and the time: they are taken together.  Not
 * the first event of an input or after a gap, which account() marks, and
 * only with one input, as another's events may come between them.  True
 * when it took some: the last one taken is the look-ahead. */
bool shard_pass_quiet(struct analyzer *a, struct input *in)
{
	const struct trc_skipped_run *run = in->run;
	uint64_t due = a->next_due_rt < a->next_freeze_rt ? a->next_due_rt : a->next_freeze_rt;
	uint32_t from = in->run_i, to = from;

	if (a->n != 1 || !in->first_t || in->gap_pending || a->corrupt_pending ||
	    conn_table_queue_changes(a->tab) != a->due_changes)
		return false;
	while (to < run->n && run->t_ns[to] + (uint64_t)in->rt_off < due) {
		if (run->type[to] <= TRC_EV_TYPE_MAX)
			a->sum->events_by_type[run->type[to]]++;
		to++;
	}
	if (to == from)
		return false;
	a->sum->events += to - from;
	in->run_i = to - 1;
	in->last_t = run->t_ns[in->run_i];
	a->now_rt = in->last_t + (uint64_t)in->rt_off;
	a->sum->t_last_ns = a->now_rt;
	shard_event_done(a->shard, a->sum->events, conn_table_live(a->tab));
	return true;
}

/* One shard of a parallel run dispatches only its connections' events:
 * its readers skip the others' (shard_wants()).  It follows every
 * event's time all the same (shard.h). */
void shard_take_event(struct analyzer *a, struct input *in)
{
	struct shard *s = a->shard;

	if (!in->run) {
		shard_report_at(s, a->sum->events, REPORT_DISPATCH, 0);
		dispatch_event(a, in);
	}
	expire_due(a);
	shard_event_done(s, a->sum->events, conn_table_live(a->tab));
}
