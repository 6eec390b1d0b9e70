/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * timefmt.h - time text: ISO 8601 UTC with nanoseconds, human durations,
 * and the --since/--until parser.
 */
#ifndef ANALYZE_TIMEFMT_H
#define ANALYZE_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_ISO_LEN 40
#define TIMEFMT_DUR_LEN 32

/* "2026-11-22T03:40:59.123456789Z" is always this long: a uint64_t of
 * nanoseconds ends in 2554, so the year has four digits. */
#define TIMEFMT_ISO_UTC_LEN 30

/* That text at out: exactly TIMEFMT_ISO_UTC_LEN bytes, no NUL. */
void timefmt_iso_put(uint64_t realtime_ns, char *out);

/* The same as timefmt_iso() / timefmt_duration() into a buffer that is
 * always large enough; return the length (without the NUL). */
size_t timefmt_iso_raw(uint64_t realtime_ns, char out[TIMEFMT_ISO_LEN]);
size_t timefmt_duration_raw(uint64_t ns, char out[TIMEFMT_DUR_LEN]);

/* "2026-11-22T03:40:59.123456789Z"; returns buf. */
const char *timefmt_iso(uint64_t realtime_ns, char *buf, size_t len);

/* How moments are shown: ISO 8601 UTC (the default), ISO 8601 in the
 * local time zone with its offset (--localtime), or seconds after the
 * first event (--relative). */
enum time_style { TIMES_UTC = 0, TIMES_LOCAL, TIMES_RELATIVE };

/* realtime_ns in that style: "2026-11-22T03:40:59.123456789Z",
 * "2026-11-22T04:40:59.123456789+01:00" or "+12.345678901" (after
 * zero_rt; "-..." before it).  Returns buf. */
const char *timefmt_moment(enum time_style style, uint64_t realtime_ns, uint64_t zero_rt, char *buf,
			   size_t len);

/* "1.234s", "12.345ms", "850us", "12ns"; returns buf. */
const char *timefmt_duration(uint64_t ns, char *buf, size_t len);

/* Parses an ISO 8601 time ("2026-11-22T03:40:59", optional fraction,
 * optional "Z" or "+hh:mm"/"-hh:mm"; no zone = UTC) into realtime ns, or a
 * plain non-negative number of seconds ("12.5") into ns relative to the
 * first event (*relative = true).  Returns 0 or -EINVAL. */
int timefmt_parse(const char *s, uint64_t *ns, bool *relative);

#endif /* ANALYZE_TIMEFMT_H */
