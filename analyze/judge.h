/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * judge.h - the judgement of each transition the replay (replay.h) has
 * tried to explain, and the violations an endpoint collects.
 */
#ifndef ANALYZE_JUDGE_H
#define ANALYZE_JUDGE_H

#include <stdbool.h>

#include "conn.h"

/* Segment s as the cause of a transition. */
static inline void cause_of_segment(struct cause *cs, const struct seg_rec *s)
{
	cs->kind = CAUSE_SEGMENT;
	cs->dir = s->dir;
	cs->tcp_flags = s->tcp_flags;
	cs->t_ns = s->t_ns;
}

/* Judges t, which the model explained or not: conformant, a Linux
 * divergence (its cause filled in where the model found none), or a
 * violation added to c's. */
void judge_transition(struct conn *c, struct transition *t, bool explained);

/* Adds a violation sentence to c (the first CONN_MAX_VIOL are kept, all
 * are counted); needs_seg: a recorded segment would have explained it. */
void judge_add_violation(struct conn *c, const char *msg, bool needs_seg);

#endif /* ANALYZE_JUDGE_H */
