// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode_ev.c - the payloads of event records (state with its owner,
 * segment, timewait, retransmit, reset, lost), decoded into struct
 * trc_event.  Record framing, connection references and times are decoded
 * by decode.c before it calls in here.
 */
#include <stdlib.h>
#include <string.h>

#include "decode_ev.h"
#include "reader_state.h"
#include "varint.h"

#define FAIL(what)                                                                                 \
	do {                                                                                       \
		*why = (what);                                                                     \
		return -1;                                                                         \
	} while (0)

static int dec_owner(struct trc_reader *r, struct dec *d, struct trc_ev_state *s, const char **why)
{
	uint32_t idx;
	if (cur_varint32(&d->c, &idx) || idx > d->owners)
		FAIL("owner index beyond the chunk's owner table");
	if (idx == d->owners) {
		uint64_t zd;
		uint8_t n;
		const uint8_t *comm;
		if (idx >= WIRE_MAX_CHUNK_OWNERS)
			FAIL("more owners than a chunk may hold");
		struct rowner *no = rd_grow(r->owners, &r->owners_cap, idx + 1, sizeof(*no));
		if (!no)
			FAIL("out of memory for the owner table");
		r->owners = no;
		struct rowner *o = &r->owners[idx];
		if (cur_varint32(&d->c, &o->tgid) || cur_varint(&d->c, &zd) || cur_u8(&d->c, &n) ||
		    n > TRC_COMM_LEN - 1 || cur_take(&d->c, n, &comm))
			FAIL("owner entry is cut short or its comm too long");
		int64_t pid = (int64_t)o->tgid + zigzag_dec(zd);
		if (pid < 0 || pid > UINT32_MAX || memchr(comm, 0, n))
			FAIL("owner pid out of range or NUL inside comm");
		o->pid = (uint32_t)pid;
		memset(o->comm, 0, sizeof(o->comm));
		memcpy(o->comm, comm, n);
		d->owners++;
	}
	s->tgid = r->owners[idx].tgid;
	s->pid = r->owners[idx].pid;
	memcpy(s->comm, r->owners[idx].comm, sizeof(s->comm));
	return 0;
}

int dec_state(struct trc_reader *r, struct dec *d, unsigned int type, unsigned int hi,
	      struct rconn *rc, struct trc_ev_state *s, const char **why)
{
	s->new_state = (uint8_t)hi;
	if (type == WIRE_REC_STATE) {
		uint8_t b;
		if (cur_u8(&d->c, &b))
			FAIL("STATE record cut short");
		s->old_state = b >> 4;
		s->flags = b & 0xf;
		if (s->flags & ~WIRE_STF_KNOWN)
			FAIL("STATE record has unknown flags");
	} else {
		if (!rc->ctx.have_state)
			FAIL("STATE_NEXT without an earlier state of the connection");
		s->old_state = rc->ctx.last_state;
		s->flags = type == WIRE_REC_STATE_OWNER ? TRC_STATE_F_OWNER : 0;
	}
	if (s->old_state > TRC_TCP_STATE_MAX || s->new_state > TRC_TCP_STATE_MAX)
		FAIL("TCP state number out of range");
	rc->ctx.last_state = s->new_state;
	rc->ctx.have_state = 1;
	if (s->flags & TRC_STATE_F_OWNER)
		return dec_owner(r, d, s, why);
	return 0;
}

int dec_seg(struct dec *d, unsigned int type, unsigned int hi, struct rconn *rc,
	    struct trc_ev_segment *g, const char **why)
{
	int ext = type == WIRE_REC_SEG_RX_EXT || type == WIRE_REC_SEG_TX_EXT;
	unsigned int dir = type == WIRE_REC_SEG_TX || type == WIRE_REC_SEG_TX_EXT;

