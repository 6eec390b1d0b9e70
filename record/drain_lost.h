/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drain_lost.h - what the drain could not record, as gap records in the
 * trace (drain_lost.c).
 */
#ifndef TCPREC_DRAIN_LOST_H
#define TCPREC_DRAIN_LOST_H

#include <stdint.h>

#include "drain_state.h"

/* Starts reading the per-CPU lost-event counters in map lost_fd. */
int drain_set_lost_fd(struct drain *d, int lost_fd);

/* With each timed drain of the ring buffer (every 100 ms):
 * the lost-event and malformed gap records since the last check.  A
 * reader of the trace as it is written (tcpana --follow) can then
 * report a connection soon after its close and still know whether a gap
 * touched it. */
int drain_report_losses(struct drain *d, uint64_t now_ns);

#endif /* TCPREC_DRAIN_LOST_H */
