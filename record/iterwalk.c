// SPDX-License-Identifier: BSD-2-Clause
/*
 * iterwalk.c - iterator output reader.  A read() may end inside a record,
 * so a partial record is carried over to the next read.  Each read()
 * returns at most ITERWALK_BUF bytes (about 370 sockets).  The pump runs
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
#define REC_SIZE     sizeof(struct ev_sock_event)

/* Hands the complete records of [p, p + len) to fn; returns how many, or
 * fn's negative return. */
static int handle(const unsigned char *p, size_t len, iterwalk_fn fn, void *ctx,
		  uint64_t *malformed)
{
	int n_done = 0;

	for (size_t off = 0; off + REC_SIZE <= len; off += REC_SIZE) {
		struct ev_sock_event rec;
		int err;

		memcpy(&rec, p + off, REC_SIZE);
		if (ev_decode(&rec, REC_SIZE) != EV_SOCK) {
			(*malformed)++;
			continue;
		}
		err = fn(ctx, &rec);
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

int iterwalk_read(int fd, iterwalk_fn fn, void *ctx, uint64_t *malformed,
		  const struct iterwalk_pump *pump)
{
	unsigned char *buf = malloc(2 * ITERWALK_BUF), *cur = buf, *prev = buf + ITERWALK_BUF;
	size_t have = 0, prev_len = 0; /* bytes in cur; whole records in prev */
	int n_done = 0, n, err = 0;

	if (!buf) {
		close(fd);
		return -ENOMEM;
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
		if ((err = pump_run(pump)) < 0 ||
		    (n = handle(prev, prev_len, fn, ctx, malformed)) < 0) {
			err = err < 0 ? err : n;
			goto out;
		}
		n_done += n;
		/* cur's whole records become prev; its partial tail starts
		 * the other buffer. */
		unsigned char *t = prev;
		size_t whole = have - have % REC_SIZE;

		prev = cur;
		prev_len = whole;
		memcpy(t, cur + whole, have - whole);
		cur = t;
		have -= whole;
	}
	if ((err = pump_run(pump)) < 0 || (n = handle(prev, prev_len, fn, ctx, malformed)) < 0) {
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
