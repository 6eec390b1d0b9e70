// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - chunk records to events (SPEC.md "Chunk block", "Records").
 * Every record, count and time of a chunk is checked before any of its
 * events is returned, so a chunk is either delivered whole or reported as
 * corrupt whole.  The checking pass keeps the events it decodes (up to
 * DEC_BATCH_MAX) and delivery hands them out, as decoding them a second
 * time was half of the reader's time.  A bigger chunk is decoded again as
 * it is delivered, so that memory stays bounded, and so is one with an
 * unknown extension record, which is counted as delivery passes it.
 * Records are decode_rec.c's.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_rec.h"
#include "reader_block.h"
#include "reader_state.h"
#include "varint.h"

#define FAIL(what)                                                                                 \
	do {                                                                                       \
		*why = (what);                                                                     \
		return -1;                                                                         \
	} while (0)

int dec_begin(struct trc_reader *r, const struct blk *b, struct trc_error *err)
{
	struct dec *d = &r->d;
	struct cur c = b->payload;
	uint32_t flags;
	const char *why = "chunk header is shorter than 36 bytes";

	memset(d, 0, sizeof(*d));
	d->block_off = b->offset;
	d->seq = UINT32_MAX;
	d->prev_cid = UINT32_MAX;
	if (cur_u32(&c, &d->seq) || cur_u32(&c, &d->n_events) || cur_u32(&c, &d->n_records) ||
	    cur_u32(&c, &d->n_conns) || cur_u64(&c, &d->t_first) || cur_u64(&c, &d->t_last) ||
	    cur_u32(&c, &flags))
		goto bad;
	why = "chunk counts are out of range";
	/* Every event takes >= 2 bytes, every declaration >= 7: counts that
	 * the payload cannot hold are corrupt, and bounding them by the
	 * payload bounds the allocation below by the block size. */
	if (d->n_events > TRC_MAX_CHUNK_EVENTS || d->n_conns > TRC_MAX_CHUNK_CONNS ||
	    d->n_events > c.left / 2 || d->n_conns > c.left / 7 ||
	    (uint64_t)d->n_events + d->n_conns > d->n_records || d->n_records > c.left)
		goto bad;
	why = "chunk time range is reversed";
	if (d->t_first > d->t_last)
		goto bad;
	why = "out of memory for the chunk's connections";
	if (d->n_conns) {
		struct rconn *nc = rd_grow(r->conns, &r->conns_cap, d->n_conns, sizeof(*nc));

		if (!nc)
			goto bad;
		r->conns = nc;
	}
	d->c = c;
	d->t_prev = d->t_first;
	return 0;
bad:
	rd_err(err, TRC_CORRUPT, b->offset, d->seq, "chunk at offset %llu: %s",
	       (unsigned long long)b->offset, why);
	return -1;
}

static void dec_rewind(struct dec *d, struct cur start)
{
	d->c = start;
	d->t_prev = d->t_first;
	d->events = d->records = d->conns = d->owners = d->addrs = 0;
	d->ext_events = 0;
	d->ext_max = 0;
	d->prev_cid = UINT32_MAX;
	d->dp_serial = d->dp_cookie = d->dp_cgroup = 0;
	d->dp_netns = 0;
	d->dp_rport = 0;
}

/* Room in r->batch for the n events a chunk can hold; false: the chunk
 * is too big for it (or memory is short) and is decoded twice.  Grown
 * to the chunks seen, so a reader of small chunks stays small. */
static bool batch_reserve(struct trc_reader *r, uint32_t n)
{
	if (n > DEC_BATCH_MAX)
		return false;
	if (n <= r->batch_cap)
		return true;
	uint32_t ncap = r->batch_cap + r->batch_cap / 2;
	if (ncap < n)
		ncap = n;
	if (ncap > DEC_BATCH_MAX)
		ncap = DEC_BATCH_MAX;
	struct trc_event *ne = realloc(r->batch, (size_t)ncap * sizeof(*ne));
	if (!ne)
		return false;
	r->batch = ne;
	uint32_t *nc = realloc(r->batch_cid, (size_t)ncap * sizeof(*nc));
	if (!nc)
		return false;
	r->batch_cid = nc;
	r->batch_cap = ncap;
	return true;
}

