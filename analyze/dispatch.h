/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dispatch.h - one event of the merged inputs applied to its endpoint,
 * and the expiry of endpoints that wait for late records.
 */
#ifndef ANALYZE_DISPATCH_H
#define ANALYZE_DISPATCH_H

#include "analyzer_state.h"

void dispatch_event(struct analyzer *a, struct input *in);
void dispatch_expire(struct analyzer *a);
void dispatch_flush(struct analyzer *a);
/* Marks every live endpoint not closed before from_rt (lost events from
 * that time on, a block skipped after it). */
void dispatch_mark_all(struct analyzer *a, uint32_t reason, uint64_t from_rt);

#endif /* ANALYZE_DISPATCH_H */
