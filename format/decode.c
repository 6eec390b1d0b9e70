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
 * The events of connections the consumer does not want are checked all
 * the same, but only their times and types are kept, and handed out in
 * runs (trc_reader_want_conns()).  Records are decode_rec.c's.
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
	d->n_skipped = d->skip_next = 0;
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
	uint32_t *ns = realloc(r->batch_skips, (size_t)ncap * sizeof(*ns));
	if (!ns)
		return false;
	r->batch_skips = ns;
	r->batch_cap = ncap;
	return true;
}

/* Room for n skipped events' times and types, as batch_reserve(). */
static bool skip_reserve(struct trc_reader *r, uint32_t n)
{
	if (n <= r->skip_cap)
		return true;
	uint64_t *nt = realloc(r->skip_t, (size_t)n * sizeof(*nt));
	if (!nt)
		return false;
	r->skip_t = nt;
	uint8_t *ny = realloc(r->skip_type, n);
	if (!ny)
		return false;
	r->skip_type = ny;
	r->skip_cap = n;
	return true;
}

/* An event of connection cid is skipped: a wanted connection's, or
 * one without a connection (LOST), is not. */
static bool unwanted(const struct trc_reader *r, uint32_t cid)
{
	return cid != UINT32_MAX && r->conns[cid].unwanted;
}

/* Keeps what the batch of a validated chunk needs of event ev (in its
 * batch slot, or in scratch when the batch is full): the event itself,
 * or only its time and type when it is skipped.  Without a branch on
 * which: with the connections shared out among workers, it is a coin
 * toss, and its mispredictions were a third of this pass's time. */
static void batch_keep(struct trc_reader *r, struct dec *d, const struct trc_event *ev,
		       uint32_t cid)
{
	if (d->n_batched == r->batch_cap || (r->want && d->n_skipped == r->skip_cap)) {
		d->batch = false;
		return;
	}
	r->batch_cid[d->n_batched] = cid;
	if (!r->want) {
		d->n_batched++;
		return;
	}
	r->batch_skips[d->n_batched] = d->n_skipped;
	bool skip = unwanted(r, cid);
	r->skip_t[d->n_skipped] = ev->t_ns;
	r->skip_type[d->n_skipped] = (uint8_t)ev->type;
	d->n_skipped += skip;
	d->n_batched += !skip;
}

/* The n skipped events at t and type are the run handed out next. */
static void run_set(struct trc_reader *r, const uint64_t *t, const uint8_t *type, uint32_t n)
{
	r->run.n = n;
	r->run.t_ns = t;
	r->run.type = type;
	r->run_valid = true;
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
	d->batch = batch_reserve(r, d->n_records - d->n_conns) &&
		   (!r->want || skip_reserve(r, d->n_records - d->n_conns));
	while (d->c.left) {
		/* Bounded by the capacity: a corrupt chunk may hold more
		 * events than its counts promise before that is found.  A
		 * skipped event's slot is taken by the next one. */
		ev = d->batch && d->n_batched < r->batch_cap ? &r->batch[d->n_batched] : &scratch;
		int k = dec_record(r, d, ev, &cid, &why);
		if (k < 0)
			goto bad;
		if (k == 1 && d->batch)
			batch_keep(r, d, ev, cid);
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
		/* The skipped events before the next one go with it; those
		 * after the chunk's last wanted event, on their own.  With
		 * no filter there are none, and batch_skips[] is not kept. */
		bool last = d->next == d->n_batched;
		uint32_t upto = last || !r->want ? d->n_skipped : r->batch_skips[d->next];

		if (d->skip_next < upto) {
			run_set(r, r->skip_t + d->skip_next, r->skip_type + d->skip_next,
				upto - d->skip_next);
			d->skip_next = upto;
		}
		if (!last) {
			batch_get(r, d->next++, ev, conn);
			return 1;
		}
		return r->run_valid ? 2 : 0;
	}
	while (d->c.left) {
		int k = dec_record(r, d, ev, &cid, &why);
		if (k < 0) {
			/* Cannot happen after dec_validate(); kept so that a
			 * logic error surfaces as corruption, not as a crash. */
			rd_err(err, TRC_CORRUPT, d->block_off, d->seq, "chunk %u: %s", d->seq, why);
			return -1;
		}
		if (k == 1 && unwanted(r, cid)) {
			/* Decoded a second time, as a chunk too big for the
			 * batch is: a run of one. */
			r->one_t = ev->t_ns;
			r->one_type = (uint8_t)ev->type;
			run_set(r, &r->one_t, &r->one_type, 1);
			return 2;
		}
		if (k == 1) {
			if (conn)
				*conn = conn_of(r, cid);
			return 1;
		}
	}
	return 0;
}
