// SPDX-License-Identifier: BSD-2-Clause
/*
 * shard.c - a worker's side of a parallel analysis (shard.h): which events
 * it dispatches, the ledger it keeps for the coordinator, the answers it
 * waits for, and the rows it renders.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "conn.h"
#include "outputs.h"
#include "shard.h"
#include "tuple_hash.h"

bool shard_owns(const struct shard *s, const struct trc_conn *decl)
{
	if (!decl)
		return true;
	return s->owner[tuple_slot_pair(tuple_hash(decl->laddr, decl->lport, decl->raddr,
						   decl->rport))] == s->index % 256;
}

bool shard_wants(void *shard, const struct trc_conn *decl)
{
	return shard_owns(shard, decl);
}

void shard_attach(struct shard *s, struct conn_table *tab)
{
	s->tab = tab;
	conn_table_share(tab, s->sh->n);
}

void shard_owners(struct shard *s)
{
	for (unsigned int i = 0; i < TUPLE_SLOT_PAIRS; i++)
		s->owner[i] = (uint8_t)(tuple_pair_worker(i, s->sh->n) % 256);
}

void shard_ready(struct shard *s)
{
	if (s->index == 0)
		atomic_store_explicit(&s->sh->headers_done, true, memory_order_release);
}

/* Another thread is behind: let it run (this machine may have fewer
 * cores than threads). */
static void pause_briefly(void)
{
	struct timespec ts = { 0, 20000 };

	nanosleep(&ts, NULL);
}

static void fail(struct shard *s)
{
	atomic_store_explicit(&s->sh->abort, true, memory_order_release);
}

static void ledger_add(struct shard *s, const struct ledger_ent *e)
{
	struct ledger_ent *slot = spsc_reserve(&s->ch->ledger, sizeof(*slot));

	if (!slot) {
		fail(s);
		return;
	}
	*slot = *e;
	s->dirty = true;
}

static void publish(struct shard *s)
{
	if (!s->dirty)
		return;
	spsc_commit(&s->ch->ledger);
	spsc_commit(&s->ch->rows);
	s->dirty = false;
}

static bool pending_grow(struct shard *s)
{
	uint64_t cap = s->pend_cap ? s->pend_cap * 2 : 1024;
	struct shard_pending *p = malloc(cap * sizeof(*p));

	if (!p)
		return false;
	for (uint64_t i = s->pend_head; i < s->pend_tail; i++)
		p[i & (cap - 1)] = s->pend[i & (s->pend_cap - 1)];
	free(s->pend);
	s->pend = p;
	s->pend_cap = cap;
	return true;
}

void shard_created(struct shard *s, struct conn *c, unsigned int n, uint64_t pos, uint64_t live)
{
	if (s->pend_tail - s->pend_head == s->pend_cap && !pending_grow(s)) {
		fail(s);
		return;
	}
	s->pend[s->pend_tail++ & (s->pend_cap - 1)] =
		(struct shard_pending){ c, c->id, c->serial, c->file, n };
	ledger_add(s, &(struct ledger_ent){
			      .pos = pos, .kind = LEDGER_CREATE, .n = n, .value = live });
}

/* Applies the answers that came; the endpoints they name may be gone
 * (an empty flow is released at once), their memory reused by others. */
static void take_answers(struct shard *s)
{
	const uint64_t *gid;
	size_t len;

	while (s->pend_head < s->pend_tail && (gid = spsc_peek(&s->ch->answers, &len))) {
		struct shard_pending *p = &s->pend[s->pend_head++ & (s->pend_cap - 1)];
		struct conn *c = conn_table_lookup(s->tab, p->file, p->serial);

		if (c == p->c && c->id == p->id) {
			c->gid = *gid;
			if (p->n == 2 && c->mirror)
				c->mirror->gid = *gid + 1;
		}
		spsc_pop(&s->ch->answers);
	}
}

void shard_event_done(struct shard *s, uint64_t pos, uint64_t live)
{
	if (live != s->live_logged) {
		ledger_add(s,
			   &(struct ledger_ent){ .pos = pos, .kind = LEDGER_LIVE, .value = live });
		s->live_logged = live;
	}
	s->pushes = 0;
	/* The answers are needed when an endpoint is reported, mostly seconds
	 * of trace later: looking for them now and then is enough. */
	if (!s->polls++ && s->pend_head < s->pend_tail)
		take_answers(s);
	publish(s);
	atomic_store_explicit(&s->ch->done, pos, memory_order_release);
}

