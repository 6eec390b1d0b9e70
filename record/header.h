/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * header.h - fills the trace header: tool version, host, kernel, clock
 * anchors, capture source, probe plan, filters and options, and the
 * namespace of the TIME_WAIT walk.
 */
#ifndef TCPREC_HEADER_H
#define TCPREC_HEADER_H

#include <stdint.h>

#include "trc.h"

/* Host/kernel/version fields and a new random recording id (file index
 * 0), and MONOTONIC clock anchors read back to back (the midpoint of two
 * monotonic reads around one realtime read). */
void header_fill_host(struct trc_header *h);
void header_anchor_monotonic(struct trc_header *h);

void header_set_str(char *dst, size_t len, const char *src);

/* tw_netns: the namespace whose TIME_WAIT sockets a polled walk watches
 * (iter/tcp walks the one it is opened in: netns, the inode of --netns,
 * else tcprec's own); 0 when polled is false (hooks that see every
 * namespace, or no TIME_WAIT at all). */
void header_set_tw_netns(struct trc_header *h, int polled, uint32_t netns);

uint64_t header_now_ns(int clock_id);

#endif /* TCPREC_HEADER_H */
