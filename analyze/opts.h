/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opts.h - tcpana's command line: struct config and its argp parser.
 */
#ifndef ANALYZE_OPTS_H
#define ANALYZE_OPTS_H

#include <stdbool.h>

#include "analyzer.h"
#include "out_rows.h"
#include "timefmt.h"

enum tcpana_exit {
	TCPANA_EXIT_OK = 0,
	TCPANA_EXIT_ERROR = 1, /* runtime or input error */
	TCPANA_EXIT_USAGE = 2,
	TCPANA_EXIT_VIOLATION = 3, /* --check found a violation */
};

/* The most threads --jobs takes. */
#define OPTS_MAX_JOBS 256

enum output_mode {
	MODE_TEXT = 0,
	MODE_JSON,
	MODE_JSONL,
	MODE_TIMELINE,
	MODE_REPLAY,
	MODE_STATS,
};

struct config {
	enum output_mode mode;
	bool mode_set;
	bool segments;
	bool jsonl_flat;	    /* --jsonl=flat */
	bool wide;		    /* --wide: full addresses, a line per endpoint */
	enum row_sort sort;	    /* --sort */
	enum time_style time_style; /* --localtime, --relative */
	bool colour;		    /* --color, resolved against the terminal */
	bool colour_set;
	uint64_t limit; /* --limit; 0 = every row */
	bool check;
	bool follow;	   /* --follow: one trace, read while it is written */
	bool quiet;	   /* no warnings on stderr */
	unsigned int jobs; /* --jobs: threads (parallel.h); 1 = none */
	struct analyzer_filter filter;
	const char **paths;
	int npaths;
};

/* Parses argv into cfg.  Returns 0, or TCPANA_EXIT_USAGE after printing
 * one line to stderr.  --help/--version print and exit(0) inside argp. */
int opts_parse(int argc, char **argv, struct config *cfg);

/* The filter options (exported for unit tests): each adds the values of
 * a comma-separated list to the filter, by lib/filterspec.h's grammar.
 * 0, -EINVAL, -ERANGE or -E2BIG (filterspec.h). */
int opts_add_ports(struct analyzer_filter *f, const char *list);
int opts_add_hosts(struct analyzer_filter *f, const char *list);
int opts_add_outcomes(struct analyzer_filter *f, const char *list);
int opts_add_verdicts(struct analyzer_filter *f, const char *list);

#endif /* ANALYZE_OPTS_H */
