/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hchain.h - an intrusive chained hash table.  An entry embeds a struct
 * hchain_link and is inserted with its 64-bit hash; a lookup walks the
 * chain of a hash and compares keys itself.  Chains are newest first, and
 * stay so when the bucket array doubles (as soon as entries outnumber
 * buckets, so chains stay short); removal is O(1).  The table allocates
 * nothing but its bucket array.
 */
#ifndef LIB_HCHAIN_H
#define LIB_HCHAIN_H

#include <stddef.h>
#include <stdint.h>

struct hchain_link {
	struct hchain_link *next, **pprev;
	uint64_t hash;
};

struct hchain {
	struct hchain_link **bucket;
	size_t n_buckets; /* power of two */
	size_t count;
};

/* min_buckets: rounded up to a power of two.  -ENOMEM. */
int hchain_init(struct hchain *h, size_t min_buckets);
/* Frees the bucket array, not the entries. */
void hchain_fini(struct hchain *h);
/* Links l at the head of its chain.  When the array cannot grow, chains
 * get longer: still correct. */
void hchain_insert(struct hchain *h, struct hchain_link *l, uint64_t hash);
void hchain_remove(struct hchain *h, struct hchain_link *l);
/* The newest entry whose hash is hash, then each older one: compare the
 * keys, a chain also holds other hashes' entries. */
struct hchain_link *hchain_first(const struct hchain *h, uint64_t hash);
struct hchain_link *hchain_next(const struct hchain_link *l);

/* The entry of type that embeds the link at member. */
#define hchain_entry(link, type, member) ((type *)((char *)(link) - offsetof(type, member)))

#endif /* LIB_HCHAIN_H */
