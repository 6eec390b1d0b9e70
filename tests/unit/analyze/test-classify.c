// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-classify.c - the Zeek-style history letters (once per direction,
 * again on a new sequence number, logarithmic t and w, q and i), every
 * conn_state code, and the outcome rules, on endpoints built by hand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "divergence.h"
#include "replay.h"
#include "tracegen.h"

static struct conn *fresh(void)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c || !(c->b = calloc(1, sizeof(*c->b))))
		exit(99);
	return c;
}

static void discard(struct conn *c)
{
	free(c->b->verdict.violations);
	free(c->b);
	free(c);
}

static void seg(struct conn *c, bool tx, const char *flags)
{
	struct seg_rec s = { .dir = tx ? TRC_DIR_TX : TRC_DIR_RX, .tcp_flags = tg_flags(flags) };

	classify_segment(c, &s);
}

static void seg_seq(struct conn *c, bool tx, const char *flags, uint32_t seq, uint32_t win,
		    uint32_t len)
{
	struct seg_rec s = { .dir = tx ? TRC_DIR_TX : TRC_DIR_RX,
			     .tcp_flags = tg_flags(flags),
			     .flags = TRC_SEG_F_SEQ,
			     .seq = seq,
			     .window = win,
			     .payload_len = len };

	classify_segment(c, &s);
}

/* Feeds "tx:S rx:S. ..." and returns the history. */
static const char *hist(struct conn *c, const char *script)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", script);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		seg(c, t[0] == 't', strchr(t, ':') + 1);
	return c->b->classify.history;
}

static void history(void)
{
	struct conn *c = fresh();

	/* Originator = local: upper case for what we send; a, d once. */
	CHECK_STR(hist(c, "tx:S rx:S. tx:. tx:P. rx:. rx:P. tx:. rx:P. tx:F. rx:F. tx:."),
		  "ShADadFf");
	CHECK_EQ(c->b->traffic.seg_total, 11);
	CHECK_EQ(c->b->traffic.by_flag[0], 1);
	CHECK_EQ(c->b->traffic.by_flag[1], 1);
	CHECK_EQ(c->b->traffic.by_flag[4], 2);
	discard(c);
	/* Originator = remote: the letters of what we send are lower case. */
	c = fresh();
	CHECK_STR(hist(c, "rx:S tx:S. rx:. rx:R."), "ShAR");
	CHECK_EQ(c->b->classify.originator, -1);
	discard(c);
	/* Without sequence numbers, a repeated SYN is recorded once... */
	c = fresh();
	CHECK_STR(hist(c, "tx:S tx:S tx:S"), "S");
	discard(c);
	/* ...with them, again when the sequence number differs. */
	c = fresh();
	seg_seq(c, true, "S", 100, 1000, 0);
	seg_seq(c, true, "S", 100, 1000, 0);
	seg_seq(c, true, "S", 500, 1000, 0);
	CHECK_STR(c->b->classify.history, "SS");
	discard(c);
	/* SYN+FIN and SYN+RST are q, FIN+RST is i. */
	c = fresh();
	CHECK_STR(hist(c, "tx:SF rx:RF"), "Qi");
	discard(c);
	/* Retransmissions and zero windows: 1st, 10th, 100th. */
	c = fresh();
	seg(c, true, "S");
	for (int i = 0; i < 100; i++)
		classify_retransmit(c);
	CHECK_STR(c->b->classify.history, "STTT");
	CHECK_EQ(c->b->traffic.retransmits, 100);
	discard(c);
	c = fresh();
	seg(c, true, "S");
	for (int i = 0; i < 12; i++)
		seg_seq(c, false, ".", 10, 0, 0);
	CHECK_STR(c->b->classify.history, "Saww");
	discard(c);
	/* Flows: retransmissions recognised by their sequence numbers. */
	c = fresh();
	c->flow_only = true;
	seg_seq(c, true, "S", 100, 1000, 0);
	seg_seq(c, true, "S", 100, 1000, 0);
	seg_seq(c, false, "S.", 900, 1000, 0);
	seg_seq(c, true, "P.", 101, 1000, 10);
	seg_seq(c, true, "P.", 101, 1000, 10);
	seg_seq(c, true, "P.", 111, 1000, 10);
	CHECK_STR(c->b->classify.history, "SThD");
	CHECK_EQ(c->b->traffic.retransmits, 2);
	discard(c);
	/* Midstream: the first sender is the originator. */
	c = fresh();
	CHECK_STR(hist(c, "rx:P. tx:."), "Da");
	CHECK(c->b->classify.first_seg_not_syn);
	discard(c);
}

