/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * durations.h - time measurements of an endpoint: connect latency,
 * handshake time, lifetime, time in every state, TIME_WAIT length.
 */
#ifndef ANALYZE_DURATIONS_H
#define ANALYZE_DURATIONS_H

#include "conn.h"

#define DUR_NONE UINT64_MAX /* not measured */

struct durations {
	uint64_t start_ns, end_ns;
	uint64_t connect_ns;		/* SYN_SENT dwell that ended in ESTABLISHED */
	uint64_t handshake_ns;		/* first SYN (or SYN_SENT/SYN_RECV) to ESTABLISHED */
	uint64_t lifetime_ns;		/* end_ns - start_ns */
	uint64_t timewait_ns;		/* TIME_WAIT enter to exit */
	uint64_t states[TCP_ST_COUNT];	/* total dwell per state, DUR_NONE if never */
	uint64_t dwell[CONN_MAX_TRANS]; /* per kept transition: time in its "to" state */
};

/* trace_end_ns: time the trace ended, for endpoints still open. */
void durations_compute(const struct conn *c, uint64_t trace_end_ns, struct durations *d);

#endif /* ANALYZE_DURATIONS_H */
