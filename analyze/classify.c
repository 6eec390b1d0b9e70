// SPDX-License-Identifier: BSD-2-Clause
/*
 * classify.c - the outcome of an endpoint and its Zeek-style conn_state,
 * decided from its transitions (what the kernel did) first and its
 * segments second, so state-only traces classify as well as full ones.
 */
#include <errno.h>
#include <string.h>

#include "classify.h"
#include "divergence.h"

const char *outcome_name(enum outcome o)
{
	static const char *const n[OUT_COUNT] = {
		"normal_close", "refused",     "reset_local",	 "reset_remote", "syn_timeout",
		"half_open",	"open_at_end", "closed_unknown", "listener",	 "aborted",
		"timeout",	"reset_orig",  "reset_resp",
	};
	return (unsigned int)o < OUT_COUNT ? n[o] : "unknown";
}

int outcome_from_name(const char *name)
{
	for (int i = 0; i < OUT_COUNT; i++)
		if (!strcmp(name, outcome_name((enum outcome)i)))
			return i;
	return -EINVAL;
}

const char *zeek_state_name(enum zeek_state z)
{
	static const char *const n[ZS_COUNT] = {
		"S0",	"S1",	  "SF",	   "REJ", "S2",	 "S3",	"RSTO",
		"RSTR", "RSTOS0", "RSTRH", "SH",  "SHR", "OTH",
	};
	return (unsigned int)z < ZS_COUNT ? n[z] : "OTH";
}

static bool visited(const struct conn *c, uint8_t st)
{
	for (uint16_t i = 0; i < c->b->replay.n_trans; i++)
		if (c->b->replay.trans[i].to == st)
			return true;
	return false;
}

/* Endpoints without segments: what the transitions imply about them. */
void classify_finish(struct conn *c)
{
	bool local_orig;

	if (c->b->traffic.seg_total)
		return;
	if (visited(c, TCP_ST_SYN_SENT))
		c->b->classify.originator = 1;
	else if (visited(c, TCP_ST_SYN_RECV))
		c->b->classify.originator = -1;
	if (!c->b->classify.originator)
		return;
	local_orig = c->b->classify.originator > 0;
	c->b->classify.orig_syn = true;
	c->b->classify.syn_seen = true;
	if (visited(c, TCP_ST_ESTABLISHED))
		c->b->classify.resp_synack = true;
	if (visited(c, TCP_ST_FIN_WAIT1) || visited(c, TCP_ST_LAST_ACK))
		*(local_orig ? &c->b->classify.orig_fin : &c->b->classify.resp_fin) =
			c->b->classify.tx_fin = true;
	if (visited(c, TCP_ST_CLOSE_WAIT) || visited(c, TCP_ST_CLOSING) ||
	    (c->b->verdict.divergences & (1u << LX_TIMEWAIT_TAKEOVER)))
		*(local_orig ? &c->b->classify.resp_fin : &c->b->classify.orig_fin) =
			c->b->classify.rx_fin = true;
	if (c->b->traffic.resets_sent)
		*(local_orig ? &c->b->classify.orig_rst : &c->b->classify.resp_rst) = true;
	if (c->b->traffic.resets_received)
		*(local_orig ? &c->b->classify.resp_rst : &c->b->classify.orig_rst) = true;
}

static const struct transition *closing_transition(const struct conn *c)
{
	for (int i = c->b->replay.n_trans - 1; i >= 0; i--)
		if (c->b->replay.trans[i].to == TCP_ST_CLOSE &&
		    c->b->replay.trans[i].from != TCP_ST_UNKNOWN)
			return &c->b->replay.trans[i];
	return NULL;
}

static bool is_listener(const struct conn *c)
{
	return (c->b->replay.kstate == TCP_ST_LISTEN || visited(c, TCP_ST_LISTEN)) &&
	       !visited(c, TCP_ST_SYN_RECV) && !visited(c, TCP_ST_ESTABLISHED) &&
	       !visited(c, TCP_ST_SYN_SENT);
}

static enum outcome closed_outcome(const struct conn *c, bool established)
{
	const struct transition *t = closing_transition(c);
	bool rx_rst = c->b->classify.rx_rst || c->b->traffic.resets_received;
	bool tx_rst = c->b->classify.tx_rst || c->b->traffic.resets_sent;
	bool rst_cause = t && t->cause.kind == CAUSE_SEGMENT && (t->cause.tcp_flags & TRC_TCP_RST);