static void zeek(const char *script, const char *want)
{
	struct conn *c = fresh();

	hist(c, script);
	check_str_at(zeek_state_name(classify_conn_state(c)), want, script, __FILE__, __LINE__);
	discard(c);
}

static void conn_states(void)
{
	zeek("tx:S", "S0");
	zeek("tx:S rx:S. tx:.", "S1");
	zeek("tx:S rx:S. tx:. tx:F. rx:F.", "SF");
	zeek("tx:S rx:R.", "REJ");
	zeek("tx:S rx:S. tx:. tx:F.", "S2");
	zeek("tx:S rx:S. tx:. rx:F.", "S3");
	zeek("tx:S rx:S. tx:. tx:R.", "RSTO");
	zeek("tx:S rx:S. tx:. rx:R.", "RSTR");
	zeek("tx:S tx:R", "RSTOS0");
	zeek("rx:S. rx:R", "RSTRH");
	zeek("tx:S tx:F", "SH");
	zeek("rx:S. rx:F.", "SHR");
	zeek("tx:P. rx:.", "OTH");
}

static void trans(struct conn *c, int from, int to, enum cause_kind k, uint8_t fl, int dir, int div,
		  bool owner)
{
	struct transition t = { .from = (uint8_t)from,
				.to = (uint8_t)to,
				.owner = owner,
				.divergence = (uint8_t)div,
				.judge = div ? JUDGE_LINUX : 0 };

	t.cause.kind = (uint8_t)k;
	t.cause.tcp_flags = fl;
	t.cause.dir = (uint8_t)dir;
	replay_add_transition(c, &t);
	c->b->replay.kstate = (uint8_t)to;
	if (to == TCP_ST_CLOSE)
		c->closed = true;
}

static void outcome(struct conn *c, enum outcome want, int line)
{
	classify_finish(c);
	check_str_at(outcome_name(classify_outcome(c)), outcome_name(want), "outcome", __FILE__,
		     line);
	discard(c);
}

static void outcomes(void)
{
	struct conn *c;

	c = fresh(); /* listener */
	trans(c, TCP_ST_CLOSE, TCP_ST_LISTEN, CAUSE_APP, 0, 0, 0, true);
	outcome(c, OUT_LISTENER, __LINE__);
	c = fresh(); /* refused: RST received in SYN_SENT */
	trans(c, TCP_ST_CLOSE, TCP_ST_SYN_SENT, CAUSE_APP, 0, 0, 0, true);
	hist(c, "tx:S rx:R.");
	trans(c, TCP_ST_SYN_SENT, TCP_ST_CLOSE, CAUSE_SEGMENT, 0x14, TRC_DIR_RX, 0, false);
	outcome(c, OUT_REFUSED, __LINE__);
	c = fresh(); /* syn timeout: no RST, timer context */
	trans(c, TCP_ST_CLOSE, TCP_ST_SYN_SENT, CAUSE_APP, 0, 0, 0, true);
	trans(c, TCP_ST_SYN_SENT, TCP_ST_CLOSE, CAUSE_TIMER, 0, 0, LX_SYN_TIMEOUT, false);
	outcome(c, OUT_SYN_TIMEOUT, __LINE__);
	c = fresh(); /* the application gave up connecting */
	trans(c, TCP_ST_CLOSE, TCP_ST_SYN_SENT, CAUSE_APP, 0, 0, 0, true);
	trans(c, TCP_ST_SYN_SENT, TCP_ST_CLOSE, CAUSE_APP, 0, 0, 0, true);
	outcome(c, OUT_ABORTED, __LINE__);
}

