// SPDX-License-Identifier: BSD-2-Clause
/*
 * conn_queue.c - the finalisation queues of closed endpoints (FIFO by
 * close time, one per waiting period) and iteration over live endpoints.
 */
#include "conn_int.h"

void conn_table_queue(struct conn_table *t, struct conn *c, unsigned int q)
{
	if (c->queued || q >= CONN_QUEUES)
		return;
	c->qnext = NULL;
	c->qprev = t->qtail[q];
	if (t->qtail[q])
		t->qtail[q]->qnext = c;
	else
		t->qhead[q] = c;
	t->qtail[q] = c;
	c->queued = true;
	c->queue = (uint8_t)q;
}

void conn_table_unqueue(struct conn_table *t, struct conn *c)
{
	unsigned int q = c->queue;

	if (!c->queued)
		return;
	if (c->qprev)
		c->qprev->qnext = c->qnext;
	else
		t->qhead[q] = c->qnext;
	if (c->qnext)
		c->qnext->qprev = c->qprev;
	else
		t->qtail[q] = c->qprev;
	c->qnext = c->qprev = NULL;
	c->queued = false;
}

struct conn *conn_table_queue_head(struct conn_table *t, unsigned int q)
{
	return q < CONN_QUEUES ? t->qhead[q] : NULL;
}

void conn_table_foreach(struct conn_table *t, void (*cb)(struct conn *, void *), void *arg)
{
	for (size_t i = 0; i < t->sidx_cap; i++)
		if (t->sidx[i].c)
			cb(t->sidx[i].c, arg);
}

uint64_t conn_table_foreach_cost(const struct conn_table *t)
{
	return t->sidx_cap;
}

struct conn *conn_table_peek(struct conn_table *t)
{
	/* Removal only shifts entries back towards the slot it emptied,
	 * never below it, so the slots before the cursor stay empty. */
	for (size_t i = t->pop_cursor; i < t->sidx_cap && t->live; i++) {
		t->pop_cursor = i;
		if (t->sidx[i].c)
			return t->sidx[i].c;
	}
	return NULL;
}

struct conn *conn_table_pop(struct conn_table *t)
{
	struct conn *c = conn_table_peek(t);

	if (c)
		conn_table_remove(t, c);
	return c;
}

uint64_t conn_table_live(const struct conn_table *t)
{
	return t->live;
}
