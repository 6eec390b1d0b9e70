/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drain.h - turns BPF records into trace events: validates each record,
 * maps sockets (cookie) and flows (tuple + netns) to trace connections,
 * releases connections that can get no more events, and writes lost-event
 * gap records from the per-CPU counters.
 */
#ifndef TCPREC_DRAIN_H
#define TCPREC_DRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "conntab.h"
#include "drain_child.h"
#include "events.h"
#include "trc.h"

/* A closed connection that did not enter TIME_WAIT is released this long
 * after its CLOSE transition (a polled TIME_WAIT enter comes within one
 * poll interval, 100 ms, ten times over); flows without a socket after
 * this much silence.  Every held connection costs a slot in the drain's
 * and the writer's tables: at 10,000 connections a second, a second of
 * linger is 20,000 sockets. */
#define DRAIN_CLOSE_LINGER_NS (1ull * 1000000000)
#define DRAIN_FLOW_IDLE_NS (5ull * 1000000000)
#define DRAIN_PENDING_MAX_NS (1ull * 1000000000)
#define DRAIN_TW_MAX_NS (180ull * 1000000000)

struct drain_stats {
	uint64_t by_type[TRC_EV_TYPE_MAX + 1]; /* trace events written, by trc type */
	uint64_t written;                      /* all trace events written */
	uint64_t malformed;                    /* records rejected by ev_decode() */
	uint64_t lost;                         /* ring buffer reservations that failed */
	uint64_t tw_candidates;                /* transitions that may enter TIME_WAIT */
};

struct drain {
	struct trc_writer *w;
	struct conntab *ct;
	uint64_t max_events; /* -c; 0 = unlimited */
	int done;            /* -c reached: further events are not written */
	int werr;            /* first fatal writer error (-errno), 0 if none */
	uint64_t last_t_ns;  /* time of the last event appended (BPF clock) */
	uint64_t t_offset_ns; /* added to every time written: BPF clock -> header clock */
	struct drain_stats st;
	struct trc_writer_stats ws_final; /* writer totals kept after it closed */
	/* Lost-event counters. */
	int lost_fd;
	unsigned int ncpu;
	uint64_t *lost_prev;
	uint64_t lost_since_ns;
	uint64_t malformed_reported;
	struct dchild_table children; /* passive children's first transitions */
};

/* All times given to the drain are on the BPF clock (CLOCK_MONOTONIC);
 * t_offset_ns converts them to the header's clock when written.
 * Returns 0 or -errno. */
int drain_init(struct drain *d, struct trc_writer *w, uint64_t max_events, uint64_t t_offset_ns,
	       uint64_t now_ns);

/* Starts reading the per-CPU lost-event counters in map lost_fd. */
int drain_set_lost_fd(struct drain *d, int lost_fd);
void drain_fini(struct drain *d);

/* ring_buffer_sample_fn: 0, or the fatal writer error. */
int drain_sample(void *ctx, void *data, size_t size);

/* Start-up snapshot record (EV_SOCK, EV_KIND_SNAPSHOT) at t_ns. */
int drain_snapshot(struct drain *d, const struct ev_sock_event *rec, uint64_t t_ns);

/* TIME_WAIT enter/exit of the socket with this cookie (tuple used when
 * the connection is not known yet). */
int drain_timewait(struct drain *d, uint64_t cookie, const struct ev_tuple *tuple,
		   enum trc_tw_phase phase, uint64_t t_ns, enum trc_tw_precision precision,
		   uint64_t precision_ns);

/* Once a second: lost-event and malformed gap records, releasing
 * finished connections, the writer's flush tick. */
int drain_tick(struct drain *d, uint64_t now_ns);

#endif /* TCPREC_DRAIN_H */
