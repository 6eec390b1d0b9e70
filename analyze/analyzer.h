/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * analyzer.h - the streaming analysis loop: reads one or more traces in
 * time order through the format library, feeds every event to its endpoint
 * (replay, classification), finalises each endpoint once it is closed,
 * hands each connection (its one or two endpoints, connection.h) to an
 * output sink, then reports a summary.
 */
#ifndef ANALYZE_ANALYZER_H
#define ANALYZE_ANALYZER_H

#include <stdbool.h>
#include <stdint.h>

#include "classify.h"
#include "conn.h"
#include "conn_view.h"
#include "connection.h"
#include "durations.h"
#include "filter.h"
#include "replay.h"
#include "verdict.h"
#include "trc.h"

struct analyzer_summary {
	uint64_t connections;	    /* connections reported (after filters) */
	uint64_t connections_total; /* connections analysed */
	uint64_t listeners;	    /* listening sockets reported (rows, not connections) */
	uint64_t endpoints;	    /* endpoints of the reported connections */
	uint64_t endpoints_total;   /* endpoints analysed */
	uint64_t events;
	uint64_t events_by_type[TRC_EV_TYPE_MAX + 1];
	uint64_t lost_events; /* sum of lost-event counts */
	uint64_t lost_records;
	uint64_t truncated;	/* input files that ended inside a block */
	uint64_t files_missing; /* files missing inside a rotated set (inputset.h) */
	uint64_t corrupt_blocks;
	uint64_t bytes_skipped;
	uint64_t by_outcome[OUT_COUNT]; /* of connections */
	uint64_t by_verdict[VERDICT_COUNT];
	uint64_t t_first_ns, t_last_ns; /* realtime of first/last event, 0 if none */
	uint64_t peak_live;		/* most endpoints held at once */
	int io_error;			/* a file failed to read part-way (-errno) */
};

struct analyzer_sink {
	/* Called once per input file after its header was read. */
	int (*header)(void *arg, const char *path, const struct trc_header *hdr);
	/* Every event in time order (--replay), after the host/port filter. */
	int (*event)(void *arg, const struct trc_header *hdr, const struct trc_event *ev,
		     const struct trc_conn *conn);
	/* Every connection once its endpoints were finalised. */
	int (*conn)(void *arg, const struct connection_view *cv);
	int (*summary)(void *arg, const struct analyzer_summary *s);
	void *arg;
};

/* --follow: the input is being written while it is read.  While the
 * input is quiet its medium calls analyzer_live_idle() with the wall
 * clock, so closed connections are reported without waiting for the
 * next event. */
struct analyzer_live {
	/* How far behind the wall clock the newest readable event may be:
	 * the recorder's ring buffer drain and chunk flush intervals. */
	uint64_t lag_ns;
	/* How long a closed endpoint waits for a late LOST record (replaces
	 * ANALYZER_GRACE_NS, which allows for recorders that read their loss
	 * counters once a second). */
	uint64_t grace_ns;
	struct analyzer *a; /* set while analyzer_run_readers() runs */
};

struct shard;

struct analyzer_opts {
	bool keep_segments; /* build the per-segment list (--segments) */
	struct analyzer_filter filter;
	struct analyzer_live *live; /* NULL unless following */
	struct shard *shard;	    /* NULL unless one shard of a parallel run (shard.h) */
};

/* Moves the analysis to wall_ns (realtime) less live->lag_ns, when that
 * is later than the last event read, and reports what that finalises.
 * Call only from the input's medium, while analyzer_run_readers() waits
 * on it. */
void analyzer_live_idle(struct analyzer_live *live, uint64_t wall_ns);

/* Statuses of analyzer_diag.warn besides enum trc_status: files of a
 * rotated set missing in its middle (damage: their events are lost), and
 * a note that a set starts after file 0 (a ring overwrote its first
 * files: not damage).  err->msg says which. */
enum analyzer_diag_kind {
	ANALYZER_DIAG_SET_GAP = 100,
	ANALYZER_DIAG_NOTE = 101,
};

/* Problems are reported through this (files that cannot be opened, read
 * errors, corrupt blocks); analysis continues where it can. */
struct analyzer_diag {
	void (*warn)(void *arg, const char *path, const struct trc_error *err, int status);
	void *arg;
};

/* Analyses the traces.  Returns 0, or -errno: -EINVAL/-ENOTSUP when a file
 * is not a readable trace (nothing was analysed), -EIO when a file failed
 * part-way (everything read was still reported), or a sink's error. */
int analyzer_run(const char *const *paths, int npaths, const struct analyzer_opts *opts,
		 const struct analyzer_sink *sink, const struct analyzer_diag *diag,
		 struct analyzer_summary *sum);

/* The same on already opened readers (tests feed memory). */
int analyzer_run_readers(struct trc_reader **readers, const char *const *names, int n,
			 const struct analyzer_opts *opts, const struct analyzer_sink *sink,
			 const struct analyzer_diag *diag, struct analyzer_summary *sum);

#endif /* ANALYZE_ANALYZER_H */
