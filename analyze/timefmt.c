// SPDX-License-Identifier: BSD-2-Clause
/*
 * timefmt.c - formats and parses times.  Wall-clock nanoseconds since the
 * epoch exceed 2^53, so they are printed from integers, never doubles.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"
#include "timefmt.h"

/* Gregorian date of a day count since 1970-01-01 (H. Hinnant's
 * civil_from_days): gmtime_r() locks and consults the time zone state on
 * every call, and outputs format several times per connection. */
static void civil_from_days(uint64_t days, uint64_t *y, unsigned int *m, unsigned int *d)
{
	uint64_t z = days + 719468, era = z / 146097;
	unsigned int doe = (unsigned int)(z - era * 146097);
	unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (uint64_t)yoe + era * 400 + (*m <= 2);
}

/* v as exactly width digits (the callers' values always fit), two at a
 * time: a timestamp has 23 of them. */
static char *digits(char *p, uint64_t v, int width)
{
	int i = width;

	for (; i >= 2; i -= 2, v /= 100)
		sb_two_digits(p + i - 2, (uint32_t)(v % 100));
	if (i)
		p[0] = (char)('0' + v % 10);
	return p + width;
}

/* The nanoseconds of every time printed. */
static void nine_digits(char *p, uint32_t v)
{
	p[0] = (char)('0' + v / 100000000);
	sb_eight_digits(p + 1, v % 100000000);
}

/* "YYYY-MM-DDTHH:MM:SS." of a second since the epoch. */
static void second_text(uint64_t secs, char *p)
{
	uint64_t sod = secs % 86400, year;
	unsigned int mon, day;

	civil_from_days(secs / 86400, &year, &mon, &day);
	p = digits(p, year, 4);
	*p++ = '-';
	p = digits(p, mon, 2);
	*p++ = '-';
	p = digits(p, day, 2);
	*p++ = 'T';
	p = digits(p, sod / 3600, 2);
	*p++ = ':';
	p = digits(p, sod / 60 % 60, 2);
	*p++ = ':';
	p = digits(p, sod % 60, 2);
	*p = '.';
}

/* The text before the nanoseconds changes once a second, and a row's
 * times mostly fall within one: each thread keeps the last second's (the
 * workers of tcpana -j render rows at once).  Initial-exec: the code is
 * in the executable, and the default model for -fPIC code made every
 * access a call. */
#define SECOND_TEXT_LEN 20
static __thread __attribute__((tls_model("initial-exec"))) struct {
	uint64_t secs; /* UINT64_MAX: none yet (no time in ns reaches it) */
	char text[SECOND_TEXT_LEN];
} last_second = { .secs = UINT64_MAX };

void timefmt_iso_put(uint64_t rt_ns, char *out)
{
	uint64_t secs = rt_ns / 1000000000ull;

	if (last_second.secs != secs) {
		second_text(secs, last_second.text);
		last_second.secs = secs;
	}
	memcpy(out, last_second.text, SECOND_TEXT_LEN);
	nine_digits(out + SECOND_TEXT_LEN, (uint32_t)(rt_ns % 1000000000ull));
	out[TIMEFMT_ISO_UTC_LEN - 1] = 'Z';
}

size_t timefmt_iso_raw(uint64_t rt_ns, char out[TIMEFMT_ISO_LEN])
{
	timefmt_iso_put(rt_ns, out);
	out[TIMEFMT_ISO_UTC_LEN] = '\0';
	return TIMEFMT_ISO_UTC_LEN;
}

/* Copies a formatted string into buf like snprintf() would. */
static const char *copy_out(const char *s, size_t n, char *buf, size_t len)
{
	if (!len)
		return buf;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return buf;
}

const char *timefmt_iso(uint64_t rt_ns, char *buf, size_t len)
{
	char s[TIMEFMT_ISO_LEN];

	return copy_out(s, timefmt_iso_raw(rt_ns, s), buf, len);
}

static const char *iso_local(uint64_t rt_ns, char *buf, size_t len)
{
	time_t secs = (time_t)(rt_ns / 1000000000ull);
	long off, h, m;
	struct tm tm;
	char date[32];

	if (!localtime_r(&secs, &tm))
		return timefmt_iso(rt_ns, buf, len);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	h = (off < 0 ? -off : off) / 3600;
	m = (off < 0 ? -off : off) / 60 % 60;
	snprintf(buf, len, "%s.%09llu%c%02ld:%02ld", date,
		 (unsigned long long)(rt_ns % 1000000000ull), off < 0 ? '-' : '+', h, m);
	return buf;
}

