// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-rotate - a writer rotating into several files (format 1.3): every
 * file is a complete trace alone (header with the recording's id and its
 * file_index, chunks numbered from 0, a trailer of its own counters with
 * end reason "rotated"), no file exceeds max_file_bytes, no event is lost
 * or repeated across the files, a connection open across a rotation keeps
 * its serial and is declared again, the header keys round-trip, and a
 * failed next file leaves the files written so far complete.
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tutil.h"

#define MAX_FILES 64

struct files {
	int fd[MAX_FILES];
	struct tbuf b[MAX_FILES];
	int n;
	int fail_next; /* next_file returns -ENOSPC */
};

static int next_file(void *ctx, int done_fd)
{
	struct files *f = ctx;

	REQUIRE(f->n >= 1 && done_fd == f->fd[f->n - 1]);
	f->b[f->n - 1] = tu_slurp(done_fd);
	close(done_fd);
	if (f->fail_next)
		return -ENOSPC;
	REQUIRE(f->n < MAX_FILES);
	f->fd[f->n] = memfd_create("trc", MFD_CLOEXEC);
	REQUIRE(f->fd[f->n] >= 0);
	return f->fd[f->n++];
}

static void end_file(void *ctx, struct trc_trailer *extra)
{
	(void)ctx;
	extra->malformed = 1;
	extra->end_realtime_ns = 77;
}

static struct trc_writer *open_rotating(struct files *f, struct trc_header *h, uint64_t max)
{
	struct trc_writer_opts o = { .sz = sizeof(o),
				     .chunk_bytes = 2048,
				     .max_file_bytes = max,
				     .next_file = next_file,
				     .end_file = end_file,
				     .file_ctx = f };
	struct trc_error err;
	struct trc_writer *w;

	tu_header(h);
	for (int i = 0; i < TRC_RECORDING_ID_LEN; i++)
		h->recording_id[i] = (uint8_t)(0xa0 + i);
	memset(f, 0, sizeof(*f));
	f->fd[0] = memfd_create("trc", MFD_CLOEXEC);
	REQUIRE(f->fd[0] >= 0);
	f->n = 1;
	w = trc_writer_open_fd(f->fd[0], h, &o, &err);
	REQUIRE(w);
	return w;
}

static void close_last(struct files *f, struct trc_writer *w)
{
	struct trc_trailer extra = { .end_reason = TRC_END_SIGNAL };
	struct trc_error err;

	REQUIRE(trc_writer_close(w, &extra, &err) == 0);
	f->b[f->n - 1] = tu_slurp(f->fd[f->n - 1]);
	close(f->fd[f->n - 1]);
}

/* One file read alone; returns its events (and their connections). */
static void check_file(const struct files *f, int i, const struct trc_header *h, struct tu_read *rd,
		       size_t keep)
{
	struct trc_error err;
	struct trc_reader *r = trc_reader_open_mem(f->b[i].p, f->b[i].len, &err);
	const struct trc_header *rh;
	const struct trc_trailer *t;
	struct trc_event ev;
	const struct trc_conn *c;

	REQUIRE(r, "file %d of %d (%zu bytes): %s", i, f->n, f->b[i].len, err.msg);
	rh = trc_reader_header(r);
	REQUIRE(rh->version_major == 1 && rh->version_minor == 4);
	REQUIRE(!memcmp(rh->recording_id, h->recording_id, TRC_RECORDING_ID_LEN));
	REQUIRE(rh->file_index == (uint64_t)i, "file %d has file_index %llu", i,
		(unsigned long long)rh->file_index);
	while (trc_reader_next(r, &ev, &c, &err) == TRC_OK)
		;
	t = trc_reader_trailer(r);
	REQUIRE(t, "file %d has no trailer", i);
	REQUIRE(t->end_reason == (i == f->n - 1 ? TRC_END_SIGNAL : TRC_END_ROTATED));
	REQUIRE(i == f->n - 1 || (t->malformed == 1 && t->end_realtime_ns == 77));
	uint64_t events = t->events, chunks = t->chunks;

	trc_reader_close(r);
	REQUIRE(tu_read_all(f->b[i].p, f->b[i].len, rd, keep) == TRC_EOF);
	REQUIRE(rd->corrupt == 0 && rd->st.chunks_corrupt == 0 && rd->st.bytes_skipped == 0);
	REQUIRE(events == rd->events && chunks == rd->st.chunks_ok,
		"file %d: trailer %llu events in %llu chunks, read %zu in %llu", i,
		(unsigned long long)events, (unsigned long long)chunks, rd->events,
		(unsigned long long)rd->st.chunks_ok);
}

