// SPDX-License-Identifier: BSD-2-Clause
/*
 * analyzer.c - the reader loop.  Several files are merged by wall-clock time
 * (each file's clock anchors convert its event times), one event of
 * look-ahead per file.  Damaged blocks are counted and skipped, a truncated
 * file ends its input, and everything recovered is still analysed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer_state.h"
#include "dispatch.h"
#include "expire.h"
#include "finalise.h"
#include "inputset.h"
#include "safestr.h"
#include "shard.h"
#include "shard_events.h"

static void warn(const struct analyzer *a, const struct input *in, const struct trc_error *e,
		 int st)
{
	if (a->diag && a->diag->warn)
		a->diag->warn(a->diag->arg, in->name, e, st);
}

/* A recording goes on after its last event until it is stopped: what is
 * still open was open until then (a rotated file's recording went on in
 * the next file).  The trailer's stop time, on the trace
 * clock, ends the trace unless the source was an import (its stop time
 * is when the import ran, not when the capture ended). */
static void extend_to_stop(struct input *in)
{
	const struct trc_trailer *tr = trc_reader_trailer(in->r);
	int64_t stop;

	if (!tr || !tr->end_realtime_ns || tr->end_reason == TRC_END_EOF ||
	    tr->end_reason == TRC_END_UNKNOWN || tr->end_reason == TRC_END_ROTATED ||
	    __builtin_sub_overflow((int64_t)(tr->end_realtime_ns & INT64_MAX), in->rt_off, &stop))
		return;
	if (stop > 0 && (uint64_t)stop > in->last_t)
		in->last_t = (uint64_t)stop;
}

/* Reads the next event of one input into its look-ahead slot. */
static void advance(struct analyzer *a, struct input *in)
{
	const struct trc_conn *conn = NULL;
	struct trc_error *e = &in->err;
	enum trc_status st;

	/* The reader writes e only on errors: clearing its 280 bytes for
	 * every event showed in profiles, so it is cleared after use. */
	if (in->err_used) {
		memset(e, 0, sizeof(*e));
		in->err_used = false;
	}
	if (in->run) {
		if (++in->run_i < in->run->n)
			return;
		in->run = NULL;
		if (!in->run_only)
			return; /* the event after the run */
	}
	in->has = false;
	while (!in->done) {
		st = trc_reader_next(in->r, &in->ev, &conn, e);
		/* Only a shard's reader skips (shard_wants()). */
		if (a->shard && (st == TRC_OK || st == TRC_SKIPPED)) {
			in->run = trc_reader_skipped(in->r);
			in->run_i = 0;
			in->run_only = st == TRC_SKIPPED;
		}
		if (st == TRC_SKIPPED) {
			in->has = true;
			in->has_conn = false;
			return;
		}
		if (st == TRC_OK) {
			in->has = true;
			in->has_conn = conn != NULL;
			in->conn = conn;
			/* With one file the event is used before the next read;
			 * with several, other files are read in between. */
			if (conn && a->n > 1) {
				in->copy = *conn;
				in->conn = &in->copy;
			}
			return;
		}
		in->err_used = true;
		if (st == TRC_CORRUPT) {
			a->sum->corrupt_blocks++;
			warn(a, in, e, st);
			expire_mark_all(a, INC_CORRUPT, a->now_rt, a->sum->events);
			a->corrupt_pending = true;
			continue;
		}
		in->done = true;
		if (st == TRC_EOF)
			extend_to_stop(in);
		if (st == TRC_TRUNCATED) {
			a->sum->truncated++;
			in->truncated = true;
			warn(a, in, e, st);
		} else if (st != TRC_EOF) {
			a->sum->io_error = -EIO;
			warn(a, in, e, st);
		}
		if (inputset_next(a, in)) /* the next file of a rotated set */
			in->done = false;
	}
}

/* The time and type of an input's look-ahead event. */
static uint64_t input_t(const struct input *in)
{
	return in->run ? in->run->t_ns[in->run_i] : in->ev.t_ns;
}

