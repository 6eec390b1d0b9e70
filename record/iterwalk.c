// SPDX-License-Identifier: BSD-2-Clause
/*
 * iterwalk.c - iterator output reader.  A read() may end inside a record,
 * so a partial record is carried over to the next read.
 */
#include "iterwalk.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"

#define ITERWALK_BUF (16 * 1024)

int iterwalk_read(int fd, iterwalk_fn fn, void *ctx, uint64_t *malformed)
{
	static const size_t rec_size = sizeof(struct ev_sock_event);
	_Alignas(8) unsigned char buf[ITERWALK_BUF];
	size_t have = 0;
	int n_done = 0, err = 0;

	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
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
	close(fd);
	return err < 0 ? err : n_done;
}
