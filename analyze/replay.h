/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.h - compares what the kernel did with what the RFC 9293 model
 * predicts: explains each recorded transition by a cause (segment,
 * application call, timer, snapshot), judges it, and gives each endpoint a
 * verdict (verdict.h).  Segment-only flows (no socket) are replayed from
 * segments alone by replay_flow.h, producing inferred transitions.
 */
#ifndef ANALYZE_REPLAY_H
#define ANALYZE_REPLAY_H

#include "conn.h"

/* A kernel STATE event for socket endpoint c. */
void replay_state(struct conn *c, const struct trc_event *ev);

/* A segment of c (socket or adopted flow), already counted by classify. */
void replay_segment(struct conn *c, const struct seg_rec *s);

void replay_timewait(struct conn *c, const struct trc_event *ev);
void replay_reset(struct conn *c, const struct trc_event *ev);

/* Appends CLOSE -> TIME_WAIT once the timewait socket was seen. */
void replay_add_timewait(struct conn *c);

/* Appends a transition (bounded; extra ones are counted). */
void replay_add_transition(struct conn *c, const struct transition *t);

#endif /* ANALYZE_REPLAY_H */
