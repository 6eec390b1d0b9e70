// SPDX-License-Identifier: BSD-2-Clause
/*
 * trace_id.c - a recording's id from its header.  The host name alone
 * repeats across recordings of one host; its clock anchors (the instant
 * the recording started, on both clocks) do not, so the two together name
 * one recording.  Bytes are fed in a fixed order and byte order, so a
 * trace analysed on another architecture keeps its id.
 */
#include <stdio.h>

#include "trace_id.h"

#define FNV64_OFFSET 0xcbf29ce484222325ull
#define FNV64_PRIME  0x100000001b3ull

static uint64_t fnv_byte(uint64_t h, uint8_t b)
{
	return (h ^ b) * FNV64_PRIME;
}

static uint64_t fnv_le64(uint64_t h, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		h = fnv_byte(h, (uint8_t)(v >> (8 * i)));
	return h;
}

uint64_t trace_id(const struct trc_header *h)
{
	uint64_t id = FNV64_OFFSET;

	for (size_t i = 0; i < sizeof(h->hostname) && h->hostname[i]; i++)
		id = fnv_byte(id, (uint8_t)h->hostname[i]);
	id = fnv_byte(id, 0);
	id = fnv_le64(id, h->anchor_realtime_ns);
	return fnv_le64(id, h->anchor_clock_ns);
}

const char *trace_id_hex(const struct trc_header *h, char out[TRACE_ID_HEX_LEN])
{
	snprintf(out, TRACE_ID_HEX_LEN, "%016llx", (unsigned long long)trace_id(h));
	return out;
}
