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

#include "follow.h"
#include "opts.h"
#include "outputs.h"
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
		/* Each line out as soon as it is made, even into a pipe. */
		setvbuf(stdout, NULL, _IOLBF, 0);
		rc = follow_run(cfg.paths[0], &aopts, &sink, &diag, &sum);
	} else {
		rc = analyzer_run(cfg.paths, cfg.npaths, &aopts, &sink, &diag, &sum);
	}
	if (rc < 0 && !dc.fatal_seen && rc != -EIO)
		fprintf(stderr, "tcpana: %s\n", strerror(-rc));
	if (rc >= 0 && (sum.truncated || sum.corrupt_blocks) && !cfg.quiet)
		fprintf(stderr,
			"tcpana: warning: input incomplete: %llu truncated file(s), "
			"%llu corrupt block(s) skipped\n",
			(unsigned long long)sum.truncated, (unsigned long long)sum.corrupt_blocks);
	rc = finish(&cfg, &o, rc);
	out_ctx_free(&o);
	free(cfg.paths);
	return rc;
}
