// SPDX-License-Identifier: BSD-2-Clause
/*
 * parallel.c - tcpana -j (parallel.h): a worker thread per shard, each
 * running the analysis of every file as one shard (shard.h), while the
 * calling thread coordinates them (coord.h); then the summary of all.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "coord.h"
#include "parallel.h"

struct worker {
	pthread_t tid;
	bool started;
	struct shard shard;
	struct out_ctx out; /* renders rows as the real output would */
	struct analyzer_opts opts;
	struct analyzer_sink sink;
	struct analyzer_summary sum;
	int rc;
	const char *const *paths;
	int npaths;
	const struct analyzer_diag *diag;
};

struct run {
	struct coord k;
	struct worker *w;
};

bool parallel_possible(const char *const *paths, int npaths, const struct analyzer_opts *opts,
		       const struct analyzer_sink *sink, const struct out_ctx *o)
{
	struct stat st;

	if (opts->live || sink->event || !o->render || !o->accept)
		return false;
	for (int i = 0; i < npaths; i++)
		if (!strcmp(paths[i], "-") || stat(paths[i], &st) || !S_ISREG(st.st_mode))
			return false;
	return true;
}

/* A worker's header callback: the real sink's (worker 0 only). */
static int worker_header(void *arg, const char *path, const struct trc_header *hdr)
{
	const struct analyzer_sink *real = ((struct shard *)arg)->header_sink;

	return real->header(real->arg, path, hdr);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shard_chan *ch = w->shard.ch;

	w->rc = analyzer_run(w->paths, w->npaths, &w->opts, &w->sink, w->diag, &w->sum);
	if (!atomic_load_explicit(&ch->finished, memory_order_acquire)) {
		/* Failed before the end: nothing more will come. */
		atomic_store_explicit(&w->shard.sh->abort, true, memory_order_release);
		atomic_store_explicit(&ch->finished, true, memory_order_release);
	}
	return NULL;
}

/* The out_ctx a worker renders rows with: o's mode and options, its own
 * buffer, nothing written. */
static void render_ctx(struct out_ctx *w, const struct out_ctx *o)
{
	*w = (struct out_ctx){
		.segments = o->segments,
		.flat = o->flat,
		.wide = o->wide,
		.colour = o->colour,
		.time_style = o->time_style,
		.paths = o->paths,
		.npaths = o->npaths,
		.render = o->render,
		.accept = o->accept,
	};
	w->rows.sort = o->rows.sort;
}

static int start_worker(struct run *r, unsigned int v, const char *const *paths, int npaths,
			const struct analyzer_opts *opts, const struct analyzer_sink *sink,
			const struct analyzer_diag *diag)
{
	struct worker *w = &r->w[v];

	render_ctx(&w->out, r->k.o);
	if (shard_init(&w->shard, &r->k.sh, v, &w->out) < 0)
		return -ENOMEM;
	w->opts = *opts;
	w->opts.shard = &w->shard;
	/* Worker 0 gives the headers to the real sink and warns; the others
	 * read the same files and stay quiet. */
	w->sink = (struct analyzer_sink){
		.header = v == 0 && sink->header ? worker_header : NULL,
		.conn = shard_row,
		.arg = &w->shard,
	};
	w->shard.header_sink = sink;
	w->diag = v == 0 ? diag : NULL;
	w->paths = paths;
	w->npaths = npaths;
	if (pthread_create(&w->tid, NULL, worker_main, w))
		return -EAGAIN;
	w->started = true;
	return 0;
}

/* The summary of the whole run: what every worker read alike (events,
 * damage) from worker 0, the connections of each shard added up. */
static void merge_summary(const struct run *r, struct analyzer_summary *sum)
{
	*sum = r->w[0].sum;
	sum->connections = sum->connections_total = sum->listeners = 0;
	sum->endpoints = sum->endpoints_total = 0;
	memset(sum->by_outcome, 0, sizeof(sum->by_outcome));
	memset(sum->by_verdict, 0, sizeof(sum->by_verdict));
	for (unsigned int v = 0; v < r->k.n; v++) {
		const struct analyzer_summary *s = &r->w[v].sum;

		sum->connections += s->connections;
		sum->connections_total += s->connections_total;
		sum->listeners += s->listeners;
		sum->endpoints += s->endpoints;
		sum->endpoints_total += s->endpoints_total;
		for (int i = 0; i < OUT_COUNT; i++)
			sum->by_outcome[i] += s->by_outcome[i];
		for (int i = 0; i < VERDICT_COUNT; i++)
			sum->by_verdict[i] += s->by_verdict[i];
	}
	sum->peak_live = r->k.peak;
}

/* Worker 0's status, unless another failed otherwise (out of memory). */
static int workers_status(const struct run *r)
{
	int rc = r->w[0].rc;

	for (unsigned int v = 1; v < r->k.n; v++)
		if (r->w[v].rc < 0 && r->w[v].rc != rc && r->w[v].rc != -EIO)
			rc = r->w[v].rc;
	if (r->k.out_rc)
		return r->k.out_rc;
	/* A worker gave up without an error of its own (shard.c). */
	if (rc >= 0 && atomic_load_explicit(&r->k.sh.abort, memory_order_acquire))
		return -EPROTO;
	return rc;
}

static int run_init(struct run *r, unsigned int jobs, struct out_ctx *o)
{
	int rc = coord_init(&r->k, jobs, o);

	r->w = calloc(jobs, sizeof(*r->w));
	return rc < 0 || !r->w ? -ENOMEM : 0;
}

/* After every started worker was joined. */
static void run_fini(struct run *r)
{
	for (unsigned int v = 0; r->w && v < r->k.n; v++) {
		shard_fini(&r->w[v].shard);
		sb_free(&r->w[v].out.sb);
	}
	free(r->w);
	coord_fini(&r->k);
}

int parallel_run(const char *const *paths, int npaths, unsigned int jobs,
		 const struct analyzer_opts *opts, const struct analyzer_sink *sink,
		 struct out_ctx *o, const struct analyzer_diag *diag, struct analyzer_summary *sum)
{
	struct run r = { 0 };
	int rc = run_init(&r, jobs, o);

	memset(sum, 0, sizeof(*sum));
	if (rc < 0) {
		run_fini(&r);
		return rc;
	}
	for (unsigned int v = 0; v < jobs && rc == 0; v++)
		rc = start_worker(&r, v, paths, npaths, opts, sink, diag);
	if (rc < 0)
		atomic_store_explicit(&r.k.sh.abort, true, memory_order_release);
	else
		coord_run(&r.k);
	for (unsigned int v = 0; v < jobs; v++)
		if (r.w[v].started)
			pthread_join(r.w[v].tid, NULL);
	if (rc == 0) {
		merge_summary(&r, sum);
		rc = workers_status(&r);
		/* As analyzer_run(): a file that failed part-way still has its
		 * summary. */
		if ((rc >= 0 || (rc == -EIO && sum->io_error)) && sink->summary) {
			int src = sink->summary(sink->arg, sum);

			rc = src < 0 ? src : rc;
		}
	}
	run_fini(&r);
	return rc;
}
