// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-bitflip - every single-bit flip of a small multi-chunk trace, and a
 * stride of flips over a bigger one.  The CRC must catch each flip: the
 * damaged block is reported (offset of that block), every other chunk is
 * still read, never more events than written and never a wrong one.  A
 * flip in the 4 magic bytes at offset 0 makes the file "not a trace".
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
	CHECK(0);
	return 0;
}

static void check_events(const struct tu_read *rd, const struct tu_model *m,
			 const struct tu_blk *hit)
{
	size_t j = 0;
	for (size_t i = 0; i < m->nev; i++) {
		if (hit && i >= hit->ev_first && i < hit->ev_first + hit->events)
			continue;
		CHECK(j < rd->events && tu_event_equal(&rd->evs[j], &m->evs[i]));
		j++;
	}
	CHECK(j == rd->events);
}

static void flip(struct tbuf *b, const struct tu_blk *blk, size_t nblk,
		 const struct tu_model *m, size_t off, int bit, struct stats *s)
{
	struct tu_read rd;
	b->p[off] ^= (uint8_t)(1u << bit);
	enum trc_status st = tu_read_all(b->p, b->len, &rd, m->nev + 1);
	b->p[off] ^= (uint8_t)(1u << bit);
	s->flips++;

	const struct tu_blk *k = &blk[block_of(blk, nblk, off)];
	if (off < 4) {
		CHECK(st == TRC_UNSUPPORTED);
		s->unsupported++;
	} else if (k->type == 'T') {
		/* Damaged trailer: all events, file counts as truncated. */
		CHECK(st == TRC_TRUNCATED && rd.corrupt <= 1);
		check_events(&rd, m, NULL);
		s->trailer++;
	} else {
		CHECK(st == TRC_TRUNCATED || st == TRC_EOF);
		CHECK(rd.corrupt == 1 && rd.last_err.offset == k->off);
		CHECK(rd.st.chunks_corrupt == 1);
		check_events(&rd, m, k->type == 'C' ? k : NULL);
		if (k->type == 'C')
			s->chunk++;
		else
			s->header++;
	}
	tu_read_free(&rd);
}

static void run(uint64_t seed, size_t events, uint32_t chunk, size_t stride)
{
	struct tu_model m;
	struct tbuf b = tu_small_trace(seed, events, chunk, &m);
	struct tu_blk blk[4096];
	size_t nblk = tu_blocks(&b, blk, 4096);
	struct stats s = { 0 };

	for (size_t off = 0; off < b.len; off += stride)
		for (int bit = 0; bit < 8; bit += stride > 1 ? 3 : 1)
			flip(&b, blk, nblk, &m, off, bit, &s);
	printf("%zu-byte file, %zu blocks: %zu flips (%zu header, %zu chunk, %zu trailer, "
	       "%zu magic) all caught\n",
	       b.len, nblk, s.flips, s.header, s.chunk, s.trailer, s.unsupported);
	tu_model_free(&m);
	free(b.p);
}

int main(void)
{
	run(11, 300, 1024, 1);       /* every bit of a small file */
	run(12, 20000, 16384, 97);   /* a stride over a bigger one */
	return 0;
}
