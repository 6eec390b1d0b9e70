// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-zeroed.c - zeroed_array(): zeroed, and every page already mapped for writing, so that a
 * table that is probed before it is written takes no page fault later (the zero page mapped by a
 * read, then replaced by a write with a TLB flush on every CPU, is what it exists to avoid).
 */
#include <stdint.h>
#include <sys/resource.h>

#include "check.h"
#include "zeroed.h"

enum { BYTES = 64 << 20, PAGES = BYTES / ZEROED_PAGE };

static long minor_faults(void)
{
	struct rusage ru;

	CHECK_EQ(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_minflt;
}

/* Reads every page, then writes every page: the faults this takes. */
static long faults_of_probe_then_insert(volatile char *p)
{
	long before = minor_faults();
	unsigned int sum = 0;

	for (size_t off = 0; off < BYTES; off += ZEROED_PAGE)
		sum += (unsigned char)p[off];
	for (size_t off = 0; off < BYTES; off += ZEROED_PAGE)
		p[off] = 1;
	CHECK_EQ(sum, 0);
	return minor_faults() - before;
}

int main(void)
{
	char *p = zeroed_array(BYTES / 8, 8);

	CHECK(p != NULL);
	/* Every page was written before it was handed out: none faults
	 * now (a few for the stack and the allocator at most). */
	CHECK(faults_of_probe_then_insert(p) < PAGES / 100);
	free(p);

	p = zeroed_array(1000, 3);
	CHECK(p != NULL);
	for (int i = 0; i < 3000; i++)
		CHECK_EQ(p[i], 0);
	free(p);

	return check_exit_status();
}
