/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * header.h - fills the trace header: tool version, host, kernel, clock
 * anchors, capture source, probe plan, filters and options.
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

uint64_t header_now_ns(int clock_id);

#endif /* TCPREC_HEADER_H */
