// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-rotate.c - the names of a rotating recording's files, against
 * tcpdump(8)'s rules for -C, -G and -W (MakeFilename(), getWflagChars():
 * FILE, FILE1, FILE2, ...; FILE0..FILE<N-1> padded to the width of N-1;
 * strftime(3) with -G, the count appended when -C is also given), the
 * sequence of names over rotations (the ring wraps), and the option rules.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "opts.h"
#include "rotate.h"

static void test_width(void)
{
	static const struct {
		uint32_t files;
		unsigned int width;
	} t[] = { { 0, 0 }, { 1, 0 }, { 2, 1 }, { 10, 1 }, { 11, 2 }, { 100, 2 }, { 101, 3 } };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_EQ(rotate_width(t[i].files), t[i].width);
}

static void test_make_name(void)
{
	/* 2024-03-05 06:07:08 UTC */
	time_t t = 1709618828;
	static const struct {
		const char *pattern;
		bool strf;
		unsigned int cnt, width;
		const char *name;
	} c[] = {
		{ "run.trc", false, 0, 0, "run.trc" },	/* -C: the first file */
		{ "run.trc", false, 1, 0, "run.trc1" }, /* -C: the next ones */
		{ "run.trc", false, 12, 0, "run.trc12" },
		{ "run.trc", false, 0, 1, "run.trc0" }, /* -C -W 10 */
		{ "run.trc", false, 9, 1, "run.trc9" },
		{ "run.trc", false, 0, 2, "run.trc00" }, /* -C -W 11 .. 100 */
		{ "run.trc", false, 7, 2, "run.trc07" },
		{ "run.trc", false, 10, 2, "run.trc10" },
		{ "r-%Y%m%d-%H%M%S.trc", true, 0, 0, "r-20240305-060708.trc" }, /* -G */
		{ "r-%H%M%S.trc", true, 2, 0, "r-060708.trc2" },		/* -G -C */
		{ "r-%H%M%S.trc", true, 0, 1, "r-060708.trc0" },		/* -G -C -W */
		{ "100%%-%S", true, 0, 0, "100%-08" },
	};
	char buf[256];

	CHECK(setenv("TZ", "UTC", 1) == 0);
	tzset();
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CHECK_EQ(rotate_make_name(buf, sizeof(buf), c[i].pattern, c[i].strf, t, c[i].cnt,
					  c[i].width),
			 0);
		CHECK_STR(buf, c[i].name);
	}
	CHECK_EQ(rotate_make_name(buf, sizeof(buf), "", false, t, 0, 0), -EINVAL);
	CHECK_EQ(rotate_make_name(buf, 8, "run.trc", false, t, 1, 0), -ENAMETOOLONG);
	CHECK(rotate_has_conversion("run-%s.trc"));
	CHECK(rotate_has_conversion("a%%b%H"));
	CHECK(!rotate_has_conversion("a%%b"));
	CHECK(!rotate_has_conversion("run.trc"));
	CHECK(!rotate_has_conversion("run%"));
}

/* The names a recording goes through: -C alone counts on, -C -W wraps,
 * -G starts each period's count again. */
static void test_sequence(void)
{
	struct rotate_opts o = { .size_bytes = 1000000 };
	struct rotate r;
	static const char *const plain[] = { "x", "x1", "x2", "x3" };
	static const char *const ring[] = { "x0", "x1", "x2", "x0", "x1" };

	CHECK_EQ(rotate_init(&r, "x", &o, 0, 0), 0);
	for (int i = 0; i < 4; i++) {
		CHECK_STR(rotate_name(&r), plain[i]);
		CHECK_EQ(rotate_next_name(&r, false, 0), 0);
	}
	o.files = 3;
	CHECK_EQ(rotate_init(&r, "x", &o, 0, 0), 0);
	for (int i = 0; i < 5; i++) {
		CHECK_STR(rotate_name(&r), ring[i]);
		CHECK_EQ(rotate_next_name(&r, false, 0), 0);
	}
	o = (struct rotate_opts){ .size_bytes = 1000000, .seconds = 60 };
	CHECK_EQ(rotate_init(&r, "y%S.", &o, 1, 0), 0);
	CHECK_STR(rotate_name(&r), "y01.");
	CHECK_EQ(rotate_next_name(&r, false, 5), 0); /* -C within the period: its time */
	CHECK_STR(rotate_name(&r), "y01.1");
	CHECK_EQ(rotate_next_name(&r, true, 2), 0); /* -G: a new period, count 0 */
	CHECK_STR(rotate_name(&r), "y02.");
	o = (struct rotate_opts){ .seconds = 1, .files = 2 };
	CHECK_EQ(rotate_init(&r, "z%S", &o, 3, 0), 0);
	CHECK_STR(rotate_name(&r), "z03"); /* -G alone: no count */
}

/* opts_parse() on "tcprec" and the NULL-terminated args, not exiting. */
static int parse(struct config *cfg, const char *const *args)
{
	char *argv[16] = { (char *)"tcprec" };
	int argc = 1;

	for (; args[argc - 1] && argc < 15; argc++)
		argv[argc] = (char *)args[argc - 1];
	return opts_parse(argc, argv, ARGP_NO_EXIT, cfg);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_options(void)
{
	struct config c;

	CHECK_EQ(parse(&c, ARGS("-w", "x", "-C", "1")), 0);
	CHECK_EQ(c.rotate.size_bytes, 1000000);
	CHECK_EQ(parse(&c, ARGS("-w", "x", "-C", "250", "-W", "10")), 0);
	CHECK_EQ(c.rotate.size_bytes, 250000000);
	CHECK_EQ(c.rotate.files, 10);
	CHECK_EQ(parse(&c, ARGS("-w", "x-%s", "-G", "30", "-W", "4")), 0);
	CHECK_EQ(c.rotate.seconds, 30);
	CHECK_EQ(parse(&c, ARGS("-w", "x", "-C", "0")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-w", "x", "-C", "1.5")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-w", "x", "-W", "3")), -EINVAL);   /* -W alone */
	CHECK_EQ(parse(&c, ARGS("-w", "x", "-G", "5")), -EINVAL);   /* no conversion */
	CHECK_EQ(parse(&c, ARGS("-w", "x%%", "-G", "5")), -EINVAL); /* only %% */
	CHECK_EQ(parse(&c, ARGS("-w", "-", "-C", "1")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-r", "in.pcap", "-w", "x", "-C", "1")), -EINVAL);
}

int main(void)
{
	test_width();
	test_make_name();
	test_sequence();
	test_options();
	return check_exit_status();
}
