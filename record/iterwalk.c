// SPDX-License-Identifier: BSD-2-Clause
/*
 * iterwalk.c - iterator output reader.  A read() may end inside a record,
 * so a partial record is carried over to the next read.  Each read()
 * returns at most ITERWALK_BUF bytes (about 370 sockets of the snapshot).  The pump runs
 * after each read, and a read's records are handled one read later, after
 * the next pump: see iterwalk.h for why.
 */
#include "iterwalk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"

/* The kernel's seq buffer for BPF iterators is 8 pages; a read() of that
 * size takes a full buffer, and each read() is a stop and a resume of the
 * walk in the kernel. */
#define ITERWALK_BUF (32 * 1024)

/* One record of any walk, aligned for the callback. */
union walk_rec {
	struct ev_sock_event sock;
	struct ev_sock_fields fields;
};

struct walk {
	unsigned int type;
	size_t rec_size;
	iterwalk_fn fn;
	void *ctx;
	uint64_t *malformed;
};

/* Hands the complete records of [p, p + len) to fn; returns how many, or
 * fn's negative return. */
static int handle(const struct walk *w, const unsigned char *p, size_t len)
{
	int n_done = 0;

	for (size_t off = 0; off + w->rec_size <= len; off += w->rec_size) {
		union walk_rec rec;
		int err;

		memcpy(&rec, p + off, w->rec_size);
		if (ev_decode(&rec, w->rec_size) != (int)w->type) {
			(*w->malformed)++;
			continue;
		}
		err = w->fn(w->ctx, &rec);
		if (err < 0)
			return err;
		n_done++;
	}
	return n_done;
}

static int pump_run(const struct iterwalk_pump *pump)
{
	return pump ? pump->fn(pump->ctx) : 0;
}

int iterwalk_read(int fd, unsigned int type, iterwalk_fn fn, void *ctx, uint64_t *malformed,
		  const struct iterwalk_pump *pump)
{
	const struct walk w = { type, ev_type_size(type), fn, ctx, malformed };
	unsigned char *buf = malloc(2 * ITERWALK_BUF), *cur = buf, *prev = buf + ITERWALK_BUF;
	size_t have = 0, prev_len = 0; /* bytes in cur; whole records in prev */
	int n_done = 0, n, err = 0;

	if (!buf || !w.rec_size || w.rec_size > sizeof(union walk_rec)) {
		free(buf);
		close(fd);
		return buf ? -EINVAL : -ENOMEM;
	}
	for (;;) {
		ssize_t got = read(fd, cur + have, ITERWALK_BUF - have);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			goto out;
		}
		if (got == 0)
			break;
		have += (size_t)got;
		if ((err = pump_run(pump)) < 0 || (n = handle(&w, prev, prev_len)) < 0) {
			err = err < 0 ? err : n;
			goto out;
		}
		n_done += n;
		/* cur's whole records become prev; its partial tail starts
		 * the other buffer. */
		unsigned char *t = prev;
		size_t whole = have - have % w.rec_size;

		prev = cur;
		prev_len = whole;
		memcpy(t, cur + whole, have - whole);
		cur = t;
		have -= whole;
	}
	if ((err = pump_run(pump)) < 0 || (n = handle(&w, prev, prev_len)) < 0) {
		err = err < 0 ? err : n;
		goto out;
	}
	n_done += n;
	if (have)
		(*malformed)++; /* trailing partial record */
out:
	free(buf);
	close(fd);
	return err < 0 ? err : n_done;
}
