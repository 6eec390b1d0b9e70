// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_text.c - the default output: one line per connection (id, tuple,
 * owner, start, duration, the kernel's byte, RTT and retransmission
 * figures, outcome, state path, verdict), its violation sentences
 * indented below it, then the summary.
 */
#include <errno.h>
#include <stdio.h>

#include "outputs.h"
#include "timefmt.h"

static int text_header(void *arg, const char *path, const struct trc_header *h)
{
	struct out_ctx *o = arg;

	fprintf(o->fp, "# %s: %s, host %s, kernel %s, source %s", path, h->tool_version,
		h->hostname, h->kernel_release, h->source);
	/* What the first moments of the trace may lack. */
	if (h->startup_ns)
		fprintf(o->fp, ", ready %.1f ms after start", (double)h->startup_ns / 1e6);
	fputc('\n', o->fp);
	return 0;
}

/* Appends s padded like printf's "%-*s" (left) or "%*s". */
static void column(struct strbuf *sb, const char *s, size_t width, bool left)
{
	sb_pad(sb, s, width, left);
	sb_ch(sb, ' ');
}

/* The endpoint "a:p" right- or left-aligned in width columns. */
static void endpoint_column(struct strbuf *sb, const struct trc_conn *d, bool local, size_t width)
{
	char b[96];
	struct strbuf tmp = sb_fixed_str(b, sizeof(b));

	/* Formatted on the stack first: the padding needs its length. */
	outfmt_endpoint_sb(&tmp, d->family, local ? d->laddr : d->raddr,
			   local ? d->lport : d->rport);
	sb_pad(sb, sb_fixed_cstr(&tmp), width, !local);
}

/* A kernel figure in width columns. */
static void figure_column(struct strbuf *sb, const struct conn *c, unsigned int key, size_t width)
{
	char b[32];
	struct strbuf tmp = sb_fixed_str(b, sizeof(b));

	outfmt_figure_sb(&tmp, c, key);
	column(sb, sb_fixed_cstr(&tmp), width, true);
}

/* Retransmissions: the kernel's count over the socket's life when it was
 * recorded, else the retransmissions seen in the trace. */
static void retrans_column(struct strbuf *sb, const struct conn *c)
{
	uint64_t v;

	if (!figures_get(&c->b->fig, TRC_SOCKF_TOTAL_RETRANS, &v))
		v = c->b->retransmits;
	sb_pad_u64(sb, v, 4, true);
	sb_ch(sb, ' ');
}

/* The line of one connection, built without printf (it was most of the
 * time of this mode): the columns of
 * "%-5llu %21s > %-22s %-20s %-30s %-10s %-6s %-6s %-9s %-4s %-14s %-8s %s %s%s\n". */
static void conn_line(struct strbuf *sb, const struct conn_view *v)
{
	const struct conn *c = v->c;
	char own[96], start[TIMEFMT_ISO_LEN], dur[TIMEFMT_DUR_LEN];
	struct strbuf ob = sb_fixed_str(own, sizeof(own));

	sb_pad_u64(sb, c->id, 5, true);
	sb_ch(sb, ' ');
	endpoint_column(sb, &c->b->decl, true, 21);
	sb_mem(sb, " > ", 3);
	endpoint_column(sb, &c->b->decl, false, 22);
	sb_ch(sb, ' ');
	outfmt_owner_sb(&ob, c);
	column(sb, sb_fixed_cstr(&ob), 20, true);
	timefmt_iso_raw(trc_realtime(v->hdr, v->dur.start_ns), start);
	column(sb, start, 30, true);
	timefmt_duration_raw(v->dur.lifetime_ns, dur);
	column(sb, dur, 10, true);
	figure_column(sb, c, TRC_SOCKF_BYTES_ACKED, 6);
	figure_column(sb, c, TRC_SOCKF_BYTES_RECEIVED, 6);
	figure_column(sb, c, TRC_SOCKF_SRTT_US, 9);
	retrans_column(sb, c);
	column(sb, outcome_name(v->outcome), 14, true);
	column(sb, zeek_state_name(v->zstate), 8, true);
	outfmt_path_sb(sb, c);
	sb_ch(sb, ' ');
	sb_str(sb, verdict_name(v->verdict));
	if (c->b->inferred)
		sb_str(sb, " (inferred)");
	sb_ch(sb, '\n');
}

static int text_conn(void *arg, const struct conn_view *v)
{
	struct out_ctx *o = arg;
	const struct conn *c = v->c;
	int rc;

	if (v->verdict == VERDICT_VIOLATION)
		o->violations++;
	if (!o->n_conns++)
		fprintf(o->fp,
			"%-5s %-46s %-20s %-30s %-10s %-6s %-6s %-9s %-4s %-14s %-8s %s %s\n", "ID",
			"LOCAL > REMOTE", "PID/COMM", "START", "DURATION", "TX", "RX", "RTT",
			"RETX", "OUTCOME", "ZEEK", "PATH", "VERDICT");
	conn_line(&o->sb, v);
	for (uint32_t i = 0; c->b->violations && i < c->b->n_violations && i < CONN_MAX_VIOL; i++) {
		sb_str(&o->sb, "      violation: ");
		sb_str(&o->sb, c->b->violations[i]);
		sb_ch(&o->sb, '\n');
	}
	rc = sb_flush(&o->sb, o->fp);
	if (rc < 0)
		return rc;
	return ferror(o->fp) ? -EIO : 0;
}

static int text_summary(void *arg, const struct analyzer_summary *s)
{
	struct out_ctx *o = arg;

	return outfmt_summary(o->fp, s);
}

void out_text_sink(struct analyzer_sink *s, struct out_ctx *o)
{
	s->header = text_header;
	s->event = NULL;
	s->conn = text_conn;
	s->summary = text_summary;
	s->arg = o;
}
