// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn_queue.c - the finalisation queues of closed endpoints (FIFO by
 * close time, one per waiting period), <sys/queue.h> tail queues.
 */
#include "conn_queue.h"

void conn_queues_init(struct conn_queues *qs)
{
	for (unsigned int q = 0; q < CONN_QUEUES; q++)
		TAILQ_INIT(&qs->q[q]);
	qs->changes = 0;
}

void conn_queue_push(struct conn_queues *qs, struct conn *c, unsigned int q)
{
	if (c->queued || q >= CONN_QUEUES)
		return;
	TAILQ_INSERT_TAIL(&qs->q[q], c, qlink);
	qs->changes++;
	c->queued = true;
	c->queue = (uint8_t)q;
}

void conn_queue_unlink(struct conn_queues *qs, struct conn *c)
{
	if (!c->queued)
		return;
	TAILQ_REMOVE(&qs->q[c->queue], c, qlink);
	qs->changes++;
	c->queued = false;
}

struct conn *conn_queue_head(struct conn_queues *qs, unsigned int q)
{
	return q < CONN_QUEUES ? TAILQ_FIRST(&qs->q[q]) : NULL;
}
