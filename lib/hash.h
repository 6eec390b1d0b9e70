/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hash.h - the hashes of the recorder and the analyser: murmur3's 64-bit
 * finaliser, and a word-at-a-time hash of a key whose size is a multiple
 * of 8 bytes (a socket tuple is hashed for every segment).
 */
#ifndef LIB_HASH_H
#define LIB_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* len: a multiple of 8. */
static inline uint64_t hash_words(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = len;

	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	}
	return hash_mix(h);
}

#endif /* LIB_HASH_H */
