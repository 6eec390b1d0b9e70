/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * analyzer_state.h - the state of one analysis run (its inputs and the
 * analyzer), shared by the analysis loop (analyzer.c) and the per-event
 * dispatch (dispatch.c), expiry (expire.c) and finalisation (finalise.c);
 * not used by outputs.
 */
#ifndef ANALYZE_ANALYZER_STATE_H
#define ANALYZE_ANALYZER_STATE_H

#include "analyzer.h"
#include "tw_reported.h"

/* How long a closed endpoint waits for late records before it is
 * finalised.  Every endpoint waits for a LOST record that may still name a
 * range reaching back over it: recorders read their loss counters at
 * least once a second, so 2 s covers that interval and a late drain
 * (--follow, which counts on tcprec's 100 ms, waits less: follow.h).  One whose
 * timewait socket is expected also waits for its (polled, every 100 ms)
 * TIME_WAIT enter, which the same bound covers.  Memory: endpoints closed
 * in the last 2 s of trace time. */
#define ANALYZER_GRACE_NS    2000000000ull /* queue 0 */
#define ANALYZER_GRACE_TW_NS 2000000000ull /* queue 1 */
/* Queue 2: endpoints whose TIME_WAIT exit ended them, ordered by that
 * exit; they wait ANALYZER_GRACE_NS from it for a late LOST record. */
#define ANALYZER_QUEUE_ENDED 2
/* A closed endpoint that no event reached for this long is frozen
 * (conn.h): long enough for the events that follow a close closely
 * (retransmissions, the TIME_WAIT socket's exit in compressed traces),
 * short against the grace period, so held endpoints stay compact. */
#define ANALYZER_FREEZE_NS 100000000ull
/* Frozen in batches of up to this many, this often (expire.c). */
#define ANALYZER_FREEZE_BATCH	 64
#define ANALYZER_FREEZE_EVERY_NS 5000000ull
/* An endpoint first seen up to this long after a gap's recorded end may
 * still miss its beginning: a handshake whose SYN-ACK fell in the gap
 * creates the child socket only at the final ACK, and the ring buffer is
 * drained after the loss counters are read. */
#define ANALYZER_LOST_SLACK_NS 1000000000ull
/* A flow is adopted by a socket that appears at most this long after the
 * flow's last segment (the SYN to a listener precedes the child socket). */
#define ANALYZER_ADOPT_NS 10000000000ull

struct input {
	struct trc_reader *r;
	const char *name; /* printable (safestr.h): name_buf or the path */
	char *name_buf;
	const struct trc_header *hdr; /* &safe_hdr */
	struct trc_header safe_hdr;   /* the file's header, strings printable */
	int64_t rt_off;		      /* realtime - trace time */
	bool dual;		      /* segment-only source: replay both endpoints */
	bool has, done;
	struct trc_event ev;
	struct trc_conn copy;	     /* the reader's pointer is short-lived ... */
	const struct trc_conn *conn; /* ... so with several files this points at copy */
	bool has_conn;
	/* Non-NULL: the look-ahead is event run_i of this run of skipped
	 * events (a shard's reader skips the other shards' connections),
	 * and ev comes after the run unless run_only. */
	const struct trc_skipped_run *run;
	uint32_t run_i;
	bool run_only;
	uint64_t first_t, last_t; /* trace time of the first/last event; at the
				   * end, last_t is when the recording stopped */
	bool truncated;
	struct trc_error err; /* the reader's last error, zeroed before reuse */
	bool err_used;
	struct inputset *set; /* the rest of a rotated recording (inputset.h), or NULL */
	bool gap_pending;     /* files of the set were missing before this event */
};

struct analyzer {
	struct conn_table *tab;
	struct shard *shard;		  /* NULL unless one shard of a parallel run */
	const struct analyzer_live *live; /* NULL unless following */
	uint64_t grace_ns, grace_tw_ns;	  /* ANALYZER_GRACE_*, or live->grace_ns */
	struct tw_reported tw_reported;	  /* --follow: reported in TIME_WAIT */
	struct input *in;
	int n;
	const struct analyzer_opts *opts;
	const struct analyzer_sink *sink;
	const struct analyzer_diag *diag;
	struct analyzer_summary *sum;
	uint64_t now_rt;
	uint64_t next_freeze_rt; /* freeze_cold() runs again from then */
	uint64_t next_due_rt;	 /* no queued endpoint is due before (expire.c) ... */
	uint64_t due_changes;	 /* ... unless the queues changed since */
	uint64_t lost_until_rt;
	bool corrupt_pending;
	uint64_t corrupt_until_rt;
	int err; /* first sink error */
	/* Marking every live endpoint for each LOST record or skipped block
	 * costs O(live); a trace of a million such records and a million
	 * open connections would cost 10^12.  The walks are paid for out of a
	 * budget proportional to the events read; past it a mark is recorded
	 * as a sequence number and applied when each endpoint is reported:
	 * those created before it are marked, whatever their close time.
	 * That is coarser (a gap after an endpoint closed still marks it),
	 * and only traces with that many gaps get it. */
	uint64_t mark_seq;	 /* marks made so far */
	uint64_t mark_work;	 /* endpoints visited by walks */
	uint64_t coarse_lost;	 /* mark_seq of the last LOST mark not walked */
	uint64_t coarse_corrupt; /* likewise for skipped blocks */
};

/* Trace time t of endpoint c's file as realtime. */
static inline uint64_t endpoint_rt(const struct analyzer *a, const struct conn *c, uint64_t t)
{
	return t + (uint64_t)a->in[c->file].rt_off;
}

/* Fills in's name and header as every output may print them (analyzer.c). */
int analyzer_printable_input(struct input *in, const char *name, const struct trc_header *h);

#endif /* ANALYZE_ANALYZER_STATE_H */
