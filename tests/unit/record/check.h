/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check.h - minimal assertion macros for the recorder's unit tests: a
 * failed check prints file:line and the expression, and the test exits 1
 * at the end with the number of failures.
 */
#ifndef TCPREC_TEST_CHECK_H
#define TCPREC_TEST_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(expr)                                                                    \
	do {                                                                           \
		if (!(expr)) {                                                         \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#expr);                                                \
			check_failures++;                                              \
		}                                                                      \
	} while (0)

#define CHECK_EQ(a, b)                                                                       \
	do {                                                                                 \
		long long check_a_ = (long long)(a), check_b_ = (long long)(b);              \
		if (check_a_ != check_b_) {                                                  \
			fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n",    \
				__FILE__, __LINE__, #a, #b, check_a_, check_b_);             \
			check_failures++;                                                    \
		}                                                                            \
	} while (0)

#define CHECK_DONE() (check_failures ? (fprintf(stderr, "%d check(s) failed\n", check_failures), 1) : 0)

#endif /* TCPREC_TEST_CHECK_H */