static uint32_t input_type(const struct input *in)
{
	return in->run ? in->run->type[in->run_i] : in->ev.type;
}

static struct input *earliest(struct analyzer *a)
{
	struct input *best = NULL;
	uint64_t best_rt = 0;

	for (int i = 0; i < a->n; i++) {
		struct input *in = &a->in[i];
		uint64_t t;

		if (!in->has)
			continue;
		t = input_t(in) + (uint64_t)in->rt_off;
		if (!best || t < best_rt) {
			best = in;
			best_rt = t;
		}
	}
	return best;
}

static void account(struct analyzer *a, struct input *in)
{
	struct analyzer_summary *s = a->sum;

	uint64_t t = input_t(in);
	uint32_t type = input_type(in);

	a->now_rt = t + (uint64_t)in->rt_off;
	s->events++;
	if (type <= TRC_EV_TYPE_MAX)
		s->events_by_type[type]++;
	if (!s->t_first_ns)
		s->t_first_ns = a->now_rt;
	s->t_last_ns = a->now_rt;
	if (!in->first_t)
		in->first_t = t;
	in->last_t = t;
	if (in->gap_pending)
		inputset_gap_end(a, in);
	if (a->corrupt_pending) {
		/* Endpoints first seen right after a skipped block may have
		 * lost their beginning in it. */
		a->corrupt_until_rt = a->now_rt + 1000000000ull;
		a->corrupt_pending = false;
	}
}

static int loop(struct analyzer *a)
{
	struct input *in;
	int rc;

	for (int i = 0; i < a->n; i++)
		advance(a, &a->in[i]);
	while (!a->err && (in = earliest(a))) {
		if (in->run && shard_pass_quiet(a, in)) {
			advance(a, in);
			continue;
		}
		account(a, in);
		if (a->sink->event &&
		    (!in->has_conn || analyzer_filter_decl(&a->opts->filter, in->conn))) {
			rc = a->sink->event(a->sink->arg, in->hdr, &in->ev,
					    in->has_conn ? in->conn : NULL);
			if (rc < 0)
				a->err = rc;
		}
		if (!a->shard) {
			dispatch_event(a, in);
			expire_due(a);
		} else {
			shard_take_event(a, in);
		}
		advance(a, in);
	}
	finalise_at_end(a);
	if (a->shard)
		shard_finish(a->shard, a->sum->events);
	for (int i = 0; i < a->n; i++) {
		struct trc_reader_stats st;

		trc_reader_get_stats(a->in[i].r, &st);
		a->sum->bytes_skipped += st.bytes_skipped;
	}
	return a->err;
}

/* The file's name and header strings as every output may print them: a
 * host name or path from another machine may be invalid UTF-8 (which a
 * JSON document cannot hold) or carry terminal escapes. */
int analyzer_printable_input(struct input *in, const char *name, const struct trc_header *h)
{
	size_t room = SAFESTR_LEN(strlen(name));
	struct trc_header *s = &in->safe_hdr;

	in->name_buf = malloc(room);
	if (!in->name_buf)
		return -ENOMEM;
	in->name = safestr(name, in->name_buf, room);
	*s = *h;
#define PRINTABLE(f) safestr(h->f, s->f, sizeof(s->f))
	PRINTABLE(tool_version);
	PRINTABLE(hostname);
	PRINTABLE(kernel_release);
	PRINTABLE(machine);
	PRINTABLE(source);
	PRINTABLE(probes);
	PRINTABLE(filters);
	PRINTABLE(options);
#undef PRINTABLE
	in->hdr = s;
	return 0;
}

static bool segment_only(const struct trc_header *h)
{
	return !strncmp(h->source, "pcap", 4);
}

static void set_live(struct analyzer *a, struct analyzer_live *live)
{
	a->live = live;
	a->grace_ns = live ? live->grace_ns : ANALYZER_GRACE_NS;
	a->grace_tw_ns = live ? live->grace_ns : ANALYZER_GRACE_TW_NS;
	if (live)
		live->a = a;
}

