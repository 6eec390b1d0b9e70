// SPDX-License-Identifier: BSD-2-Clause
/*
 * idsort.c - least-significant-digit radix sort of endpoints by id.  qsort()
 * with a comparison callback took a sixth of a short trace's run time;
 * ids relative to the smallest one need few 11-bit digits, so a handful of
 * linear passes do.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idsort.h"

#define DIGIT_BITS 11
#define DIGITS	   (1u << DIGIT_BITS)

struct keyed {
	uint64_t key; /* id - smallest id */
	struct conn *c;
};

/* One stable counting pass on the digit at shift, from src into dst. */
static void pass(const struct keyed *src, struct keyed *dst, size_t n, unsigned int shift,
		 size_t *count)
{
	size_t sum = 0;

	memset(count, 0, DIGITS * sizeof(*count));
	for (size_t i = 0; i < n; i++)
		count[(src[i].key >> shift) & (DIGITS - 1)]++;
	for (size_t d = 0; d < DIGITS; d++) {
		size_t k = count[d];

		count[d] = sum;
		sum += k;
	}
	for (size_t i = 0; i < n; i++)
		dst[count[(src[i].key >> shift) & (DIGITS - 1)]++] = src[i];
}

int idsort_conns(struct conn **v, size_t n)
{
	struct keyed *a, *b, *t;
	size_t *count;
	uint64_t lo = UINT64_MAX, range = 0;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		lo = v[i]->id < lo ? v[i]->id : lo;
	a = malloc(n * sizeof(*a));
	b = malloc(n * sizeof(*b));
	count = malloc(DIGITS * sizeof(*count));
	if (!a || !b || !count) {
		free(a);
		free(b);
		free(count);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		a[i] = (struct keyed){ v[i]->id - lo, v[i] };
		range |= a[i].key;
	}
	/* Digits above the highest bit set in any key are zero everywhere. */
	for (unsigned int shift = 0; shift < 64 && (range >> shift); shift += DIGIT_BITS) {
		pass(a, b, n, shift, count);
		t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = a[i].c;
	free(a);
	free(b);
	free(count);
	return 0;
}
