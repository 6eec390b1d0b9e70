// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_text.c - the default output: one line per connection, within 120
 * columns for IPv4 and IPv6 alike (id, originator, responder, start,
 * duration, bytes each way, RTT, retransmissions, outcome, verdict), then
 * the summary.  A column holds no spaces, so awk and grep can use any of
 * them.  --wide prints addresses whole and adds, under each connection,
 * a line per endpoint (owner, state path, verdict) and its violations.
 */
#include <errno.h>
#include <stdio.h>

#include "outputs.h"
#include "timefmt.h"

/* Widths of the table's columns; the last (VERDICT) is at most 14. */
enum {
	W_ID = 5,
	W_ADDR = 21, /* "255.255.255.255:65535"; IPv6 is shortened to fit */
	W_START = 9,
	W_DURATION = 8,
	W_BYTES = 5,
	W_RTT = 6,
	W_RETX = 4,
	W_OUTCOME = 12,
};

static int text_header(void *arg, const char *path, const struct trc_header *h)
{
	struct out_ctx *o = arg;

	fprintf(o->fp, "# %s: %s, host %s, kernel %s, source %s", path, h->tool_version,
		h->hostname, h->kernel_release, h->source);
	/* What the first moments of the trace may lack. */
	if (h->startup_ns)
		fprintf(o->fp, ", ready %.1f ms after start", (double)h->startup_ns / 1e6);
	/* Why the connections of other namespaces show no TIME_WAIT. */
	if (h->tw_netns)
		fprintf(o->fp, ", TIME_WAIT polled in netns %u only", h->tw_netns);
	fputc('\n', o->fp);
	return 0;
}

/* Appends s padded like printf's "%-*s" (left) or "%*s", and a space. */
static void column(struct strbuf *sb, const char *s, size_t width, bool left)
{
	sb_pad(sb, s, width, left);
	sb_ch(sb, ' ');
}

static void side_column(struct strbuf *sb, const struct connection_view *cv, enum conn_side side,
			bool wide)
{
	char b[96], s[W_ADDR + 1];
	struct strbuf tmp = sb_fixed_str(b, sizeof(b));
	const char *text;

	outfmt_side_sb(&tmp, cv, side);
	text = sb_fixed_cstr(&tmp);
	if (!wide && tmp.len > W_ADDR)
		text = outfmt_endpoint_fit(text, W_ADDR, s);
	column(sb, text, W_ADDR, side == SIDE_RESP);
}

static void bytes_column(struct strbuf *sb, const struct connection_view *cv, enum conn_side side)
{
	char b[32];

	column(sb, cv->bytes_known[side] ? outfmt_bytes(cv->bytes[side], b, sizeof(b)) : "-",
	       W_BYTES, false);
}

static void start_column(struct strbuf *sb, const struct connection_view *cv)
{
	char b[32];
	uint64_t rel = cv->start_rt > cv->first_rt ? cv->start_rt - cv->first_rt : 0;

	snprintf(b, sizeof(b), "%.3f", (double)rel / 1e9);
	column(sb, b, W_START, false);
}

/* The verdict, a violation in red and an incomplete one in yellow when
 * colour is on (the escapes follow the last column: no width changes). */
static void verdict_word(struct strbuf *sb, enum verdict v, bool colour)
{
	const char *on = !colour		   ? NULL
			 : v == VERDICT_VIOLATION  ? "\033[1;31m"
			 : v == VERDICT_INCOMPLETE ? "\033[33m"
						   : NULL;

	if (on)
		sb_str(sb, on);
	sb_str(sb, verdict_name(v));
	if (on)
		sb_str(sb, "\033[0m");
}

/* The line of one connection, built without printf (it was most of the
 * time of this mode). */
