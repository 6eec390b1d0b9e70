/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * snapshot.h - the start-up walk: every TCP socket that exists when
 * recording starts, written as a state event with TRC_STATE_F_SNAPSHOT.
 */
#ifndef TCPREC_SNAPSHOT_H
#define TCPREC_SNAPSHOT_H

#include <stdint.h>

#include "drain.h"
#include "tw_poll.h"

/* Reads one walk from iter_fd (consumed and closed), draining d->rb
 * between reads.  TIME_WAIT sockets also seed tw (may be NULL) so they
 * are not reported as entering.  Returns the number of records read, or
 * -errno. */
int snapshot_run(int iter_fd, struct drain *d, struct tw_poll *tw, uint64_t now_ns);

#endif /* TCPREC_SNAPSHOT_H */
