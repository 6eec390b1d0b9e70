/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iterwalk.h - reads one walk of an iter/tcp program (records written
 * with bpf_seq_write) and hands each validated record to a callback.
 */
#ifndef TCPREC_ITERWALK_H
#define TCPREC_ITERWALK_H

#include <stdint.h>

#include "events.h"

typedef int (*iterwalk_fn)(void *ctx, const struct ev_sock_event *rec);

/* Work run after each read of a walk, before its records are handled:
 * the recorder drains its ring buffer there, so that a long walk over a
 * busy host's sockets never leaves the buffer to fill up, and a socket's
 * transitions made before the walk reached it come before its record. */
struct iterwalk_pump {
	int (*fn)(void *ctx); /* 0, or -errno to stop the walk */
	void *ctx;
};

/* Reads fd to EOF (and closes it).  Records that fail ev_decode() or are
 * not EV_SOCK are counted in *malformed.  pump may be NULL.  Returns the
 * number of records passed to fn, or -errno (read error, or a negative
 * return of fn or the pump). */
int iterwalk_read(int fd, iterwalk_fn fn, void *ctx, uint64_t *malformed,
		  const struct iterwalk_pump *pump);

#endif /* TCPREC_ITERWALK_H */
