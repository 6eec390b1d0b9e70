// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - tcpana: analyse tcprec traces.  Parses options, picks the output
 * sink, runs the analysis and maps the result to the documented exit
 * status; the only place that prints diagnostics.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "follow.h"
#include "inputset.h"
#include "opts.h"
#include "outputs.h"
#include "parallel.h"
#include "sinks.h"

/* No argp_program_version: argp would take -V for it, which tcpdump
 * uses for a list of files; --version is an option of opts.c. */

struct diag_ctx {
	bool quiet;
	bool fatal_seen;
};

static void warn(void *arg, const char *path, const struct trc_error *e, int st)
{
	struct diag_ctx *d = arg;

	switch (st) {
	case TRC_CORRUPT:
		if (!d->quiet)
			fprintf(stderr,
				"tcpana: warning: %s: damaged block skipped at offset %llu: %s\n",
				path, (unsigned long long)e->offset, e->msg);
		break;
	case TRC_TRUNCATED:
		if (!d->quiet)
			fprintf(stderr,
				"tcpana: warning: %s: truncated at offset %llu; "
				"everything before it is reported\n",
				path, (unsigned long long)e->offset);
		break;
	case ANALYZER_DIAG_SET_GAP:
		if (!d->quiet)
			fprintf(stderr, "tcpana: warning: %s: %s\n", path, e->msg);
		break;
	case ANALYZER_DIAG_NOTE:
		if (!d->quiet)
			fprintf(stderr, "tcpana: note: %s: %s\n", path, e->msg);
		break;
	case TRC_UNSUPPORTED:
		d->fatal_seen = true;
		fprintf(stderr, "tcpana: %s: not a trace file or unsupported format version: %s\n",
			path, e->msg[0] ? e->msg : "unrecognised");
		break;
	default:
		d->fatal_seen = true;
		fprintf(stderr, "tcpana: %s: %s\n", path,
			e->msg[0] ? e->msg : strerror(e->code < 0 ? -e->code : EIO));
	}
}

/* The FILE arguments, quoted globs expanded (inputset.h), analysed. */
static int run_files(const struct config *cfg, const struct analyzer_opts *aopts,
		     const struct analyzer_sink *sink, struct out_ctx *o,
		     const struct analyzer_diag *diag, struct analyzer_summary *sum)
{
	struct diag_ctx *dc = diag->arg;
	struct inputset_globs g;
	const char *bad = NULL;
	int rc = inputset_expand_globs(cfg->paths, cfg->npaths, &g, &bad);

	if (rc == -ENOENT) {
		fprintf(stderr, "tcpana: %s: no such file, and no file matches it\n", bad);
		dc->fatal_seen = true;
		return rc;
	}
	if (rc < 0)
		return rc;
	if (cfg->jobs > 1 && parallel_possible((const char *const *)g.paths, g.n, aopts, sink, o))
		rc = parallel_run((const char *const *)g.paths, g.n, cfg->jobs, aopts, sink, o,
				  diag, sum);
	else
		rc = analyzer_run((const char *const *)g.paths, g.n, aopts, sink, diag, sum);
	inputset_globs_free(&g);
	return rc;
}

static int finish(const struct config *cfg, const struct out_ctx *o, int rc)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "tcpana: writing output: %s\n", strerror(errno ? errno : EIO));
		return TCPANA_EXIT_ERROR;
	}
	if (rc < 0)
		return TCPANA_EXIT_ERROR;
	if (cfg->check && o->violations)
		return TCPANA_EXIT_VIOLATION;
	return TCPANA_EXIT_OK;
}

/* Output to a file or a pipe goes out in blocks this big.  stdio's own
 * block is st_blksize, 4 KiB: --json of a 10M-event trace (1.6 GB) was
 * 400,000 write(2)s, and into a pipe each woke the reader.  64 KiB is a
 * pipe's capacity and stays in cache; 256 KiB and 1 MiB blocks measured
 * slower into a pipe and a file.  A terminal keeps line buffering;
 * --follow flushes on its own schedule (follow.c). */
#define OUT_BLOCK_BYTES (64u << 10)

static void buffer_output(void)
{
	/* glibc ignores the size unless it is given the buffer.  Static: it
	 * must outlive the flush at exit. */
	static char block[OUT_BLOCK_BYTES];

	if (!isatty(STDOUT_FILENO))
		(void)setvbuf(stdout, block, _IOFBF, sizeof(block));
}

int main(int argc, char **argv)
{
	struct diag_ctx dc = { 0 };
	struct analyzer_diag diag = { warn, &dc };
	struct analyzer_summary sum;
	struct analyzer_sink sink = { 0 };
	struct analyzer_opts aopts = { 0 };
	struct out_ctx o = { 0 };
	struct config cfg;
	int rc;

	buffer_output(); /* before anything is written */
	argp_err_exit_status = TCPANA_EXIT_USAGE;
	rc = opts_parse(argc, argv, &cfg);
	if (rc)
		return rc;
	dc.quiet = cfg.quiet;
	o.fp = stdout;
	o.segments = cfg.segments;
	o.wide = cfg.wide;
	o.rows.sort = cfg.sort;
	o.rows.limit = cfg.limit;
	o.time_style = cfg.time_style;
	o.colour = cfg.colour;
	o.paths = cfg.paths;
	o.npaths = cfg.npaths;
	aopts.keep_segments = cfg.segments && (cfg.mode == MODE_JSON || cfg.mode == MODE_JSONL);
	aopts.filter = cfg.filter;
	if (sink_make(&cfg, &sink, &o) < 0) {
		fprintf(stderr, "tcpana: out of memory\n");
		return TCPANA_EXIT_ERROR;
	}
	if (cfg.follow) {
		rc = follow_run(cfg.paths[0], stdout, &aopts, &sink, &diag, &sum);
	} else {
		rc = run_files(&cfg, &aopts, &sink, &o, &diag, &sum);
	}
	if (rc < 0 && !dc.fatal_seen && rc != -EIO)
		fprintf(stderr, "tcpana: %s\n", strerror(-rc));
	if (rc >= 0 && (sum.truncated || sum.corrupt_blocks || sum.files_missing) && !cfg.quiet)
		fprintf(stderr,
			"tcpana: warning: input incomplete: %llu truncated file(s), "
			"%llu corrupt block(s) skipped, %llu file(s) of a set missing\n",
			(unsigned long long)sum.truncated, (unsigned long long)sum.corrupt_blocks,
			(unsigned long long)sum.files_missing);
	rc = finish(&cfg, &o, rc);
	out_ctx_free(&o);
	free(cfg.paths);
	return rc;
}
