// SPDX-License-Identifier: BSD-2-Clause
/*
 * snapshot.c - writes the start-up walk.  It runs after the probes are
 * attached, so a transition between the walk and the first drain is
 * recorded either way; all snapshot events carry the walk's start time
 * and old state UNKNOWN.
 */
#include "snapshot.h"

#include "iterwalk.h"
#include "trc.h"

struct snap_ctx {
	struct drain *d;
	struct tw_poll *tw;
	uint64_t now_ns;
};

static int on_rec(void *ctx, const struct ev_sock_event *rec)
{
	struct snap_ctx *c = ctx;
	int err;

	if (rec->state == TRC_TCP_TIME_WAIT && c->tw) {
		err = tw_poll_seed(c->tw, rec);
		if (err)
			return err;
	}
	err = drain_snapshot(c->d, rec, c->now_ns);
	return err < 0 ? err : 0;
}

int snapshot_run(int iter_fd, struct drain *d, struct tw_poll *tw, uint64_t now_ns)
{
	struct snap_ctx c = { .d = d, .tw = tw, .now_ns = now_ns };
	int n = iterwalk_read(iter_fd, on_rec, &c, &d->st.malformed);

	if (tw)
		tw_poll_seed_end(tw);
	return n;
}