const char *timefmt_moment(enum time_style style, uint64_t rt_ns, uint64_t zero_rt, char *buf,
			   size_t len)
{
	uint64_t d;

	switch (style) {
	case TIMES_LOCAL:
		return iso_local(rt_ns, buf, len);
	case TIMES_RELATIVE:
		d = rt_ns >= zero_rt ? rt_ns - zero_rt : zero_rt - rt_ns;
		snprintf(buf, len, "%c%llu.%09llu", rt_ns >= zero_rt ? '+' : '-',
			 (unsigned long long)(d / 1000000000ull),
			 (unsigned long long)(d % 1000000000ull));
		return buf;
	default:
		return timefmt_iso(rt_ns, buf, len);
	}
}

/* "%llu.%03llu" followed by unit. */
static size_t with_millis(char *out, uint64_t whole, uint64_t frac, const char *unit)
{
	char d[SB_U64_LEN], *p = sb_u64_digits(whole, d), *o = out;
	size_t n = (size_t)(d + SB_U64_LEN - p);

	memcpy(o, p, n);
	o += n;
	*o++ = '.';
	o = digits(o, frac, 3);
	n = strlen(unit);
	memcpy(o, unit, n + 1);
	return (size_t)(o + n - out);
}

size_t timefmt_duration_raw(uint64_t ns, char out[TIMEFMT_DUR_LEN])
{
	char d[SB_U64_LEN], *p;
	uint64_t v = ns;
	const char *unit = "ns";
	size_t n;

	if (ns >= 1000000000ull)
		return with_millis(out, ns / 1000000000ull, ns % 1000000000ull / 1000000ull, "s");
	if (ns >= 1000000ull)
		return with_millis(out, ns / 1000000ull, ns % 1000000ull / 1000ull, "ms");
	if (ns >= 1000ull) {
		v = ns / 1000ull;
		unit = "us";
	}
	p = sb_u64_digits(v, d);
	n = (size_t)(d + SB_U64_LEN - p);
	memcpy(out, p, n);
	memcpy(out + n, unit, 3);
	return n + 2;
}

const char *timefmt_duration(uint64_t ns, char *buf, size_t len)
{
	char s[TIMEFMT_DUR_LEN];

	return copy_out(s, timefmt_duration_raw(ns, s), buf, len);
}

/* Digits after a decimal point as nanoseconds (at most 9 used). */
static int parse_frac(const char **p, uint64_t *ns)
{
	uint64_t scale = 100000000ull;

	*ns = 0;
	if (**p != '.' && **p != ',')
		return 0;
	(*p)++;
	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	for (; isdigit((unsigned char)**p); (*p)++, scale /= 10)
		*ns += (uint64_t)(**p - '0') * scale;
	return 0;
}

static int parse_relative(const char *s, uint64_t *ns)
{
	const char *p = s;
	uint64_t secs = 0, frac;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (secs > 1000000000ull)
			return -EINVAL;
		secs = secs * 10 + (uint64_t)(*p - '0');
	}
	if (parse_frac(&p, &frac) < 0 || *p)
		return -EINVAL;
	*ns = secs * 1000000000ull + frac;
	return 0;
}

static int parse_zone(const char *p, long *off_s)
{
	int hh, mm, n = 0;

	*off_s = 0;
	if (!*p || !strcmp(p, "Z"))
		return 0;
	if ((*p != '+' && *p != '-') || sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 || p[1 + n] ||
	    hh > 23 || mm > 59)
		return -EINVAL;
	*off_s = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
	return 0;
}

int timefmt_parse(const char *s, uint64_t *ns, bool *relative)
{
	struct tm tm = { 0 };
	const char *p;
	uint64_t frac;
	long off;
	time_t t;

	*relative = !strchr(s, '-') && !strchr(s, ':');
	if (*relative)
		return parse_relative(s, ns);
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		p = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	if (!p || parse_frac(&p, &frac) < 0 || parse_zone(p, &off) < 0)
		return -EINVAL;
	t = timegm(&tm);
	if (t == (time_t)-1 || t - off < 0)
		return -EINVAL;
	*ns = (uint64_t)(t - off) * 1000000000ull + frac;
	return 0;
}
