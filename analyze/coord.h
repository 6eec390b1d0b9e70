/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * coord.h - the coordinator of a parallel analysis (parallel.h): the
 * ledger of every shard (output ids, live endpoints, the marks' budget)
 * and the merge of their rows into the output, in the order of a run on
 * one thread.
 */
#ifndef ANALYZE_COORD_H
#define ANALYZE_COORD_H

#include "outputs.h"
#include "shard.h"

struct coord {
	struct shard_shared sh;
	unsigned int n;
	/* Progress read once per round: events finished, finished for good. */
	uint64_t *done;
	bool *finished;
	bool *queued; /* row_next(): whose rows were queued */
	/* The ledger of the whole analysis. */
	uint64_t next_gid;
	uint64_t *live; /* each shard's live endpoints */
	uint64_t live_sum;
	uint64_t peak;
	uint64_t mark_work;
	uint64_t marks;
	bool *answered; /* answers to publish */
	/* The output. */
	struct out_ctx *o;
	int out_rc;
};

/* Sets up the queues of n workers writing through o.  0 or -ENOMEM;
 * coord_fini() either way. */
int coord_init(struct coord *k, unsigned int n, struct out_ctx *o);
void coord_fini(struct coord *k);
/* Answers the workers and writes their rows until every worker finished
 * and everything it sent is written (or a worker failed). */
void coord_run(struct coord *k);

#endif /* ANALYZE_COORD_H */
