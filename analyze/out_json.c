// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_json.c - --json and --jsonl.  --json writes the envelope by hand and
 * streams each connection (out_json_write.c), so memory stays proportional
 * to open connections: {"schema_version", "trace", "inputs",
 * "connections": [...], "summary"}; header and summary are built with
 * jansson.  --jsonl writes one connection per line and a final
 * {"summary": ...} line.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "out_json.h"
#include "timefmt.h"

json_t *out_json_pack_at(int line, const char *fmt, ...)
{
	json_error_t e;
	va_list ap;
	json_t *j;

	va_start(ap, fmt);
	j = json_vpack_ex(&e, 0, fmt, ap);
	va_end(ap);
	if (!j)
		fprintf(stderr, "tcpana: internal error: JSON pack at %s:%d: %s\n", __FILE__, line,
			e.text);
	return j;
}

static const char *clock_name(uint32_t c)
{
	return c == TRC_CLOCK_MONOTONIC	 ? "monotonic"
	       : c == TRC_CLOCK_BOOTTIME ? "boottime"
	       : c == TRC_CLOCK_REALTIME ? "realtime"
					 : "unknown";
}

static json_t *header(const char *path, const struct trc_header *h)
{
	char ver[16];

	snprintf(ver, sizeof(ver), "%u.%u", h->version_major, h->version_minor);
	return JPACK("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:i, "
		     "s:I, s:I}",
		     "path", path, "version", ver, "tool_version", h->tool_version, "hostname",
		     h->hostname, "kernel_release", h->kernel_release, "machine", h->machine,
		     "clock", clock_name(h->clock), "anchor_clock_ns",
		     (json_int_t)h->anchor_clock_ns, "anchor_realtime_ns",
		     (json_int_t)h->anchor_realtime_ns, "source", h->source, "probes", h->probes,
		     "filters", h->filters, "options", h->options, "pcap_linktype",
		     (int)h->pcap_linktype, "pcap_snaplen", (int)h->pcap_snaplen, "ready_ns",
		     (json_int_t)h->ready_ns, "startup_ns", (json_int_t)h->startup_ns);
}

static int dump(struct out_ctx *o, json_t *j)
{
	int rc;

	if (!j)
		return -ENOMEM;
	rc = json_dumpf(j, o->fp, JSON_COMPACT);
	json_decref(j);
	return rc < 0 || ferror(o->fp) ? -EIO : 0;
}

static int json_header(void *arg, const char *path, const struct trc_header *h)
{
	struct out_ctx *o = arg;
	json_t *j = header(path, h);

	if (!j)
		return -ENOMEM;
	if (!o->trace)
		o->trace = json_incref(j);
	if (!o->inputs)
		o->inputs = json_array();
	return o->inputs ? json_array_append_new(o->inputs, j) : -ENOMEM;
}

/* The envelope up to the connections array, on first use. */
static int envelope(struct out_ctx *o)
{
	if (o->envelope_done)
		return 0;
	o->envelope_done = true;
	fprintf(o->fp, "{\"schema_version\": \"%s\", \"trace\": ", TCPANA_SCHEMA_VERSION);
	if (dump(o, o->trace ? json_incref(o->trace) : json_null()) < 0)
		return -EIO;
	fprintf(o->fp, ", \"inputs\": ");
	if (dump(o, o->inputs ? json_incref(o->inputs) : json_array()) < 0)
		return -EIO;
	fprintf(o->fp, ", \"connections\": [");
	return ferror(o->fp) ? -EIO : 0;
}

/* One connection.  Its strings are valid UTF-8 by construction (the
 * owner's comm is made printable on the way in, safestr.h); a string that
 * is not is a bug, reported as -EILSEQ rather than written. */
