/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tw_poll.h - polled TIME_WAIT: the set of timewait sockets seen by
 * consecutive iter/tcp walks, diffed into enter/exit events.
 */
#ifndef TCPREC_TW_POLL_H
#define TCPREC_TW_POLL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drain.h"
#include "events.h"
#include "iterwalk.h"

#define TW_POLL_INTERVAL_NS (100ull * 1000000)
/* The longest gap between walks: a walk visits every bucket of the
 * kernel's established hash (262,144 on a 24 GiB machine) however few
 * sockets there are, a few per cent of a CPU at ten walks a second, so
 * a walk that can see no change is skipped (tw_poll_due()); this bounds
 * how late a timewait socket that no transition announced is seen. */
#define TW_POLL_IDLE_NS (1000ull * 1000000)
/* A walk costs in proportion to every socket of the host (iter/tcp visits
 * each bucket and socket of the shared established hash, then user space
 * sorts and diffs the timewait ones): 40 ms among 100,000 TIME_WAIT
 * sockets.  Ten such walks a second took 37% of a core; so the next walk
 * comes no sooner than TW_POLL_BUDGET times the CPU the previous one
 * took, which keeps walking at or below 1/TW_POLL_BUDGET of a core (5%)
 * whatever the host holds.  On a quiet host a walk costs ~3 ms and the
 * 100 ms interval rules; on a busy one the precision recorded with each
 * event (time since the walk before) grows instead of the CPU. */
#define TW_POLL_BUDGET 20

struct tw_poll {
	struct ev_sock_event *prev, *cur; /* sorted by cookie after a walk */
	size_t n_prev, n_cur, cap_prev, cap_cur;
	uint64_t last_ns;	    /* start of the previous walk */
	uint64_t cur_start_ns;	    /* start of the current walk */
	uint64_t candidates_walked; /* candidates counted before the previous walk */
	uint64_t not_before_ns;	    /* budget: no walk before this time */
	uint64_t walks;		    /* walks done (-v summary) */
	uint64_t walk_cpu_ns;	    /* their CPU, as given to tw_poll_cost() */
};

/* Whether a walk is due at now_ns, given the number of candidate
 * transitions drained so far: when timewait sockets are known (any may
 * leave), when a candidate came since the previous walk, or when the
 * previous walk is TW_POLL_IDLE_NS old (lost or filtered transitions).
 * A skipped walk loses no precision: each event's precision is the time
 * since the walk before it. */
bool tw_poll_due(const struct tw_poll *p, uint64_t now_ns, uint64_t candidates);

/* Records that the walk started at start_ns took cpu_ns of CPU (the
 * iterator's kernel time, reading, sorting and diffing; not the ring
 * buffer drained in between): the next one is due no sooner than
 * start_ns + TW_POLL_BUDGET * cpu_ns. */
void tw_poll_cost(struct tw_poll *p, uint64_t start_ns, uint64_t cpu_ns);

void tw_poll_init(struct tw_poll *p, uint64_t now_ns);
void tw_poll_fini(struct tw_poll *p);

/* Adds a TIME_WAIT socket known before the first walk (start-up snapshot):
 * it is not reported as entering. */
int tw_poll_seed(struct tw_poll *p, const struct ev_sock_event *rec);

/* After the last seed: sorts the seeds by cookie (once, O(n log n)) and
 * drops a socket the walk saw twice. */
void tw_poll_seed_end(struct tw_poll *p);

/* Reads one walk from iter_fd (consumed and closed) into the current set,
 * running pump (may be NULL) between reads.  Records failing validation
 * are counted in *malformed. */
int tw_poll_walk(struct tw_poll *p, int iter_fd, uint64_t start_ns, uint64_t *malformed,
		 const struct iterwalk_pump *pump);

/* Notes the candidate count sampled before the walk now being emitted. */
void tw_poll_walked(struct tw_poll *p, uint64_t candidates);

/* Writes the differences between the previous and the current set through
 * d as TRC_TW_POLLED events at now_ns, with precision now_ns minus the
 * previous walk's start (the window in which the change happened).  The caller drains the ring
 * buffer between the walk and this call: a socket's FIN_WAIT2/CLOSING -> CLOSE event is submitted
 * just after its timewait successor becomes visible to the walk, and must be written before the
 * enter event. */
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
