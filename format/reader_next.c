// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader_next.c - trc_reader_next(): the reader's state machine.  States
 * are RD_BLOCK (find the next block), RD_CHUNK (hand out the events of a
 * chunk that validated whole) and RD_DONE (a final status, repeated on
 * every later call).  Damage is reported once per skipped region, chunk
 * sequence gaps once per gap that no damage report explains.
 */
#include <string.h>

#include "decode.h"
#include "reader_block.h"
#include "reader_state.h"
#include "tlv.h"

static enum trc_status finish(struct trc_reader *r, enum trc_status st, struct trc_error *err)
{
	r->state = RD_DONE;
	r->final = st;
	if (st == TRC_TRUNCATED)
		r->st.truncated = 1;
	if (err)
		*err = r->final_err;
	return st;
}

static enum trc_status damaged(struct trc_reader *r, const struct blk *b)
{
	if (b)
		blk_consume(r, b);
	r->st.chunks_corrupt++;
	r->damage_since_chunk = true;
	return TRC_CORRUPT;
}

static void check_seq(struct trc_reader *r, uint32_t seq, uint64_t off)
{
	if (seq == r->expect_seq || r->damage_since_chunk)
		return;
	r->pending = true;
	if (seq > r->expect_seq)
		rd_err(&r->pending_err, TRC_CORRUPT, off, r->expect_seq,
		       "chunks %u..%u missing (next chunk found at offset %llu is %u)",
		       r->expect_seq, seq - 1, (unsigned long long)off, seq);
	else
		rd_err(&r->pending_err, TRC_CORRUPT, off, seq,
		       "chunk %u at offset %llu repeats or goes back (expected %u)", seq,
		       (unsigned long long)off, r->expect_seq);
}

/* -1: go on with the chunk's events; otherwise the status to return. */
static int on_chunk(struct trc_reader *r, const struct blk *b, struct trc_error *err)
{
	if (dec_begin(r, b, err) < 0 || dec_validate(r, err) < 0)
		return damaged(r, b);
	const struct dec *d = &r->d;
	if ((d->n_events || d->ext_count) && r->any_chunk && d->t_first < r->prev_t_last) {
		rd_err(err, TRC_CORRUPT, b->offset, d->seq,
		       "chunk %u at offset %llu starts at %llu ns, before the previous "
		       "chunk's last event at %llu ns",
		       d->seq, (unsigned long long)b->offset, (unsigned long long)d->t_first,
		       (unsigned long long)r->prev_t_last);
		return damaged(r, b);
	}
	check_seq(r, d->seq, b->offset);
	r->expect_seq = d->seq + 1;
	r->damage_since_chunk = false;
	r->any_chunk = true;
	/* The latest time delivered: a socket event may follow the last core
	 * event (SPEC.md 5.4). */
	if (d->n_events)
		r->prev_t_last = d->t_last;
	if (d->ext_count && d->ext_latest > r->prev_t_last)
		r->prev_t_last = d->ext_latest;
	r->st.chunks_ok++;
	r->cur_blk = *b;
	r->state = RD_CHUNK;
	return -1;
}

static int on_trailer(struct trc_reader *r, const struct blk *b, struct trc_error *err)
{
	struct cur c = b->payload;
	char why[160];

	memset(&r->trl, 0, sizeof(r->trl));
	if (tlv_parse_trailer(&c, &r->trl, &r->st.records_unknown, why, sizeof(why))) {
		rd_err(err, TRC_CORRUPT, b->offset, UINT32_MAX, "trailer at offset %llu: %s",
		       (unsigned long long)b->offset, why);
		return damaged(r, b);
	}
	blk_consume(r, b);
	r->st.has_trailer = 1;
	if (r->trl.chunks > r->expect_seq && !r->damage_since_chunk) {
		r->pending = true;
		rd_err(&r->pending_err, TRC_CORRUPT, b->offset, r->expect_seq,
		       "chunks %u..%llu missing before the trailer", r->expect_seq,
		       (unsigned long long)r->trl.chunks - 1);
	}
	rd_err(&r->final_err, TRC_EOF, b->offset, UINT32_MAX, "end of trace");
	r->state = RD_DONE;
	r->final = TRC_EOF;
	return -1;
}

static int on_block(struct trc_reader *r, struct trc_error *err)
{
	struct blk b;
	enum trc_status st = blk_next(r, &b, &r->final_err);

	switch (st) {
	case TRC_OK:
		break;
	case TRC_EOF:
		rd_err(&r->final_err, TRC_TRUNCATED, r->buf_off + r->pos, UINT32_MAX,
		       "no trailer: the recording was interrupted (file ends at offset %llu, "
		       "after chunk %u)",
		       (unsigned long long)(r->buf_off + r->pos), r->expect_seq);
		return finish(r, TRC_TRUNCATED, err);
	case TRC_CORRUPT:
		if (err)
			*err = r->final_err;
		return damaged(r, NULL);
	default:
		return finish(r, st, err);
	}
	switch (b.type) {
	case WIRE_MAGIC_CHUNK:
		return on_chunk(r, &b, err);
	case WIRE_MAGIC_TRAILER:
		return on_trailer(r, &b, err);
	case WIRE_MAGIC_HEADER:
		rd_err(err, TRC_CORRUPT, b.offset, UINT32_MAX,
		       "unexpected second file header at offset %llu",
		       (unsigned long long)b.offset);
		return damaged(r, &b);
	default:
		/* A block type from a newer minor version: skip it whole. */
		blk_consume(r, &b);
		r->st.records_unknown++;
		return -1;
	}
}

enum trc_status trc_reader_next(struct trc_reader *r, struct trc_event *ev,
				const struct trc_conn **conn, struct trc_error *err)
{
	struct trc_event scratch;
	if (!r)
		return TRC_IOERR;
	if (!ev)
		ev = &scratch;
	if (conn)
		*conn = NULL;
	r->run_valid = false;
	for (;;) {
		if (r->pending) {
			r->pending = false;
			if (err)
				*err = r->pending_err;
			return TRC_CORRUPT;
		}
		if (r->state == RD_DONE) {
			if (err)
				*err = r->final_err;
			return r->final;
		}
		if (r->state == RD_CHUNK) {
			int k = dec_next(r, ev, conn, err);
			if (k == 1) {
				r->st.events += 1 + (r->run_valid ? r->run.n : 0);
				return TRC_OK;
			}
			if (k == 2) {
				r->st.events += r->run.n;
				ev->type = r->run.type[0];
				ev->t_ns = r->run.t_ns[0];
				ev->conn_serial = 0;
				return TRC_SKIPPED;
			}
			r->state = RD_BLOCK;
			if (k < 0)
				return damaged(r, &r->cur_blk);
			blk_consume(r, &r->cur_blk);
			continue;
		}
		int st = on_block(r, err);
		if (st >= 0)
			return (enum trc_status)st;
	}
}
