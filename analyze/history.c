// SPDX-License-Identifier: BSD-2-Clause
/*
 * history.c - segment accounting and the Zeek-style history string
 * (brief §8): s SYN, h SYN-ACK, a pure ACK, d data, f FIN, r RST,
 * t retransmission, w zero window, i FIN+RST, q SYN+FIN/SYN+RST; upper case
 * for the originator (the side that sent the first SYN).  a and d appear
 * once per direction; s, h, f, r again only when their sequence number
 * differs (once when sequence numbers were not recorded); t and w at the
 * 1st, 10th, 100th, ... occurrence.
 */
#include <ctype.h>

#include "history.h"

enum { L_S, L_H, L_F, L_R }; /* hist_dir.last_seq slots */

static void put(struct conn *c, bool from_orig, char letter)
{
	if (c->b->classify.hist_len >= CONN_HISTORY_MAX)
		return;
	c->b->classify.history[c->b->classify.hist_len++] =
		from_orig ? (char)toupper(letter) : letter;
	c->b->classify.history[c->b->classify.hist_len] = '\0';
}

static void once(struct conn *c, struct hist_dir *h, bool from_orig, char letter)
{
	uint16_t bit = (uint16_t)(1u << (letter - 'a'));

	if (h->seen & bit)
		return;
	h->seen |= bit;
	put(c, from_orig, letter);
}

static void by_seq(struct conn *c, struct hist_dir *h, bool from_orig, char letter, int slot,
		   const struct seg_rec *s)
{
	bool have_seq = s->flags & TRC_SEG_F_SEQ;

	if (h->seq_valid & (1u << slot)) {
		if (!have_seq || h->last_seq[slot] == s->seq)
			return;
	}
	h->seq_valid |= (uint8_t)(1u << slot);
	h->last_seq[slot] = s->seq;
	if (!have_seq) /* without seq numbers, once */
		h->last_seq[slot] = 0;
	put(c, from_orig, letter);
}

static void logarithmic(struct conn *c, uint64_t *count, uint64_t *next, bool from_orig,
			char letter)
{
	(*count)++;
	if (*next == 0)
		*next = 1;
	if (*count == *next) {
		*next *= 10;
		put(c, from_orig, letter);
	}
}

static void set_originator(struct conn *c, const struct seg_rec *s)
{
	uint8_t sa = s->tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK);
	bool tx = s->dir == TRC_DIR_TX;

	if (c->b->classify.originator)
		return;
	if (sa == TRC_TCP_SYN)
		c->b->classify.originator = tx ? 1 : -1;
	else if (sa == (TRC_TCP_SYN | TRC_TCP_ACK))
		c->b->classify.originator = tx ? -1 : 1;
	else {
		c->b->classify.originator = tx ? 1 : -1; /* midstream: the first sender */
		c->b->classify.first_seg_not_syn = true;
	}
}

static void zeek_flags(struct conn *c, const struct seg_rec *s, bool from_orig)
{
	uint8_t f = s->tcp_flags;

	if ((f & (TRC_TCP_SYN | TRC_TCP_ACK)) == TRC_TCP_SYN && from_orig)
		c->b->classify.orig_syn = true;
	if ((f & (TRC_TCP_SYN | TRC_TCP_ACK)) == (TRC_TCP_SYN | TRC_TCP_ACK) && !from_orig)
		c->b->classify.resp_synack = true;
	if (f & TRC_TCP_FIN)
		*(from_orig ? &c->b->classify.orig_fin : &c->b->classify.resp_fin) = true;
	if (f & TRC_TCP_RST)
		*(from_orig ? &c->b->classify.orig_rst : &c->b->classify.resp_rst) = true;
	if ((f & TRC_TCP_ACK) && !(f & TRC_TCP_SYN))
		*(from_orig ? &c->b->classify.orig_ack : &c->b->classify.resp_ack) = true;
	if (f & TRC_TCP_SYN)
		c->b->classify.syn_seen = true;
	if (s->dir == TRC_DIR_RX) {
		c->b->classify.rx_fin |= !!(f & TRC_TCP_FIN);
		c->b->classify.rx_rst |= !!(f & TRC_TCP_RST);
	} else {
		c->b->classify.tx_fin |= !!(f & TRC_TCP_FIN);
		c->b->classify.tx_rst |= !!(f & TRC_TCP_RST);
	}
}

