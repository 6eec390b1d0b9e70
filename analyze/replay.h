/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * replay.h - compares what the kernel did with what the RFC 9293 model
 * predicts: explains each recorded transition by a cause (segment,
 * application call, timer, snapshot), judges it, and gives each endpoint a
 * verdict.  Segment-only flows (no socket) are replayed from segments alone
 * by replay_flow_segment(), producing inferred transitions.
 */
#ifndef ANALYZE_REPLAY_H
#define ANALYZE_REPLAY_H

#include "conn.h"

enum verdict {
	VERDICT_CONFORMANT = 0,
	VERDICT_LINUX,
	VERDICT_VIOLATION,
	VERDICT_INCOMPLETE,
	VERDICT_COUNT,
};
const char *verdict_name(enum verdict v); /* "conformant", "linux-specific", ... */
const char *judgement_name(enum judgement j);
const char *incomplete_reason_name(enum incomplete_reason r);

/* A kernel STATE event for socket endpoint c. */
void replay_state(struct conn *c, const struct trc_event *ev);

/* A segment of c (socket or adopted flow), already counted by classify. */
void replay_segment(struct conn *c, const struct seg_rec *s);

/* Segment-only replay of a flow endpoint: drives the model with the
 * segment and records the transitions it predicts as inferred. */
void replay_flow_segment(struct conn *c, const struct seg_rec *s);

/* Applies what the segment-only replay still holds (end of the flow). */
void replay_flow_flush(struct conn *c);

void replay_timewait(struct conn *c, const struct trc_event *ev);
void replay_reset(struct conn *c, const struct trc_event *ev);

/* Called once before output: settles judgements that depend on the whole
 * connection (e.g. transitions needing a segment when none were recorded). */
void replay_finish(struct conn *c);

enum verdict replay_verdict(const struct conn *c);

/* Appends CLOSE -> TIME_WAIT once the timewait socket was seen. */
void replay_add_timewait(struct conn *c);

/* Appends a transition (bounded; extra ones are counted). */
void replay_add_transition(struct conn *c, const struct transition *t);

#endif /* ANALYZE_REPLAY_H */
