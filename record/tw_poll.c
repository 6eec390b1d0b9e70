// SPDX-License-Identifier: BSD-2-Clause
/*
 * tw_poll.c - polled TIME_WAIT.  Where fentry/fexit on inet_twsk_alloc/
 * inet_twsk_free cannot load, the timewait iterator is walked every
 * 100 ms; a cookie present now but not in the previous walk entered
 * TIME_WAIT within the interval, one that disappeared left it.  The
 * events carry TRC_TW_POLLED and the interval as their precision.  Walks
 * are spaced by their own cost (TW_POLL_BUDGET), so a host holding
 * hundreds of thousands of timewait sockets does not make tcprec spend
 * more than a few per cent of a core on them.
 */
#include "tw_poll.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iterwalk.h"
#include "trc.h"

void tw_poll_init(struct tw_poll *p, uint64_t now_ns)
{
	memset(p, 0, sizeof(*p));
	p->last_ns = now_ns;
}

void tw_poll_fini(struct tw_poll *p)
{
	free(p->prev);
	free(p->cur);
	memset(p, 0, sizeof(*p));
}

static int push(struct ev_sock_event **arr, size_t *n, size_t *cap, const struct ev_sock_event *rec)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		struct ev_sock_event *a = realloc(*arr, ncap * sizeof(*a));

		if (!a)
			return -ENOMEM;
		*arr = a;
		*cap = ncap;
	}
	(*arr)[(*n)++] = *rec;
	return 0;
}

static int cmp_cookie(const void *a, const void *b)
{
	const struct ev_sock_event *x = a, *y = b;

	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

/* Seeds are appended as the snapshot streams them and sorted once at its
 * end: sorting the whole set after every seed made a start-up among
 * 30,000 timewait sockets take 14 s (O(n^2 log n) in qsort). */
int tw_poll_seed(struct tw_poll *p, const struct ev_sock_event *rec)
{
	return rec->cookie ? push(&p->prev, &p->n_prev, &p->cap_prev, rec) : 0;
}

void tw_poll_seed_end(struct tw_poll *p)
{
	size_t out = 0;

	if (p->n_prev > 1)
		qsort(p->prev, p->n_prev, sizeof(*p->prev), cmp_cookie);
	for (size_t i = 0; i < p->n_prev; i++)
		if (!out || p->prev[out - 1].cookie != p->prev[i].cookie)
			p->prev[out++] = p->prev[i];
	p->n_prev = out;
}

int tw_poll_add_cur(struct tw_poll *p, const struct ev_sock_event *rec)
{
	if (!rec->cookie || rec->state != TRC_TCP_TIME_WAIT)
		return 0;
	return push(&p->cur, &p->n_cur, &p->cap_cur, rec);
}

int tw_poll_diff(const struct tw_poll *p,
		 int (*fn)(void *ctx, const struct ev_sock_event *rec, int phase), void *ctx)
{
	size_t i = 0, j = 0;
	int err = 0;

	while (!err && (i < p->n_prev || j < p->n_cur)) {
		if (j == p->n_cur || (i < p->n_prev && p->prev[i].cookie < p->cur[j].cookie)) {
			err = fn(ctx, &p->prev[i++], TRC_TW_EXIT);
		} else if (i == p->n_prev || p->cur[j].cookie < p->prev[i].cookie) {
			err = fn(ctx, &p->cur[j++], TRC_TW_ENTER);
		} else {
			i++;
			j++;
		}
	}
	return err;
}

void tw_poll_commit(struct tw_poll *p)
{
	struct ev_sock_event *t = p->prev;
	size_t cap = p->cap_prev;

	p->prev = p->cur;
	p->n_prev = p->n_cur;
	p->cap_prev = p->cap_cur;
	p->cur = t;
	p->cap_cur = cap;
	p->n_cur = 0;
}

void tw_poll_dedupe(struct tw_poll *p)
{
	size_t out = 0;

	for (size_t i = 0; i < p->n_cur; i++)
		if (!out || p->cur[out - 1].cookie != p->cur[i].cookie)
			p->cur[out++] = p->cur[i];
	p->n_cur = out;
}

static int walk_cb(void *ctx, const void *rec)
{
	return tw_poll_add_cur(ctx, rec);
}

struct emit_ctx {
	struct drain *d;
	uint64_t now_ns, precision_ns;
};

static int emit(void *ctx, const struct ev_sock_event *rec, int phase)
{
	struct emit_ctx *c = ctx;

	return drain_timewait(c->d, rec->cookie, &rec->tuple, phase, c->now_ns, TRC_TW_POLLED,
			      c->precision_ns);
}

bool tw_poll_due(const struct tw_poll *p, uint64_t now_ns, uint64_t candidates)
{
	if (now_ns < p->not_before_ns)
		return false;
	return p->n_prev > 0 || candidates != p->candidates_walked ||
	       now_ns - p->last_ns >= TW_POLL_IDLE_NS;
}

void tw_poll_cost(struct tw_poll *p, uint64_t start_ns, uint64_t cpu_ns)
{
	p->not_before_ns = start_ns + TW_POLL_BUDGET * cpu_ns;
	p->walks++;
	p->walk_cpu_ns += cpu_ns;
}

void tw_poll_walked(struct tw_poll *p, uint64_t candidates)
{
	p->candidates_walked = candidates;
}

int tw_poll_walk(struct tw_poll *p, int iter_fd, uint64_t start_ns, uint64_t *malformed,
		 const struct iterwalk_pump *pump)
{
	int n;

	p->n_cur = 0;
	p->cur_start_ns = start_ns;
	n = iterwalk_read(iter_fd, EV_SOCK, walk_cb, p, malformed, pump);
	if (n < 0)
		return n;
	/* Sorted by cookie: a duplicate (a socket seen twice while the hash
	 * table was being resized) collapses. */
	if (p->n_cur > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(p->cur, p->n_cur, sizeof(*p->cur), cmp_cookie);
	tw_poll_dedupe(p);
	return 0;
}

int tw_poll_emit(struct tw_poll *p, struct drain *d, uint64_t now_ns)
{
	/* A socket seen now but not by the previous walk appeared after that
	 * walk started; one gone now was there when it started. */
	struct emit_ctx c = { .d = d, .now_ns = now_ns, .precision_ns = now_ns - p->last_ns };
	int err = tw_poll_diff(p, emit, &c);

	tw_poll_commit(p);
	p->last_ns = p->cur_start_ns;
	return err;
}
