// SPDX-License-Identifier: BSD-2-Clause
/*
 * verdict.c - settles an endpoint once it is over and gives it a verdict:
 * transitions that needed a segment when none was recorded become
 * "unexplained", and lost events or skipped blocks turn what could be a
 * violation into "incomplete".  Also the names of verdicts, judgements and
 * incomplete reasons used by every output.
 */
#include <string.h>

#include "divergence.h"
#include "verdict.h"
#include "replay.h"
#include "replay_flow.h"

const char *verdict_name(enum verdict v)
{
	static const char *const n[VERDICT_COUNT] = {
		"conformant",
		"linux-specific",
		"violation",
		"incomplete",
	};
	return (unsigned int)v < VERDICT_COUNT ? n[v] : "unknown";
}

const char *judgement_name(enum judgement j)
{
	static const char *const n[] = {
		"conformant", "linux-specific", "violation", "unexplained", "snapshot",
	};
	return (unsigned int)j <= JUDGE_SNAPSHOT ? n[j] : "unknown";
}

const char *incomplete_reason_name(enum incomplete_reason r)
{
	switch (r) {
	case INC_LOST:
		return "lost-events";
	case INC_CORRUPT:
		return "corrupt-block";
	case INC_SNAPSHOT:
		return "began-before-trace";
	case INC_MIDSTREAM:
		return "began-midstream";
	case INC_TRACE_END:
		return "open-at-trace-end";
	case INC_TRUNCATED:
		return "trace-truncated";
	}
	return "unknown";
}

/* FIN_WAIT2 -> CLOSE without the peer's FIN, in process context, and a
 * RST sent after it, but no timewait socket: close() with SO_LINGER 0
 * (tcp_disconnect()), not a hand-over.  The records after the transition
 * are what tell the two apart. */
static void settle_fin_wait2(struct conn *c)
{
	struct transition *t =
		c->b->replay.n_trans ? &c->b->replay.trans[c->b->replay.n_trans - 1] : NULL;

	if (t && t->divergence == LX_TIMEWAIT_TAKEOVER && t->from == TCP_ST_CLOSE &&
	    c->b->replay.n_trans > 1)
		t--; /* the CLOSE -> TIME_WAIT appended after it */
	if (!t || t->divergence != LX_FIN_WAIT2_TIMEOUT || !t->owner || c->tw_enter ||
	    !(c->b->classify.tx_rst || c->b->traffic.resets_sent))
		return;
	t->divergence = LX_ABORT_CLOSE;
	t->cause.input = RFC_IN_APP_ABORT;
	c->b->verdict.divergences &= ~(1u << LX_FIN_WAIT2_TIMEOUT);
	for (uint16_t i = 0; i < c->b->replay.n_trans; i++)
		if (c->b->replay.trans[i].divergence == LX_FIN_WAIT2_TIMEOUT)
			c->b->verdict.divergences |= 1u << LX_FIN_WAIT2_TIMEOUT;
	c->b->verdict.divergences |= 1u << LX_ABORT_CLOSE;
}

void replay_finish(struct conn *c)
{
	uint32_t kept = 0;

	settle_fin_wait2(c);
	if (c->b->replay.inferred)
		replay_flow_flush(c);
	if (c->b->replay.tw_trans_pending && c->closed)
		replay_add_timewait(c);
	if (c->b->traffic.seg_total || !c->b->verdict.n_viol_seg)
		return;
	/* No segment was recorded for this endpoint at all (segment probes
	 * off or unavailable): a transition needing one is unexplained, not
	 * a violation. */
	for (uint16_t i = 0; i < c->b->replay.n_trans; i++)
		if (c->b->replay.trans[i].judge == JUDGE_VIOLATION &&
		    c->b->replay.trans[i].needs_seg) {
			c->b->replay.trans[i].judge = JUDGE_UNEXPLAINED;
			c->b->replay.trans[i].cause.kind = CAUSE_UNKNOWN;
		}
	for (uint32_t i = 0; i < c->b->verdict.n_violations && i < CONN_MAX_VIOL; i++)
		if (!(c->b->verdict.viol_needs_seg & (1u << i)))
			memmove(c->b->verdict.violations[kept++], c->b->verdict.violations[i],
				CONN_VIOL_LEN);
	c->b->verdict.n_unexplained += c->b->verdict.n_viol_seg;
	c->b->verdict.n_violations -= c->b->verdict.n_viol_seg;
	c->b->verdict.n_viol_seg = 0;
	c->b->verdict.viol_needs_seg = 0;
}

enum verdict replay_verdict(const struct conn *c)
{
	/* Missing events can make any transition look unexplained: a loss or
	 * a skipped block never yields a violation. */
	if (c->incomplete & (INC_LOST | INC_CORRUPT))
		return VERDICT_INCOMPLETE;
	if (c->b->verdict.n_violations)
		return VERDICT_VIOLATION;
	if (c->incomplete)
		return VERDICT_INCOMPLETE;
	return c->b->verdict.divergences ? VERDICT_LINUX : VERDICT_CONFORMANT;
}
