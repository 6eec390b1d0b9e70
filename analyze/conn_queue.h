/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn_queue.h - the finalisation queues of closed endpoints: FIFO by
 * close time, one per waiting period (see analyzer_state.h).  An endpoint
 * is in one queue at most.
 */
#ifndef ANALYZE_CONN_QUEUE_H
#define ANALYZE_CONN_QUEUE_H

#include "endpoint.h"

#define CONN_QUEUES 3

struct conn_queues {
	struct conn_list q[CONN_QUEUES];
	uint64_t changes; /* pushes and unlinks so far: a head may have changed */
};

void conn_queues_init(struct conn_queues *qs);
/* Appends c to queue q unless it is queued already (in any queue). */
void conn_queue_push(struct conn_queues *qs, struct conn *c, unsigned int q);
/* Takes c out of its queue, if any. */
void conn_queue_unlink(struct conn_queues *qs, struct conn *c);
/* The oldest endpoint of queue q, or NULL. */
struct conn *conn_queue_head(struct conn_queues *qs, unsigned int q);

#endif /* ANALYZE_CONN_QUEUE_H */
