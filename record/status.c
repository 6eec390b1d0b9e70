// SPDX-License-Identifier: BSD-2-Clause
/*
 * status.c - status output.  On a terminal the line is redrawn in place
 * once a second, led by the events a second since the last one; otherwise (a log file, a pipe) only
 * the final summary is printed, so logs are not flooded.
 */
#include "status.h"

#include <stdio.h>
#include <unistd.h>

#include "trc.h"

void status_init(struct status *s, int quiet)
{
	s->enabled = !quiet;
	s->tty = isatty(STDERR_FILENO);
	s->last_ns = 0;
	s->last_events = 0;
	s->shown = 0;
}

uint64_t status_rate(uint64_t events_then, uint64_t events_now, uint64_t then_ns, uint64_t now_ns)
{
	uint64_t dt = now_ns > then_ns ? now_ns - then_ns : 0;

	if (!dt || events_now < events_then)
		return 0;
	return (uint64_t)((double)(events_now - events_then) * 1e9 / (double)dt);
}

void status_format(const struct drain *d, char *buf, size_t len)
{
	struct trc_writer_stats ws = d->ws_final;
	const uint64_t *n = d->st.by_type;

	if (d->w)
		trc_writer_get_stats(d->w, &ws);
	/* Losses first: they are what a reader of the line must not miss. */
	snprintf(
		buf, len,
		"lost %llu, malformed %llu, events %llu (state %llu, seg %llu, tw %llu, retx %llu, "
		"rst %llu), sock %llu, conns %llu (open %llu), %.1f KiB",
		(unsigned long long)d->st.lost, (unsigned long long)d->st.malformed,
		(unsigned long long)d->st.written, (unsigned long long)n[TRC_EV_STATE],
		(unsigned long long)n[TRC_EV_SEGMENT], (unsigned long long)n[TRC_EV_TIMEWAIT],
		(unsigned long long)n[TRC_EV_RETRANSMIT], (unsigned long long)n[TRC_EV_RESET],
		(unsigned long long)n[TRC_EV_SOCK], (unsigned long long)ws.connections,
		(unsigned long long)ws.open_connections, (double)ws.bytes_written / 1024.0);
}

void status_update(struct status *s, const struct drain *d, uint64_t now_ns)
{
	char line[256];
	uint64_t rate;

	if (!s->enabled || !s->tty || now_ns - s->last_ns < 1000000000ull)
		return;
	/* The first line has no previous reading: no rate yet. */
	rate = s->last_ns ? status_rate(s->last_events, d->st.written, s->last_ns, now_ns) : 0;
	s->last_ns = now_ns;
	s->last_events = d->st.written;
	status_format(d, line, sizeof(line));
	fprintf(stderr, "\r\033[K%llu events/s, %s", (unsigned long long)rate, line);
	s->shown = 1;
}

void status_final(struct status *s, const struct drain *d, const char *reason)
{
	char line[256];

	if (!s->enabled)
		return;
	status_format(d, line, sizeof(line));
	fprintf(stderr, "%stcprec: %s: %s\n", s->shown ? "\r\033[K" : "", reason, line);
	s->shown = 0;
}
