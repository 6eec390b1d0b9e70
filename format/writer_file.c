// SPDX-License-Identifier: BSD-2-Clause
/*
 * writer_file.c - the files a writer writes: every block goes out whole
 * (one write loop over short writes and EINTR), each file starts with the
 * header and ends with a trailer of its own counters, and a rotating
 * recording continues in the next file only once the current one is
 * complete on disk, so every file of the set is a readable trace alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"
#include "tlv.h"
#include "writer_file.h"

void wf_set_err(struct trc_error *err, int code, const char *what)
{
	if (!err)
		return;
	err->code = code;
	err->offset = 0;
	err->chunk = UINT32_MAX;
	snprintf(err->msg, sizeof(err->msg), "%s: %s", what, strerror(-code));
}

/* Remembers the writer's first error; returns it. */
static int fail(struct trc_writer *w, int code, const char *what)
{
	if (!w->error) {
		w->error = code;
		wf_set_err(&w->first_err, code, what);
	}
	return w->error;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Frames the payload at b + WIRE_BLOCK_HEAD (payload_len bytes, with
 * WIRE_BLOCK_ALIGN + WIRE_BLOCK_TAIL bytes of room after it); returns the
 * block's total length. */
static size_t frame_block(uint8_t *b, char type, size_t payload_len)
{
	size_t pad = (WIRE_BLOCK_ALIGN - payload_len % WIRE_BLOCK_ALIGN) % WIRE_BLOCK_ALIGN;
	size_t total = WIRE_BLOCK_FRAMING + payload_len + pad;

	memcpy(b, WIRE_MAGIC_PREFIX, 3);
	b[3] = (uint8_t)type;
	wire_put_u32(b + 4, (uint32_t)total);
	wire_put_u32(b + 8, (uint32_t)payload_len);
	memset(b + WIRE_BLOCK_HEAD + payload_len, 0, pad);
	wire_put_u32(b + total - 8, trc_crc32c(0, b, total - 8));
	wire_put_u32(b + total - 4, (uint32_t)total);
	return total;
}

int wf_write_block(struct trc_writer *w, char type, size_t payload_len)
{
	uint8_t *b = w->buf;
	size_t total = frame_block(b, type, payload_len);
	int rc = write_all(w->fd, b, total);

	if (rc == 0 && w->fsync_on_flush && fdatasync(w->fd) < 0 && errno != EINVAL)
		rc = -errno;
	if (rc < 0)
		return fail(w, rc, "writing trace block");
	w->st.bytes_written += total;
	w->file.bytes += total;
	return 0;
}

int wf_write_header(struct trc_writer *w, const struct trc_header *hdr)
{
	/* Where the header goes, for trc_writer_update_header(); -1 when fd
	 * cannot seek (a pipe) or appends (pwrite() would append there). */
	int fl = fcntl(w->fd, F_GETFL);

	w->hdr = *hdr;
	w->hdr_off = fl < 0 || (fl & O_APPEND) ? -1 : lseek(w->fd, 0, SEEK_CUR);
	w->hdr_payload = tlv_put_header(w->buf + WIRE_BLOCK_HEAD, &w->hdr);
	return wf_write_block(w, WIRE_MAGIC_HEADER, w->hdr_payload);
}

int wf_write_trailer(struct trc_writer *w, const struct trc_trailer *extra)
{
	struct trc_trailer t = { 0 };

	if (extra) {
		t.malformed = extra->malformed;
		t.end_realtime_ns = extra->end_realtime_ns;
		t.end_reason = extra->end_reason;
	}
	t.events = w->file.events;
	t.connections = w->file.connections;
	t.chunks = w->seq;
	t.lost_events = w->file.lost_events;
	t.t_first_ns = w->file.events ? w->file.t_first : 0;
	t.t_last_ns = w->file.events ? w->file.t_last : 0;
	return wf_write_block(w, WIRE_MAGIC_TRAILER, tlv_put_trailer(w->buf + WIRE_BLOCK_HEAD, &t));
}

int trc_writer_update_header(struct trc_writer *w, const struct trc_header *hdr)
{
	size_t cap = TLV_HEADER_MAX + WIRE_BLOCK_FRAMING + WIRE_BLOCK_ALIGN, payload, total,
	       done = 0;
	struct trc_header h;
	uint8_t *b;
	int rc = 0;

	if (!w || !hdr)
		return -EINVAL;
	if (w->hdr_off < 0)
		return -ESPIPE;
	b = malloc(cap);
	if (!b)
		return -ENOMEM;
	h = *hdr;
	h.file_index = w->hdr.file_index; /* the writer counts the files */
	payload = tlv_put_header(b + WIRE_BLOCK_HEAD, &h);
	total = frame_block(b, WIRE_MAGIC_HEADER, payload);
	/* Same length, same place: the blocks after it stay where they are. */
	if (payload != w->hdr_payload)
		rc = -EINVAL;
	while (!rc && done < total) {
		ssize_t n = pwrite(w->fd, b + done, total - done, w->hdr_off + (off_t)done);

		if (n < 0 && errno != EINTR)
			rc = -errno;
		else if (n == 0)
			rc = -EIO;
		else if (n > 0)
			done += (size_t)n;
	}
	free(b);
	if (!rc)
		w->hdr = h; /* what the next file's header starts from */
	return rc;
}

/* Ends the current file (its chunk already written) and starts the next:
 * trailer, fdatasync, the caller's next file, its header. */
static int file_next(struct trc_writer *w)
{
	struct trc_trailer extra = { 0 };
	struct trc_header h = w->hdr;
	int fd, rc;

	if (w->end_file)
		w->end_file(w->file_ctx, &extra);
	extra.end_reason = TRC_END_ROTATED;
	rc = wf_write_trailer(w, &extra);
	if (!rc && fdatasync(w->fd) < 0 && errno != EINVAL)
		rc = fail(w, -errno, "syncing the finished trace file");
	if (rc)
		return rc;
	fd = w->next_file(w->file_ctx, w->fd);
	w->fd = -1; /* closed by next_file */
	if (fd < 0)
		return fail(w, fd, "opening the next trace file");
	w->fd = fd;
	w->seq = 0;
	memset(&w->file, 0, sizeof(w->file));
	w->st.files++;
	h.file_index++;
	return wf_write_header(w, &h);
}

int trc_writer_rotate(struct trc_writer *w)
{
	int rc;

	if (!w || !w->next_file)
		return -EINVAL;
	if (w->error)
		return w->error;
	rc = trc_writer_flush(w);
	return rc ? rc : file_next(w);
}

/* Bytes the current file may still take in records of one chunk, when
 * a chunk block and the trailer must still fit under max_file_bytes. */
static uint64_t room_left(const struct trc_writer *w)
{
	const uint64_t reserve = WIRE_BLOCK_FRAMING + WIRE_CHUNK_HDR + WRITER_MAX_APPEND +
				 WIRE_BLOCK_ALIGN + WIRE_BLOCK_FRAMING + TLV_TRAILER_MAX +
				 WIRE_BLOCK_ALIGN;
	uint64_t used = w->file.bytes + reserve;

	return w->max_file_bytes > used ? w->max_file_bytes - used : 0;
}

int wf_chunk_begin(struct trc_writer *w)
{
	uint64_t room;
	int rc;

	w->ch_target = w->chunk_target;
	if (!w->max_file_bytes || !w->next_file)
		return 0;
	room = room_left(w);
	/* A file holds at least one chunk, so a limit below one chunk still
	 * makes progress (files then exceed it by that chunk). */
	if (room < WRITER_MIN_CHUNK && w->seq > 0) {
		rc = file_next(w);
		if (rc)
			return rc;
		room = room_left(w);
	}
	if (room < w->ch_target)
		w->ch_target = room > WRITER_MIN_CHUNK ? (uint32_t)room : WRITER_MIN_CHUNK;
	return 0;
}
