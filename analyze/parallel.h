/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * parallel.h - tcpana -j: one analysis run by several worker threads, each
 * a shard of the connections (shard.h), with the calling thread as their
 * coordinator.  The coordinator settles what concerns every shard (output
 * ids, the peak of live endpoints, the budget of a gap's marks) from the
 * workers' ledgers and writes their rendered rows in the order of a run
 * on one thread, so that the output is the same byte for byte.
 */
#ifndef ANALYZE_PARALLEL_H
#define ANALYZE_PARALLEL_H

#include "analyzer.h"
#include "outputs.h"

/* Whether an analysis of these files with these options, writing through
 * o, can be run in parallel: files each worker can open and read again
 * (not standard input or a pipe), an output of rows (out_row_render()),
 * no --follow, no per-event output. */
bool parallel_possible(const char *const *paths, int npaths, const struct analyzer_opts *opts,
		       const struct analyzer_sink *sink, const struct out_ctx *o);

/* analyzer_run() with jobs workers (at least 2), each reading every file;
 * rows go through sink to o's output.  The same results and statuses. */
int parallel_run(const char *const *paths, int npaths, unsigned int jobs,
		 const struct analyzer_opts *opts, const struct analyzer_sink *sink,
		 struct out_ctx *o, const struct analyzer_diag *diag, struct analyzer_summary *sum);

#endif /* ANALYZE_PARALLEL_H */
