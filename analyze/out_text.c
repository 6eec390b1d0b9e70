// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_text.c - the default output: one line per connection (id, tuple,
 * owner, start, duration, outcome, state path, verdict), its violation
 * sentences indented below it, then the summary.
 */
#include <errno.h>
#include <stdio.h>

#include "outputs.h"
#include "timefmt.h"

static int text_header(void *arg, const char *path, const struct trc_header *h)
{
	struct out_ctx *o = arg;

	fprintf(o->fp, "# %s: %s, host %s, kernel %s, source %s\n", path, h->tool_version,
		h->hostname, h->kernel_release, h->source);
	return 0;
}

static int text_conn(void *arg, const struct conn_view *v)
{
	struct out_ctx *o = arg;
	const struct conn *c = v->c;
	char l[64], r[64], own[96], start[TIMEFMT_ISO_LEN], dur[32], path[512];

	if (v->verdict == VERDICT_VIOLATION)
		o->violations++;
	if (!o->n_conns++)
		fprintf(o->fp, "%-5s %-46s %-20s %-30s %-10s %-14s %-8s %s %s\n", "ID", "LOCAL > REMOTE",
			"PID/COMM", "START", "DURATION", "OUTCOME", "ZEEK", "PATH", "VERDICT");
	outfmt_endpoint(c->decl.family, c->decl.laddr, c->decl.lport, l, sizeof(l));
	outfmt_endpoint(c->decl.family, c->decl.raddr, c->decl.rport, r, sizeof(r));
	outfmt_owner(c, own, sizeof(own));
	timefmt_iso(analyzer_realtime(v->hdr, v->dur.start_ns), start, sizeof(start));
	timefmt_duration(v->dur.lifetime_ns, dur, sizeof(dur));
	outfmt_path(c, path, sizeof(path));
	fprintf(o->fp, "%-5llu %21s > %-22s %-20s %-30s %-10s %-14s %-8s %s %s%s\n",
		(unsigned long long)c->id, l, r, own, start, dur, outcome_name(v->outcome),
		zeek_state_name(v->zstate), path, verdict_name(v->verdict),
		c->inferred ? " (inferred)" : "");
	for (uint32_t i = 0; c->violations && i < c->n_violations && i < CONN_MAX_VIOL; i++)
		fprintf(o->fp, "      violation: %s\n", c->violations[i]);
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
