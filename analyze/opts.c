// SPDX-License-Identifier: BSD-2-Clause
/*
 * opts.c - argp parsing of tcpana's options into struct config.  Every
 * value goes through one strict parser; nothing is read before all options
 * are valid.
 */
#include <arpa/inet.h>
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "timefmt.h"
#include "version.h"

/* Short letters only where tcpdump's mean the same (-r FILE, -q); the
 * rest are long options (test-cli holds both tools to tcpdump's
 * letters). */
enum {
	OPT_SINCE = 0x100,
	OPT_UNTIL,
	OPT_VERDICT,
	OPT_JSON,
	OPT_JSONL,
	OPT_TIMELINE,
	OPT_REPLAY,
	OPT_STATS,
	OPT_SEGMENTS,
	OPT_WIDE,
	OPT_CHECK,
	OPT_PORT,
	OPT_HOST,
	OPT_FILTER,
	OPT_OUTCOME,
	OPT_VERSION,
	OPT_SORT,
	OPT_LIMIT,
	OPT_LOCALTIME,
	OPT_RELATIVE,
	OPT_COLOR,
	OPT_FOLLOW,
};

static const struct argp_option options[] = {
	{ "read", 'r', "FILE", 0, "Read the trace FILE (as a FILE argument; repeatable)", 0 },
	{ "follow", OPT_FOLLOW, NULL, 0,
	  "Read one trace while tcprec writes it (a file, or - for a pipe): each connection "
	  "is reported within a second of its close, --replay prints each event as it comes; "
	  "Ctrl-C ends with the summary",
	  0 },
	{ "jobs", 'j', "N", 0,
	  "Analyse with N threads (default: one per CPU).  The output is the same for every "
	  "N; --follow, --replay, --timeline, --stats and standard input use one",
	  0 },
	{ NULL, 0, NULL, 0, "Output (one of):", 1 },
	{ "json", OPT_JSON, NULL, 0, "One JSON document (schema docs/json-schema.json)", 1 },
	{ "jsonl", OPT_JSONL, "flat", OPTION_ARG_OPTIONAL,
	  "One JSON object per connection per line, then a summary line; --jsonl=flat: one "
	  "line per connection with scalar members only (host, trace_id, orig_addr, ...) and "
	  "no summary, a row for SQL engines (docs/JSON.md, docs/clickhouse.sql)",
	  1 },
	{ "timeline", OPT_TIMELINE, NULL, 0,
	  "Each connection's transitions with time in state and cause", 1 },
	{ "replay", OPT_REPLAY, NULL, 0, "Every event in time order, like tcpstates/tcpdump", 1 },
	{ "stats", OPT_STATS, NULL, 0,
	  "Histograms (connect latency, lifetime, CLOSE_WAIT, TIME_WAIT; the kernel's RTT, bytes "
	  "and retransmissions at close)",
	  1 },
	{ NULL, 0, NULL, 0, "Analysis:", 2 },
	{ "segments", OPT_SEGMENTS, NULL, 0, "Include the per-segment list in JSON output", 2 },
	{ "wide", OPT_WIDE, NULL, 0,
	  "Text table: full addresses, and under each connection a line per endpoint (owner, "
	  "state path, verdict) and its violations",
	  2 },
	{ "check", OPT_CHECK, NULL, 0, "Exit 3 when any reported connection has a violation", 2 },
	{ "sort", OPT_SORT, "start|duration|bytes|outcome", 0,
	  "Rows in this order (earliest, longest, most bytes first; outcome by name), written "
	  "at the end (text, --json, --jsonl)",
	  2 },
	{ "limit", OPT_LIMIT, "N", 0,
	  "At most N rows: the first N, or the first N in --sort order (the summary counts "
	  "every connection)",
	  2 },
	{ "quiet", 'q', NULL, 0, "No warnings on stderr (truncated/corrupt input)", 2 },
	{ "localtime", OPT_LOCALTIME, NULL, 0,
	  "Times (--timeline, --replay) in the local time zone, not UTC", 2 },
	{ "relative", OPT_RELATIVE, NULL, 0,
	  "Times (--timeline, --replay) in seconds after the first event", 2 },
	{ "color", OPT_COLOR, "WHEN", OPTION_ARG_OPTIONAL,
	  "Verdicts in colour: auto (on a terminal, unless NO_COLOR is set; the default), always "
	  "or never",
	  2 },
	{ NULL, 0, NULL, 0,
	  "Filters (on reported connections; each repeatable and comma-separated, "
	  "a connection matching any value):",
	  3 },
	{ "port", OPT_PORT, "PORT[,PORT...]", 0, "Either port is PORT", 3 },
	{ "host", OPT_HOST, "ADDR[,ADDR...]", 0, "Either address is ADDR, IPv4 or IPv6", 3 },
	{ "filter", OPT_FILTER, "EXPR", 0,
	  "Connections matching the tcpdump-style expression EXPR, as tcprec's (see tcpana(1), "
	  "EXPRESSION): those of which tcpdump would show either direction",
	  3 },
	{ "outcome", OPT_OUTCOME, "LIST", 0,
	  "Outcomes, the connection's or an endpoint's (normal_close,refused,...)", 3 },
	{ "verdict", OPT_VERDICT, "LIST", 0,
	  "Verdicts (conformant,linux-specific,violation,incomplete)", 3 },
	{ "since", OPT_SINCE, "TIME", 0,
	  "Connections alive at or after TIME (ISO 8601, or seconds after the first event)", 3 },
	{ "until", OPT_UNTIL, "TIME", 0, "Connections alive at or before TIME", 3 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", -1 },
	{ "version", OPT_VERSION, NULL, 0, "Print the version and exit", -1 },
	{ 0 },
};

static const char doc[] =
	"Analyse tcprec traces: one line per TCP connection (originator and responder, "
	"both endpoints where both were recorded) with its bytes, RTT, outcome and RFC 9293 "
	"conformance.\n"
	"\n"
	"USAGE: tcpana [OPTIONS] FILE...   (or -r FILE, as tcpdump reads a file)\n"
	"\n"
	"EXAMPLES:\n"
	"    tcpana run.trc                 # one line per connection + summary\n"
	"    tcpana --json run.trc          # JSON document\n"
	"    tcpana --jsonl=flat run.trc    # rows for an SQL table (docs/FLEET.md)\n"
	"    tcpana --timeline --port 443 -r run.trc\n"
	"    tcpana --filter='dst port 443 and not net 10.0.0.0/8' run.trc\n"
	"    tcpana --replay run.trc        # every event, in time order\n"
	"    tcpana --check run.trc         # exit 3 on any state-machine violation\n"
	"    tcpana 'run.trc*'              # a rotated recording's files (tcprec -C/-G) as one\n"
	"    tcpana --since 10 --until 20 a.trc b.trc  # seconds after the first event\n"
	"    tcprec -w - | tcpana --follow -           # connections as they close\n"
	"\n"
	"Exit status: 0 ok (also for a truncated or damaged trace: everything readable is "
	"reported and a warning goes to stderr), 1 runtime or input error (not a trace, "
	"unsupported version, unreadable file, write error), 2 usage error, 3 --check found "
	"a violation.\v"
	"Times: --since/--until take ISO 8601 (2026-11-22T03:40:59.5Z, no zone = UTC) or "
	"non-negative seconds relative to the first event of the trace(s).";

int opts_add_ports(struct analyzer_filter *f, const char *list)
{
	return filterspec_ports(list, f->ports, &f->n_ports, FILTERSPEC_MAX);
}

int opts_add_hosts(struct analyzer_filter *f, const char *list)
{
	return filterspec_addrs(list, f->hosts, &f->n_hosts, FILTERSPEC_MAX);
}

int opts_add_outcomes(struct analyzer_filter *f, const char *list)
{
	const char *names[OUT_COUNT];

	for (int i = 0; i < OUT_COUNT; i++)
		names[i] = outcome_name((enum outcome)i);
	return filterspec_names(list, names, OUT_COUNT, &f->outcomes);
}

int opts_add_verdicts(struct analyzer_filter *f, const char *list)
{
	const char *names[VERDICT_COUNT];

	for (int i = 0; i < VERDICT_COUNT; i++)
		names[i] = verdict_name((enum verdict)i);
	return filterspec_names(list, names, VERDICT_COUNT, &f->verdicts);
}

static int parse_limit(struct argp_state *st, const char *arg, uint64_t *limit)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || *end || end == arg || *arg < '0' || *arg > '9' || v == 0)
		argp_error(st, "invalid --limit '%s' (a count of rows, 1 or more)", arg);
	*limit = v;
	return 0;
}

