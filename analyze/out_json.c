// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_json.c - --json and --jsonl, written directly (json_sb.h), with
 * each connection written by out_json_write.c.  --json streams one
 * document, so memory stays proportional to open connections:
 * {"schema_version", "trace", "inputs", "connections": [...], "summary"}.
 * --jsonl writes one connection per line and a final {"summary": ...}
 * line; --jsonl=flat the flat form of each connection (out_json_flat.c)
 * and no summary.  docs/JSON.md describes the shape; docs/json-schema.json states it
 * for validators, and the tests hold every mode to it.
 */
#include <errno.h>
#include <stdio.h>

#include "json_sb.h"
#include "out_json_flat.h"
#include "out_json_write.h"

static const char *clock_name(uint32_t c)
{
	return c == TRC_CLOCK_MONOTONIC	 ? "monotonic"
	       : c == TRC_CLOCK_BOOTTIME ? "boottime"
	       : c == TRC_CLOCK_REALTIME ? "realtime"
					 : "unknown";
}

/* A string member that may need escapes; false when s is not UTF-8. */
static bool str_member(struct json_obj *o, const char *key, const char *s)
{
	return json_sb_str(json_member_named(o, key), s);
}

/* One input file's header.  Its strings were made printable when the
 * file was opened (safestr.h). */
static bool header(struct strbuf *sb, const char *path, const struct trc_header *h)
{
	struct json_obj o = json_obj_open(sb);
	char ver[16];
	bool ok;

	snprintf(ver, sizeof(ver), "%u.%u", h->version_major, h->version_minor);
	ok = str_member(&o, "path", path);
	jm_str(&o, "version", ver);
	ok &= str_member(&o, "tool_version", h->tool_version);
	ok &= str_member(&o, "hostname", h->hostname);
	ok &= str_member(&o, "kernel_release", h->kernel_release);
	ok &= str_member(&o, "machine", h->machine);
	jm_str(&o, "clock", clock_name(h->clock));
	jm_int(&o, "anchor_clock_ns", h->anchor_clock_ns);
	jm_int(&o, "anchor_realtime_ns", h->anchor_realtime_ns);
	ok &= str_member(&o, "source", h->source);
	ok &= str_member(&o, "probes", h->probes);
	ok &= str_member(&o, "filters", h->filters);
	ok &= str_member(&o, "options", h->options);
	jm_int(&o, "pcap_linktype", h->pcap_linktype);
	jm_int(&o, "pcap_snaplen", h->pcap_snaplen);
	jm_int(&o, "ready_ns", h->ready_ns);
	jm_int(&o, "startup_ns", h->startup_ns);
	json_obj_close(&o);
	return ok;
}

static void iso_or_null(struct strbuf *sb, uint64_t realtime_ns)
{
	if (realtime_ns)
		json_sb_iso(sb, realtime_ns);
	else
		json_sb_null(sb);
}

static void summary(struct strbuf *sb, const struct analyzer_summary *s)
{
	struct json_obj o = json_obj_open(sb), m;

	jm_int(&o, "connections", s->connections);
	jm_int(&o, "connections_total", s->connections_total);
	jm_int(&o, "listeners", s->listeners);
	jm_int(&o, "endpoints", s->endpoints);
	jm_int(&o, "endpoints_total", s->endpoints_total);
	jm_int(&o, "events", s->events);
	m = json_obj_open(json_member(&o, JKEY("events_by_type")));
	for (unsigned int i = 1; i <= TRC_EV_TYPE_MAX; i++)
		json_sb_int(json_member_named(&m, trc_event_type_name(i)), s->events_by_type[i]);
	json_obj_close(&m);
	jm_int(&o, "lost_events", s->lost_events);
	jm_int(&o, "lost_records", s->lost_records);
	jm_int(&o, "truncated", s->truncated);
	jm_int(&o, "corrupt_blocks", s->corrupt_blocks);
	jm_int(&o, "bytes_skipped", s->bytes_skipped);
	m = json_obj_open(json_member(&o, JKEY("by_outcome")));
	for (int i = 0; i < OUT_COUNT; i++)
		if (connection_outcome_ok((enum outcome)i))
			json_sb_int(json_member_named(&m, outcome_name((enum outcome)i)),
				    s->by_outcome[i]);
	json_obj_close(&m);
	m = json_obj_open(json_member(&o, JKEY("by_verdict")));
	for (int i = 0; i < VERDICT_COUNT; i++)
		json_sb_int(json_member_named(&m, verdict_name((enum verdict)i)), s->by_verdict[i]);
	json_obj_close(&m);
	iso_or_null(json_member(&o, JKEY("first_time")), s->t_first_ns);
	iso_or_null(json_member(&o, JKEY("last_time")), s->t_last_ns);
	jm_int(&o, "peak_live_connections", s->peak_live);
	json_obj_close(&o);
}

/* Writes o->sb out; -ENOMEM, -EILSEQ (a string that is not UTF-8: a bug,
 * since every string is made printable on the way in) or -EIO. */
