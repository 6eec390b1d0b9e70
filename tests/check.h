/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * check.h - the one set of assertion macros of the unit tests and fuzz
 * targets.  Two behaviours, chosen by name:
 *
 *   CHECK(cond[, fmt, ...])  records a failure and goes on, so that one run
 *                            reports every broken expectation;
 *   REQUIRE(cond[, fmt, ...]) stops the program with abort(): for
 *                            conditions the rest of the test depends on,
 *                            and in fuzz targets, where libFuzzer takes an
 *                            abort as a finding.
 *
 * Every report names file:line and the failed expression, then the
 * optional printf-style message.  CHECK_EQ() and CHECK_STR() also print
 * both values.  main() returns check_exit_status(): 0 when nothing failed,
 * 1 otherwise, after printing the number of failures.
 */
#ifndef TCPREC_TESTS_CHECK_H
#define TCPREC_TESTS_CHECK_H

#include <stdbool.h>

/* Picks CHECK_BARE_/CHECK_MSG_ (or the REQUIRE pair) by whether a message
 * follows the condition; up to 15 message arguments. */
#define CHECK_PICK_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, _13, _14, _15, _16, name,   \
		    ...)                                                                           \
	name
#define CHECK_BY_ARGS_(bare, msg, ...)                                                             \
	CHECK_PICK_(__VA_ARGS__, msg, msg, msg, msg, msg, msg, msg, msg, msg, msg, msg, msg, msg,  \
		    msg, msg, bare, unused)

#define CHECK_BARE_(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			check_fail(__FILE__, __LINE__, "%s", #cond);                               \
	} while (0)
#define CHECK_MSG_(cond, ...)                                                                      \
	do {                                                                                       \
		if (!(cond))                                                                       \
			check_fail_expr(__FILE__, __LINE__, #cond, __VA_ARGS__);                   \
	} while (0)
#define CHECK(...) CHECK_BY_ARGS_(CHECK_BARE_, CHECK_MSG_, __VA_ARGS__)(__VA_ARGS__)

#define REQUIRE_BARE_(cond)                                                                        \
	do {                                                                                       \
		if (!(cond))                                                                       \
			check_abort(__FILE__, __LINE__, "%s", #cond);                              \
	} while (0)
#define REQUIRE_MSG_(cond, ...)                                                                    \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			check_fail_expr(__FILE__, __LINE__, #cond, __VA_ARGS__);                   \
			check_abort(__FILE__, __LINE__, "%s", #cond);                              \
		}                                                                                  \
	} while (0)
#define REQUIRE(...) CHECK_BY_ARGS_(REQUIRE_BARE_, REQUIRE_MSG_, __VA_ARGS__)(__VA_ARGS__)

/* Integers, compared as long long. */
#define CHECK_EQ(a, b) check_eq_at((long long)(a), (long long)(b), #a " == " #b, __FILE__, __LINE__)
/* Strings; NULL equals nothing. */
#define CHECK_STR(a, b) check_str_at((a), (b), #a, __FILE__, __LINE__)

/* Records a failure reported at file:line with a message. */
void check_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same, naming the failed expression before the message. */
void check_fail_expr(const char *file, int line, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Reports a failure and aborts. */
void check_abort(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
/* Compare and record a failure on mismatch; return whether they matched.
 * For helpers that check on behalf of a caller and pass its place. */
bool check_eq_at(long long got, long long want, const char *what, const char *file, int line);
bool check_str_at(const char *got, const char *want, const char *what, const char *file, int line);
/* Failures recorded so far. */
int check_failure_count(void);
/* For main's return: 0 when nothing failed, else 1 (and prints the count). */
int check_exit_status(void);

#endif /* TCPREC_TESTS_CHECK_H */
