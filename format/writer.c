// SPDX-License-Identifier: BSD-2-Clause
/*
 * writer.c - the writer's life cycle: events buffered into one chunk, the
 * chunk framed, checksummed and written whole when it is full, old,
 * flushed or closed, the trailer at close (the files themselves, header,
 * trailer and rotation: writer_file.c).  After a failed write the writer
 * remembers the error and refuses further events, so the file on disk
 * always ends with complete blocks (or one torn block that the reader
 * reports as truncated).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encode.h"
#include "tlv.h"
#include "writer_conn.h"
#include "writer_file.h"
#include "writer_state.h"

static void chunk_reset(struct trc_writer *w)
{
	w->len = WIRE_BLOCK_HEAD + WIRE_CHUNK_HDR;
	w->gen++;
	if (w->gen == 0) /* 0 means "never declared"; skip it on wrap */
		w->gen = 1;
	w->ch_events = w->ch_ext = w->ch_records = w->ch_conns = w->ch_owners = w->ch_addrs = 0;
	w->prev_cid = UINT32_MAX;
	w->tick_start = 0;
	w->ch_target = w->chunk_target;
	memset(&w->dp, 0, sizeof(w->dp));
}

int trc_writer_flush(struct trc_writer *w)
{
	if (!w)
		return -EINVAL;
	if (w->error)
		return w->error;
	if (w->ch_records == 0)
		return 0;
	uint8_t *h = w->buf + WIRE_BLOCK_HEAD;
	wire_put_u32(h + WIRE_CH_SEQ, w->seq);
	wire_put_u32(h + WIRE_CH_EVENTS, w->ch_events);
	wire_put_u32(h + WIRE_CH_RECORDS, w->ch_records);
	wire_put_u32(h + WIRE_CH_CONNS, w->ch_conns);
	wire_put_u64(h + WIRE_CH_T_FIRST, w->t_first);
	wire_put_u64(h + WIRE_CH_T_LAST, w->t_prev);
	wire_put_u32(h + WIRE_CH_FLAGS, 0);
	int rc = wf_write_block(w, WIRE_MAGIC_CHUNK, w->len - WIRE_BLOCK_HEAD);
	if (rc < 0)
		return rc;
	w->seq++;
	w->st.chunks++;
	chunk_reset(w);
	return 0;
}

static int opts_apply(struct trc_writer *w, const struct trc_writer_opts *o)
{
	w->chunk_target = WRITER_DEFAULT_CHUNK;
	w->flush_interval_ns = WRITER_DEFAULT_FLUSH_NS;
	if (!o)
		return 0;
	if (o->sz < sizeof(size_t))
		return -EINVAL;
		/* Fields are read only when the caller's struct is big enough to
		 * contain them, so an older caller's smaller struct still works. */
#define HAS(f) (o->sz >= offsetof(struct trc_writer_opts, f) + sizeof(o->f))
	if (HAS(chunk_bytes) && o->chunk_bytes) {
		if (o->chunk_bytes < 1024 || o->chunk_bytes > TRC_MAX_CHUNK - WRITER_MAX_APPEND)
			return -EINVAL;
		w->chunk_target = o->chunk_bytes;
	}
	if (HAS(flush_interval_ns) && o->flush_interval_ns)
		w->flush_interval_ns = o->flush_interval_ns;
	if (HAS(fsync_on_flush))
		w->fsync_on_flush = o->fsync_on_flush;
	if (HAS(file_ctx)) {
		w->max_file_bytes = o->max_file_bytes;
		w->next_file = o->next_file;
		w->end_file = o->end_file;
		w->file_ctx = o->file_ctx;
	}
#undef HAS
	return 0;
}

struct trc_writer *trc_writer_open_fd(int fd, const struct trc_header *hdr,
				      const struct trc_writer_opts *opts, struct trc_error *err)
{
	struct trc_writer *w = calloc(1, sizeof(*w));
	int rc = -ENOMEM;

	if (!w)
		goto fail;
	w->fd = fd;
	w->next_serial = 1;
	rc = opts_apply(w, opts);
	if (rc < 0 || !hdr) {
		rc = -EINVAL;
		goto fail;
	}
	rc = -ENOMEM;
	w->cap = WIRE_BLOCK_HEAD + WIRE_CHUNK_HDR + w->chunk_target + WRITER_MAX_APPEND +
		 WIRE_BLOCK_ALIGN + WIRE_BLOCK_TAIL;
	if (w->cap < TLV_HEADER_MAX + WIRE_BLOCK_FRAMING + WIRE_BLOCK_ALIGN)
		w->cap = TLV_HEADER_MAX + WIRE_BLOCK_FRAMING + WIRE_BLOCK_ALIGN;
	w->buf = malloc(w->cap);
	w->owners = calloc(OWNER_SLOTS, sizeof(*w->owners));
	w->addrs = calloc(ADDR_SLOTS, sizeof(*w->addrs));
	if (!w->buf || !w->owners || !w->addrs || ctab_init(&w->conns) < 0)
		goto fail;
	w->st.files = 1;
	rc = wf_write_header(w, hdr);
	if (rc < 0)
		goto fail;
	chunk_reset(w);
	return w;
fail:
	if (w && w->error && err)
		*err = w->first_err;
	else
		wf_set_err(err, rc, "opening trace writer");
	if (w) {
		ctab_free(&w->conns);
		free(w->owners);
		free(w->addrs);
		free(w->buf);
		free(w);
	}
	errno = -rc;
	return NULL;
}

