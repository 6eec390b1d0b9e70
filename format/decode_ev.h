/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode_ev.h - the payloads of a chunk's event records.
 */
#ifndef TRC_DECODE_EV_H
#define TRC_DECODE_EV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader_state.h"

/* Event payloads; -1 with *why on a corrupt record. */
int dec_state(struct trc_reader *r, struct dec *d, unsigned int type, unsigned int hi,
	      struct rconn *rc, struct trc_ev_state *s, const char **why);
int dec_seg(struct dec *d, unsigned int type, unsigned int hi, struct rconn *rc,
	    struct trc_ev_segment *g, const char **why);
int dec_simple(struct dec *d, unsigned int type, unsigned int hi, struct trc_event *ev,
	       const char **why);

#endif /* TRC_DECODE_EV_H */
