// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-freelist.c - objects kept for reuse: a released object is the next
 * one handed out, new ones are cut from slabs without overlapping and
 * aligned for any type, objects larger than a slab get one of their own,
 * a released object is poisoned for the sanitizer, lists of several
 * sizes share one source's slabs, and fini frees everything (the ASan
 * build checks that nothing leaks).
 */
#include <stdalign.h>
#include <stdint.h>

#include "check.h"
#include "freelist.h"

enum { OBJ = 1424, N = 1000 };

static void reuse_and_cut(void)
{
	struct freelist f = { 0 };
	static unsigned char *obj[N];

	for (int i = 0; i < N; i++) {
		obj[i] = freelist_get(&f, OBJ);
		CHECK(obj[i] != NULL);
		CHECK_EQ((uintptr_t)obj[i] % alignof(max_align_t), 0);
		memset(obj[i], i & 0xff, OBJ);
	}
	/* Cut from slabs, no two overlap: each still holds its own bytes. */
	for (int i = 0; i < N; i++)
		CHECK(obj[i][0] == (i & 0xff) && obj[i][OBJ - 1] == (i & 0xff));
	CHECK_EQ(f.n, 0);
	freelist_put(&f, obj[10]);
	freelist_put(&f, obj[20]);
	freelist_put(&f, NULL); /* ignored */
	CHECK_EQ(f.n, 2);
#ifdef POISON_ASAN
	/* A released object is out of bounds for the sanitizer until it is
	 * handed out again. */
	CHECK(__asan_address_is_poisoned(obj[20] + OBJ - 1));
	CHECK(!__asan_address_is_poisoned(obj[21]));
#endif
	CHECK(freelist_get(&f, OBJ) == obj[20]); /* last in, first out */
#ifdef POISON_ASAN
	CHECK(!__asan_address_is_poisoned(obj[20] + OBJ - 1));
#endif
	CHECK(freelist_get(&f, OBJ) == obj[10]);
	CHECK_EQ(f.n, 0);
	freelist_fini(&f);
	CHECK(f.head == NULL && f.own.slabs == NULL && f.own.left == 0);
}

static void larger_than_a_slab(void)
{
	struct freelist f = { 0 };
	size_t big = FREELIST_SLAB + 100;
	unsigned char *a = freelist_get(&f, big), *b = freelist_get(&f, big);

	CHECK(a && b && a != b);
	memset(a, 1, big);
	memset(b, 2, big);
	CHECK(a[big - 1] == 1 && b[0] == 2);
	freelist_fini(&f);
}

/* Lists of two sizes fed by one source: their objects are cut from the
 * same slab, none overlaps another, and each list reuses its own. */
static void shared_source(void)
{
	struct slab_source src = { 0 };
	struct freelist small = { 0 }, large = { 0 };
	unsigned char *s[N], *l[N];

	for (int i = 0; i < N; i++) {
		s[i] = freelist_get_from(&small, &src, 40);
		l[i] = freelist_get_from(&large, &src, 300);
		CHECK(s[i] && l[i]);
		memset(s[i], i & 0xff, 40);
		memset(l[i], ~i & 0xff, 300);
	}
	for (int i = 0; i < N; i++)
		CHECK(s[i][39] == (i & 0xff) && l[i][0] == (~i & 0xff) && l[i][299] == (~i & 0xff));
	/* (40 + 300 rounded) * 1000 fits one slab: one slab holds both. */
	CHECK(((struct freelist_slab *)src.slabs)->next == NULL);
	/* A mapping of its own, aligned for a huge page (hugemem.h). */
	CHECK_EQ((uintptr_t)src.slabs % HUGEMEM_PAGE, 0);
	CHECK(s[1] - s[0] > 0 && (size_t)(l[N - 1] - s[0]) < FREELIST_SLAB);
	CHECK(small.own.slabs == NULL);
	freelist_put(&small, s[5]);
	freelist_put(&large, l[7]);
	CHECK(freelist_get_from(&large, &src, 300) == l[7]);
	CHECK(freelist_get_from(&small, &src, 40) == s[5]);
	freelist_fini(&small); /* its objects stay with the source */
	freelist_fini(&large);
	CHECK(l[3][0] == (~3 & 0xff));
	slab_source_fini(&src);
	CHECK(src.slabs == NULL && src.left == 0);
}

int main(void)
{
	reuse_and_cut();
	larger_than_a_slab();
	shared_source();
	return check_exit_status();
}