	if (!established) {
		/* A RST before the handshake completed: the originator was
		 * refused, or the responder refused it. */
		if (rx_rst || (rst_cause && t->cause.dir == TRC_DIR_RX))
			return c->b->classify.originator >= 0 ? OUT_REFUSED : OUT_RESET_REMOTE;
		if (tx_rst)
			return c->b->classify.originator < 0 ? OUT_REFUSED : OUT_RESET_LOCAL;
		if (t && t->from == TCP_ST_SYN_SENT)
			return t->owner ? OUT_ABORTED : OUT_SYN_TIMEOUT;
		return t && t->owner ? OUT_ABORTED : OUT_CLOSED_UNKNOWN;
	}
	if (rst_cause)
		return t->cause.dir == TRC_DIR_RX ? OUT_RESET_REMOTE : OUT_RESET_LOCAL;
	if (t && t->divergence == LX_ABORT_CLOSE)
		return OUT_RESET_LOCAL;
	if (t && t->divergence == LX_RETRIES_GIVEUP)
		return rx_rst ? OUT_RESET_REMOTE : OUT_TIMEOUT;
	/* An orphaned FIN_WAIT2 handed to a timewait socket still waits for
	 * the peer's FIN: what reached the tuple after it decides (the FIN
	 * makes it a normal close, below); once that socket is gone without
	 * either, it gave up waiting. */
	if (t && t->divergence == LX_FIN_WAIT2_TIMEOUT && !c->b->classify.rx_fin) {
		if (rx_rst)
			return OUT_RESET_REMOTE;
		if (tx_rst)
			return OUT_RESET_LOCAL;
		return c->tw_enter && !c->tw_exit ? OUT_HALF_OPEN : OUT_TIMEOUT;
	}
	if (c->b->classify.rx_fin && c->b->classify.tx_fin)
		return OUT_NORMAL_CLOSE;
	if (t && (t->from == TCP_ST_LAST_ACK || t->from == TCP_ST_CLOSING ||
		  t->divergence == LX_TIMEWAIT_TAKEOVER))
		return OUT_NORMAL_CLOSE;
	if (visited(c, TCP_ST_TIME_WAIT))
		return OUT_NORMAL_CLOSE;
	if (rx_rst)
		return OUT_RESET_REMOTE;
	if (tx_rst)
		return OUT_RESET_LOCAL;
	return OUT_CLOSED_UNKNOWN;
}

enum outcome classify_outcome(const struct conn *c)
{
	bool established =
		visited(c, TCP_ST_ESTABLISHED) ||
		(c->incomplete & (INC_SNAPSHOT | INC_MIDSTREAM) &&
		 c->b->replay.kstate != TCP_ST_SYN_SENT && c->b->replay.kstate != TCP_ST_LISTEN);
	bool tx_rst = c->b->classify.tx_rst || c->b->traffic.resets_sent,
	     rx_rst = c->b->classify.rx_rst || c->b->traffic.resets_received;

	if (is_listener(c))
		return OUT_LISTENER;
	if (!established && c->b->classify.originator < 0 && tx_rst && c->b->classify.orig_syn)
		return OUT_REFUSED; /* we answered a SYN with RST */
	if (!established && c->b->classify.originator > 0 && rx_rst)
		return OUT_REFUSED;
	if (c->closed)
		return closed_outcome(c, established);
	if (c->b->replay.kstate == TCP_ST_SYN_SENT && c->b->replay.inferred &&
	    c->b->traffic.by_flag[0] >= 2)
		return OUT_SYN_TIMEOUT;
	if (!established && !c->b->replay.n_trans && c->b->classify.originator < 0 &&
	    !c->b->traffic.seg_tx)
		return OUT_SYN_TIMEOUT; /* a responder that never answered */
	if (established && c->b->classify.rx_fin != c->b->classify.tx_fin)
		return OUT_HALF_OPEN;
	return OUT_OPEN_AT_END;
}

enum zeek_state classify_conn_state(const struct conn *c)
{
	if (!c->b->classify.orig_syn) {
		if (c->b->classify.resp_synack)
			return c->b->classify.resp_rst	 ? ZS_RSTRH
			       : c->b->classify.resp_fin ? ZS_SHR
							 : ZS_OTH;
		return ZS_OTH;
	}
	if (!c->b->classify.resp_synack) {
		if (c->b->classify.resp_rst)
			return ZS_REJ;
		if (c->b->classify.orig_rst)
			return ZS_RSTOS0;
		return c->b->classify.orig_fin ? ZS_SH : ZS_S0;
	}
	if (c->b->classify.orig_rst)
		return ZS_RSTO;
	if (c->b->classify.resp_rst)
		return ZS_RSTR;
	if (c->b->classify.orig_fin && c->b->classify.resp_fin)
		return ZS_SF;
	if (c->b->classify.orig_fin)
		return ZS_S2;
	return c->b->classify.resp_fin ? ZS_S3 : ZS_S1;
}
