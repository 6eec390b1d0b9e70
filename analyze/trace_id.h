/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trace_id.h - the identity of one recording, so that connection lines of
 * many hosts' traces can share one table: a 64-bit hash of the header
 * fields that tell recordings apart (docs/JSON.md, "Trace id").
 */
#ifndef ANALYZE_TRACE_ID_H
#define ANALYZE_TRACE_ID_H

#include <stdint.h>

#include "trc.h"

#define TRACE_ID_HEX_LEN 17 /* 16 hex digits and the NUL */

/* FNV-1a 64 over the hostname's bytes, a 0 byte, then anchor_realtime_ns
 * and anchor_clock_ns as 8 bytes each, little-endian: the same on every
 * machine that reads the file. */
uint64_t trace_id(const struct trc_header *h);

/* trace_id() as 16 lower-case hex digits; returns out. */
const char *trace_id_hex(const struct trc_header *h, char out[TRACE_ID_HEX_LEN]);

#endif /* ANALYZE_TRACE_ID_H */