static void outcomes_established(void)
{
	struct conn *c;

	c = fresh(); /* reset by the peer */
	trans(c, TCP_ST_CLOSE, TCP_ST_SYN_SENT, CAUSE_APP, 0, 0, 0, true);
	trans(c, TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED, CAUSE_SEGMENT, 0x12, TRC_DIR_RX, 0, false);
	trans(c, TCP_ST_ESTABLISHED, TCP_ST_CLOSE, CAUSE_SEGMENT, 0x14, TRC_DIR_RX, 0, false);
	outcome(c, OUT_RESET_REMOTE, __LINE__);
	c = fresh(); /* reset by us (abort) */
	trans(c, TCP_ST_CLOSE, TCP_ST_SYN_SENT, CAUSE_APP, 0, 0, 0, true);
	trans(c, TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED, CAUSE_SEGMENT, 0x12, TRC_DIR_RX, 0, false);
	trans(c, TCP_ST_ESTABLISHED, TCP_ST_CLOSE, CAUSE_APP, 0, 0, LX_ABORT_CLOSE, true);
	outcome(c, OUT_RESET_LOCAL, __LINE__);
	c = fresh(); /* retransmissions gave up */
	trans(c, TCP_ST_CLOSE, TCP_ST_SYN_SENT, CAUSE_APP, 0, 0, 0, true);
	trans(c, TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED, CAUSE_SEGMENT, 0x12, TRC_DIR_RX, 0, false);
	trans(c, TCP_ST_ESTABLISHED, TCP_ST_CLOSE, CAUSE_TIMER, 0, 0, LX_RETRIES_GIVEUP, false);
	outcome(c, OUT_TIMEOUT, __LINE__);
	c = fresh(); /* normal close, passive side */
	trans(c, TCP_ST_LISTEN, TCP_ST_SYN_RECV, CAUSE_SEGMENT, 0x02, TRC_DIR_RX, LX_LISTEN_CHILD,
	      false);
	trans(c, TCP_ST_SYN_RECV, TCP_ST_ESTABLISHED, CAUSE_SEGMENT, 0x10, TRC_DIR_RX, 0, false);
	trans(c, TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT, CAUSE_SEGMENT, 0x11, TRC_DIR_RX, 0, false);
	trans(c, TCP_ST_CLOSE_WAIT, TCP_ST_LAST_ACK, CAUSE_APP, 0, 0, 0, true);
	trans(c, TCP_ST_LAST_ACK, TCP_ST_CLOSE, CAUSE_SEGMENT, 0x10, TRC_DIR_RX, 0, false);
	outcome(c, OUT_NORMAL_CLOSE, __LINE__);
	c = fresh(); /* half open at the end of the trace */
	trans(c, TCP_ST_CLOSE, TCP_ST_SYN_SENT, CAUSE_APP, 0, 0, 0, true);
	trans(c, TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED, CAUSE_SEGMENT, 0x12, TRC_DIR_RX, 0, false);
	trans(c, TCP_ST_ESTABLISHED, TCP_ST_CLOSE_WAIT, CAUSE_SEGMENT, 0x11, TRC_DIR_RX, 0, false);
	outcome(c, OUT_HALF_OPEN, __LINE__);
	c = fresh(); /* open at the end */
	trans(c, TCP_ST_CLOSE, TCP_ST_SYN_SENT, CAUSE_APP, 0, 0, 0, true);
	trans(c, TCP_ST_SYN_SENT, TCP_ST_ESTABLISHED, CAUSE_SEGMENT, 0x12, TRC_DIR_RX, 0, false);
	outcome(c, OUT_OPEN_AT_END, __LINE__);
	c = fresh(); /* closed, nothing says why */
	trans(c, TCP_ST_UNKNOWN, TCP_ST_ESTABLISHED, CAUSE_SNAPSHOT, 0, 0, 0, false);
	c->incomplete = INC_SNAPSHOT;
	trans(c, TCP_ST_ESTABLISHED, TCP_ST_CLOSE, CAUSE_UNKNOWN, 0, 0, 0, false);
	outcome(c, OUT_CLOSED_UNKNOWN, __LINE__);
	CHECK(outcome_from_name("syn_timeout") == OUT_SYN_TIMEOUT);
	CHECK(outcome_from_name("nope") < 0);
}

int main(void)
{
	history();
	conn_states();
	outcomes();
	outcomes_established();
	return check_exit_status();
}