static int parse_jobs(struct argp_state *st, const char *arg, unsigned int *jobs)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || *arg < '0' || *arg > '9' || v == 0 || v > OPTS_MAX_JOBS)
		argp_error(st, "invalid --jobs '%s' (1 to %u threads)", arg, OPTS_MAX_JOBS);
	*jobs = (unsigned int)v;
	return 0;
}

/* One thread per CPU this process may run on. */
static unsigned int default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > OPTS_MAX_JOBS ? OPTS_MAX_JOBS : (unsigned int)n;
}

/* auto: a terminal, and NO_COLOR unset or empty (no-color.org). */
static int parse_colour(struct argp_state *st, const char *when, struct config *cfg)
{
	const char *no = getenv("NO_COLOR");

	cfg->colour_set = true;
	if (!when || !strcmp(when, "auto"))
		cfg->colour = isatty(STDOUT_FILENO) && !(no && *no);
	else if (!strcmp(when, "always"))
		cfg->colour = true;
	else if (!strcmp(when, "never"))
		cfg->colour = false;
	else
		argp_error(st, "invalid --color '%s' (auto, always or never)", when);
	return 0;
}

static int set_mode(struct argp_state *st, struct config *cfg, enum output_mode m)
{
	if (cfg->mode_set && cfg->mode != m)
		argp_error(st, "only one of --json, --jsonl, --timeline, --replay, --stats");
	cfg->mode = m;
	cfg->mode_set = true;
	return 0;
}