static int write_conn(struct out_ctx *o, const struct conn_view *v)
{
	int rc;

	sb_reset(&o->sb);
	if (!out_json_conn_sb(&o->sb, v, o->segments))
		return sb_failed(&o->sb) ? -ENOMEM : -EILSEQ;
	rc = sb_flush(&o->sb, o->fp);
	return rc < 0 ? rc : ferror(o->fp) ? -EIO : 0;
}

static int doc_conn(void *arg, const struct conn_view *v)
{
	struct out_ctx *o = arg;
	int rc = envelope(o);

	if (rc < 0)
		return rc;
	if (v->verdict == VERDICT_VIOLATION)
		o->violations++;
	fputs(o->n_conns++ ? ",\n" : "\n", o->fp);
	return write_conn(o, v);
}

static json_t *summary(const struct analyzer_summary *s)
{
	json_t *bo = json_object(), *bv = json_object(), *bt = json_object();
	char a[TIMEFMT_ISO_LEN], b[TIMEFMT_ISO_LEN];

	for (int i = 0; bo && i < OUT_COUNT; i++)
		json_object_set_new(bo, outcome_name((enum outcome)i),
				    json_integer((json_int_t)s->by_outcome[i]));
	for (int i = 0; bv && i < VERDICT_COUNT; i++)
		json_object_set_new(bv, verdict_name((enum verdict)i),
				    json_integer((json_int_t)s->by_verdict[i]));
	for (unsigned int i = 1; bt && i <= TRC_EV_TYPE_MAX; i++)
		json_object_set_new(bt, trc_event_type_name(i),
				    json_integer((json_int_t)s->events_by_type[i]));
	return JPACK(
		"{s:I, s:I, s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:I}",
		"connections", (json_int_t)s->connections, "connections_total",
		(json_int_t)s->connections_total, "events", (json_int_t)s->events, "events_by_type",
		bt, "lost_events", (json_int_t)s->lost_events, "lost_records",
		(json_int_t)s->lost_records, "truncated", (json_int_t)s->truncated,
		"corrupt_blocks", (json_int_t)s->corrupt_blocks, "bytes_skipped",
		(json_int_t)s->bytes_skipped, "by_outcome", bo, "by_verdict", bv, "first_time",
		s->t_first_ns ? json_string(timefmt_iso(s->t_first_ns, a, sizeof(a))) : json_null(),
		"last_time",
		s->t_last_ns ? json_string(timefmt_iso(s->t_last_ns, b, sizeof(b))) : json_null(),
		"peak_live_connections", (json_int_t)s->peak_live);
}

static int doc_summary(void *arg, const struct analyzer_summary *s)
{
	struct out_ctx *o = arg;
	int rc = envelope(o);

	if (rc < 0)
		return rc;
	fprintf(o->fp, "%s], \"summary\": ", o->n_conns ? "\n" : "");
	rc = dump(o, summary(s));
	fputs("}\n", o->fp);
	return rc < 0 || ferror(o->fp) ? -EIO : 0;
}

static int line_conn(void *arg, const struct conn_view *v)
{
	struct out_ctx *o = arg;
	int rc;

	if (v->verdict == VERDICT_VIOLATION)
		o->violations++;
	o->n_conns++;
	rc = write_conn(o, v);
	fputc('\n', o->fp);
	return rc;
}

static int line_summary(void *arg, const struct analyzer_summary *s)
{
	struct out_ctx *o = arg;
	int rc = dump(o, JPACK("{s:o}", "summary", summary(s)));

	fputc('\n', o->fp);
	return rc < 0 || ferror(o->fp) ? -EIO : 0;
}

void out_json_sink(struct analyzer_sink *s, struct out_ctx *o, bool lines)
{
	s->header = lines ? NULL : json_header;
	s->event = NULL;
	s->conn = lines ? line_conn : doc_conn;
	s->summary = lines ? line_summary : doc_summary;
	s->arg = o;
}

void out_json_free(struct out_ctx *o)
{
	json_decref(o->trace);
	json_decref(o->inputs);
	o->trace = o->inputs = NULL;
}
