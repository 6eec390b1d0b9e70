// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-hchain.c - the intrusive chained hash table: every entry found,
 * chains newest first before and after the array doubles, removal from
 * anywhere in a chain, and the word hash.
 */
#include <stdlib.h>

#include "check.h"
#include "hash.h"
#include "hchain.h"

struct item {
	uint64_t key;
	unsigned int seq; /* insertion order */
	struct hchain_link link;
};

#define N 5000

/* Key k's items, newest first, as their seq numbers; returns the count. */
static unsigned int chain_of(const struct hchain *h, uint64_t k, unsigned int *seq,
			     unsigned int max)
{
	unsigned int n = 0;

	for (struct hchain_link *l = hchain_first(h, hash_mix(k)); l; l = hchain_next(l)) {
		struct item *it = hchain_entry(l, struct item, link);

		if (it->key == k && n < max)
			seq[n++] = it->seq;
	}
	return n;
}

int main(void)
{
	static struct item items[N];
	struct hchain h;
	unsigned int seq[8];

	CHECK_EQ(hchain_init(&h, 3), 0);
	CHECK_EQ(h.n_buckets, 4);
	/* Key i % 1000: five items per key, inserted over several doublings. */
	for (unsigned int i = 0; i < N; i++) {
		items[i].key = i % 1000;
		items[i].seq = i;
		hchain_insert(&h, &items[i].link, hash_mix(items[i].key));
	}
	CHECK_EQ(h.count, N);
	CHECK(h.n_buckets >= N);
	for (uint64_t k = 0; k < 1000; k++) {
		CHECK_EQ(chain_of(&h, k, seq, 8), 5);
		for (unsigned int j = 0; j < 5; j++)
			CHECK_EQ(seq[j], (unsigned int)k + 1000 * (4 - j)); /* newest first */
	}
	/* Out of the middle, the head and the tail of a chain. */
	hchain_remove(&h, &items[2007].link);
	hchain_remove(&h, &items[4007].link);
	hchain_remove(&h, &items[7].link);
	CHECK_EQ(chain_of(&h, 7, seq, 8), 2);
	CHECK(seq[0] == 3007 && seq[1] == 1007);
	CHECK_EQ(h.count, N - 3);
	hchain_fini(&h);
	/* The word hash reads every word and the length. */
	uint64_t a[2] = { 1, 2 }, b[2] = { 1, 3 };
	CHECK(hash_words(a, 16) != hash_words(b, 16));
	CHECK(hash_words(a, 8) != hash_words(a, 16));
	return check_exit_status();
}
