// SPDX-License-Identifier: BSD-2-Clause
/*
 * check.c - failure reporting and counting behind tests/check.h.  The
 * count is one per program, so helpers in other files of a test count
 * towards the same exit status.
 */
#include "check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

__attribute__((format(printf, 4, 0))) static void
report(const char *file, int line, const char *expr, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s:%d: check failed", file, line);
	if (expr)
		fprintf(stderr, ": %s", expr);
	fputs(": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(file, line, NULL, fmt, ap);
	va_end(ap);
	failures++;
}

void check_fail_expr(const char *file, int line, const char *expr, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(file, line, expr, fmt, ap);
	va_end(ap);
	failures++;
}

void check_abort(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s:%d: required condition failed, stopping: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

bool check_eq_at(long long got, long long want, const char *what, const char *file, int line)
{
	if (got == want)
		return true;
	check_fail(file, line, "%s: got %lld, expected %lld", what, got, want);
	return false;
}

bool check_str_at(const char *got, const char *want, const char *what, const char *file, int line)
{
	if (got && want && !strcmp(got, want))
		return true;
	check_fail(file, line, "%s: got \"%s\", expected \"%s\"", what, got ? got : "(null)",
		   want ? want : "(null)");
	return false;
}

int check_failure_count(void)
{
	return failures;
}

int check_exit_status(void)
{
	if (!failures)
		return 0;
	fprintf(stderr, "%d check(s) failed\n", failures);
	return 1;
}