/* --jsonl or --jsonl=flat (an optional argument, so that "--jsonl FILE"
 * still reads FILE); "nested" names the default. */
static int parse_jsonl(struct argp_state *st, const char *form, struct config *cfg)
{
	if (form && strcmp(form, "flat") && strcmp(form, "nested"))
		argp_error(st, "invalid --jsonl='%s' (flat, or nested: the default)", form);
	cfg->jsonl_flat = form && !strcmp(form, "flat");
	return set_mode(st, cfg, MODE_JSONL);
}

static int parse_time(struct argp_state *st, const char *arg, uint64_t *ns, bool *rel, bool *set)
{
	if (timefmt_parse(arg, ns, rel) < 0)
		argp_error(st, "invalid time '%s' (ISO 8601 or seconds)", arg);
	*set = true;
	return 0;
}

/* A followed trace is reported as it is read: one input, and outputs
 * that print as they go. */
static int check_follow(struct argp_state *st, const struct config *cfg)
{
	if (!cfg->follow)
		return 0;
	if (cfg->npaths != 1)
		argp_error(st, "--follow reads one trace");
	if (cfg->mode == MODE_JSON || cfg->mode == MODE_STATS)
		argp_error(st, "--follow prints as it reads: use the table, --jsonl, --timeline "
			       "or --replay, not --json or --stats");
	if (cfg->sort)
		argp_error(st, "--follow prints each connection when it closes: no --sort");
	return 0;
}

/* --filter: one expression (lib/filterexpr.h); tcprec takes the same. */
static int parse_expr(struct argp_state *st, const char *arg, struct analyzer_filter *f)
{
	struct fx_error err;
	char text[256];

	if (f->expr.n_ops)
		argp_error(st, "--filter given twice: join the expressions with 'and'");
	else if (fx_compile(arg, &f->expr, &err) < 0) {
		fx_error_text(&err, text, sizeof(text));
		argp_error(st, "filter: %s", text);
	}
	return 0;
}

