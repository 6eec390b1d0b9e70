/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hash.h - the analyser's hashes: a 64-bit finaliser (murmur3's fmix64)
 * and the hash of a 4-tuple built on it.
 */
#ifndef ANALYZE_HASH_H
#define ANALYZE_HASH_H

#include <stdint.h>
#include <string.h>

static inline uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* Addresses are 16 bytes (IPv4 in the first 4, the rest zero). */
static inline uint64_t hash_tuple(const uint8_t *la, uint16_t lp, const uint8_t *ra, uint16_t rp)
{
	uint64_t h = ((uint64_t)lp << 16) | rp;

	for (int i = 0; i < 16; i += 8) {
		uint64_t a, b;

		memcpy(&a, la + i, 8);
		memcpy(&b, ra + i, 8);
		h = hash_mix(h ^ a) + b;
	}
	return hash_mix(h);
}

#endif /* ANALYZE_HASH_H */
