// SPDX-License-Identifier: BSD-2-Clause
/*
 * reader.c - the reader's public face: opening (magic and version checks,
 * file header), the trc_reader_next() state machine over blocks and chunk
 * events, the trailer, and the file/fd/memory media.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader_block.h"
#include "reader_state.h"
#include "tlv.h"

static ssize_t mem_read(void *ctx, void *buf, size_t len)
{
	struct mem_ctx *m = ctx;
	size_t n = len < m->left ? len : m->left;
	if (n)
		memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (ssize_t)n;
}

static ssize_t fd_read(void *ctx, void *buf, size_t len)
{
	const struct trc_reader *r = ctx;
	for (;;) {
		ssize_t n = read(r->fd, buf, len);
		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

/* Names the file when its first bytes are not ours. */
static void not_a_trace(const uint8_t *b, size_t n, struct trc_error *err)
{
	static const uint8_t pcap[4][4] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0xc3, 0xd4 },
		{ 0x4d, 0x3c, 0xb2, 0xa1 },
		{ 0xa1, 0xb2, 0x3c, 0x4d },
	};
	static const uint8_t pcapng[4] = { 0x0a, 0x0d, 0x0d, 0x0a };
	uint8_t m[4] = { 0 };

	if (n == 0) {
		rd_err(err, TRC_UNSUPPORTED, 0, UINT32_MAX, "not a tcprec trace (empty input)");
		return;
	}
	memcpy(m, b, n < 4 ? n : 4);
	int is_pcap = n >= 4 && !memcmp(m, pcapng, 4);
	for (int i = 0; i < 4 && n >= 4; i++)
		is_pcap |= !memcmp(m, pcap[i], 4);
	rd_err(err, TRC_UNSUPPORTED, 0, UINT32_MAX,
	       "not a tcprec trace (magic %02x %02x %02x %02x at offset 0)%s", m[0], m[1], m[2],
	       m[3], is_pcap ? ": looks like a pcap/pcapng capture: import it with tcprec -r" : "");
}

/* Parses a header block that checked out; 0, or a status for open. */
static int parse_header(struct trc_reader *r, const struct blk *b, struct trc_error *err)
{
	struct cur c = b->payload;
	char why[160] = "file header is shorter than its version fields";

	if (cur_u16(&c, &r->hdr.version_major) || cur_u16(&c, &r->hdr.version_minor))
		goto corrupt;
	if (r->hdr.version_major != TRC_VERSION_MAJOR) {
		rd_err(err, TRC_UNSUPPORTED, 0, UINT32_MAX,
		       "trace format version %u.%u is not supported: this reader reads %u.x",
		       r->hdr.version_major, r->hdr.version_minor, TRC_VERSION_MAJOR);
		return TRC_UNSUPPORTED;
	}
	if (tlv_parse_header(&c, &r->hdr, &r->st.records_unknown, why, sizeof(why)))
		goto corrupt;
	return 0;
corrupt:
	/* Keep going: the chunks do not depend on the header. */
	memset(&r->hdr, 0, sizeof(r->hdr));
	r->pending = true;
	r->st.chunks_corrupt++;
	rd_err(&r->pending_err, TRC_CORRUPT, 0, UINT32_MAX, "file header: %s", why);
	return 0;
}

static int open_header(struct trc_reader *r, struct trc_error *err)
{
	struct blk b;
	int got = rd_ensure(r, 4);
	if (got < 0) {
		rd_err(err, TRC_IOERR, 0, UINT32_MAX, "read error: %s", strerror(-got));
		return TRC_IOERR;
	}
	const uint8_t *p = r->buf + r->pos;
	if ((size_t)got < 4 && got > 0 && !memcmp(p, WIRE_MAGIC_PREFIX "H", (size_t)got)) {
		rd_err(err, TRC_TRUNCATED, 0, UINT32_MAX, "file ends inside the file header");
		return TRC_TRUNCATED;
	}
	if (got < 4 || memcmp(p, WIRE_MAGIC_PREFIX "H", 4)) {
		not_a_trace(p, (size_t)got, err);
		return TRC_UNSUPPORTED;
	}
	enum trc_status st = blk_next(r, &b, err);
	if (st == TRC_OK && b.type == WIRE_MAGIC_HEADER && b.offset == 0) {
		int rc = parse_header(r, &b, err);
		blk_consume(r, &b);
		return rc;
	}
	if (st == TRC_OK || st == TRC_CORRUPT) {
		/* The header is damaged but the file is ours: report it on
		 * the first trc_reader_next() and read what follows. */
		r->pending = true;
		r->st.chunks_corrupt++;
		if (st == TRC_CORRUPT)
			r->pending_err = *err;
		else
			rd_err(&r->pending_err, TRC_CORRUPT, 0, UINT32_MAX,
			       "file header damaged: next intact block at offset %llu",
			       (unsigned long long)b.offset);
		return 0;
	}
	if (err && st == TRC_TRUNCATED)
		snprintf(err->msg, sizeof(err->msg), "file ends inside the file header");
	return (int)st;
}