	g->dir = (uint8_t)dir;
	if (hi == WIRE_SEG_FLAGS_EXPLICIT) {
		if (cur_u8(&d->c, &g->tcp_flags))
			FAIL("SEG record cut short");
	} else {
		g->tcp_flags = wire_seg_flags[hi];
	}
	if (!ext)
		return 0;
	if (cur_u8(&d->c, &g->flags) || (g->flags & ~WIRE_SGF_KNOWN))
		FAIL("SEG flags cut short or unknown");
	if (!(g->flags & TRC_SEG_F_SEQ))
		return 0;
	uint64_t s, a, w;
	if (cur_varint(&d->c, &s) || cur_varint(&d->c, &a) || cur_varint(&d->c, &w) ||
	    cur_varint32(&d->c, &g->payload_len))
		FAIL("SEG seq/ack/window/length cut short");
	if (rc->ctx.have_seq[dir]) {
		g->seq = rc->ctx.seq[dir] + (uint32_t)zigzag_dec(s);
		g->ack = rc->ctx.ack[dir] + (uint32_t)zigzag_dec(a);
		g->window = rc->ctx.win[dir] + (uint32_t)zigzag_dec(w);
	} else {
		if (w > UINT32_MAX)
			FAIL("SEG window beyond 32 bits");
		g->window = (uint32_t)w;
		if (rc->ctx.have_seq[!dir]) {
			g->seq = rc->ctx.ack[!dir] + (uint32_t)zigzag_dec(s);
			g->ack = rc->ctx.seq[!dir] + (uint32_t)zigzag_dec(a);
		} else if (s > UINT32_MAX || a > UINT32_MAX) {
			FAIL("SEG seq/ack beyond 32 bits");
		} else {
			g->seq = (uint32_t)s;
			g->ack = (uint32_t)a;
		}
	}
	rc->ctx.have_seq[dir] = 1;
	rc->ctx.seq[dir] = g->seq;
	rc->ctx.ack[dir] = g->ack;
	rc->ctx.win[dir] = g->window;
	return 0;
}

int dec_simple(struct dec *d, unsigned int type, unsigned int hi, struct trc_event *ev,
	       const char **why)
{
	uint64_t v;
	switch (type) {
	case WIRE_REC_TIMEWAIT:
		if (hi & 8)
			FAIL("TIMEWAIT record has unknown bits");
		ev->type = TRC_EV_TIMEWAIT;
		ev->tw.phase = hi & WIRE_TW_EXIT;
		ev->tw.precision = (hi & WIRE_TW_POLLED) ? TRC_TW_POLLED : TRC_TW_EXACT;
		if ((hi & 4) && cur_varint(&d->c, &ev->tw.precision_ns))
			FAIL("TIMEWAIT precision cut short");
		return 0;
	case WIRE_REC_RETRANSMIT:
		ev->type = TRC_EV_RETRANSMIT;
		ev->retrans.old_state = (uint8_t)hi;
		if (hi > TRC_TCP_STATE_MAX || cur_u8(&d->c, &ev->retrans.tcp_flags))
			FAIL("RETRANSMIT state out of range or record cut short");
		return 0;
	case WIRE_REC_RESET:
		ev->type = TRC_EV_RESET;
		ev->reset.dir = (uint8_t)hi;
		if (hi > TRC_DIR_TX)
			FAIL("RESET direction out of range");
		return 0;
	default: /* WIRE_REC_LOST */
		ev->type = TRC_EV_LOST;
		if (cur_varint(&d->c, &ev->lost.count) || cur_varint(&d->c, &v) ||
		    __builtin_add_overflow(ev->t_ns, v, &ev->lost.t_end_ns))
			FAIL("LOST record cut short or its end time overflows");
		if (cur_varint(&d->c, &v) || v > ev->t_ns)
			FAIL("LOST record cut short or its begin time precedes 0");
		ev->lost.t_begin_ns = ev->t_ns - v;
		uint32_t cpu1;
		if (cur_varint32(&d->c, &cpu1) || cur_u8(&d->c, &ev->lost.reason) ||
		    ev->lost.reason > TRC_LOST_CAPTURE)
			FAIL("LOST cpu/reason cut short or out of range");
		ev->lost.cpu = cpu1 - 1u;
		return 0;
	}
}
