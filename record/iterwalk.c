// SPDX-License-Identifier: BSD-2-Clause
/*
 * iterwalk.c - iterator output reader.  A read() may end inside a record,
 * so a partial record is carried over to the next read.  Each read()
 * returns at most ITERWALK_BUF bytes (about 370 sockets), and the pump
 * runs after each, before its records are handled.
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

int iterwalk_read(int fd, iterwalk_fn fn, void *ctx, uint64_t *malformed,
		  const struct iterwalk_pump *pump)
{
	static const size_t rec_size = sizeof(struct ev_sock_event);
	unsigned char *buf = malloc(ITERWALK_BUF);
	size_t have = 0;
	int n_done = 0, err = 0;

	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = read(fd, buf + have, ITERWALK_BUF - have);
		size_t off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		/* Before this read's records: a transition that happened before
		 * the walk reached its socket is then drained before the
		 * socket's record is handled. */
		if (pump && (err = pump->fn(pump->ctx)) < 0)
			goto out;
		for (; have - off >= rec_size; off += rec_size) {
			struct ev_sock_event rec;

			memcpy(&rec, buf + off, rec_size);
			if (ev_decode(&rec, rec_size) != EV_SOCK) {
				(*malformed)++;
				continue;
			}
			err = fn(ctx, &rec);
			if (err < 0)
				goto out;
			n_done++;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	if (have)
		(*malformed)++; /* trailing partial record */
out:
	free(buf);
	close(fd);
	return err < 0 ? err : n_done;
}
