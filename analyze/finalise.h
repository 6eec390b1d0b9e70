/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * finalise.h - an endpoint's end: its connection reported and its memory
 * released (finalise.c).
 */
#ifndef ANALYZE_FINALISE_H
#define ANALYZE_FINALISE_H

#include "analyzer_state.h"

/* c with its body thawed; NULL, with the analyzer's error set, when
 * memory ran out. */
struct conn *finalise_thaw(struct analyzer *a, struct conn *c);
/* Takes c out of the table and reports its connection, now or, when the
 * other half is still live, parked on that half to be reported with it. */
void finalise(struct analyzer *a, struct conn *c);
/* The half parked on from, which goes away without a report of its own,
 * goes to to (may be NULL), or is reported alone. */
void finalise_hand_over_parked(struct analyzer *a, struct conn *from, struct conn *to);
/* The end of the trace: every endpoint still held, marked as such, in
 * order of first appearance. */
void finalise_at_end(struct analyzer *a);

#endif /* ANALYZE_FINALISE_H */