void analyzer_live_idle(struct analyzer_live *live, uint64_t wall_ns)
{
	struct analyzer *a = live->a;

	/* Before the first event the trace has no time to move on from. */
	if (!a || a->err || !a->now_rt || wall_ns < live->lag_ns ||
	    wall_ns - live->lag_ns <= a->now_rt)
		return;
	a->now_rt = wall_ns - live->lag_ns;
	expire_due(a);
}

int analyzer_run_readers(struct trc_reader **readers, const char *const *names, int n,
			 const struct analyzer_opts *opts, const struct analyzer_sink *sink,
			 const struct analyzer_diag *diag, struct analyzer_summary *sum)
{
	struct analyzer a = {
		.opts = opts, .sink = sink, .diag = diag, .sum = sum, .shard = opts->shard
	};
	struct inputset_arrangement ar;
	int rc = 0;

	memset(sum, 0, sizeof(*sum));
	/* A shard has no use for the other shards' events but their times.
	 * (A parallel run has no event sink, which would want them all.) */
	for (int i = 0; a.shard && i < n; i++)
		trc_reader_want_conns(readers[i], shard_wants, a.shard);
	/* Files of one rotated recording are one input (inputset.h). */
	if (inputset_arrange(readers, names, n, diag, &ar) < 0)
		return -ENOMEM;
	a.n = ar.n;
	a.in = calloc((size_t)(a.n ? a.n : 1), sizeof(*a.in));
	a.tab = conn_table_new();
	if (!a.in || !a.tab || tw_reported_init(&a.tw_reported)) {
		free(a.in);
		conn_table_free(a.tab);
		inputset_arrangement_free(&ar);
		return -ENOMEM;
	}
	set_live(&a, opts->live);
	for (int i = 0; i < a.n && rc >= 0; i++) {
		struct input *in = &a.in[i];

		in->r = ar.readers[i];
		in->set = ar.sets[i];
		rc = analyzer_printable_input(in, ar.names[i], trc_reader_header(in->r));
		if (rc < 0)
			break;
		in->rt_off = (int64_t)(in->hdr->anchor_realtime_ns - in->hdr->anchor_clock_ns);
		in->dual = segment_only(in->hdr);
		if (sink->header)
			rc = sink->header(sink->arg, in->name, in->hdr);
		if (rc >= 0 && sink->header)
			rc = inputset_headers(in->set, sink);
	}
	if (rc >= 0 && a.shard) {
		shard_attach(a.shard, a.tab);
		shard_ready(a.shard);
	}
	if (rc >= 0)
		rc = loop(&a);
	if (rc >= 0 && sink->summary)
		rc = sink->summary(sink->arg, sum);
	if (opts->live)
		opts->live->a = NULL;
	tw_reported_fini(&a.tw_reported);
	conn_table_free(a.tab);
	for (int i = 0; i < a.n; i++)
		free(a.in[i].name_buf);
	free(a.in);
	inputset_arrangement_free(&ar);
	if (rc >= 0 && sum->io_error)
		rc = sum->io_error;
	return rc;
}

int analyzer_run(const char *const *paths, int npaths, const struct analyzer_opts *opts,
		 const struct analyzer_sink *sink, const struct analyzer_diag *diag,
		 struct analyzer_summary *sum)
{
	struct trc_reader **r = calloc((size_t)npaths, sizeof(*r));
	int rc = 0;

	if (!r)
		return -ENOMEM;
	for (int i = 0; i < npaths; i++) {
		struct trc_error e = { 0 };

		r[i] = trc_reader_open_file(paths[i], &e);
		if (!r[i]) {
			if (diag && diag->warn)
				diag->warn(diag->arg, paths[i], &e,
					   e.code > 0 ? e.code : TRC_IOERR);
			rc = e.code == TRC_UNSUPPORTED ? -ENOTSUP : -EINVAL;
			break;
		}
	}
	if (!rc)
		rc = analyzer_run_readers(r, paths, npaths, opts, sink, diag, sum);
	for (int i = 0; i < npaths; i++)
		trc_reader_close(r[i]);
	free(r);
	return rc;
}
