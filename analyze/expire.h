/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * expire.h - what the passing of trace time does to held endpoints
 * (expire.c): freezing, finalising after the grace period, and the marks
 * of a gap.
 */
#ifndef ANALYZE_EXPIRE_H
#define ANALYZE_EXPIRE_H

#include "analyzer_state.h"

/* Freezes the endpoints that cooled down and finalises those whose grace
 * period is over at the analyzer's now_rt. */
void expire_due(struct analyzer *a);
/* Marks every live endpoint not closed before from_rt (lost events from
 * that time on, a block skipped after it).  after_events: the events
 * whose dispatch came before the mark (shard.h orders the mark by it). */
void expire_mark_all(struct analyzer *a, uint32_t reason, uint64_t from_rt, uint64_t after_events);

/* The budget of the marks' walks: whether one, with peak_live the most
 * endpoints live so far and events read, is paid for out of *work (and
 * then charged to it).  The budget is of the whole analysis, shards
 * together (shard.h). */
bool expire_mark_affordable(uint64_t *work, uint64_t peak_live, uint64_t events);

#endif /* ANALYZE_EXPIRE_H */
