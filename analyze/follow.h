/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * follow.h - tcpana --follow: one trace read while tcprec writes it.
 */
#ifndef ANALYZE_FOLLOW_H
#define ANALYZE_FOLLOW_H

#include <stdio.h>

#include "analyzer.h"

/* How far the newest readable event may lag the wall clock: tcprec
 * drains its ring buffer every 100 ms and flushes a chunk once its first
 * event is 250 ms old (record/drain_state.h), checked every 100 ms. */
#define FOLLOW_LAG_NS 400000000ull
/* tcprec reads its loss counters every 100 ms, so a LOST record is
 * stamped at most that long after the losses it reports, and it is
 * readable once the lag above has passed its time like any event: the
 * grace covers the interval, with room for a late timer. */
#define FOLLOW_GRACE_NS 250000000ull
/* How often a quiet input is looked at again. */
#define FOLLOW_POLL_MS 100
/* The report is flushed at least this often while input keeps coming. */
#define FOLLOW_FLUSH_NS 100000000ull
/* After SIGINT/SIGTERM, how long a pipe still gets to deliver the
 * recorder's last chunks and trailer (the same Ctrl-C stops both). */
#define FOLLOW_STOP_WAIT_NS 3000000000ull

/* Analyses path ("-" = standard input) as it grows: a regular file is
 * read again at its end until its trailer arrives or a signal stops
 * tcpana, a pipe until the writer closes it.  out, where the sink
 * writes, is flushed whenever the input is waited for and every
 * FOLLOW_FLUSH_NS.  Returns what analyzer_run_readers() returns. */
int follow_run(const char *path, FILE *out, const struct analyzer_opts *opts,
	       const struct analyzer_sink *sink, const struct analyzer_diag *diag,
	       struct analyzer_summary *sum);

#endif /* ANALYZE_FOLLOW_H */
