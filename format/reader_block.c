// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader_block.c - block framing for the reader: buffering bytes from the
 * medium, recognising a block (magic, both length fields, CRC32C), and
 * resynchronising after damage by scanning for the next block that checks
 * out.  The buffer never grows beyond the largest valid block
 * (WIRE_MAX_BLOCK) plus one read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "reader_block.h"
#include "reader_state.h"

/* Smallest read, and the slack kept beyond a block when the buffer grows:
 * small files need small buffers (the fuzzer opens thousands a second). */
#define RD_READ_MIN 4096u

void rd_err(struct trc_error *err, enum trc_status code, uint64_t off, uint32_t chunk,
	    const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return;
	err->code = (int)code;
	err->offset = off;
	err->chunk = chunk;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

/* Makes at least n bytes available at buf + pos unless the input ends
 * first.  Returns the bytes available (< n only at end of input), or
 * -errno from the medium.  Moves the buffer: pointers into it are stale
 * afterwards. */
int rd_ensure(struct trc_reader *r, size_t n)
{
	if (r->end - r->pos >= n)
		return (int)n;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->buf_off += r->pos;
		r->end -= r->pos;
		r->pos = 0;
	}
	if (n > r->cap) {
		/* Doubling amortises growth; never beyond the largest block
		 * plus one read. */
		size_t ncap = n + RD_READ_MIN;
		if (ncap < 2 * r->cap && 2 * r->cap <= WIRE_MAX_BLOCK + RD_READ_MIN)
			ncap = 2 * r->cap;
		uint8_t *nb = realloc(r->buf, ncap);
		if (!nb)
			return -ENOMEM;
		r->buf = nb;
		r->cap = ncap;
	}
	while (r->end < n && !r->in_eof) {
		ssize_t got = r->m.read(r->m.ctx, r->buf + r->end, r->cap - r->end);
		if (got == -EINTR)
			continue;
		if (got < 0)
			return (int)got;
		if (got == 0)
			r->in_eof = true;
		r->end += (size_t)got;
		r->st.bytes_read += (uint64_t)got;
	}
	return (int)(r->end < n ? r->end : n);
}

static uint32_t max_payload(char type)
{
	switch (type) {
	case WIRE_MAGIC_HEADER:
		return TRC_MAX_HEADER;
	case WIRE_MAGIC_TRAILER:
		return WIRE_MAX_TRAILER_PAYLOAD;
	default:
		return WIRE_MAX_OTHER_PAYLOAD;
	}
}

enum chk { CHK_OK, CHK_BAD, CHK_SHORT, CHK_IOERR };

/* Checks the block whose magic is at pos.  CHK_SHORT: input ends before the
 * block does (a truncated block, or a damaged length). */
static enum chk blk_check(struct trc_reader *r, struct blk *b, const char **why)
{
	int got = rd_ensure(r, WIRE_BLOCK_HEAD);
	if (got < 0) {
		r->io_err = got;
		return CHK_IOERR;
	}
	struct cur c = cur_make(r->buf + r->pos, (size_t)got);
	const uint8_t *magic;
	uint32_t total, plen, crc, total2;