static void size_rotation(void)
{
	const uint64_t max = 16384;
	struct trc_header h;
	struct files f;
	struct trc_writer *w = open_rotating(&f, &h, max);
	struct tu_model m;
	size_t at = 0, spanning = 0;
	uint64_t *last_file;

	tu_model_init(&m, w, 7);
	for (int i = 0; i < 6000; i++)
		tu_model_step(&m);
	close_last(&f, w);
	REQUIRE(f.n >= 4, "only %d files", f.n);
	last_file = calloc(m.decl_cap, sizeof(*last_file)); /* by serial */
	REQUIRE(last_file);
	for (int i = 0; i < f.n; i++) {
		struct tu_read rd;

		REQUIRE(f.b[i].len <= max, "file %d has %zu bytes", i, f.b[i].len);
		check_file(&f, i, &h, &rd, m.nev);
		/* This file's events are the next ones of the recording. */
		for (size_t k = 0; k < rd.events; k++, at++) {
			const struct trc_event *e = &rd.evs[k];

			REQUIRE(at < m.nev && tu_event_equal(e, &m.evs[at]), "event %zu", at);
			if (e->type == TRC_EV_LOST)
				continue;
			REQUIRE(tu_conn_equal(&rd.conns[k], &m.decl[e->conn_serial]));
			if (last_file[e->conn_serial] &&
			    last_file[e->conn_serial] != (uint64_t)i + 1)
				spanning++;
			last_file[e->conn_serial] = (uint64_t)i + 1;
		}
		tu_read_free(&rd);
	}
	REQUIRE(at == m.nev, "%zu of %zu events in the files", at, m.nev);
	REQUIRE(spanning > 0, "no connection had events in two files");
	printf("size rotation: %zu events in %d files of <= %llu bytes, %zu connection(s) "
	       "declared again in a later file\n",
	       m.nev, f.n, (unsigned long long)max, spanning);
	free(last_file);
	tu_model_free(&m);
	for (int i = 0; i < f.n; i++)
		free(f.b[i].p);
}

static void explicit_rotation(void)
{
	struct trc_header h;
	struct files f;
	struct trc_writer *w = open_rotating(&f, &h, 0);
	struct trc_writer_stats st;
	struct tu_model m;
	struct tu_read rd;

	tu_model_init(&m, w, 3);
	for (int i = 0; i < 50; i++)
		tu_model_step(&m);
	REQUIRE(trc_writer_rotate(w) == 0);
	REQUIRE(trc_writer_rotate(w) == 0); /* an empty file is a trace too */
	/* The header update lands in the current file, which keeps its index. */
	h.ready_ns = 99;
	h.file_index = 0;
	REQUIRE(trc_writer_update_header(w, &h) == 0);
	for (int i = 0; i < 50; i++)
		tu_model_step(&m);
	trc_writer_get_stats(w, &st);
	REQUIRE(st.files == 3 && st.events == m.nev);
	close_last(&f, w);
	REQUIRE(f.n == 3);
	for (int i = 0; i < 3; i++) {
		struct trc_error err;
		struct trc_reader *r = trc_reader_open_mem(f.b[i].p, f.b[i].len, &err);

		REQUIRE(r && trc_reader_header(r)->ready_ns == (i == 2 ? 99u : 0u));
		trc_reader_close(r);
		check_file(&f, i, &h, &rd, 0);
		REQUIRE(rd.events == (i == 1 ? 0 : (i == 0 ? 50u : m.nev - 50)));
		tu_read_free(&rd);
	}
	tu_model_free(&m);
	for (int i = 0; i < f.n; i++)
		free(f.b[i].p);
	/* Without next_file there is no rotation. */
	int fd;

	w = tu_writer(&fd, 0);
	REQUIRE(trc_writer_rotate(w) == -EINVAL);
	free(tu_finish(w, fd).p);
}

static void failed_next_file(void)
{
	struct trc_header h;
	struct files f;
	struct trc_writer *w = open_rotating(&f, &h, 0);
	struct trc_event ev = { .type = TRC_EV_LOST, .t_ns = 5 };
	struct trc_error err;
	struct tu_read rd;

	ev.lost.count = 1;
	REQUIRE(trc_writer_append(w, &ev) == 0);
	f.fail_next = 1;
	REQUIRE(trc_writer_rotate(w) == -ENOSPC);
	REQUIRE(trc_writer_append(w, &ev) == -ENOSPC); /* sticky */
	REQUIRE(trc_writer_close(w, NULL, &err) == -ENOSPC);
	/* The finished file is complete: its event, its trailer. */
	REQUIRE(tu_read_all(f.b[0].p, f.b[0].len, &rd, 0) == TRC_EOF);
	REQUIRE(rd.events == 1 && rd.corrupt == 0 && rd.st.has_trailer);
	tu_read_free(&rd);
	free(f.b[0].p);
}

int main(void)
{
	size_rotation();
	explicit_rotation();
	failed_next_file();
	return 0;
}
