// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-conntab.c - the recorder's connection table (lookups by cookie and
 * by tuple, newest-first, re-keying, removal, growth) and the pure part of
 * the polled TIME_WAIT diff.
 */
#include <string.h>

#include "check.h"
#include "conntab.h"
#include "trc.h"
#include "tw_poll.h"

static struct ev_tuple tuple(uint16_t lport, uint16_t rport, uint32_t netns)
{
	struct ev_tuple t;

	memset(&t, 0, sizeof(t));
	t.family = 4;
	t.laddr[0] = 127;
	t.laddr[3] = 1;
	t.raddr[0] = 127;
	t.raddr[3] = 1;
	t.lport = lport;
	t.rport = rport;
	t.netns = netns;
	t._pad[0] = 0xaa; /* garbage padding must not matter */
	return t;
}

static void test_table(void)
{
	struct conntab *t = conntab_new();
	struct ev_tuple a = tuple(1000, 80, 1), b = tuple(1000, 80, 2);
	struct conn_entry *e1, *e2, *f;

	CHECK(t != NULL);
	e1 = conntab_add(t, 11, &a);
	e2 = conntab_add(t, 12, &b);
	CHECK(conntab_by_cookie(t, 11) == e1);
	CHECK(conntab_by_cookie(t, 12) == e2);
	CHECK(conntab_by_cookie(t, 13) == NULL);
	CHECK(conntab_by_cookie(t, 0) == NULL);
	CHECK(conntab_by_tuple(t, &a, 0) == e1);
	CHECK(conntab_by_tuple(t, &b, 0) == e2); /* netns is part of the key */
	f = conntab_add(t, 0, &a);
	f->flow_only = 1;
	CHECK(conntab_by_tuple(t, &a, 1) == f);	 /* newest first */
	CHECK(conntab_by_tuple(t, &a, 0) == e1); /* sockets only */
	CHECK_EQ(conntab_count(t), 3);
	conntab_remove(t, f);
	CHECK(conntab_by_tuple(t, &a, 1) == e1);
	/* Re-keying a pending socket when the kernel filled in its port. */
	struct ev_tuple z = tuple(0, 80, 1), full = tuple(2000, 80, 1);
	struct conn_entry *p = conntab_add(t, 14, &z);

	CHECK(conntab_by_tuple(t, &z, 0) == p);
	conntab_retuple(t, p, &full);
	CHECK(conntab_by_tuple(t, &z, 0) == NULL);
	CHECK(conntab_by_tuple(t, &full, 0) == p);
	CHECK(conntab_by_cookie(t, 14) == p);
	/* Growth keeps everything reachable. */
	for (uint16_t i = 0; i < 5000; i++) {
		struct ev_tuple x = tuple(i, 443, 3);

		CHECK(conntab_add(t, 100000 + i, &x) != NULL);
	}
	for (uint16_t i = 0; i < 5000; i += 499) {
		struct ev_tuple x = tuple(i, 443, 3);
		struct conn_entry *e = conntab_by_cookie(t, 100000 + i);

		CHECK(e != NULL && conntab_by_tuple(t, &x, 0) == e);
	}
	CHECK_EQ(conntab_count(t), 5003);
	size_t n = 0;

	for (struct conn_entry *e = conntab_first(t), *next; e; e = next) {
		next = conntab_next(e);
		conntab_remove(t, e);
		n++;
	}
	CHECK_EQ(n, 5003);
	CHECK_EQ(conntab_count(t), 0);
	conntab_free(t);
}

struct diff_log {
	uint64_t cookies[8];
	int phases[8];
	int n;
};

static int log_diff(void *ctx, const struct ev_sock_event *rec, int phase)
{
	struct diff_log *l = ctx;

	if (l->n < 8) {
		l->cookies[l->n] = rec->cookie;
		l->phases[l->n++] = phase;
	}
	return 0;
}

static void add(struct tw_poll *p, uint64_t cookie, uint8_t state)
{
	struct ev_sock_event r;

	memset(&r, 0, sizeof(r));
	r.cookie = cookie;
	r.state = state;
	CHECK_EQ(tw_poll_add_cur(p, &r), 0);
}

