/* SPDX-License-Identifier: BSD-2-Clause */
/* replay_flow.h - the RFC 9293 replay of a flow seen only as segments. */
#ifndef ANALYZE_REPLAY_FLOW_H
#define ANALYZE_REPLAY_FLOW_H

#include "conn.h"

/* Segment-only replay of a flow endpoint: drives the model with the
 * segment and records the transitions it predicts as inferred. */
void replay_flow_segment(struct conn *c, const struct seg_rec *s);

/* Applies what the segment-only replay still holds (end of the flow). */
void replay_flow_flush(struct conn *c);

#endif
