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

#include "timefmt.h"

const char *timefmt_iso(uint64_t rt_ns, char *buf, size_t len)
{
	time_t secs = (time_t)(rt_ns / 1000000000ull);
	struct tm tm;

	if (!gmtime_r(&secs, &tm)) {
		snprintf(buf, len, "invalid");
		return buf;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned int)(rt_ns % 1000000000ull));
	return buf;
}

const char *timefmt_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns >= 1000000000ull)
		snprintf(buf, len, "%llu.%03llus", (unsigned long long)(ns / 1000000000ull),
			 (unsigned long long)(ns % 1000000000ull / 1000000ull));
	else if (ns >= 1000000ull)
		snprintf(buf, len, "%llu.%03llums", (unsigned long long)(ns / 1000000ull),
			 (unsigned long long)(ns % 1000000ull / 1000ull));
	else if (ns >= 1000ull)
		snprintf(buf, len, "%lluus", (unsigned long long)(ns / 1000ull));
	else
		snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
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
	if ((*p != '+' && *p != '-') || sscanf(p + 1, "%2d:%2d%n", &hh, &mm, &n) != 2 ||
	    p[1 + n] || hh > 23 || mm > 59)
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
