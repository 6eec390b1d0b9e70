/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tuple_hash.h - the hash of a connection's 4-tuple that is the same from
 * either end (the two local endpoints of one connection have it
 * reversed).  It places an endpoint in the table's lookaside (conn.c) and
 * a connection in a shard of a parallel analysis (shard.h): both must keep
 * the two ends of a connection together.
 */
#ifndef ANALYZE_TUPLE_HASH_H
#define ANALYZE_TUPLE_HASH_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Slots of the lookaside, in pairs: one per direction of a tuple. */
#define TUPLE_SLOT_PAIRS 2048

/* Whether (a, ap) is the end a connection's hash starts from: any order
 * of the ends works if it is the same from both; this one takes no
 * memcmp() call (every event of a parallel analysis is routed by it). */
static inline bool tuple_first_end(const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
	uint64_t a0, a1, b0, b1;

	memcpy(&a0, a, 8);
	memcpy(&a1, a + 8, 8);
	memcpy(&b0, b, 8);
	memcpy(&b1, b + 8, 8);
	if (a0 != b0)
		return a0 < b0;
	if (a1 != b1)
		return a1 < b1;
	return ap <= bp;
}

/* One end of a tuple as a word.  Addresses are 16 bytes (IPv4 in the
 * first 4, the rest zero). */
static inline uint64_t tuple_end_word(const uint8_t *a, uint16_t port)
{
	uint64_t w0, w1;

	memcpy(&w0, a, 8);
	memcpy(&w1, a + 8, 8);
	return (w0 ^ (w1 * 0x9e3779b97f4a7c15ull) ^ port) * 0xbf58476d1ce4e5b9ull;
}

/* The ends' words added: the same in either order.  Short, because a
 * parallel analysis routes every event by it (shard.h). */
static inline uint64_t tuple_hash(const uint8_t *la, uint16_t lp, const uint8_t *ra, uint16_t rp)
{
	uint64_t h = tuple_end_word(la, lp) + tuple_end_word(ra, rp);

	h ^= h >> 31;
	h *= 0x94d049bb133111ebull;
	return h ^ (h >> 29);
}

/* The pair of lookaside slots of a tuple: a function of the connection,
 * so that whatever is decided from it (the shard) keeps both ends. */
static inline unsigned int tuple_slot_pair(uint64_t h)
{
	return (unsigned int)(h % TUPLE_SLOT_PAIRS);
}

/* The worker (0..jobs-1) of `tcpana -j jobs` that analyses the slot pair
 * pair: shard.c's routing table and bench's one-shard traces (gen_trace
 * -S) both follow it. */
static inline unsigned int tuple_pair_worker(unsigned int pair, unsigned int jobs)
{
	return pair % jobs;
}

#endif /* ANALYZE_TUPLE_HASH_H */