static void test_tw_diff(void)
{
	struct tw_poll p;
	struct diff_log l = { 0 };
	struct ev_sock_event seed;

	tw_poll_init(&p, 0);
	memset(&seed, 0, sizeof(seed));
	seed.cookie = 5;
	seed.state = TRC_TCP_TIME_WAIT;
	CHECK_EQ(tw_poll_seed(&p, &seed), 0); /* known at start: no enter */
	CHECK_EQ(tw_poll_seed(&p, &seed), 0); /* seen twice by the snapshot */
	tw_poll_seed_end(&p);
	CHECK_EQ(p.n_prev, 1);
	add(&p, 7, TRC_TCP_TIME_WAIT);
	add(&p, 5, TRC_TCP_TIME_WAIT);
	add(&p, 9, TRC_TCP_ESTABLISHED); /* not TIME_WAIT: ignored */
	add(&p, 0, TRC_TCP_TIME_WAIT);	 /* no cookie: ignored */
	tw_poll_dedupe(&p);
	CHECK_EQ(p.n_cur, 2);
	/* cur must be sorted for the diff; tw_poll_walk sorts, do it here. */
	if (p.cur[0].cookie > p.cur[1].cookie) {
		struct ev_sock_event tmp = p.cur[0];

		p.cur[0] = p.cur[1];
		p.cur[1] = tmp;
	}
	CHECK_EQ(tw_poll_diff(&p, log_diff, &l), 0);
	CHECK_EQ(l.n, 1);
	CHECK_EQ(l.cookies[0], 7);
	CHECK_EQ(l.phases[0], TRC_TW_ENTER);
	tw_poll_commit(&p);
	/* Next walk: 5 left, 7 stays, 8 and a duplicate 8 arrive. */
	add(&p, 7, TRC_TCP_TIME_WAIT);
	add(&p, 8, TRC_TCP_TIME_WAIT);
	add(&p, 8, TRC_TCP_TIME_WAIT);
	tw_poll_dedupe(&p);
	CHECK_EQ(p.n_cur, 2);
	l.n = 0;
	CHECK_EQ(tw_poll_diff(&p, log_diff, &l), 0);
	CHECK_EQ(l.n, 2);
	CHECK_EQ(l.cookies[0], 5);
	CHECK_EQ(l.phases[0], TRC_TW_EXIT);
	CHECK_EQ(l.cookies[1], 8);
	CHECK_EQ(l.phases[1], TRC_TW_ENTER);
	tw_poll_fini(&p);
}

/* When a walk is due: never skipped while timewait sockets are known or
 * a transition may have made one; otherwise at most a second apart. */
static void test_tw_due(void)
{
	const uint64_t ms = 1000000;
	struct tw_poll p;
	struct ev_sock_event seed;

	CHECK(drain_tw_candidate(TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE));
	CHECK(drain_tw_candidate(TRC_TCP_CLOSING, TRC_TCP_CLOSE));
	CHECK(drain_tw_candidate(TRC_TCP_FIN_WAIT1, TRC_TCP_CLOSE));
	CHECK(!drain_tw_candidate(TRC_TCP_LAST_ACK, TRC_TCP_CLOSE));
	CHECK(!drain_tw_candidate(TRC_TCP_ESTABLISHED, TRC_TCP_CLOSE));
	CHECK(!drain_tw_candidate(TRC_TCP_FIN_WAIT1, TRC_TCP_FIN_WAIT2));

	tw_poll_init(&p, 1000 * ms);
	CHECK(!tw_poll_due(&p, 1100 * ms, 0)); /* idle: nothing to see */
	CHECK(!tw_poll_due(&p, 1999 * ms, 0));
	CHECK(tw_poll_due(&p, 2000 * ms, 0)); /* a second since the last walk */
	CHECK(tw_poll_due(&p, 1100 * ms, 1)); /* a candidate transition */
	tw_poll_walked(&p, 1);
	CHECK(!tw_poll_due(&p, 1100 * ms, 1)); /* ... that was walked */
	CHECK(tw_poll_due(&p, 1100 * ms, 2));
	tw_poll_fini(&p);

	tw_poll_init(&p, 0);
	memset(&seed, 0, sizeof(seed));
	seed.cookie = 3;
	seed.state = TRC_TCP_TIME_WAIT;
	CHECK_EQ(tw_poll_seed(&p, &seed), 0);
	tw_poll_seed_end(&p);
	CHECK(tw_poll_due(&p, 100 * ms, 0)); /* known sockets may leave */
	/* A walk that took 40 ms of CPU: none for the next 800 ms, whatever
	 * is pending; then due again. */
	tw_poll_cost(&p, 100 * ms, 40 * ms);
	CHECK(!tw_poll_due(&p, 200 * ms, 5));
	CHECK(!tw_poll_due(&p, 899 * ms, 5));
	CHECK(tw_poll_due(&p, 900 * ms, 5));
	CHECK(p.walks == 1 && p.walk_cpu_ns == 40 * ms);
	/* A cheap walk leaves the 100 ms tick in charge. */
	tw_poll_cost(&p, 900 * ms, 1 * ms);
	CHECK(tw_poll_due(&p, 1000 * ms, 0));
	tw_poll_fini(&p);
}

int main(void)
{
	test_table();
	test_tw_diff();
	test_tw_due();
	return check_exit_status();
}
