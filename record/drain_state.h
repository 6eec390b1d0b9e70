/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drain_state.h - the drain's state and limits, data only: shared by the
 * drain (drain.c) and its connection bookkeeping (drain_conn.c), which
 * must not include each other's entry points.
 */
#ifndef TCPREC_DRAIN_STATE_H
#define TCPREC_DRAIN_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conntab.h"
#include "drain_child.h"
#include "events.h"
#include "trc.h"

/* A closed connection that did not enter TIME_WAIT is released this long
 * after its CLOSE transition, and, when TIME_WAIT is polled and its close
 * could have entered it, not before a walk that started after the close
 * (drain_tw_walked()): walks are spaced by their cost (TW_POLL_BUDGET), on
 * a busy host seconds apart, and a connection released before the walk
 * that saw its timewait socket had that enter written as a connection of
 * its own.  Flows without a socket go after this much silence.  Every
 * held connection costs a slot in the drain's and the writer's tables: at
 * 10,000 connections a second, a second of linger is 20,000 sockets. */
#define DRAIN_CLOSE_LINGER_NS (1ull * 1000000000)
#define DRAIN_FLOW_IDLE_NS    (5ull * 1000000000)
#define DRAIN_PENDING_MAX_NS  (1ull * 1000000000)
#define DRAIN_TW_MAX_NS	      (180ull * 1000000000)
/* Records handled by one drain_consume() call at most.  libbpf's
 * ring_buffer__consume() returns only once the buffer is empty, which
 * under a steady load may be never: the event loop's timers (chunk
 * flush, lost counters, TIME_WAIT) starved and a kill -9 lost seconds of
 * events still in the writer's chunk.  About 2 ms of work. */
#define DRAIN_BATCH 8192
/* A chunk is flushed once its first event is this old; the check runs
 * every TIME_WAIT poll interval (100 ms), so an event is on disk within
 * about 0.35 s of its time: tcpana --follow reports a connection within
 * a second of its close (analyze/follow.h; docs/tcprec.8). */
#define DRAIN_FLUSH_NS (250ull * 1000000)

struct ring_buffer;

struct drain_stats {
	uint64_t by_type[TRC_EV_TYPE_MAX + 1]; /* trace events written, by trc type */
	uint64_t written;		       /* all trace events written */
	uint64_t malformed;		       /* records rejected by ev_decode() */
	uint64_t lost;			       /* ring buffer reservations that failed */
	uint64_t tw_candidates;		       /* transitions that may enter TIME_WAIT */
	uint64_t snapshot_skipped;	       /* snapshot records of sockets already seen live */
};

struct drain {
	struct trc_writer *w;
	struct conntab *ct;
	uint64_t max_events;	/* -c; 0 = unlimited */
	int done;		/* -c reached: further events are not written */
	int werr;		/* first fatal writer error (-errno), 0 if none */
	struct ring_buffer *rb; /* drained by drain_consume(); NULL until attached */
	unsigned int batch;	/* records handled in the current drain_consume() */
	int yielded;		/* the batch limit ended the current consume */
	uint64_t last_t_ns;	/* time of the last event appended (BPF clock) */
	uint64_t t_offset_ns;	/* added to every time written: BPF clock -> header clock */
	struct drain_stats st;
	struct trc_writer_stats ws_final; /* writer totals kept after it closed */
	/* Lost-event counters. */
	int lost_fd;
	unsigned int ncpu;
	uint64_t *lost_prev; /* per CPU, as last read; read ten times a second ... */
	uint64_t *lost_now;  /* ... into this, the second half of its allocation */
	uint64_t lost_since_ns;
	uint64_t malformed_reported;
	/* Start of the last TIME_WAIT walk whose enters were written, 0
	 * before the first; UINT64_MAX when TIME_WAIT is not polled. */
	uint64_t tw_walked_ns;
	struct dchild_table children; /* passive children's first transitions */
};

/* Whether a transition may hand its socket over to a timewait socket:
 * tcp_time_wait() ends with tcp_done(), a transition to CLOSE from
 * FIN_WAIT2 or CLOSING (FIN_WAIT1 too, to be safe). */
static inline bool drain_tw_candidate(uint8_t old_state, uint8_t new_state)
{
	return new_state == TRC_TCP_CLOSE &&
	       (old_state == TRC_TCP_FIN_WAIT1 || old_state == TRC_TCP_FIN_WAIT2 ||
		old_state == TRC_TCP_CLOSING);
}

#endif /* TCPREC_DRAIN_STATE_H */
