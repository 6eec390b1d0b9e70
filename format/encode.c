// SPDX-License-Identifier: BSD-2-Clause
/*
 * encode.c - turns one connection declaration or one event into its record
 * bytes (SPEC.md "Records").  Runs for every kernel event, so it does no
 * allocation and no system call; the caller has reserved
 * WRITER_MAX_APPEND bytes at w->buf + w->len.
 */
#include <errno.h>
#include <string.h>

#include "encode.h"
#include "varint.h"
#include "writer_conn.h"
#include "writer_state.h"

const uint8_t wire_seg_flags[15] = {
	0x10, /* .   */ 0x18, /* P.  */ 0x02, /* S   */ 0x12, /* S.  */
	0x11, /* F.  */ 0x19, /* FP. */ 0x04, /* R   */ 0x14, /* R.  */
	0x01, /* F   */ 0x08, /* P   */ 0xc2, /* SEW */ 0x52, /* S.E */
	0x50, /* .E  */ 0x90, /* .W  */ 0x58,		      /* P.E */
};

static unsigned int seg_code(uint8_t flags)
{
	for (unsigned int i = 0; i < sizeof(wire_seg_flags); i++)
		if (wire_seg_flags[i] == flags)
			return i;
	return WIRE_SEG_FLAGS_EXPLICIT;
}

static bool sock_valid(const struct trc_ev_sock *s)
{
	if (s->kind == 0 || s->state > TRC_TCP_STATE_MAX || s->n_fields > TRC_SOCK_MAX_FIELDS)
		return false;
	for (unsigned int i = 0; i < s->n_fields; i++)
		if (s->key[i] == 0)
			return false;
	return true;
}

