// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-spsc.c - lib/spsc.h: records come out whole and in order, nothing
 * is visible before it is committed, records larger than a chunk and
 * chunk boundaries are handled, and a consumer thread reading while a
 * producer thread writes sees every record once.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "spsc.h"

/* A record of len bytes whose content tells its number. */
static void fill(unsigned char *p, size_t len, uint64_t n)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)(n * 31 + i);
}

static bool intact(const unsigned char *p, size_t len, uint64_t n)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (unsigned char)(n * 31 + i))
			return false;
	return true;
}

/* Lengths that cross chunks at every offset, and one larger than a chunk. */
static size_t len_of(uint64_t n)
{
	return n == 1000 ? 3 * SPSC_CHUNK_BYTES : (size_t)(n * 7919 % 5000);
}

static void test_order_and_commit(void)
{
	struct spsc q;
	size_t len;

	REQUIRE(spsc_init(&q) == 0);
	CHECK(spsc_peek(&q, &len) == NULL);
	for (uint64_t n = 0; n < 3000; n++) {
		unsigned char *p = spsc_reserve(&q, len_of(n));

		REQUIRE(p);
		fill(p, len_of(n), n);
	}
	CHECK(spsc_peek(&q, &len) == NULL, "visible before the commit");
	spsc_commit(&q);
	for (uint64_t n = 0; n < 3000; n++) {
		const unsigned char *p = spsc_peek(&q, &len);

		REQUIRE(p, "record %llu missing", (unsigned long long)n);
		CHECK_EQ(len, len_of(n));
		CHECK(intact(p, len, n), "record %llu damaged", (unsigned long long)n);
		spsc_pop(&q);
	}
	CHECK(spsc_peek(&q, &len) == NULL);
	spsc_fini(&q);
}

#define THREADED_RECORDS 200000

static void *produce(void *arg)
{
	struct spsc *q = arg;

	for (uint64_t n = 0; n < THREADED_RECORDS; n++) {
		unsigned char *p = spsc_reserve(q, len_of(n) % 300);

		if (!p)
			return NULL;
		fill(p, len_of(n) % 300, n);
		if (n % 17 == 0)
			spsc_commit(q);
	}
	spsc_commit(q);
	return NULL;
}

static void test_threads(void)
{
	struct spsc q;
	pthread_t t;
	uint64_t n = 0, bad = 0;

	REQUIRE(spsc_init(&q) == 0);
	REQUIRE(pthread_create(&t, NULL, produce, &q) == 0);
	while (n < THREADED_RECORDS) {
		size_t len;
		const unsigned char *p = spsc_peek(&q, &len);

		if (!p)
			continue;
		bad += len != len_of(n) % 300 || !intact(p, len, n);
		spsc_pop(&q);
		n++;
	}
	pthread_join(t, NULL);
	CHECK_EQ(bad, 0);
	spsc_fini(&q);
}

int main(void)
{
	test_order_and_commit();
	test_threads();
	return check_exit_status();
}
