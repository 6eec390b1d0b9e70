// SPDX-License-Identifier: BSD-2-Clause
/*
 * tutil2.c - shared helpers of the format unit tests, second half:
 * comparisons, whole-trace reading and hand-framed blocks (see tutil.h).
 */
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "tutil.h"
#include "varint.h"
#include "wire.h"

int tu_conn_equal(const struct trc_conn *a, const struct trc_conn *b)
{
	return a->serial == b->serial && a->family == b->family &&
	       !memcmp(a->laddr, b->laddr, 16) && !memcmp(a->raddr, b->raddr, 16) &&
	       a->lport == b->lport && a->rport == b->rport && a->netns == b->netns &&
	       a->cgroup_id == b->cgroup_id && a->cookie == b->cookie && a->flags == b->flags;
}

static int state_equal(const struct trc_ev_state *a, const struct trc_ev_state *b)
{
	if (a->old_state != b->old_state || a->new_state != b->new_state || a->flags != b->flags)
		return 0;
	if (!(a->flags & TRC_STATE_F_OWNER))
		return 1;
	return a->pid == b->pid && a->tgid == b->tgid &&
	       strncmp(a->comm, b->comm, TRC_COMM_LEN - 1) == 0;
}

static int seg_equal(const struct trc_ev_segment *a, const struct trc_ev_segment *b)
{
	if (a->dir != b->dir || a->tcp_flags != b->tcp_flags || a->flags != b->flags)
		return 0;
	if (!(a->flags & TRC_SEG_F_SEQ))
		return 1;
	return a->seq == b->seq && a->ack == b->ack && a->window == b->window &&
	       a->payload_len == b->payload_len;
}

static int sock_equal(const struct trc_ev_sock *a, const struct trc_ev_sock *b)
{
	if (a->kind != b->kind || a->state != b->state || a->flags != b->flags ||
	    a->n_fields != b->n_fields)
		return 0;
	for (unsigned int i = 0; i < a->n_fields; i++)
		if (a->key[i] != b->key[i] || a->value[i] != b->value[i])
			return 0;
	return 1;
}

int tu_event_equal(const struct trc_event *a, const struct trc_event *b)
{
	if (a->type != b->type || a->t_ns != b->t_ns)
		return 0;
	if (a->type != TRC_EV_LOST && a->conn_serial != b->conn_serial)
		return 0;
	switch (a->type) {
	case TRC_EV_STATE:
		return state_equal(&a->state, &b->state);
	case TRC_EV_SEGMENT:
		return seg_equal(&a->seg, &b->seg);
	case TRC_EV_TIMEWAIT:
		return a->tw.phase == b->tw.phase && a->tw.precision == b->tw.precision &&
		       a->tw.precision_ns == b->tw.precision_ns;
	case TRC_EV_RETRANSMIT:
		return a->retrans.tcp_flags == b->retrans.tcp_flags &&
		       a->retrans.old_state == b->retrans.old_state;
	case TRC_EV_RESET:
		return a->reset.dir == b->reset.dir;
	case TRC_EV_SOCK:
		return sock_equal(&a->sock, &b->sock);
	case TRC_EV_LOST:
		return a->lost.count == b->lost.count && a->lost.t_end_ns == b->lost.t_end_ns &&
		       a->lost.t_begin_ns == b->lost.t_begin_ns && a->lost.cpu == b->lost.cpu &&
		       a->lost.reason == b->lost.reason;
	}
	return 0;
}

enum trc_status tu_read_all(const void *buf, size_t len, struct tu_read *out, size_t keep)
{
	struct trc_error err;
	struct trc_event ev;
	const struct trc_conn *c;
	enum trc_status st;

	memset(out, 0, sizeof(*out));
	out->cap = keep;
	if (keep) {
		out->evs = calloc(keep, sizeof(*out->evs));
		out->conns = calloc(keep, sizeof(*out->conns));
		REQUIRE(out->evs && out->conns);
	}
	struct trc_reader *r = trc_reader_open_mem(buf, len, &err);
	if (!r) {
		out->last_err = err;
		return out->final = (enum trc_status)err.code;
	}
	while ((st = trc_reader_next(r, &ev, &c, &err)) == TRC_OK || st == TRC_CORRUPT) {
		if (st == TRC_CORRUPT) {
			out->corrupt++;
			out->last_err = err;
			continue;
		}
		REQUIRE((ev.type == TRC_EV_LOST) == (c == NULL));
		if (out->events < keep) {
			out->evs[out->events] = ev;
			if (c)
				out->conns[out->events] = *c;
		}
		out->events++;
	}
	if (st != TRC_EOF)
		out->last_err = err;
	trc_reader_get_stats(r, &out->st);
	trc_reader_close(r);
	return out->final = st;
}

