/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tw_poll.h - polled TIME_WAIT: the set of timewait sockets seen by
 * consecutive iter/tcp walks, diffed into enter/exit events.
 */
#ifndef TCPREC_TW_POLL_H
#define TCPREC_TW_POLL_H

#include <stddef.h>
#include <stdint.h>

#include "drain.h"
#include "events.h"

#define TW_POLL_INTERVAL_NS (100ull * 1000000)

struct tw_poll {
	struct ev_sock_event *prev, *cur; /* sorted by cookie after a walk */
	size_t n_prev, n_cur, cap_prev, cap_cur;
	uint64_t last_ns;      /* start of the previous walk */
	uint64_t cur_start_ns; /* start of the current walk */
};

void tw_poll_init(struct tw_poll *p, uint64_t now_ns);
void tw_poll_fini(struct tw_poll *p);

/* Adds a TIME_WAIT socket known before the first walk (start-up snapshot):
 * it is not reported as entering. */
int tw_poll_seed(struct tw_poll *p, const struct ev_sock_event *rec);

/* Reads one walk from iter_fd (consumed and closed) into the current set.
 * Records failing validation are counted in *malformed. */
int tw_poll_walk(struct tw_poll *p, int iter_fd, uint64_t start_ns, uint64_t *malformed);

/* Writes the differences between the previous and the current set through
 * d as TRC_TW_POLLED events at now_ns, with precision now_ns minus the
 * previous walk's start (the window in which the change happened).  The caller drains the ring buffer
 * between the walk and this call: a socket's FIN_WAIT2/CLOSING -> CLOSE
 * event is submitted just after its timewait successor becomes visible to
 * the walk, and must be written before the enter event. */
int tw_poll_emit(struct tw_poll *p, struct drain *d, uint64_t now_ns);

/* Pure part, for tests: diffs p->prev against p->cur (both sorted) and
 * calls fn for each enter (phase TRC_TW_ENTER) and exit. */
int tw_poll_diff(const struct tw_poll *p,
		 int (*fn)(void *ctx, const struct ev_sock_event *rec, int phase), void *ctx);

/* Drops repeated cookies from the sorted p->cur. */
void tw_poll_dedupe(struct tw_poll *p);

/* Makes it the new previous set. */
void tw_poll_commit(struct tw_poll *p);

/* Appends a record to p->cur (used by the walk reader and tests). */
int tw_poll_add_cur(struct tw_poll *p, const struct ev_sock_event *rec);

#endif /* TCPREC_TW_POLL_H */
