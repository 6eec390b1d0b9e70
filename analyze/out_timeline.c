// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_timeline.c - --timeline: per connection, each transition with its
 * time, the time spent in the state it entered, its cause and judgement.
 */
#include <errno.h>
#include <stdio.h>

#include "divergence.h"
#include "outputs.h"
#include "timefmt.h"

/* One endpoint: its header line, then a line per transition. */
static void tl_endpoint(struct out_ctx *o, const char *side, const struct conn_view *v,
			uint64_t zero_rt)
{
	const struct conn *c = v->c;
	char l[64], r[64], own[96], ts[TIMEFMT_ISO_LEN], dwell[32], cause[48];

	outfmt_endpoint(c->b->decl.family, c->b->decl.laddr, c->b->decl.lport, l, sizeof(l));
	outfmt_endpoint(c->b->decl.family, c->b->decl.raddr, c->b->decl.rport, r, sizeof(r));
	outfmt_owner(c, own, sizeof(own));
	fprintf(o->fp, " %s endpoint %llu: %s > %s owner %s outcome %s verdict %s%s\n", side,
		(unsigned long long)c->gid, l, r, own, outcome_name(v->outcome),
		verdict_name(v->verdict), c->b->replay.inferred ? " (inferred)" : "");
	for (uint16_t i = 0; i < c->b->replay.n_trans; i++) {
		const struct transition *t = &c->b->replay.trans[i];

		timefmt_moment(o->time_style, trc_realtime(v->hdr, t->t_ns), zero_rt, ts,
			       sizeof(ts));
		fprintf(o->fp, "  %s  %-12s -> %-12s %10s  %-16s %s", ts, tcp_state_name(t->from),
			tcp_state_name(t->to),
			timefmt_duration(v->dur.dwell[i], dwell, sizeof(dwell)),
			outfmt_cause(&t->cause, cause, sizeof(cause)),
			judgement_name((enum judgement)t->judge));
		if (t->judge == JUDGE_LINUX)
			fprintf(o->fp, " (%s)",
				lx_divergence_name((enum lx_divergence)t->divergence));
		fputc('\n', o->fp);
	}
	if (c->b->replay.trans_dropped)
		fprintf(o->fp, "  ... %u more transitions not kept\n", c->b->replay.trans_dropped);
	for (uint32_t i = 0;
	     c->b->verdict.violations && i < c->b->verdict.n_violations && i < CONN_MAX_VIOL; i++)
		fprintf(o->fp, "  violation: %s\n", c->b->verdict.violations[i]);
}

static int tl_conn(void *arg, const struct connection_view *cv)
{
	static const char *const side_name[SIDE_COUNT] = { "orig", "resp" };
	struct out_ctx *o = arg;
	char orig[96], resp[96];
	struct strbuf ob = sb_fixed_str(orig, sizeof(orig)), rb = sb_fixed_str(resp, sizeof(resp));

	if (cv->verdict == VERDICT_VIOLATION)
		o->violations++;
	outfmt_side_sb(&ob, cv, SIDE_ORIG);
	outfmt_side_sb(&rb, cv, SIDE_RESP);
	fprintf(o->fp, "connection %llu: %s > %s outcome %s verdict %s seen %s\n",
		(unsigned long long)cv->id, sb_fixed_cstr(&ob), sb_fixed_cstr(&rb),
		outcome_name(cv->outcome), verdict_name(cv->verdict), connection_seen_name(cv));
	for (int s = 0; s < SIDE_COUNT; s++)
		if (cv->half[s])
			tl_endpoint(o, side_name[s], cv->half[s], cv->first_rt);
	return ferror(o->fp) ? -EIO : 0;
}

static int tl_summary(void *arg, const struct analyzer_summary *s)
{
	struct out_ctx *o = arg;

	return outfmt_summary(o->fp, s);
}

void out_timeline_sink(struct analyzer_sink *s, struct out_ctx *o)
{
	s->header = NULL;
	s->event = NULL;
	s->conn = tl_conn;
	s->summary = tl_summary;
	s->arg = o;
}
