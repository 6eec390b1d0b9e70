// SPDX-License-Identifier: BSD-2-Clause
/*
 * endwalk.c - when recording ends, the tcp_figures of every socket still
 * open (iter_tcp_figures): tcp_figures are otherwise recorded when a socket
 * closes, and a connection that outlives the recording (often the one an
 * incident is about) would have no bytes or RTT in the trace.  The records
 * are written as the ring buffer's socket events are.
 */
#include "endwalk.h"

#include "iterwalk.h"

static int on_rec(void *ctx, const void *rec)
{
	return drain_sock_fields(ctx, rec);
}

int endwalk_run(int iter_fd, struct drain *d)
{
	return iterwalk_read(iter_fd, EV_SOCK_FIELDS, on_rec, d, &d->st.malformed, NULL);
}
