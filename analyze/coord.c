// SPDX-License-Identifier: BSD-2-Clause
/*
 * coord.c - the coordinator of tcpana -j (coord.h).
 *
 * Both merges take the smallest entry at the head of any worker's queue,
 * and only once no worker can still produce a smaller one: each worker
 * publishes how many events it has finished, and what it produces later
 * concerns later events.  The worker that has finished fewest events
 * never waits on the coordinator for anything the others could hold up,
 * so the run cannot deadlock.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "coord.h"
#include "expire.h"

static int key_cmp3(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t b0, uint64_t b1, uint64_t b2)
{
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	if (a1 != b1)
		return a1 < b1 ? -1 : 1;
	return a2 < b2 ? -1 : a2 > b2;
}

/* The ledger entry to apply next, or NULL when none can be yet. */
static const struct ledger_ent *ledger_next(struct coord *k, unsigned int *from)
{
	const struct ledger_ent *best = NULL, *e;
	size_t len;

	for (unsigned int v = 0; v < k->n; v++) {
		e = spsc_peek(&k->sh.chan[v].ledger, &len);
		if (e && (!best || key_cmp3(e->pos, e->kind, 0, best->pos, best->kind, 0) < 0)) {
			best = e;
			*from = v;
		}
	}
	if (!best)
		return NULL;
	/* Every shard must be past what comes before it (shard.h): a mark
	 * follows pos - 1 events; a creation needs the other shards' entries
	 * of its event's position (a mark made before it); the live count
	 * after an event, every creation of that event. */
	for (unsigned int v = 0; v < k->n; v++) {
		uint64_t need = best->kind == LEDGER_MARK ? best->pos - 1 : best->pos;

		if (best->kind == LEDGER_CREATE && v == *from)
			continue;
		if (k->done[v] < need && !k->finished[v])
			return NULL;
	}
	return best;
}

static void ledger_apply(struct coord *k, const struct ledger_ent *e, unsigned int from)
{
	uint64_t *gid;

	switch (e->kind) {
	case LEDGER_MARK: {
		bool walk = expire_mark_affordable(&k->mark_work, k->peak, e->value);

		k->marks++;
		atomic_store_explicit(&k->sh.decision[k->marks % SHARD_DECISIONS],
				      k->marks << 1 | walk, memory_order_release);
		break;
	}
	case LEDGER_CREATE:
		/* The other shards' counts are those after the previous event. */
		if (e->value + k->live_sum - k->live[from] > k->peak)
			k->peak = e->value + k->live_sum - k->live[from];
		gid = spsc_reserve(&k->sh.chan[from].answers, sizeof(*gid));
		if (!gid) {
			atomic_store_explicit(&k->sh.abort, true, memory_order_release);
			k->out_rc = -ENOMEM;
			break;
		}
		*gid = k->next_gid;
		k->next_gid += e->n;
		k->answered[from] = true;
		break;
	default:
		k->live_sum += e->value - k->live[from];
		k->live[from] = e->value;
	}
}

static bool ledger_round(struct coord *k)
{
	const struct ledger_ent *e;
	unsigned int from = 0;
	bool any = false;

	while ((e = ledger_next(k, &from))) {
		ledger_apply(k, e, from);
		spsc_pop(&k->sh.chan[from].ledger);
		any = true;
	}
	for (unsigned int v = 0; v < k->n; v++)
		if (k->answered[v]) {
			spsc_commit(&k->sh.chan[v].answers);
			k->answered[v] = false;
		}
	return any;
}

/* The row to write next, or NULL when none can be yet. */
static const struct row_rec *row_next(struct coord *k, unsigned int *from)
{
	const struct row_rec *best = NULL, *r;
	bool *queued = k->queued;
	size_t len;

	for (unsigned int v = 0; v < k->n; v++) {
		r = spsc_peek(&k->sh.chan[v].rows, &len);
		queued[v] = r != NULL;
		if (r && (!best || key_cmp3(r->at.pos, r->at.phase, r->at.order, best->at.pos,
					    best->at.phase, best->at.order) < 0)) {
			best = r;
			*from = v;
		}
	}
	if (!best)
		return NULL;
	/* A shard whose queue was empty may still report before best, unless
	 * it finished best's event (its rows come before its progress).  One
	 * whose rows came since is looked at again next time. */
	for (unsigned int v = 0; v < k->n; v++)
		if (!queued[v] && !k->finished[v] && k->done[v] < best->at.pos)
			return NULL;
	return best;
}