	*why = "bad block magic";
	if (cur_take(&c, 4, &magic) || memcmp(magic, WIRE_MAGIC_PREFIX, 3) != 0)
		return memcmp(r->buf + r->pos, WIRE_MAGIC_PREFIX, (size_t)got < 3 ? (size_t)got : 3)
			       ? CHK_BAD
			       : CHK_SHORT;
	if (cur_u32(&c, &total) || cur_u32(&c, &plen))
		return CHK_SHORT;
	*why = "block length fields are inconsistent";
	if (total < WIRE_BLOCK_FRAMING || total % WIRE_BLOCK_ALIGN ||
	    plen > max_payload((char)magic[3]) || plen > total - WIRE_BLOCK_FRAMING ||
	    total - WIRE_BLOCK_FRAMING - plen >= WIRE_BLOCK_ALIGN)
		return CHK_BAD;
	b->type = (char)magic[3];
	got = rd_ensure(r, total);
	if (got < 0) {
		r->io_err = got;
		return CHK_IOERR;
	}
	if ((uint32_t)got < total)
		return CHK_SHORT;
	c = cur_make(r->buf + r->pos + total - WIRE_BLOCK_TAIL, WIRE_BLOCK_TAIL);
	if (cur_u32(&c, &crc) || cur_u32(&c, &total2))
		return CHK_BAD;
	*why = "block length at its end differs from its start";
	if (total2 != total)
		return CHK_BAD;
	*why = "block checksum mismatch";
	if (trc_crc32c(0, r->buf + r->pos, total - WIRE_BLOCK_TAIL) != crc)
		return CHK_BAD;
	b->offset = r->buf_off + r->pos;
	b->total = total;
	b->payload = cur_make(r->buf + r->pos + WIRE_BLOCK_HEAD, plen);
	return CHK_OK;
}

/* Scans forward from pos + 1 for a block that checks out.  Leaves pos at
 * that block, or at the end of input. */
static enum chk resync(struct trc_reader *r)
{
	struct blk b;
	const char *why;

	r->pos++;
	for (;;) {
		int got = rd_ensure(r, RD_READ_MIN);
		if (got < 0) {
			r->io_err = got;
			return CHK_IOERR;
		}
		if (got < 3) {
			r->pos = r->end;
			return CHK_SHORT;
		}
		const uint8_t *hit = memchr(r->buf + r->pos, 'T', (size_t)got - 2);
		if (!hit) {
			r->pos += (size_t)got - 2;
			continue;
		}
		r->pos = (size_t)(hit - r->buf);
		if (memcmp(hit, WIRE_MAGIC_PREFIX, 3) == 0) {
			enum chk k = blk_check(r, &b, &why);
			if (k == CHK_OK || k == CHK_IOERR)
				return k;
		}
		r->pos++;
	}
}

enum trc_status blk_next(struct trc_reader *r, struct blk *b, struct trc_error *err)
{
	const char *why = "file ends inside a block";
	uint64_t start = r->buf_off + r->pos;

	int got = rd_ensure(r, 1);
	if (got < 0) {
		r->io_err = got;
		goto ioerr;
	}
	if (got == 0)
		return TRC_EOF;
	enum chk first = blk_check(r, b, &why);
	if (first == CHK_OK)
		return TRC_OK;
	if (first == CHK_IOERR)
		goto ioerr;
	if (first == CHK_SHORT)
		why = "block length runs past the end of the input";
	enum chk k = resync(r);
	if (k == CHK_IOERR)
		goto ioerr;
	uint64_t stop = r->buf_off + r->pos;
	if (k == CHK_SHORT && first == CHK_SHORT) {
		/* Nothing valid after it: the block was cut by the end of
		 * the input, not damaged. */
		rd_err(err, TRC_TRUNCATED, start, UINT32_MAX,
		       "file ends inside a block at offset %llu (%llu bytes present)",
		       (unsigned long long)start, (unsigned long long)(stop - start));
		return TRC_TRUNCATED;
	}
	r->st.bytes_skipped += stop - start;
	rd_err(err, TRC_CORRUPT, start, r->expect_seq,
	       "%s at offset %llu (chunk %u expected): skipped bytes %llu..%llu", why,
	       (unsigned long long)start, r->expect_seq, (unsigned long long)start,
	       (unsigned long long)stop);
	return TRC_CORRUPT;
ioerr:
	rd_err(err, TRC_IOERR, start, UINT32_MAX, "read error: %s", strerror(-r->io_err));
	return TRC_IOERR;
}

void blk_consume(struct trc_reader *r, const struct blk *b)
{
	r->pos = (size_t)(b->offset - r->buf_off) + b->total;
}