/* Waiting: the coordinator looks at the queues more often meanwhile. */
static void wait_begin(struct shard *s)
{
	publish(s);
	atomic_fetch_add_explicit(&s->sh->waiting, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->sh->wake, 1, memory_order_release);
	syscall(SYS_futex, &s->sh->wake, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void wait_end(struct shard *s)
{
	atomic_fetch_sub_explicit(&s->sh->waiting, 1, memory_order_relaxed);
}

static bool aborted(const struct shard *s)
{
	return atomic_load_explicit(&s->sh->abort, memory_order_acquire);
}

void shard_wait_gid(struct shard *s, struct conn *c)
{
	take_answers(s);
	if (c->gid)
		return;
	wait_begin(s);
	while (take_answers(s), !c->gid) {
		/* No answer is owed to it any more: a bug, which must end the
		 * run with an error rather than a hang. */
		if (s->pend_head == s->pend_tail)
			fail(s);
		if (aborted(s)) {
			c->gid = c->id; /* the output is abandoned anyway */
			break;
		}
		pause_briefly();
	}
	wait_end(s);
}

uint64_t shard_qpos(struct shard *s, uint64_t pos)
{
	return pos << 16 | s->pushes++;
}

bool shard_mark_walk(struct shard *s, uint64_t mark, uint64_t pos, uint64_t events)
{
	_Atomic uint64_t *slot = &s->sh->decision[mark % SHARD_DECISIONS];
	uint64_t v;

	if (s->index == 0)
		ledger_add(s, &(struct ledger_ent){
				      .pos = pos + 1, .kind = LEDGER_MARK, .value = events });
	wait_begin(s);
	while ((v = atomic_load_explicit(slot, memory_order_acquire)) >> 1 != mark && !aborted(s))
		pause_briefly();
	wait_end(s);
	return v >> 1 == mark && (v & 1);
}

/* Rows a worker may have rendered ahead of the output.  Workers finish at
 * different times (a shard with more connections open at the end has
 * more to report); without a bound the rows of the fast one would pile
 * up while the output waits for the slow one. */
#define ROWS_AHEAD_BYTES (16u << 20)

/* Waits for the output to catch up.  It always can: the rows it waits
 * for come from workers that do not wait on this one (parallel.c). */
static void hold_back(struct shard *s)
{
	if (spsc_backlog(&s->ch->rows) < ROWS_AHEAD_BYTES)
		return;
	wait_begin(s);
	while (spsc_backlog(&s->ch->rows) >= ROWS_AHEAD_BYTES / 2 && !aborted(s))
		pause_briefly();
	wait_end(s);
}

int shard_row(void *arg, const struct connection_view *cv)
{
	struct shard *s = arg;
	struct out_row row;
	struct row_rec *r;
	int rc = out_row_render(s->out, cv, &row);

	if (rc < 0)
		return rc;
	if (row.len > UINT32_MAX)
		return -EOVERFLOW;
	r = spsc_reserve(&s->ch->rows, sizeof(*r) + row.len);
	if (!r)
		return -ENOMEM;
	*r = (struct row_rec){
		.at = s->key,
		.sort_key = row.key.key,
		.tag = row.key.tag,
		.id = row.key.id,
		.violation = row.violation,
		.len = (uint32_t)row.len,
	};
	memcpy(r->bytes, row.bytes, row.len);
	s->dirty = true;
	hold_back(s);
	return 0;
}

void shard_finish(struct shard *s, uint64_t events)
{
	s->dirty = true;
	publish(s);
	atomic_store_explicit(&s->ch->done, events, memory_order_release);
	atomic_store_explicit(&s->ch->finished, true, memory_order_release);
}

int shard_init(struct shard *s, struct shard_shared *sh, unsigned int index, struct out_ctx *out)
{
	*s = (struct shard){ .sh = sh, .index = index, .ch = &sh->chan[index], .out = out };
	shard_owners(s);
	return pending_grow(s) ? 0 : -ENOMEM;
}

void shard_fini(struct shard *s)
{
	free(s->pend);
	s->pend = NULL;
}
