/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode_rec.h - one record of a chunk decoded (decode_rec.c), for the
 * chunk passes of decode.c.
 */
#ifndef TRC_DECODE_REC_H
#define TRC_DECODE_REC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "reader_state.h"

/* What each record clears of *ev before filling it: the fixed part and
 * every payload but a SOCK event's field arrays, whose entries count only
 * below n_fields (trc.h).  Clearing the whole event (136 bytes) compiled
 * to a "rep stos" that took 8 % of tcpana's time in summary mode. */
#define EV_CLEAR_BYTES (offsetof(struct trc_event, state) + sizeof(struct trc_ev_state))
_Static_assert(offsetof(struct trc_event, sock) + offsetof(struct trc_ev_sock, key) <=
		       EV_CLEAR_BYTES,
	       "a SOCK event's fixed fields are cleared");
_Static_assert(sizeof(struct trc_ev_segment) <= sizeof(struct trc_ev_state) &&
		       sizeof(struct trc_ev_timewait) <= sizeof(struct trc_ev_state) &&
		       sizeof(struct trc_ev_lost) <= sizeof(struct trc_ev_state),
	       "every other payload is cleared whole");

/* Clears what dec_record() fills.  One memset of EV_CLEAR_BYTES (100)
 * still compiled to "rep stos", whose start-up took 60 % of decoding a
 * record; pieces of at most 64 bytes compile to vector stores. */
static inline void ev_clear(struct trc_event *ev)
{
	_Static_assert(EV_CLEAR_BYTES > 64 && EV_CLEAR_BYTES <= 128, "two pieces");
	memset(ev, 0, 64);
	memset((char *)ev + 64, 0, EV_CLEAR_BYTES - 64);
}

/* One record.  1: an event in *ev, the index of its connection in *cid
 * (UINT32_MAX: none); 0: a declaration or skipped extension; -1: corrupt,
 * *why says how. */
int dec_record(struct trc_reader *r, struct dec *d, struct trc_event *ev, uint32_t *cid,
	       const char **why);

#endif /* TRC_DECODE_REC_H */