static void conn_line(struct strbuf *sb, const struct connection_view *cv, bool wide, bool colour)
{
	char b[32];

	sb_pad_u64(sb, cv->id, W_ID, true);
	sb_ch(sb, ' ');
	side_column(sb, cv, SIDE_ORIG, wide);
	side_column(sb, cv, SIDE_RESP, wide);
	start_column(sb, cv);
	column(sb, outfmt_duration_short(cv->end_rt - cv->start_rt, b, sizeof(b)), W_DURATION,
	       false);
	bytes_column(sb, cv, SIDE_ORIG);
	bytes_column(sb, cv, SIDE_RESP);
	column(sb, cv->rtt_known ? outfmt_duration_short(cv->rtt_us * 1000, b, sizeof(b)) : "-",
	       W_RTT, false);
	sb_pad_u64(sb, cv->retransmits, W_RETX, false);
	sb_ch(sb, ' ');
	column(sb, outcome_name(cv->outcome), W_OUTCOME, true);
	verdict_word(sb, cv->verdict, colour);
	sb_ch(sb, '\n');
}

/* --wide: "  orig #2 32356/python3 SYN_SENT>...>CLOSE normal_close SF
 * conformant", then its violations. */
static void endpoint_lines(struct strbuf *sb, const struct connection_view *cv)
{
	static const char *const side_name[SIDE_COUNT] = { "orig", "resp" };

	for (int s = 0; s < SIDE_COUNT; s++) {
		const struct conn_view *v = cv->half[s];
		const struct conn *c;

		if (!v && cv->outcome == OUT_LISTENER)
			continue; /* a listener has no other side */
		sb_str(sb, "      ");
		sb_str(sb, side_name[s]);
		if (!v) {
			sb_str(sb, " not recorded\n");
			continue;
		}
		c = v->c;
		sb_str(sb, " #");
		sb_u64(sb, c->gid);
		sb_ch(sb, ' ');
		outfmt_owner_sb(sb, c);
		sb_ch(sb, ' ');
		outfmt_path_sb(sb, c);
		sb_ch(sb, ' ');
		sb_str(sb, outcome_name(v->outcome));
		sb_ch(sb, ' ');
		sb_str(sb, zeek_state_name(v->zstate));
		sb_ch(sb, ' ');
		sb_str(sb, verdict_name(v->verdict));
		if (c->b->replay.inferred)
			sb_str(sb, " (inferred)");
		sb_ch(sb, '\n');
		for (uint32_t i = 0; c->b->verdict.violations && i < c->b->verdict.n_violations &&
				     i < CONN_MAX_VIOL;
		     i++) {
			sb_str(sb, "        violation: ");
			sb_str(sb, c->b->verdict.violations[i]);
			sb_ch(sb, '\n');
		}
	}
}

static int text_render(struct out_ctx *o, const struct connection_view *cv, struct out_row *row)
{
	sb_reset(&o->sb);
	conn_line(&o->sb, cv, o->wide, o->colour);
	if (o->wide)
		endpoint_lines(&o->sb, cv);
	if (sb_failed(&o->sb))
		return -ENOMEM;
	out_row_fill(o, cv, row);
	return 0;
}

static int text_accept(struct out_ctx *o, const struct out_row *row)
{
	if (!o->n_conns)
		fprintf(o->fp, "%-*s %*s %-*s %*s %*s %*s %*s %*s %*s %-*s %s\n", W_ID, "ID",
			W_ADDR, "ORIG", W_ADDR, "RESP", W_START, "START", W_DURATION, "DURATION",
			W_BYTES, "ORIGB", W_BYTES, "RESPB", W_RTT, "RTT", W_RETX, "RETX", W_OUTCOME,
			"OUTCOME", "VERDICT");
	return out_row_take(o, row);
}

static int text_conn(void *arg, const struct connection_view *cv)
{
	struct out_ctx *o = arg;
	struct out_row row;
	int rc = text_render(o, cv, &row);

	return rc < 0 ? rc : text_accept(o, &row);
}

static int text_summary(void *arg, const struct analyzer_summary *s)
{
	struct out_ctx *o = arg;
	int rc = out_rows_flush(&o->rows, o->fp);

	return rc < 0 ? rc : outfmt_summary(o->fp, s);
}

void out_text_sink(struct analyzer_sink *s, struct out_ctx *o)
{
	s->header = text_header;
	s->event = NULL;
	s->conn = text_conn;
	s->summary = text_summary;
	s->arg = o;
	o->render = text_render;
	o->accept = text_accept;
	o->rows.first_sep = o->rows.sep = "";
}