static struct trc_reader *reader_new(struct trc_error *err)
{
	struct trc_reader *r = calloc(1, sizeof(*r));
	if (!r) {
		rd_err(err, TRC_IOERR, 0, UINT32_MAX, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	r->fd = -1;
	r->state = RD_BLOCK;
	return r;
}

/* Reads the header of a reader whose medium is set; frees it on failure. */
static struct trc_reader *reader_start(struct trc_reader *r, struct trc_error *err)
{
	int rc = open_header(r, err);
	if (rc != 0) {
		trc_reader_close(r);
		errno = rc == TRC_IOERR ? EIO : rc == TRC_TRUNCATED ? ENODATA : EPROTO;
		return NULL;
	}
	return r;
}

struct trc_reader *trc_reader_open(const struct trc_medium *m, struct trc_error *err)
{
	if (!m || !m->read) {
		rd_err(err, TRC_IOERR, 0, UINT32_MAX, "no medium to read from");
		errno = EINVAL;
		return NULL;
	}
	struct trc_reader *r = reader_new(err);
	if (!r)
		return NULL;
	r->m = *m;
	return reader_start(r, err);
}

struct trc_reader *trc_reader_open_mem(const void *buf, size_t len, struct trc_error *err)
{
	if (!buf && len) {
		rd_err(err, TRC_IOERR, 0, UINT32_MAX, "no buffer to read from");
		errno = EINVAL;
		return NULL;
	}
	struct trc_reader *r = reader_new(err);
	if (!r)
		return NULL;
	r->mem.p = buf;
	r->mem.left = len;
	r->m.read = mem_read;
	r->m.ctx = &r->mem;
	return reader_start(r, err);
}

struct trc_reader *trc_reader_open_file(const char *path, struct trc_error *err)
{
	if (!path) {
		rd_err(err, TRC_IOERR, 0, UINT32_MAX, "no file name");
		errno = EINVAL;
		return NULL;
	}
	struct trc_reader *r = reader_new(err);
	if (!r)
		return NULL;
	if (strcmp(path, "-") == 0) {
		r->fd = STDIN_FILENO;
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0) {
			int e = errno;
			rd_err(err, TRC_IOERR, 0, UINT32_MAX, "%s: %s", path, strerror(e));
			free(r);
			errno = e;
			return NULL;
		}
		r->own_fd = 1;
	}
	r->m.read = fd_read;
	r->m.ctx = r;
	return reader_start(r, err);
}

const struct trc_header *trc_reader_header(const struct trc_reader *r)
{
	return r ? &r->hdr : NULL;
}

void trc_reader_want_conns(struct trc_reader *r, trc_want_conn_fn fn, void *arg)
{
	if (!r)
		return;
	r->want = fn;
	r->want_arg = arg;
}

const struct trc_skipped_run *trc_reader_skipped(const struct trc_reader *r)
{
	return r && r->run_valid ? &r->run : NULL;
}

const struct trc_trailer *trc_reader_trailer(const struct trc_reader *r)
{
	return r && r->st.has_trailer ? &r->trl : NULL;
}

void trc_reader_get_stats(const struct trc_reader *r, struct trc_reader_stats *st)
{
	if (!st)
		return;
	if (!r)
		memset(st, 0, sizeof(*st));
	else
		*st = r->st;
}

void trc_reader_close(struct trc_reader *r)
{
	if (!r)
		return;
	if (r->own_fd)
		(void)close(r->fd);
	free(r->buf);
	free(r->conns);
	free(r->owners);
	free(r->addrs);
	free(r->batch);
	free(r->batch_cid);
	free(r->batch_skips);
	free(r->skip_t);
	free(r->skip_type);
	free(r);
}
