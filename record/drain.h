/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drain.h - turns BPF records into trace events: validates each record,
 * maps sockets (cookie) and flows (tuple + netns) to trace connections,
 * releases connections that can get no more events, and writes lost-event
 * gap records from the per-CPU counters.
 */
#ifndef TCPREC_DRAIN_H
#define TCPREC_DRAIN_H

#include <stdint.h>

#include "drain_state.h"
#include "events.h"
#include "trc.h"

/* All times given to the drain are on the BPF clock (CLOCK_MONOTONIC);
 * t_offset_ns converts them to the header's clock when written.
 * Returns 0 or -errno. */
int drain_init(struct drain *d, struct trc_writer *w, uint64_t max_events, uint64_t t_offset_ns,
	       uint64_t now_ns);

void drain_fini(struct drain *d);

/* ring_buffer_sample_fn: 0, the fatal writer error, or -EAGAIN when
 * DRAIN_BATCH records were handled in this drain_consume() call. */
int drain_sample(void *ctx, void *data, size_t size);

/* Drains d->rb: what is there now, at most DRAIN_BATCH records (the rest
 * waits for the next call; the ring buffer's fd stays readable).  Returns
 * 0 or the fatal error (also kept in d->werr). */
int drain_consume(void *d);

/* An iterwalk_pump function (ctx = d): drains batch after batch until the
 * ring buffer is empty, at most DRAIN_PUMP_BATCHES.  During a walk no
 * timer waits, and the ring buffer is what loses data when it falls
 * behind; the walk can wait. */
#define DRAIN_PUMP_BATCHES 64
int drain_pump(void *d);

/* Flushes the writer's chunk when its first event is DRAIN_FLUSH_NS old. */
int drain_flush_due(struct drain *d, uint64_t now_ns);

/* Start-up snapshot record (EV_SOCK, EV_KIND_SNAPSHOT) at t_ns.  Returns
 * 0 when written, 1 when skipped (a transition of that socket was drained
 * during the walk), or the fatal error. */
int drain_snapshot(struct drain *d, const struct ev_sock_event *rec, uint64_t t_ns);

/* Writes a socket event (from the ring buffer or a walk) as the trace's
 * SOCK record, on its socket's connection: kind, keys and flags are
 * already the format's numbers (trc_sock.h).  0 or the writer's error. */
int drain_sock_fields(struct drain *d, const struct ev_sock_fields *r);

/* TIME_WAIT is polled (tw_poll.h) and every socket that was in
 * TIME_WAIT when a walk started at walk_start_ns has had its enter event:
 * a connection that closed before then and did not enter TIME_WAIT never
 * will.  Until this is called, enters are taken to come from the kernel as
 * they happen; UINT64_MAX says so again (polling stopped). */
void drain_tw_walked(struct drain *d, uint64_t walk_start_ns);

/* TIME_WAIT enter/exit of the socket with this cookie (tuple used when
 * the connection is not known yet). */
int drain_timewait(struct drain *d, uint64_t cookie, const struct ev_tuple *tuple,
		   enum trc_tw_phase phase, uint64_t t_ns, enum trc_tw_precision precision,
		   uint64_t precision_ns);

/* Once a second: the loss check (drain_lost.h), releasing finished
 * connections, the writer's flush tick. */
int drain_tick(struct drain *d, uint64_t now_ns);

#endif /* TCPREC_DRAIN_H */
