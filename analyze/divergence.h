/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * divergence.h - the known, documented ways Linux departs from the RFC 9293
 * state diagram (docs/LINUX-DIVERGENCES.md lists each with its kernel
 * reason).  A recorded transition that matches one is judged
 * "linux-specific" instead of a violation.
 */
#ifndef ANALYZE_DIVERGENCE_H
#define ANALYZE_DIVERGENCE_H

#include <stdbool.h>
#include <stdint.h>

enum lx_divergence {
	LX_NONE = 0,
	LX_TIMEWAIT_TAKEOVER, /* FIN_WAIT2/CLOSING -> CLOSE, a timewait socket follows */
	LX_FIN_WAIT2_TIMEOUT, /* FIN_WAIT2 -> CLOSE without FIN (tcp_fin_timeout) */
	LX_LISTEN_CHILD,      /* LISTEN -> SYN_RECV reported on the new child socket */
	LX_NEW_SYN_RECV,      /* request socket state, no RFC equivalent */
	LX_SYN_TIMEOUT,	      /* SYN_SENT -> CLOSE after tcp_syn_retries, no RST */
	LX_ABORT_CLOSE,	      /* close() with unread data / SO_LINGER 0: -> CLOSE + RST */
	LX_RETRIES_GIVEUP,    /* -> CLOSE after tcp_retries2 / keepalive, no RST */
	LX_SYN_RECV_CLOSE,    /* RST in SYN_RECV kills the child instead of -> LISTEN */
	LX_BOUND_INACTIVE,    /* BOUND_INACTIVE state (bound, not listening) */
	LX_REPEATED_STATE,    /* X -> X: the kernel set the state the socket had */
	LX_COUNT,
};

/* Short stable name ("timewait-takeover"), used in text and JSON. */
const char *lx_divergence_name(enum lx_divergence d);

/* What the replay knows about a recorded transition it could not match
 * with the RFC model exactly, or which Linux performs differently. */
struct lx_context {
	uint8_t from, to;   /* enum tcp_state */
	bool rx_fin;	    /* a FIN was received before it */
	bool rx_rst;	    /* a RST was received just before it */
	bool owner;	    /* ran in process context (an application call) */
	bool rfc_explained; /* the RFC model produced the same transition */
};

/* Returns the divergence that covers the transition, or LX_NONE. */
enum lx_divergence lx_divergence_match(const struct lx_context *ctx);

#endif /* ANALYZE_DIVERGENCE_H */
