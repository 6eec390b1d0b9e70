// SPDX-License-Identifier: BSD-2-Clause
/*
 * hchain.c - the intrusive chained hash table of hchain.h.
 */
#include <errno.h>
#include <stdlib.h>

#include "hchain.h"
#include "zeroed.h"

int hchain_init(struct hchain *h, size_t min_buckets)
{
	size_t n = 1;

	while (n < min_buckets)
		n *= 2;
	h->bucket = zeroed_array(n, sizeof(*h->bucket));
	h->n_buckets = h->bucket ? n : 0;
	h->count = 0;
	return h->bucket ? 0 : -ENOMEM;
}

void hchain_fini(struct hchain *h)
{
	free(h->bucket);
	h->bucket = NULL;
	h->n_buckets = h->count = 0;
}

static void link_head(struct hchain_link **head, struct hchain_link *l)
{
	l->next = *head;
	if (l->next)
		l->next->pprev = &l->next;
	*head = l;
	l->pprev = head;
}

/* Doubles the array.  Each old chain is re-linked from its oldest entry,
 * so that every new chain keeps the newest first. */
static void grow(struct hchain *h)
{
	size_t n = h->n_buckets * 2;
	struct hchain_link **nb = zeroed_array(n, sizeof(*nb));

	if (!nb)
		return;
	for (size_t i = 0; i < h->n_buckets; i++) {
		struct hchain_link *l = h->bucket[i], *tail = NULL;

		for (; l; l = l->next)
			tail = l;
		while (tail) {
			struct hchain_link *prev = tail->pprev == &h->bucket[i]
							   ? NULL
							   : hchain_entry(tail->pprev, struct hchain_link, next);

			link_head(&nb[tail->hash & (n - 1)], tail);
			tail = prev;
		}
	}
	free(h->bucket);
	h->bucket = nb;
	h->n_buckets = n;
}

void hchain_insert(struct hchain *h, struct hchain_link *l, uint64_t hash)
{
	if (h->count >= h->n_buckets)
		grow(h);
	l->hash = hash;
	link_head(&h->bucket[hash & (h->n_buckets - 1)], l);
	h->count++;
}

void hchain_remove(struct hchain *h, struct hchain_link *l)
{
	*l->pprev = l->next;
	if (l->next)
		l->next->pprev = l->pprev;
	l->next = NULL;
	l->pprev = NULL;
	h->count--;
}

struct hchain_link *hchain_first(const struct hchain *h, uint64_t hash)
{
	return h->bucket[hash & (h->n_buckets - 1)];
}

struct hchain_link *hchain_next(const struct hchain_link *l)
{
	return l->next;
}