int trc_writer_conn_open(struct trc_writer *w, const struct trc_conn *c, uint64_t *serial)
{
	if (!w || !c || !serial || (c->family != TRC_FAMILY_IPV4 && c->family != TRC_FAMILY_IPV6))
		return -EINVAL;
	struct wconn *wc = ctab_insert(&w->conns, w->next_serial);
	if (!wc)
		return -ENOMEM;
	wc->c = *c;
	wc->c.serial = w->next_serial;
	if (c->family == TRC_FAMILY_IPV4) {
		/* Only 4 bytes are stored; keep the rest zero so that what
		 * the reader returns equals what the writer holds. */
		memset(wc->c.laddr + 4, 0, 12);
		memset(wc->c.raddr + 4, 0, 12);
	}
	wc->file = w->st.files;
	*serial = w->next_serial++;
	w->st.connections++;
	w->file.connections++;
	w->st.open_connections++;
	return 0;
}

int trc_writer_conn_close(struct trc_writer *w, uint64_t serial)
{
	if (!w)
		return -EINVAL;
	int rc = ctab_remove(&w->conns, serial);
	if (rc == 0)
		w->st.open_connections--;
	return rc;
}

const struct trc_conn *trc_writer_conn_get(const struct trc_writer *w, uint64_t serial)
{
	const struct wconn *wc = w ? ctab_find(&w->conns, serial) : NULL;
	return wc ? &wc->c : NULL;
}

/* Starts a new chunk first when this event might not fit the current one
 * or would exceed a per-chunk limit the reader enforces. */
static int make_room(struct trc_writer *w, const struct wconn *wc)
{
	if (w->len + WRITER_MAX_APPEND > w->cap ||
	    w->ch_events + w->ch_ext >= TRC_MAX_CHUNK_EVENTS ||
	    w->ch_owners >= OWNER_MAX_PER_CHUNK || w->ch_addrs >= ADDR_MAX_PER_CHUNK ||
	    (wc && wc->gen != w->gen && w->ch_conns >= TRC_MAX_CHUNK_CONNS))
		return trc_writer_flush(w);
	return 0;
}

int trc_writer_append(struct trc_writer *w, const struct trc_event *in)
{
	if (!w || !in)
		return -EINVAL;
	if (w->error)
		return w->error;
	int rc = enc_validate(in);
	if (rc < 0)
		return rc;
	struct wconn *wc = NULL;
	if (in->type != TRC_EV_LOST && !(wc = ctab_find(&w->conns, in->conn_serial)))
		return -ENOENT;

	struct trc_event ev = *in;
	if (ev.t_ns < w->t_last_file) {
		ev.t_ns = w->t_last_file;
		w->st.clamped_times++;
	}
	if (ev.type == TRC_EV_LOST && ev.lost.t_end_ns < ev.t_ns)
		ev.lost.t_end_ns = ev.t_ns;
	rc = make_room(w, wc);
	if (rc == 0 && w->ch_records == 0)
		rc = wf_chunk_begin(w);
	if (rc < 0)
		return rc;
	if (w->ch_events == 0 && w->ch_ext == 0)
		w->t_first = w->t_prev = ev.t_ns;
	if (w->file.events == 0)
		w->file.t_first = ev.t_ns;
	if (wc && wc->gen != w->gen) {
		if (wc->file != w->st.files) { /* first declared in this file */
			wc->file = w->st.files;
			w->file.connections++;
		}
		enc_conn(w, wc);
	}
	enc_event(w, &ev, wc);
	w->t_last_file = w->file.t_last = ev.t_ns;
	w->st.events++;
	w->file.events++;
	if (ev.type == TRC_EV_LOST) {
		w->st.lost_events += ev.lost.count;
		w->file.lost_events += ev.lost.count;
	}
	if (w->len - WIRE_BLOCK_HEAD - WIRE_CHUNK_HDR >= w->ch_target)
		return trc_writer_flush(w);
	return 0;
}

int trc_writer_tick(struct trc_writer *w, uint64_t now_ns)
{
	if (!w)
		return -EINVAL;
	if (w->error)
		return w->error;
	if (w->ch_records == 0)
		return 0;
	/* Event times and now_ns normally share a clock; tick_start covers
	 * callers whose events carry another time base (imports). */
	if (w->tick_start == 0)
		w->tick_start = now_ns ? now_ns : 1;
	if ((now_ns >= w->t_first && now_ns - w->t_first >= w->flush_interval_ns) ||
	    (now_ns >= w->tick_start && now_ns - w->tick_start >= w->flush_interval_ns))
		return trc_writer_flush(w);
	return 0;
}

void trc_writer_get_stats(const struct trc_writer *w, struct trc_writer_stats *st)
{
	if (!st)
		return;
	if (!w) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = w->st;
	st->file_bytes = w->file.bytes;
}

int trc_writer_close(struct trc_writer *w, const struct trc_trailer *extra, struct trc_error *err)
{
	if (!w)
		return 0;
	int rc = trc_writer_flush(w);
	if (rc == 0)
		rc = wf_write_trailer(w, extra);
	if (rc < 0 && err)
		*err = w->first_err;
	ctab_free(&w->conns);
	free(w->owners);
	free(w->addrs);
	free(w->buf);
	free(w);
	return rc;
}