static bool rows_round(struct coord *k)
{
	const struct row_rec *r;
	unsigned int from = 0;
	bool any = false;

	if (!atomic_load_explicit(&k->sh.headers_done, memory_order_acquire) && !k->finished[0])
		return false;
	while (!k->out_rc && (r = row_next(k, &from))) {
		struct out_row row = {
			.key = { r->sort_key, r->tag, r->id },
			.violation = r->violation,
			.bytes = r->bytes,
			.len = r->len,
		};

		k->out_rc = out_row_accept(k->o, &row);
		spsc_pop(&k->sh.chan[from].rows);
		any = true;
	}
	if (k->out_rc)
		atomic_store_explicit(&k->sh.abort, true, memory_order_release);
	return any;
}

/* Reads every worker's progress: finished first, so that a finished
 * worker's count is its last. */
static bool read_progress(struct coord *k)
{
	bool all = true;

	for (unsigned int v = 0; v < k->n; v++) {
		k->finished[v] =
			atomic_load_explicit(&k->sh.chan[v].finished, memory_order_acquire);
		k->done[v] = atomic_load_explicit(&k->sh.chan[v].done, memory_order_acquire);
		all &= k->finished[v];
	}
	return all;
}

static bool queues_empty(struct coord *k)
{
	size_t len;

	for (unsigned int v = 0; v < k->n; v++)
		if (spsc_peek(&k->sh.chan[v].ledger, &len) || spsc_peek(&k->sh.chan[v].rows, &len))
			return false;
	return true;
}

/* How long the coordinator leaves the workers alone: each look costs a
 * worker its core for a moment (there may be no other), and a queue grows
 * by a few thousand entries in this time.  A worker that waits for an
 * answer is answered sooner. */
#define COORD_NAP_NS	 500000
#define COORD_NAP_WAITED 10000

/* Sleeps until a worker starts to wait or the nap is over. */
static void nap(struct coord *k, uint32_t seen)
{
	if (atomic_load_explicit(&k->sh.waiting, memory_order_relaxed)) {
		nanosleep(&(struct timespec){ 0, COORD_NAP_WAITED }, NULL);
		return;
	}
	syscall(SYS_futex, &k->sh.wake, FUTEX_WAIT_PRIVATE, seen,
		&(struct timespec){ 0, COORD_NAP_NS }, NULL, 0);
}

void coord_run(struct coord *k)
{
	for (;;) {
		uint32_t seen = atomic_load_explicit(&k->sh.wake, memory_order_acquire);
		bool all = read_progress(k), any;

		any = ledger_round(k);
		any |= rows_round(k);
		if (atomic_load_explicit(&k->sh.abort, memory_order_acquire) && all)
			return;
		if (all && !any && queues_empty(k))
			return;
		if (any && all)
			continue;
		nap(k, seen);
	}
}

int coord_init(struct coord *k, unsigned int n, struct out_ctx *o)
{
	*k = (struct coord){ .n = n, .o = o, .next_gid = 1 };
	k->sh.n = n;
	k->sh.chan = calloc(n, sizeof(*k->sh.chan));
	k->done = calloc(n, sizeof(*k->done));
	k->finished = calloc(n, sizeof(*k->finished));
	k->live = calloc(n, sizeof(*k->live));
	k->answered = calloc(n, sizeof(*k->answered));
	k->queued = calloc(n, sizeof(*k->queued));
	if (!k->sh.chan || !k->done || !k->finished || !k->live || !k->answered || !k->queued)
		return -ENOMEM;
	for (unsigned int v = 0; v < n; v++) {
		struct shard_chan *ch = &k->sh.chan[v];

		if (spsc_init(&ch->ledger) || spsc_init(&ch->answers) || spsc_init(&ch->rows))
			return -ENOMEM;
	}
	return 0;
}

void coord_fini(struct coord *k)
{
	for (unsigned int v = 0; k->sh.chan && v < k->n; v++) {
		spsc_fini(&k->sh.chan[v].ledger);
		spsc_fini(&k->sh.chan[v].answers);
		spsc_fini(&k->sh.chan[v].rows);
	}
	free(k->sh.chan);
	free(k->done);
	free(k->finished);
	free(k->live);
	free(k->answered);
	free(k->queued);
}
