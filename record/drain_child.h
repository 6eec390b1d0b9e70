/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drain_child.h - joins a passive child's first state transition
 * (LISTEN -> SYN_RECV), recorded before the kernel gave the child its own
 * tuple and, on some kernels, its final cookie, to the child's next
 * transition (internal to drain.c).
 */
#ifndef TCPREC_DRAIN_CHILD_H
#define TCPREC_DRAIN_CHILD_H

#include <stdint.h>

#include "events.h"

#define DCHILD_MAX 64 /* children between clone and their next transition */

struct drain;

struct dchild_table {
	struct ev_state rec[DCHILD_MAX];
	unsigned int n;
};

/* 1 when r is a child's LISTEN -> SYN_RECV still carrying the listener's
 * tuple and was kept for dchild_take(); 0 when the caller handles r now. */
int dchild_park(struct dchild_table *t, const struct ev_state *r);

/* 1 when r is the transition out of SYN_RECV of a kept child: *out is
 * that child's LISTEN -> SYN_RECV with r's cookie and tuple, and the
 * caller handles *out before r.  known(ctx, cookie) says whether a socket
 * with that cookie has had events already (then r is not a first one). */
int dchild_take(struct dchild_table *t, const struct ev_state *r, struct ev_state *out,
		int (*known)(void *ctx, uint64_t cookie), void *ctx);

/* Removes the oldest kept record if it is older than max_age_ns at now_ns
 * (its next transition never came: a child that failed, a lost event),
 * into *out.  1 when one was removed. */
int dchild_expire(struct dchild_table *t, uint64_t now_ns, uint64_t max_age_ns,
		  struct ev_state *out);

#endif /* TCPREC_DRAIN_CHILD_H */
