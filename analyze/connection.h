/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * connection.h - the report's unit: one TCP connection, as Zeek's conn.log
 * and tshark's conversations count them.  A connection has an originator
 * (the side that sent the first SYN) and a responder; each is an endpoint
 * the trace saw (a socket, or a side inferred from segments), or nothing
 * when only the other side was recorded.  What is said of the connection
 * (outcome, verdict, bytes each way) is combined here from its halves.
 */
#ifndef ANALYZE_CONNECTION_H
#define ANALYZE_CONNECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "conn_view.h"

enum conn_side { SIDE_ORIG = 0, SIDE_RESP = 1, SIDE_COUNT };

struct connection_view {
	/* The endpoint of each side; NULL when that side was not seen. */
	const struct conn_view *half[SIDE_COUNT];
	uint64_t id; /* the smallest id of its endpoints */
	uint8_t family;
	uint8_t addr[SIDE_COUNT][16];
	uint16_t port[SIDE_COUNT];
	bool direction_known;	   /* false: who opened was guessed from the ports */
	uint64_t start_rt, end_rt; /* realtime ns of the first and last event */
	uint64_t first_rt;	   /* realtime of the run's first event: START's zero */
	bool open;		   /* a side was still open when the trace ended */
	enum outcome outcome;	   /* a connection outcome (connection_outcome_ok) */
	enum zeek_state zstate;
	enum verdict verdict; /* the worst of its halves' */
	const char *history;  /* Zeek-style letters of the better-seen side */
	bool bytes_known[SIDE_COUNT];
	uint64_t bytes[SIDE_COUNT]; /* payload bytes each side sent, the kernel's count */
	bool rtt_known;
	uint64_t rtt_us;      /* the originator's smoothed RTT, else the responder's */
	uint64_t retransmits; /* both sides' */
};

/* Builds the connection of one or two endpoints (b may be NULL; a and b
 * are the two local halves of one connection).  The views must outlive
 * cv. */
void connection_build(struct connection_view *cv, const struct conn_view *a,
		      const struct conn_view *b);

/* Whether o is an outcome a connection can have: reset_orig and
 * reset_resp replace an endpoint's reset_local and reset_remote. */
bool connection_outcome_ok(enum outcome o);

/* The endpoint whose trace the connection is reported from (its host and
 * trace id): the originator's when seen, else the responder's. */
const struct conn_view *connection_home(const struct connection_view *cv);

/* "both", "orig" or "resp". */
const char *connection_seen_name(const struct connection_view *cv);

#endif /* ANALYZE_CONNECTION_H */
