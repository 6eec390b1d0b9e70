// SPDX-License-Identifier: BSD-2-Clause
/*
 * divergence.c - recognises the documented Linux departures from the RFC
 * 9293 state diagram.  Each rule here has an entry with its kernel reason
 * in docs/LINUX-DIVERGENCES.md; keep the two in step.
 */
#include "divergence.h"
#include "rfc9293.h"

const char *lx_divergence_name(enum lx_divergence d)
{
	static const char *const names[LX_COUNT] = {
		[LX_NONE] = "none",
		[LX_TIMEWAIT_TAKEOVER] = "timewait-takeover",
		[LX_FIN_WAIT2_TIMEOUT] = "fin-wait2-timeout",
		[LX_LISTEN_CHILD] = "listen-child",
		[LX_NEW_SYN_RECV] = "new-syn-recv",
		[LX_SYN_TIMEOUT] = "syn-timeout",
		[LX_ABORT_CLOSE] = "abort-close",
		[LX_RETRIES_GIVEUP] = "retries-giveup",
		[LX_SYN_RECV_CLOSE] = "syn-recv-close",
		[LX_BOUND_INACTIVE] = "bound-inactive",
		[LX_REPEATED_STATE] = "repeated-state",
	};
	return (unsigned int)d < LX_COUNT ? names[d] : "unknown";
}

/* Transitions into CLOSE that the RFC reaches only through other states
 * or through calls the socket API does not have. */
static enum lx_divergence to_close(const struct lx_context *c)
{
	switch (c->from) {
	case TCP_ST_FIN_WAIT2:
		/* Without the peer's FIN, an orphaned socket is handed to a
		 * timewait socket in its FIN_WAIT2 substate, at close() or
		 * when the ACK of our FIN comes after it, or times out; an
		 * abort (SO_LINGER 0) is told apart later, by the RST it
		 * sends (replay_finish()). */
		if (c->rx_rst)
			return LX_NONE;
		return c->rx_fin ? LX_TIMEWAIT_TAKEOVER : LX_FIN_WAIT2_TIMEOUT;
	case TCP_ST_CLOSING:
		return c->rx_rst ? LX_NONE : LX_TIMEWAIT_TAKEOVER;
	case TCP_ST_SYN_SENT:
		return c->rx_rst || c->owner ? LX_NONE : LX_SYN_TIMEOUT;
	case TCP_ST_SYN_RECV:
		if (c->rx_rst)
			return LX_SYN_RECV_CLOSE;
		return c->owner ? LX_ABORT_CLOSE : LX_RETRIES_GIVEUP;
	case TCP_ST_ESTABLISHED:
	case TCP_ST_FIN_WAIT1:
	case TCP_ST_CLOSE_WAIT:
		if (c->rx_rst)
			return LX_NONE;
		return c->owner ? LX_ABORT_CLOSE : LX_RETRIES_GIVEUP;
	case TCP_ST_LAST_ACK:
		if (c->rx_rst || c->rfc_explained)
			return LX_NONE;
		return c->owner ? LX_ABORT_CLOSE : LX_RETRIES_GIVEUP;
	default:
		return LX_NONE;
	}
}

enum lx_divergence lx_divergence_match(const struct lx_context *c)
{
	if (c->from == c->to)
		return LX_REPEATED_STATE;
	if (c->from == TCP_ST_NEW_SYN_RECV || c->to == TCP_ST_NEW_SYN_RECV)
		return LX_NEW_SYN_RECV;
	if (c->from == TCP_ST_BOUND_INACTIVE || c->to == TCP_ST_BOUND_INACTIVE)
		return LX_BOUND_INACTIVE;
	if (c->from == TCP_ST_LISTEN && c->to == TCP_ST_SYN_RECV)
		return LX_LISTEN_CHILD;
	if (c->to == TCP_ST_CLOSE)
		return to_close(c);
	return LX_NONE;
}
