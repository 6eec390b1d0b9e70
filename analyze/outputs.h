/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * outputs.h - the output sinks (one module each: text, JSON/JSON lines,
 * timeline, replay, statistics) and the text helpers they share.
 */
#ifndef ANALYZE_OUTPUTS_H
#define ANALYZE_OUTPUTS_H

#include <errno.h>
#include <stdio.h>

#include "analyzer.h"
#include "out_rows.h"
#include "strbuf.h"
#include "timefmt.h"

#define TCPANA_SCHEMA_VERSION "2.1"

struct out_stats;
struct out_ctx;

/* One connection's row as its output mode writes it, rendered apart from
 * the writing so that the two may run in different threads (parallel.h). */
struct out_row {
	struct row_key key; /* --sort's key (out_rows.h) */
	bool violation;	    /* the connection's verdict is violation (--check) */
	const char *bytes;  /* the row: in the sb of the out_ctx that rendered it */
	size_t len;
};

struct out_ctx {
	FILE *fp;
	bool segments;		    /* --segments: per-segment list in JSON */
	bool flat;		    /* --jsonl=flat: scalar members only, no summary line */
	bool wide;		    /* --wide: text table without shortening, endpoint lines */
	bool colour;		    /* --color: verdicts in colour (a terminal, NO_COLOR unset) */
	enum time_style time_style; /* --localtime, --relative */
	uint64_t zero_rt;	    /* --relative's zero: the first event (--replay) */
	bool zero_set;
	const char *const *paths;
	int npaths;
	/* JSON envelope state */
	struct strbuf trace;  /* JSON of the first file's header */
	struct strbuf inputs; /* JSON of every file's header, comma-separated */
	bool envelope_done;
	uint64_t n_conns;
	/* --stats state */
	struct out_stats *stats;
	uint64_t violations;  /* connections with verdict violation (--check) */
	struct strbuf sb;     /* one connection's output, written at once */
	struct out_rows rows; /* --sort, --limit: the text table, --json, --jsonl */
	/* The modes with a row per connection (text, --json, --jsonl): */
	int (*render)(struct out_ctx *o, const struct connection_view *cv, struct out_row *row);
	int (*accept)(struct out_ctx *o, const struct out_row *row);
};

/* Renders cv's row into o->sb and fills row; writes nothing and changes
 * no count.  0, -ENOMEM, -EILSEQ, or -ENOTSUP for a mode without rows
 * (--stats, --timeline, --replay). */
static inline int out_row_render(struct out_ctx *o, const struct connection_view *cv,
				 struct out_row *row)
{
	return o->render ? o->render(o, cv, row) : -ENOTSUP;
}

/* Writes or keeps a row that an out_ctx of the same mode and options
 * rendered (heading or envelope first, separators, --sort, --limit, the
 * violation count).  0, -ENOMEM, -EIO, -ENOTSUP. */
static inline int out_row_accept(struct out_ctx *o, const struct out_row *row)
{
	return o->accept ? o->accept(o, row) : -ENOTSUP;
}

/* The rest of a row rendered into o->sb: its key, its verdict, its bytes. */
static inline void out_row_fill(const struct out_ctx *o, const struct connection_view *cv,
				struct out_row *row)
{
	out_rows_key(o->rows.sort, cv, &row->key);
	row->violation = cv->verdict == VERDICT_VIOLATION;
	row->bytes = o->sb.buf;
	row->len = o->sb.len;
}

void out_text_sink(struct analyzer_sink *s, struct out_ctx *o);
void out_timeline_sink(struct analyzer_sink *s, struct out_ctx *o);
void out_replay_sink(struct analyzer_sink *s, struct out_ctx *o);
/* JSON lines when lines is true, else one document. */
void out_json_sink(struct analyzer_sink *s, struct out_ctx *o, bool lines);
/* Allocates o->stats; out_stats_free() releases it. */
int out_stats_sink(struct analyzer_sink *s, struct out_ctx *o);
void out_stats_free(struct out_ctx *o);
void out_json_free(struct out_ctx *o);

/* What accepting a row does in every mode, after the mode's heading or
 * envelope: counts it (and its violation), hands it to --sort and
 * --limit, and empties o->sb.  0, -ENOMEM, -EIO. */
int out_row_take(struct out_ctx *o, const struct out_row *row);

/* Shared text helpers. */
const char *outfmt_addr(uint8_t family, const uint8_t *addr, char *buf, size_t len);
/* "192.0.2.1:80" or "[2001:db8::1]:80", appended to sb. */
void outfmt_endpoint_sb(struct strbuf *sb, uint8_t family, const uint8_t *addr, uint16_t port);
/* "SYN_SENT>ESTABLISHED>...", appended to sb. */
void outfmt_path_sb(struct strbuf *sb, const struct conn *c);
/* "PID/COMM" of the owner, or "-", appended to sb. */
void outfmt_owner_sb(struct strbuf *sb, const struct conn *c);
/* The endpoint and owner into buf (len bytes; empty if they do not fit). */
const char *outfmt_endpoint(uint8_t family, const uint8_t *addr, uint16_t port, char *buf,
			    size_t len);
const char *outfmt_owner(const struct conn *c, char *buf, size_t len);
/* A duration in at most 6 columns, 3 significant digits: 57.0us, 1.23ms,
 * 162ms, 3.15s. */
const char *outfmt_duration_short(uint64_t ns, char *buf, size_t len);
/* An endpoint text of outfmt_endpoint_sb() in width columns (out holds
 * width + 1 bytes): one longer keeps its port and both ends of its address
 * around "..", as "[2001:db8:..:beef]:443".  Returns out. */
const char *outfmt_endpoint_fit(const char *s, size_t width, char *out);
/* The endpoint of one side of a connection, as outfmt_endpoint_sb(). */
void outfmt_side_sb(struct strbuf *sb, const struct connection_view *cv, enum conn_side side);
/* A byte count as `ls -h` shows it: 1023, 1.0K, 976K, 1.5M. */
const char *outfmt_bytes(uint64_t v, char *buf, size_t len);
/* One of the endpoint's kernel figures (figures.h) for people: bytes as
 * outfmt_bytes(), times with a unit, "-" when not recorded. */
void outfmt_figure_sb(struct strbuf *sb, const struct conn *c, unsigned int key);
/* "rx F." / "app close" / "timer giveup" / "snapshot" / "timewait" / "unknown" */
const char *outfmt_cause(const struct cause *cs, char *buf, size_t len);
/* Releases what the sinks allocated in o. */
void out_ctx_free(struct out_ctx *o);
/* Prints the summary block shared by text outputs. */
int outfmt_summary(FILE *fp, const struct analyzer_summary *s);

#endif /* ANALYZE_OUTPUTS_H */