/* The declaration of connection cid of the current chunk, NULL for none. */
static const struct trc_conn *conn_of(const struct trc_reader *r, uint32_t cid)
{
	return cid == UINT32_MAX ? NULL : &r->conns[cid].c;
}

/* Batch entry i into *ev, the bytes decoding into *ev would have written
 * and no others: what lies beyond EV_CLEAR_BYTES and a SOCK event's
 * n_fields stays the caller's, as when the record is decoded in place.
 * Its declaration is still the one it was decoded against: a chunk
 * declares each id once (dec_conn() takes the next), and only the next
 * chunk's dec_begin() moves or refills r->conns. */
static void batch_get(const struct trc_reader *r, uint32_t i, struct trc_event *ev,
		      const struct trc_conn **conn)
{
	const struct trc_event *b = &r->batch[i];
	uint32_t cid = r->batch_cid[i];

	memcpy(ev, b, EV_CLEAR_BYTES);
	if (b->type == TRC_EV_SOCK) {
		memcpy(ev->sock.key, b->sock.key, b->sock.n_fields * sizeof(b->sock.key[0]));
		memcpy(ev->sock.value, b->sock.value, b->sock.n_fields * sizeof(b->sock.value[0]));
	}
	if (conn)
		*conn = conn_of(r, cid);
}

int dec_validate(struct trc_reader *r, struct trc_error *err)
{
	struct dec *d = &r->d;
	struct cur start = d->c;
	struct trc_event scratch, *ev;
	uint32_t cid;
	const char *why = NULL;

	d->dry = true;
	/* Each record but a declaration is at most one event. */
	d->batch = batch_reserve(r, d->n_records - d->n_conns);
	while (d->c.left) {
		/* Bounded by the capacity: a corrupt chunk may hold more
		 * events than its counts promise before that is found. */
		ev = d->batch && d->n_batched < r->batch_cap ? &r->batch[d->n_batched] : &scratch;
		int k = dec_record(r, d, ev, &cid, &why);
		if (k < 0)
			goto bad;
		if (k == 1 && d->batch) {
			if (ev == &scratch)
				d->batch = false;
			else
				r->batch_cid[d->n_batched++] = cid;
		}
	}
	why = "chunk counts differ from its records";
	if (d->events != d->n_events || d->records != d->n_records || d->conns != d->n_conns)
		goto bad;
	why = "last event time differs from the chunk's last time";
	if (d->events && d->t_prev != d->t_last)
		goto bad;
	d->ext_count = d->ext_events;
	d->ext_latest = d->ext_max;
	d->dry = false;
	if (!d->batch)
		dec_rewind(d, start);
	return 0;
bad:
	rd_err(err, TRC_CORRUPT, d->block_off, d->seq, "chunk %u at offset %llu: %s (record %u)",
	       d->seq, (unsigned long long)d->block_off, why, d->records);
	return -1;
}

int dec_next(struct trc_reader *r, struct trc_event *ev, const struct trc_conn **conn,
	     struct trc_error *err)
{
	struct dec *d = &r->d;
	uint32_t cid;
	const char *why = NULL;

	if (d->batch) {
		if (d->next == d->n_batched)
			return 0;
		batch_get(r, d->next++, ev, conn);
		return 1;
	}
	while (d->c.left) {
		int k = dec_record(r, d, ev, &cid, &why);
		if (k < 0) {
			/* Cannot happen after dec_validate(); kept so that a
			 * logic error surfaces as corruption, not as a crash. */
			rd_err(err, TRC_CORRUPT, d->block_off, d->seq, "chunk %u: %s", d->seq, why);
			return -1;
		}
		if (k == 1) {
			if (conn)
				*conn = conn_of(r, cid);
			return 1;
		}
	}
	return 0;
}
