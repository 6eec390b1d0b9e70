/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * status.h - the live status line and the final summary on stderr.
 */
#ifndef TCPREC_STATUS_H
#define TCPREC_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "drain.h"

struct status {
	int enabled; /* not -q */
	int tty;     /* stderr is a terminal: refresh the line in place */
	uint64_t last_ns;
	uint64_t last_events; /* events written at last_ns: the rate */
	int shown;	      /* a live line is on screen */
};

/* Events a second between two readings (0 when no time passed). */
uint64_t status_rate(uint64_t events_then, uint64_t events_now, uint64_t then_ns, uint64_t now_ns);

void status_init(struct status *s, int quiet);

/* One line: "lost 0, malformed 0, events 1234 (state 20, seg 1200, tw 4,
 * retx 0, rst 0), conns 12 (open 3), 45.6 KiB". */
void status_format(const struct drain *d, char *buf, size_t len);

/* Refreshes the live line (tty only, at most once a second). */
void status_update(struct status *s, const struct drain *d, uint64_t now_ns);

/* Final summary line, always unless -q. */
void status_final(struct status *s, const struct drain *d, const char *reason);

#endif /* TCPREC_STATUS_H */