static int emit(struct out_ctx *o, bool ok)
{
	int rc;

	if (sb_failed(&o->sb))
		return -ENOMEM;
	if (!ok)
		return -EILSEQ;
	rc = sb_flush(&o->sb, o->fp);
	return rc < 0 ? rc : ferror(o->fp) ? -EIO : 0;
}

/* The end of rendering a row into o->sb. */
static int rendered(struct out_ctx *o, const struct connection_view *cv, struct out_row *row,
		    bool ok)
{
	if (sb_failed(&o->sb))
		return -ENOMEM;
	if (!ok)
		return -EILSEQ;
	out_row_fill(o, cv, row);
	return 0;
}

/* Headers come before any connection: the first is the document's
 * "trace", and every one is an entry of "inputs". */
static int json_header(void *arg, const char *path, const struct trc_header *h)
{
	struct out_ctx *o = arg;
	size_t start = o->inputs.len;

	if (start)
		sb_ch(&o->inputs, ',');
	if (!header(&o->inputs, path, h))
		return -EILSEQ;
	if (!o->trace.len)
		sb_mem(&o->trace, o->inputs.buf + start + (start ? 1 : 0),
		       o->inputs.len - start - (start ? 1 : 0));
	return sb_failed(&o->inputs) || sb_failed(&o->trace) ? -ENOMEM : 0;
}

/* The envelope up to the connections array, on first use.  Built apart
 * from o->sb, which may hold the first row. */
static int envelope(struct out_ctx *o)
{
	struct strbuf sb = { 0 };
	int rc;

	if (o->envelope_done)
		return 0;
	o->envelope_done = true;
	sb_str(&sb, "{\"schema_version\": \"" TCPANA_SCHEMA_VERSION "\", \"trace\": ");
	if (o->trace.len)
		sb_mem(&sb, o->trace.buf, o->trace.len);
	else
		json_sb_null(&sb);
	sb_str(&sb, ", \"inputs\": [");
	sb_mem(&sb, o->inputs.buf, o->inputs.len);
	sb_str(&sb, "], \"connections\": [");
	rc = sb_failed(&sb) ? -ENOMEM : sb_flush(&sb, o->fp);
	sb_free(&sb);
	return rc < 0 ? rc : ferror(o->fp) ? -EIO : 0;
}

static int doc_render(struct out_ctx *o, const struct connection_view *cv, struct out_row *r)
{
	sb_reset(&o->sb);
	return rendered(o, cv, r, out_json_connection_sb(&o->sb, cv, o->segments));
}

static int doc_accept(struct out_ctx *o, const struct out_row *r)
{
	int rc = envelope(o);

	return rc < 0 ? rc : out_row_take(o, r);
}

static int doc_conn(void *arg, const struct connection_view *cv)
{
	struct out_ctx *o = arg;
	struct out_row r;
	int rc = doc_render(o, cv, &r);

	return rc < 0 ? rc : doc_accept(o, &r);
}

static int doc_summary(void *arg, const struct analyzer_summary *s)
{
	struct out_ctx *o = arg;
	int rc = envelope(o);

	if (rc < 0)
		return rc;
	rc = out_rows_flush(&o->rows, o->fp);
	if (rc < 0)
		return rc;
	sb_reset(&o->sb);
	sb_str(&o->sb, o->rows.written ? "\n], \"summary\": " : "], \"summary\": ");
	summary(&o->sb, s);
	sb_str(&o->sb, "}\n");
	return emit(o, true);
}

static int line_render(struct out_ctx *o, const struct connection_view *cv, struct out_row *r)
{
	bool ok;

	sb_reset(&o->sb);
	ok = o->flat ? out_json_flat_sb(&o->sb, cv)
		     : out_json_connection_sb(&o->sb, cv, o->segments);
	sb_ch(&o->sb, '\n');
	return rendered(o, cv, r, ok);
}

static int line_conn(void *arg, const struct connection_view *cv)
{
	struct out_ctx *o = arg;
	struct out_row r;
	int rc = line_render(o, cv, &r);

	return rc < 0 ? rc : out_row_take(o, &r);
}

static int line_summary(void *arg, const struct analyzer_summary *s)
{
	struct out_ctx *o = arg;
	int rc = out_rows_flush(&o->rows, o->fp);

	if (rc < 0 || o->flat)
		return rc; /* flat: every line a row of one table, no summary */
	sb_reset(&o->sb);
	sb_str(&o->sb, "{\"summary\":");
	summary(&o->sb, s);
	sb_str(&o->sb, "}\n");
	return emit(o, true);
}

void out_json_sink(struct analyzer_sink *s, struct out_ctx *o, bool lines)
{
	o->rows.first_sep = lines ? "" : "\n";
	o->rows.sep = lines ? "" : ",\n";
	s->header = lines ? NULL : json_header;
	s->event = NULL;
	s->conn = lines ? line_conn : doc_conn;
	o->render = lines ? line_render : doc_render;
	o->accept = lines ? out_row_take : doc_accept;
	s->summary = lines ? line_summary : doc_summary;
	s->arg = o;
}

void out_json_free(struct out_ctx *o)
{
	sb_free(&o->trace);
	sb_free(&o->inputs);
}