static error_t parse_filter(int key, char *arg, struct argp_state *st, struct config *cfg)
{
	struct analyzer_filter *f = &cfg->filter;

	switch (key) {
	case OPT_PORT:
		if (opts_add_ports(f, arg) < 0)
			argp_error(st,
				   "invalid --port '%s': expected N[,N...] with 1 <= N <= 65535, "
				   "up to %d in all",
				   arg, FILTERSPEC_MAX);
		return 0;
	case OPT_HOST:
		if (opts_add_hosts(f, arg) < 0)
			argp_error(st,
				   "invalid --host '%s': expected ADDR[,ADDR...], IPv4 or IPv6, "
				   "up to %d in all",
				   arg, FILTERSPEC_MAX);
		return 0;
	case OPT_FILTER:
		return parse_expr(st, arg, f);
	case OPT_OUTCOME:
		if (opts_add_outcomes(f, arg) < 0)
			argp_error(st, "invalid --outcome '%s' (see --help for the names)", arg);
		return 0;
	case OPT_VERDICT:
		if (opts_add_verdicts(f, arg) < 0)
			argp_error(st, "invalid --verdict '%s' (see --help for the names)", arg);
		return 0;
	case OPT_SINCE:
		return parse_time(st, arg, &f->since_ns, &f->since_rel, &f->since_set);
	case OPT_UNTIL:
		return parse_time(st, arg, &f->until_ns, &f->until_rel, &f->until_set);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static error_t parse_opt(int key, char *arg, struct argp_state *st)
{
	struct config *cfg = st->input;

	switch (key) {
	case OPT_JSON:
		return set_mode(st, cfg, MODE_JSON);
	case OPT_JSONL:
		return parse_jsonl(st, arg, cfg);
	case OPT_TIMELINE:
		return set_mode(st, cfg, MODE_TIMELINE);
	case OPT_REPLAY:
		return set_mode(st, cfg, MODE_REPLAY);
	case OPT_STATS:
		return set_mode(st, cfg, MODE_STATS);
	case OPT_SEGMENTS:
		cfg->segments = true;
		return 0;
	case OPT_WIDE:
		cfg->wide = true;
		return 0;
	case OPT_CHECK:
		cfg->check = true;
		return 0;
	case OPT_FOLLOW:
		cfg->follow = true;
		return 0;
	case 'r':
		cfg->paths[cfg->npaths++] = arg;
		return 0;
	case OPT_SORT:
		if (row_sort_from_name(arg, &cfg->sort) < 0)
			argp_error(st, "invalid --sort '%s' (start, duration, bytes or outcome)",
				   arg);
		return 0;
	case OPT_LIMIT:
		return parse_limit(st, arg, &cfg->limit);
	case 'j':
		return parse_jobs(st, arg, &cfg->jobs);
	case OPT_LOCALTIME:
	case OPT_RELATIVE:
		if (cfg->time_style)
			argp_error(st, "only one of --localtime and --relative");
		cfg->time_style = key == OPT_LOCALTIME ? TIMES_LOCAL : TIMES_RELATIVE;
		return 0;
	case OPT_COLOR:
		return parse_colour(st, arg, cfg);
	case OPT_VERSION:
		printf("tcpana %s\n", TCPREC_VERSION);
		exit(0);
	case 'q':
		cfg->quiet = true;
		return 0;
	case 'h':
		argp_state_help(st, stderr, ARGP_HELP_STD_HELP);
		return 0;
	case ARGP_KEY_ARG:
		cfg->paths[cfg->npaths++] = arg;
		return 0;
	case ARGP_KEY_END:
		if (!cfg->npaths)
			argp_error(st, "no trace file given");
		if (!cfg->colour_set)
			parse_colour(st, NULL, cfg);
		if (!cfg->jobs)
			cfg->jobs = default_jobs();
		if ((cfg->sort || cfg->limit) && cfg->mode != MODE_TEXT && cfg->mode != MODE_JSON &&
		    cfg->mode != MODE_JSONL)
			argp_error(st, "--sort and --limit order the rows of the table, --json and "
				       "--jsonl");
		if (cfg->segments && cfg->jsonl_flat)
			argp_error(st, "--segments lists segments in nested JSON: a --jsonl=flat "
				       "line has none");
		return check_follow(st, cfg);
	default:
		return parse_filter(key, arg, st, cfg);
	}
}

int opts_parse(int argc, char **argv, struct config *cfg)
{
	static const struct argp argp = { options, parse_opt, "FILE...", doc, NULL, NULL, NULL };

	memset(cfg, 0, sizeof(*cfg));
	cfg->paths = calloc((size_t)argc + 1, sizeof(*cfg->paths));
	if (!cfg->paths)
		return TCPANA_EXIT_ERROR;
	if (argp_parse(&argp, argc, argv, 0, NULL, cfg))
		return TCPANA_EXIT_USAGE;
	return 0;
}
