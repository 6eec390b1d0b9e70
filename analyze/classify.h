/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * classify.h - per-endpoint classification: the Zeek-style conn_state and
 * the outcome of the connection (segment counts and the history string
 * they are judged from: history.h).
 */
#ifndef ANALYZE_CLASSIFY_H
#define ANALYZE_CLASSIFY_H

#include "conn.h"
#include "history.h"

enum outcome {
	OUT_NORMAL_CLOSE = 0, /* FIN exchange, closed */
	OUT_REFUSED,	      /* SYN answered by RST */
	OUT_RESET_LOCAL,      /* established, then this endpoint sent RST (abort) */
	OUT_RESET_REMOTE,     /* established, then a RST was received */
	OUT_SYN_TIMEOUT,      /* SYN never answered; connect gave up */
	OUT_HALF_OPEN,	      /* trace ended with one direction closed */
	OUT_OPEN_AT_END,      /* trace ended with the connection open */
	OUT_CLOSED_UNKNOWN,   /* closed, but the records do not say why */
	OUT_LISTENER,	      /* a listening socket */
	OUT_ABORTED,	      /* closed by the application before established */
	OUT_TIMEOUT,	      /* established, closed by retransmission give-up */
	/* Of connections only (connection.h): who sent the reset. */
	OUT_RESET_ORIG, /* established, then the originator reset it */
	OUT_RESET_RESP, /* established, then the responder reset it */
	OUT_COUNT,
};
const char *outcome_name(enum outcome o);
int outcome_from_name(const char *name); /* -EINVAL when unknown */

enum zeek_state {
	ZS_S0 = 0,
	ZS_S1,
	ZS_SF,
	ZS_REJ,
	ZS_S2,
	ZS_S3,
	ZS_RSTO,
	ZS_RSTR,
	ZS_RSTOS0,
	ZS_RSTRH,
	ZS_SH,
	ZS_SHR,
	ZS_OTH,
	ZS_COUNT,
};
const char *zeek_state_name(enum zeek_state z);

/* Before output: fills classification inputs a segment-less endpoint can
 * only take from its transitions. */
void classify_finish(struct conn *c);

enum outcome classify_outcome(const struct conn *c);
enum zeek_state classify_conn_state(const struct conn *c);

#endif /* ANALYZE_CLASSIFY_H */
