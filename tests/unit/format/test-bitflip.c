// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-bitflip - every single-bit flip of a small multi-chunk trace, and a
 * stride of flips over a bigger one.  The CRC must catch each flip: the
 * damaged block is reported (offset of that block), every other chunk is
 * still read, never more events than written and never a wrong one.  A
 * flip in the 4 magic bytes at offset 0 makes the file "not a trace".
 * Deleted and inserted bytes are resynchronised over the same way.
 */
#include <string.h>

#include "tutil.h"

struct stats {
	size_t flips, unsupported, header, chunk, trailer;
};

static size_t block_of(const struct tu_blk *blk, size_t nblk, size_t off)
{
	for (size_t i = 0; i < nblk; i++)
		if (off >= blk[i].off && off < blk[i].off + blk[i].total)
			return i;
	REQUIRE(0);
	return 0;
}

/* Reads the damaged file, comparing each event as it arrives with the
 * written ones minus those of the damaged chunk (hit, may be NULL). */
struct outcome {
	enum trc_status final;
	size_t events, corrupt;
	uint64_t first_corrupt_off;
	uint64_t chunks_corrupt;
};

static struct outcome read_compare(const struct tbuf *b, const struct tu_model *m,
				   const struct tu_blk *hit)
{
	struct outcome o = { 0 };
	struct trc_error err;
	struct trc_event ev;
	const struct trc_conn *c;
	size_t i = 0;
	struct trc_reader *r = trc_reader_open_mem(b->p, b->len, &err);
	if (!r) {
		o.final = (enum trc_status)err.code;
		return o;
	}
	while ((o.final = trc_reader_next(r, &ev, &c, &err)) == TRC_OK || o.final == TRC_CORRUPT) {
		if (o.final == TRC_CORRUPT) {
			if (o.corrupt++ == 0)
				o.first_corrupt_off = err.offset;
			continue;
		}
		if (hit && i == hit->ev_first)
			i += hit->events;
		REQUIRE(i < m->nev && tu_event_equal(&ev, &m->evs[i]));
		REQUIRE(ev.type == TRC_EV_LOST || tu_conn_equal(c, &m->decl[ev.conn_serial]));
		i++;
		o.events++;
	}
	if (hit && i == hit->ev_first)
		i += hit->events;
	REQUIRE(i == m->nev); /* nothing else missing */
	struct trc_reader_stats st;
	trc_reader_get_stats(r, &st);
	o.chunks_corrupt = st.chunks_corrupt;
	trc_reader_close(r);
	return o;
}

static void flip(struct tbuf *b, const struct tu_blk *blk, size_t nblk, const struct tu_model *m,
		 size_t off, int bit, struct stats *s)
{
	const struct tu_blk *k = &blk[block_of(blk, nblk, off)];
	struct outcome o;

	b->p[off] ^= (uint8_t)(1u << bit);
	s->flips++;
	if (off < 4) {
		o = read_compare(b, m, NULL);
		REQUIRE(o.final == TRC_UNSUPPORTED);
		s->unsupported++;
	} else if (k->type == 'T') {
		/* Damaged trailer: all events, the file counts as truncated. */
		o = read_compare(b, m, NULL);
		REQUIRE(o.final == TRC_TRUNCATED && o.corrupt <= 1);
		s->trailer++;
	} else {
		o = read_compare(b, m, k->type == 'C' ? k : NULL);
		REQUIRE(o.final == TRC_TRUNCATED || o.final == TRC_EOF);
		REQUIRE(o.corrupt == 1 && o.first_corrupt_off == k->off && o.chunks_corrupt == 1);
		if (k->type == 'C')
			s->chunk++;
		else
			s->header++;
	}
	b->p[off] ^= (uint8_t)(1u << bit);
}

static void run(uint64_t seed, size_t events, uint32_t chunk, size_t stride)
{
	struct tu_model m;
	struct tbuf b = tu_small_trace(seed, events, chunk, &m);
	struct tu_blk blk[4096];
	size_t nblk = tu_blocks(&b, blk, 4096);
	struct stats s = { 0 };

	for (size_t off = 0; off < b.len; off += stride)
		for (int bit = 0; bit<8; bit += stride> 1 ? 3 : 1)
			flip(&b, blk, nblk, &m, off, bit, &s);
	printf("%zu-byte file, %zu blocks: %zu flips (%zu header, %zu chunk, %zu trailer, "
	       "%zu magic) all caught\n",
	       b.len, nblk, s.flips, s.header, s.chunk, s.trailer, s.unsupported);
	tu_model_free(&m);
	free(b.p);
}

/* Removes one byte inside each chunk in turn, and inserts 13 garbage
 * bytes before each block in turn (the reader must skip exactly them). */
static void shifts(void)
{
	struct tu_model m;
	struct tbuf b = tu_small_trace(13, 300, 1024, &m);
	struct tu_blk blk[256];
	size_t nblk = tu_blocks(&b, blk, 256);
	struct tbuf x = { malloc(b.len + 13), 0 };
	REQUIRE(x.p);
	for (size_t k = 1; k + 1 < nblk; k++) {
		size_t cut = blk[k].off + blk[k].total / 2;
		memcpy(x.p, b.p, cut);
		memcpy(x.p + cut, b.p + cut + 1, b.len - cut - 1);
		x.len = b.len - 1;
		struct outcome o = read_compare(&x, &m, &blk[k]);
		REQUIRE(o.final == TRC_EOF && o.corrupt == 1 && o.first_corrupt_off == blk[k].off);
	}
	for (size_t k = 1; k < nblk; k++) {
		memcpy(x.p, b.p, blk[k].off);
		memset(x.p + blk[k].off, 'T', 13);
		memcpy(x.p + blk[k].off + 13, b.p + blk[k].off, b.len - blk[k].off);
		x.len = b.len + 13;
		struct outcome o = read_compare(&x, &m, NULL);
		REQUIRE(o.final == TRC_EOF && o.corrupt == 1 && o.first_corrupt_off == blk[k].off);
	}
	printf("deleted and inserted bytes around %zu blocks resynchronised\n", nblk);
	free(x.p);
	free(b.p);
	tu_model_free(&m);
}

int main(void)
{
	shifts();
	run(11, 300, 1024, 1);	    /* every bit of a small file */
	run(12, 20000, 16384, 331); /* a stride over a bigger one */
	return 0;
}
