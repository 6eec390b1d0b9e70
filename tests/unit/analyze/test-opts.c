// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-opts.c - the strict option parsers (port, host, outcome and verdict
 * lists), ISO 8601 / relative time parsing and formatting, and the
 * connection filters.
 */
#include <string.h>

#include "opts.h"
#include "timefmt.h"
#include "tracegen.h"

static void numbers(void)
{
	uint16_t p;
	uint8_t fam, a[16];
	uint32_t m;

	CHECK(opts_parse_port("8080", &p) == 0 && p == 8080);
	CHECK(opts_parse_port("65535", &p) == 0);
	CHECK(opts_parse_port("0", &p) < 0);
	CHECK(opts_parse_port("65536", &p) < 0);
	CHECK(opts_parse_port("80x", &p) < 0);
	CHECK(opts_parse_port("-1", &p) < 0);
	CHECK(opts_parse_port("", &p) < 0);
	CHECK(opts_parse_host("192.0.2.1", &fam, a) == 0 && fam == 4 && a[3] == 1);
	CHECK(opts_parse_host("2001:db8::1", &fam, a) == 0 && fam == 6 && a[15] == 1);
	CHECK(opts_parse_host("example.com", &fam, a) < 0);
	CHECK(opts_parse_outcomes("refused,syn_timeout", &m) == 0 &&
	      m == ((1u << OUT_REFUSED) | (1u << OUT_SYN_TIMEOUT)));
	CHECK(opts_parse_outcomes("refused,bogus", &m) < 0);
	CHECK(opts_parse_outcomes("", &m) < 0);
	CHECK(opts_parse_verdicts("violation", &m) == 0 && m == 1u << VERDICT_VIOLATION);
	CHECK(opts_parse_verdicts("linux-specific,incomplete", &m) == 0);
}

static void times(void)
{
	char b[TIMEFMT_ISO_LEN];
	uint64_t ns;
	bool rel;

	CHECK_STR(timefmt_iso(1763782800123456789ull, b, sizeof(b)),
		  "2025-11-22T03:40:00.123456789Z");
	CHECK(timefmt_parse("2025-11-22T03:40:00.123456789Z", &ns, &rel) == 0 && !rel);
	CHECK_EQ(ns, 1763782800123456789ull);
	CHECK(timefmt_parse("2025-11-22T03:40:00", &ns, &rel) == 0);
	CHECK_EQ(ns, 1763782800000000000ull);
	CHECK(timefmt_parse("2025-11-22T05:40:00+02:00", &ns, &rel) == 0);
	CHECK_EQ(ns, 1763782800000000000ull);
	CHECK(timefmt_parse("2025-11-22 03:40:00.5", &ns, &rel) == 0);
	CHECK_EQ(ns, 1763782800500000000ull);
	CHECK(timefmt_parse("12.5", &ns, &rel) == 0 && rel);
	CHECK_EQ(ns, 12500000000ull);
	CHECK(timefmt_parse("0", &ns, &rel) == 0 && rel && ns == 0);
	CHECK(timefmt_parse("12.", &ns, &rel) < 0);
	CHECK(timefmt_parse("yesterday", &ns, &rel) < 0);
	CHECK(timefmt_parse("2025-13-01T00:00:00", &ns, &rel) < 0);
	CHECK(timefmt_parse("2025-11-22T03:40:00Zjunk", &ns, &rel) < 0);
	CHECK_STR(timefmt_duration(1500000000ull, b, sizeof(b)), "1.500s");
	CHECK_STR(timefmt_duration(2500000ull, b, sizeof(b)), "2.500ms");
	CHECK_STR(timefmt_duration(850000ull, b, sizeof(b)), "850us");
	CHECK_STR(timefmt_duration(12, b, sizeof(b)), "12ns");
}

static void filters(void)
{
	struct trc_header h = { .anchor_realtime_ns = 1000 * SEC };
	struct conn_body body = { .decl = { .family = 4,
					    .lport = 40000,
					    .rport = 80,
					    .laddr = { 192, 0, 2, 1 },
					    .raddr = { 192, 0, 2, 2 } } };
	struct conn c = { .b = &body };
	struct conn_view v = {
		.c = &c, .hdr = &h, .outcome = OUT_REFUSED, .verdict = VERDICT_CONFORMANT
	};
	struct analyzer_filter f = { 0 };
	struct connection_view cv;

	v.dur.start_ns = 10 * SEC;
	v.dur.end_ns = 20 * SEC;
	connection_build(&cv, &v, NULL);
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	f.port = 80;
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	f.port = 81;
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
	f.port = 0;
	CHECK(opts_parse_host("192.0.2.2", &f.host_family, f.host) == 0);
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	CHECK(opts_parse_host("192.0.2.3", &f.host_family, f.host) == 0);
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
	memset(&f, 0, sizeof(f));
	f.outcomes = 1u << OUT_NORMAL_CLOSE;
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
	f.outcomes = 1u << OUT_REFUSED;
	f.verdicts = 1u << VERDICT_VIOLATION;
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
	/* Relative --since/--until: seconds after the first event (1000 s). */
	memset(&f, 0, sizeof(f));
	f.since_set = f.since_rel = true;
	f.since_ns = 15 * SEC; /* alive at 1015 s: yes (1010..1020) */
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	f.since_ns = 25 * SEC;
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
	memset(&f, 0, sizeof(f));
	f.until_set = true;
	f.until_ns = 1005 * SEC; /* absolute: ended before the connection began */
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
	f.until_ns = 1010 * SEC;
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	/* --outcome: the connection's name or an endpoint's.  The endpoint
	 * (port 40000 to 80: taken for the originator) reset it. */
	memset(&f, 0, sizeof(f));
	v.outcome = OUT_RESET_LOCAL;
	connection_build(&cv, &v, NULL);
	CHECK(cv.outcome == OUT_RESET_ORIG && !cv.direction_known);
	f.outcomes = 1u << OUT_RESET_ORIG;
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	f.outcomes = 1u << OUT_RESET_LOCAL;
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	f.outcomes = 1u << OUT_RESET_RESP | 1u << OUT_RESET_REMOTE;
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
}

int main(void)
{
	numbers();
	times();
	filters();
	return check_exit_status();
}