void tu_read_free(struct tu_read *out)
{
	free(out->evs);
	free(out->conns);
}

size_t tu_block(uint8_t *dst, char type, const void *payload, size_t len)
{
	size_t pad = (4 - len % 4) % 4, total = WIRE_BLOCK_FRAMING + len + pad;
	memcpy(dst, WIRE_MAGIC_PREFIX, 3);
	dst[3] = (uint8_t)type;
	wire_put_u32(dst + 4, (uint32_t)total);
	wire_put_u32(dst + 8, (uint32_t)len);
	memmove(dst + WIRE_BLOCK_HEAD, payload, len);
	memset(dst + WIRE_BLOCK_HEAD + len, 0, pad);
	wire_put_u32(dst + total - 8, trc_crc32c(0, dst, total - 8));
	wire_put_u32(dst + total - 4, (uint32_t)total);
	return total;
}

size_t tu_chunk_payload(uint8_t *dst, uint32_t seq, uint32_t events, uint32_t records,
			uint32_t conns, uint64_t t_first, uint64_t t_last, const void *recs,
			size_t rlen)
{
	wire_put_u32(dst + WIRE_CH_SEQ, seq);
	wire_put_u32(dst + WIRE_CH_EVENTS, events);
	wire_put_u32(dst + WIRE_CH_RECORDS, records);
	wire_put_u32(dst + WIRE_CH_CONNS, conns);
	wire_put_u64(dst + WIRE_CH_T_FIRST, t_first);
	wire_put_u64(dst + WIRE_CH_T_LAST, t_last);
	wire_put_u32(dst + WIRE_CH_FLAGS, 0);
	memcpy(dst + WIRE_CHUNK_HDR, recs, rlen);
	return WIRE_CHUNK_HDR + rlen;
}

size_t tu_header_block(uint8_t *dst, uint16_t major, uint16_t minor, const void *tlv,
		       size_t tlv_len)
{
	uint8_t p[4096];
	wire_put_u16(p, major);
	wire_put_u16(p + 2, minor);
	if (tlv_len)
		memcpy(p + 4, tlv, tlv_len);
	return tu_block(dst, WIRE_MAGIC_HEADER, p, 4 + tlv_len);
}

/* Events a reader delivers from one chunk: its header's count covers
 * core events only, and SOCK extension events come on top (SPEC.md 5.4).
 * Chunks are self-contained, so the file header plus that chunk is read. */
static uint32_t chunk_events(const struct tbuf *b, size_t hdr_total, size_t off, size_t total)
{
	uint8_t *mini = malloc(hdr_total + total);
	struct trc_error err;
	struct trc_event ev;
	const struct trc_conn *c;
	struct trc_reader *r;
	enum trc_status st;
	uint32_t n = 0;

	REQUIRE(mini);
	memcpy(mini, b->p, hdr_total);
	memcpy(mini + hdr_total, b->p + off, total);
	r = trc_reader_open_mem(mini, hdr_total + total, &err);
	REQUIRE(r);
	while ((st = trc_reader_next(r, &ev, &c, &err)) == TRC_OK || st == TRC_CORRUPT)
		n += st == TRC_OK;
	trc_reader_close(r);
	free(mini);
	return n;
}

size_t tu_blocks(const struct tbuf *b, struct tu_blk *out, size_t max)
{
	size_t n = 0, off = 0, ev = 0;
	while (off + WIRE_BLOCK_FRAMING <= b->len && n < max) {
		struct tu_blk *k = &out[n++];
		k->off = off;
		k->total = wire_get_u32(b->p + off + 4);
		k->type = (char)b->p[off + 3];
		k->events = k->type == WIRE_MAGIC_CHUNK
				    ? chunk_events(b, out[0].total, off, k->total)
				    : 0;
		k->ev_first = ev;
		ev += k->events;
		REQUIRE(k->total >= WIRE_BLOCK_FRAMING);
		off += k->total;
	}
	REQUIRE(off == b->len);
	return n;
}

struct tbuf tu_small_trace(uint64_t seed, size_t events, uint32_t chunk_bytes, struct tu_model *m)
{
	int fd;
	struct trc_writer *w = tu_writer(&fd, chunk_bytes);
	tu_model_init(m, w, seed);
	for (size_t i = 0; i < events; i++)
		tu_model_step(m);
	return tu_finish(w, fd);
}
