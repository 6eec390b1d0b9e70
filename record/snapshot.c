// SPDX-License-Identifier: BSD-2-Clause
/*
 * snapshot.c - writes the start-up walk as the iterator yields it.  It
 * runs after the probes are attached, and the ring buffer is drained
 * between the walk's reads (iterwalk_pump), so what happens during a long
 * walk over a busy host is neither lost nor delayed.  All snapshot events
 * carry the walk's start time and old state UNKNOWN; a socket whose
 * transitions were drained before the walk reached it gets none.
 */
#include "snapshot.h"

#include "iterwalk.h"
#include "trc.h"

struct snap_ctx {
	struct drain *d;
	struct tw_poll *tw;
	uint64_t now_ns;
};

static int on_rec(void *ctx, const void *raw)
{
	const struct ev_sock_event *rec = raw;
	struct snap_ctx *c = ctx;
	int err = drain_snapshot(c->d, rec, c->now_ns);

	if (err < 0)
		return err;
	/* A timewait socket seen live (its CLOSE transition was drained) is
	 * not a seed: the next walk reports it entering. */
	if (!err && rec->state == TRC_TCP_TIME_WAIT && c->tw)
		return tw_poll_seed(c->tw, rec);
	return 0;
}

int snapshot_run(int iter_fd, struct drain *d, struct tw_poll *tw, uint64_t now_ns)
{
	struct snap_ctx c = { .d = d, .tw = tw, .now_ns = now_ns };
	struct iterwalk_pump pump = { .fn = drain_pump, .ctx = d };
	int n = iterwalk_read(iter_fd, EV_SOCK, on_rec, &c, &d->st.malformed, &pump);

	if (tw)
		tw_poll_seed_end(tw);
	return n;
}