int enc_validate(const struct trc_event *ev)
{
	switch (ev->type) {
	case TRC_EV_STATE:
		if (ev->state.old_state > TRC_TCP_STATE_MAX ||
		    ev->state.new_state > TRC_TCP_STATE_MAX || (ev->state.flags & ~WIRE_STF_KNOWN))
			return -EINVAL;
		return 0;
	case TRC_EV_SEGMENT:
		if (ev->seg.dir > TRC_DIR_TX || (ev->seg.flags & ~WIRE_SGF_KNOWN))
			return -EINVAL;
		return 0;
	case TRC_EV_TIMEWAIT:
		return ev->tw.phase > TRC_TW_EXIT || ev->tw.precision > TRC_TW_POLLED ? -EINVAL : 0;
	case TRC_EV_RETRANSMIT:
		return ev->retrans.old_state > TRC_TCP_STATE_MAX ? -EINVAL : 0;
	case TRC_EV_RESET:
		return ev->reset.dir > TRC_DIR_TX ? -EINVAL : 0;
	case TRC_EV_LOST:
		return ev->lost.reason > TRC_LOST_CAPTURE ? -EINVAL : 0;
	case TRC_EV_SOCK:
		return sock_valid(&ev->sock) ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static uint8_t *put_addr(struct trc_writer *w, uint8_t *p, int v6, const uint8_t *a)
{
	bool is_new;
	p = varint_put(p, addr_lookup(w, v6, a, &is_new));
	if (is_new) {
		memcpy(p, a, v6 ? 16 : 4);
		p += v6 ? 16 : 4;
	}
	return p;
}

void enc_conn(struct trc_writer *w, struct wconn *wc)
{
	const struct trc_conn *c = &wc->c;
	struct decl_prev *dp = &w->dp;
	uint8_t *start = w->buf + w->len, *p = start;
	int v6 = c->family == TRC_FAMILY_IPV6;
	uint8_t bm = v6 ? WIRE_CF_IPV6 : 0;

	*p++ = WIRE_TAG(WIRE_REC_CONN, 0);
	p = varint_put(p, zigzag_enc((int64_t)(c->serial - dp->serial)));
	dp->serial = c->serial;
	uint8_t *bmp = p++;
	p = put_addr(w, p, v6, c->laddr);
	p = put_addr(w, p, v6, c->raddr);
	wire_put_u16(p, c->lport);
	p += 2;
	if (c->rport == dp->rport) {
		bm |= WIRE_CF_RPORT_SAME;
	} else {
		wire_put_u16(p, c->rport);
		p += 2;
		dp->rport = c->rport;
	}
	if (c->netns == dp->netns)
		bm |= WIRE_CF_NETNS_SAME;
	else
		p = varint_put(p, dp->netns = c->netns);
	if (c->cgroup_id == dp->cgroup_id)
		bm |= WIRE_CF_CGROUP_SAME;
	else
		p = varint_put(p, dp->cgroup_id = c->cgroup_id);
	if (c->cookie) {
		bm |= WIRE_CF_COOKIE;
		p = varint_put(p, zigzag_enc((int64_t)(c->cookie - dp->cookie)));
		dp->cookie = c->cookie;
	}
	if (c->flags) {
		bm |= WIRE_CF_FLAGS;
		p = varint_put(p, c->flags);
	}
	*bmp = bm;
	w->len += (size_t)(p - start);

	wc->gen = w->gen;
	wc->cid = w->ch_conns++;
	wc->ctx.have_state = 0;
	wc->ctx.have_seq[0] = wc->ctx.have_seq[1] = 0;
	w->ch_records++;
}

static uint8_t *put_owner(struct trc_writer *w, uint8_t *p, const struct trc_ev_state *s)
{
	bool is_new;
	uint32_t idx = owner_lookup(w, s, &is_new);

	p = varint_put(p, idx);
	if (is_new) {
		size_t n = strnlen(s->comm, TRC_COMM_LEN - 1);
		p = varint_put(p, s->tgid);
		p = varint_put(p, zigzag_enc((int64_t)s->pid - (int64_t)s->tgid));
		*p++ = (uint8_t)n;
		memcpy(p, s->comm, n);
		p += n;
	}
	return p;
}

static uint8_t *put_state(struct trc_writer *w, uint8_t *tag, uint8_t *p,
			  const struct trc_ev_state *s, struct wconn *wc)
{
	int owner = s->flags & TRC_STATE_F_OWNER;

	if (!(s->flags & TRC_STATE_F_SNAPSHOT) && wc->ctx.have_state &&
	    wc->ctx.last_state == s->old_state) {
		*tag = WIRE_TAG(owner ? WIRE_REC_STATE_OWNER : WIRE_REC_STATE_NEXT, s->new_state);
	} else {
		*tag = WIRE_TAG(WIRE_REC_STATE, s->new_state);
		*p++ = (uint8_t)(s->old_state << 4 | s->flags);
	}
	if (owner)
		p = put_owner(w, p, s);
	wc->ctx.last_state = s->new_state;
	wc->ctx.have_state = 1;
	return p;
}

static uint8_t *put_seg(uint8_t *tag, uint8_t *p, const struct trc_ev_segment *g, struct wconn *wc)
{
	unsigned int code = seg_code(g->tcp_flags);
	unsigned int d = g->dir;

	if (g->flags)
		*tag = WIRE_TAG(d ? WIRE_REC_SEG_TX_EXT : WIRE_REC_SEG_RX_EXT, code);
	else
		*tag = WIRE_TAG(d ? WIRE_REC_SEG_TX : WIRE_REC_SEG_RX, code);
	if (code == WIRE_SEG_FLAGS_EXPLICIT)
		*p++ = g->tcp_flags;
	if (!g->flags)
		return p;
	*p++ = g->flags;
	if (!(g->flags & TRC_SEG_F_SEQ))
		return p;
	/* Deltas against this direction's previous segment; for the first
	 * one, against the other direction (our seq is its ack and v.v.). */
	if (wc->ctx.have_seq[d]) {
		p = varint_put(p, zigzag_enc((int32_t)(g->seq - wc->ctx.seq[d])));
		p = varint_put(p, zigzag_enc((int32_t)(g->ack - wc->ctx.ack[d])));
		p = varint_put(p, zigzag_enc((int32_t)(g->window - wc->ctx.win[d])));
	} else if (wc->ctx.have_seq[!d]) {
		p = varint_put(p, zigzag_enc((int32_t)(g->seq - wc->ctx.ack[!d])));
		p = varint_put(p, zigzag_enc((int32_t)(g->ack - wc->ctx.seq[!d])));
		p = varint_put(p, g->window);
	} else {
		p = varint_put(p, g->seq);
		p = varint_put(p, g->ack);
		p = varint_put(p, g->window);
	}
	wc->ctx.have_seq[d] = 1;
	wc->ctx.seq[d] = g->seq;
	wc->ctx.ack[d] = g->ack;
	wc->ctx.win[d] = g->window;
	return varint_put(p, g->payload_len);
}

static uint8_t *put_payload(struct trc_writer *w, uint8_t *tag, uint8_t *p,
			    const struct trc_event *ev, struct wconn *wc)
{
	switch (ev->type) {
	case TRC_EV_STATE:
		return put_state(w, tag, p, &ev->state, wc);
	case TRC_EV_SEGMENT:
		return put_seg(tag, p, &ev->seg, wc);
	case TRC_EV_TIMEWAIT: {
		unsigned int hi =
			ev->tw.phase | ev->tw.precision << 1 | (ev->tw.precision_ns ? 4u : 0u);
		*tag = WIRE_TAG(WIRE_REC_TIMEWAIT, hi);
		return ev->tw.precision_ns ? varint_put(p, ev->tw.precision_ns) : p;
	}
	case TRC_EV_RETRANSMIT:
		*tag = WIRE_TAG(WIRE_REC_RETRANSMIT, ev->retrans.old_state);
		*p++ = ev->retrans.tcp_flags;
		return p;
	case TRC_EV_RESET:
		*tag = WIRE_TAG(WIRE_REC_RESET, ev->reset.dir);
		return p;
	default: /* TRC_EV_LOST */
		*tag = WIRE_TAG(WIRE_REC_LOST, 0);
		p = varint_put(p, ev->lost.count);
		p = varint_put(p, ev->lost.t_end_ns - ev->t_ns);
		p = varint_put(p, ev->lost.t_begin_ns && ev->lost.t_begin_ns < ev->t_ns
					  ? ev->t_ns - ev->lost.t_begin_ns
					  : 0);
		p = varint_put(p, (uint32_t)(ev->lost.cpu + 1u));
		*p++ = ev->lost.reason;
		return p;
	}
}

/* A socket event as a SOCK extension (SPEC.md 5.4): its connection is
 * named explicitly and its time is coded against t_prev, and neither
 * prev_conn nor t_prev moves, so a reader that skips the record decodes
 * the rest the same.  Counted as a record, not as an event. */
static void enc_sock(struct trc_writer *w, const struct trc_event *ev, const struct wconn *wc)
{
	uint8_t body[WIRE_EXT_SOCK_MAX], *b = body, *p = w->buf + w->len;
	const struct trc_ev_sock *s = &ev->sock;

	b = varint_put(b, w->ch_conns - wc->cid);
	b = varint_put(b, ev->t_ns - w->t_prev);
	b = varint_put(b, s->kind);
	*b++ = s->state;
	b = varint_put(b, s->flags);
	*b++ = s->n_fields;
	for (unsigned int i = 0; i < s->n_fields; i++) {
		b = varint_put(b, s->key[i]);
		b = varint_put(b, s->value[i]);
	}
	*p++ = WIRE_TAG(WIRE_REC_EXTENSION, 0);
	p = varint_put(p, WIRE_EXT_SOCK);
	p = varint_put(p, (uint64_t)(b - body));
	memcpy(p, body, (size_t)(b - body));
	p += b - body;
	w->len = (size_t)(p - w->buf);
	w->ch_records++;
	w->ch_ext++;
}

void enc_event(struct trc_writer *w, const struct trc_event *ev, struct wconn *wc)
{
	if (ev->type == TRC_EV_SOCK) {
		enc_sock(w, ev, wc);
		return;
	}

	uint8_t *start = w->buf + w->len, *p = start + 1;

	if (wc) {
		p = varint_put(p, wc->cid == w->prev_cid ? 0 : w->ch_conns - wc->cid);
		w->prev_cid = wc->cid;
	}
	p = varint_put(p, ev->t_ns - w->t_prev);
	w->t_prev = ev->t_ns;
	p = put_payload(w, start, p, ev, wc);
	w->len += (size_t)(p - start);
	w->ch_records++;
	w->ch_events++;
}
