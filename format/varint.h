/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * varint.h - LEB128 and zigzag encoding for the writer.  Header-only and
 * inline because the writer encodes several varints per kernel event and a
 * call per field would dominate its cost.  Decoding lives in cursor.h, the
 * reader's only access path to bytes.
 */
#ifndef TRC_VARINT_H
#define TRC_VARINT_H

#include <stdint.h>

/* A u64 needs at most 10 LEB128 bytes. */
#define VARINT_MAX 10u

static inline uint64_t zigzag_enc(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t zigzag_dec(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* Writes v at p (room for VARINT_MAX bytes); returns the end. */
static inline uint8_t *varint_put(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline unsigned int varint_len(uint64_t v)
{
	unsigned int n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

#endif /* TRC_VARINT_H */
