// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-truncation - a multi-chunk trace cut at every byte offset: no crash
 * and no leak (under ASan), open fails only while the header is
 * incomplete, every chunk that ends before the cut is returned in full and
 * nothing of the cut one, and the result is TRC_TRUNCATED (TRC_EOF only
 * for the whole file).  Also: a file without a trailer is truncated but
 * readable, and the cut is reported with its offset.  The same file read
 * through a medium that returns a few bytes per call and EINTR in between
 * reads identically; a medium that fails gives TRC_IOERR after the events
 * read before the failure.
 */
#include <errno.h>
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
		REQUIRE(st == (cut == 0 ? TRC_UNSUPPORTED : TRC_TRUNCATED));
		tu_read_free(&rd);
		return;
	}
	REQUIRE(st == (cut == b->len ? TRC_EOF : TRC_TRUNCATED));
	REQUIRE(rd.corrupt == 0 && rd.events == expect);
	for (size_t i = 0; i < expect; i++)
		REQUIRE(tu_event_equal(&rd.evs[i], &m->evs[i]));
	if (st == TRC_TRUNCATED) {
		REQUIRE(rd.st.truncated && !rd.st.has_trailer);
		/* The error names where the data ends or the torn block starts. */
		REQUIRE(rd.last_err.offset <= cut && rd.last_err.msg[0]);
	}
	tu_read_free(&rd);
}

struct drip {
	const uint8_t *p;
	size_t left, calls, fail_at; /* fail_at: byte offset that errors, or SIZE_MAX */
	size_t off;
};

static ssize_t drip_read(void *ctx, void *buf, size_t len)
{
	struct drip *d = ctx;
	if (++d->calls % 5 == 0)
		return -EINTR;
	if (d->off >= d->fail_at)
		return -EIO;
	size_t n = 1 + d->calls % 7;
	if (n > len)
		n = len;
	if (n > d->left)
		n = d->left;
	if (d->fail_at != SIZE_MAX && n > d->fail_at - d->off)
		n = d->fail_at - d->off;
	memcpy(buf, d->p, n);
	d->p += n;
	d->left -= n;
	d->off += n;
	return (ssize_t)n;
}

static void drip(const struct tbuf *b, const struct tu_model *m, size_t fail_at)
{
	struct drip d = { .p = b->p, .left = b->len, .fail_at = fail_at };
	struct trc_medium med = { drip_read, &d };
	struct trc_error err;
	struct trc_event ev;
	const struct trc_conn *c;
	enum trc_status st;
	size_t n = 0;
	struct trc_reader *r = trc_reader_open(&med, &err);
	REQUIRE(r);
	while ((st = trc_reader_next(r, &ev, &c, &err)) == TRC_OK) {
		REQUIRE(n < m->nev && tu_event_equal(&ev, &m->evs[n]));
		n++;
	}
	if (fail_at == SIZE_MAX) {
		REQUIRE(st == TRC_EOF && n == m->nev);
	} else {
		REQUIRE(st == TRC_IOERR && n < m->nev && strstr(err.msg, "read error"));
		REQUIRE(trc_reader_next(r, &ev, &c, &err) == TRC_IOERR);
	}
	trc_reader_close(r);
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
	REQUIRE(chunks >= 3 && blk[0].type == 'H' && blk[nblk - 1].type == 'T');
	for (size_t cut = 0; cut <= b.len; cut++)
		check_cut(&b, blk, nblk, &m, cut);
	printf("cut a %zu-byte file with %zu chunks at every offset\n", b.len, chunks);

	drip(&b, &m, SIZE_MAX);
	drip(&b, &m, b.len / 2);
	tu_model_free(&m);
	free(b.p);
	return 0;
}
