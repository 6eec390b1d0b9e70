// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-opts.c - the filter options (repeatable, comma-separated ports,
 * hosts, outcomes and verdicts), ISO 8601 / relative time parsing and formatting, and the
 * connection filters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opts.h"
#include "timefmt.h"
#include "tracegen.h"

static void numbers(void)
{
	struct analyzer_filter f;

	memset(&f, 0, sizeof(f));
	CHECK(opts_add_ports(&f, "8080") == 0 && f.n_ports == 1 && f.ports[0] == 8080);
	CHECK(opts_add_ports(&f, "65535,8080,443") == 0 && f.n_ports == 3); /* 8080 once */
	CHECK(opts_add_ports(&f, "0") == -ERANGE);
	CHECK(opts_add_ports(&f, "65536") == -ERANGE);
	CHECK(opts_add_ports(&f, "80x") == -EINVAL);
	CHECK(opts_add_ports(&f, "-1") == -EINVAL);
	CHECK(opts_add_ports(&f, "") == -EINVAL);
	CHECK(opts_add_ports(&f, "80,,81") == -EINVAL);
	CHECK(opts_add_hosts(&f, "192.0.2.1") == 0 && f.hosts[0].family == 4 &&
	      f.hosts[0].addr[3] == 1);
	CHECK(opts_add_hosts(&f, "2001:db8::1,192.0.2.1") == 0 && f.n_hosts == 2 &&
	      f.hosts[1].family == 6 && f.hosts[1].addr[15] == 1);
	CHECK(opts_add_hosts(&f, "example.com") == -EINVAL);
	CHECK(opts_add_outcomes(&f, "refused,syn_timeout") == 0 &&
	      f.outcomes == ((1u << OUT_REFUSED) | (1u << OUT_SYN_TIMEOUT)));
	CHECK(opts_add_outcomes(&f, "reset_orig") == 0 && (f.outcomes & (1u << OUT_RESET_ORIG)) &&
	      (f.outcomes & (1u << OUT_REFUSED))); /* repeated: added */
	CHECK(opts_add_outcomes(&f, "refused,bogus") == -EINVAL);
	CHECK(opts_add_outcomes(&f, "") == -EINVAL);
	CHECK(opts_add_verdicts(&f, "violation") == 0 && f.verdicts == 1u << VERDICT_VIOLATION);
	CHECK(opts_add_verdicts(&f, "linux-specific,incomplete") == 0);
}

static void times(void)
{
	char b[TIMEFMT_ISO_LEN];
	uint64_t ns;
	bool rel;

	/* --localtime, --relative */
	CHECK_STR(timefmt_moment(TIMES_UTC, 1763782800123456789ull, 0, b, sizeof(b)),
		  "2025-11-22T03:40:00.123456789Z");
	CHECK_STR(timefmt_moment(TIMES_RELATIVE, 1763782800123456789ull, 1763782790000000000ull, b,
				 sizeof(b)),
		  "+10.123456789");
	CHECK_STR(timefmt_moment(TIMES_RELATIVE, 1763782790000000000ull, 1763782790500000000ull, b,
				 sizeof(b)),
		  "-0.500000000");
	setenv("TZ", "ABC-2", 1); /* POSIX rule: two hours east of UTC, no zone files */
	tzset();
	CHECK_STR(timefmt_moment(TIMES_LOCAL, 1763782800123456789ull, 0, b, sizeof(b)),
		  "2025-11-22T05:40:00.123456789+02:00");
	setenv("TZ", "XYZ3:30", 1);
	tzset();
	CHECK_STR(timefmt_moment(TIMES_LOCAL, 1763782800123456789ull, 0, b, sizeof(b)),
		  "2025-11-22T00:10:00.123456789-03:30");

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
	CHECK(opts_add_ports(&f, "80") == 0);
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	memset(&f, 0, sizeof(f));
	CHECK(opts_add_ports(&f, "81") == 0);
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
	CHECK(opts_add_ports(&f, "8000,80") == 0); /* any of the ports */
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	memset(&f, 0, sizeof(f));
	CHECK(opts_add_hosts(&f, "::1") == 0);
	CHECK(!analyzer_filter_connection(&f, &cv, 1000 * SEC));
	CHECK(opts_add_hosts(&f, "192.0.2.2") == 0); /* any of the addresses */
	CHECK(analyzer_filter_connection(&f, &cv, 1000 * SEC));
	memset(&f, 0, sizeof(f));
	CHECK(opts_add_hosts(&f, "192.0.2.3") == 0);
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