static void letters(struct conn *c, const struct seg_rec *s, bool from_orig)
{
	struct hist_dir *h = &c->b->classify.hist[from_orig ? 0 : 1];
	uint8_t f = s->tcp_flags;
	bool syn = f & TRC_TCP_SYN, fin = f & TRC_TCP_FIN, rst = f & TRC_TCP_RST;

	if (syn && (fin || rst)) {
		once(c, h, from_orig, 'q');
		return;
	}
	if (fin && rst) {
		once(c, h, from_orig, 'i');
		return;
	}
	if (syn)
		by_seq(c, h, from_orig, (f & TRC_TCP_ACK) ? 'h' : 's',
		       (f & TRC_TCP_ACK) ? L_H : L_S, s);
	if (fin)
		by_seq(c, h, from_orig, 'f', L_F, s);
	if (rst)
		by_seq(c, h, from_orig, 'r', L_R, s);
	/* Without a recorded length, PSH is the best hint of payload. */
	if (s->payload_len > 0 || (!(s->flags & TRC_SEG_F_SEQ) && (f & TRC_TCP_PSH)))
		once(c, h, from_orig, 'd');
	else if ((f & TRC_TCP_ACK) && !syn && !fin && !rst)
		once(c, h, from_orig, 'a');
	if ((s->flags & TRC_SEG_F_SEQ) && s->window == 0 && !syn && !rst)
		logarithmic(c, &h->zerowin, &h->next_w, from_orig, 'w');
}

static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* Flows have no kernel retransmit records: a segment that carries
 * sequence space (data, SYN, FIN) entirely below what this side already
 * sent is a retransmission. */
static void flow_retransmit(struct conn *c, const struct seg_rec *s, bool from_orig)
{
	struct hist_dir *h = &c->b->classify.hist[from_orig ? 0 : 1];
	uint32_t len =
		s->payload_len + !!(s->tcp_flags & TRC_TCP_SYN) + !!(s->tcp_flags & TRC_TCP_FIN);
	uint32_t end = s->seq + len;

	if (!c->flow_only || !(s->flags & TRC_SEG_F_SEQ) || !len || (s->tcp_flags & TRC_TCP_RST))
		return;
	if (h->snd_valid && !seq_lt(h->snd_max, end) && seq_lt(s->seq, h->snd_max)) {
		if (s->dir == TRC_DIR_TX)
			c->b->traffic.retransmits++;
		logarithmic(c, &h->retrans, &h->next_t, from_orig, 't');
		return;
	}
	if (!h->snd_valid || seq_lt(h->snd_max, end)) {
		h->snd_max = end;
		h->snd_valid = true;
	}
}

void classify_segment(struct conn *c, const struct seg_rec *s)
{
	static const uint8_t bits[CLASSIFY_NFLAGS] = {
		0,	     0,		  TRC_TCP_ACK, TRC_TCP_PSH, TRC_TCP_FIN,
		TRC_TCP_RST, TRC_TCP_URG, TRC_TCP_ECE, TRC_TCP_CWR,
	};
	uint8_t f = s->tcp_flags;
	bool from_orig;

	c->b->traffic.seg_total++;
	if (s->dir == TRC_DIR_RX)
		c->b->traffic.seg_rx++;
	else
		c->b->traffic.seg_tx++;
	if (f & TRC_TCP_SYN)
		c->b->traffic.by_flag[(f & TRC_TCP_ACK) ? 1 : 0]++;
	for (unsigned int i = 2; i < CLASSIFY_NFLAGS; i++)
		if (f & bits[i])
			c->b->traffic.by_flag[i]++;
	set_originator(c, s);
	from_orig = (s->dir == TRC_DIR_TX) == (c->b->classify.originator > 0);
	zeek_flags(c, s, from_orig);
	letters(c, s, from_orig);
	flow_retransmit(c, s, from_orig);
}

void classify_retransmit(struct conn *c)
{
	bool from_orig = c->b->classify.originator >= 0; /* the local side retransmits */
	struct hist_dir *h = &c->b->classify.hist[from_orig ? 0 : 1];

	c->b->traffic.retransmits++;
	logarithmic(c, &h->retrans, &h->next_t, from_orig, 't');
}

const char *classify_flag_name(unsigned int i)
{
	static const char *const n[CLASSIFY_NFLAGS] = {
		"SYN", "SYN-ACK", "ACK", "PSH", "FIN", "RST", "URG", "ECE", "CWR",
	};
	return i < CLASSIFY_NFLAGS ? n[i] : "?";
}
