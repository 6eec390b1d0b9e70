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
 * that time on, a block skipped after it). */
void expire_mark_all(struct analyzer *a, uint32_t reason, uint64_t from_rt);

#endif /* ANALYZE_EXPIRE_H */
