/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * iterwalk.h - reads one walk of an iter/tcp program (records of one
 * type written with bpf_seq_write) and hands each validated record to a
 * callback.
 */
#ifndef TCPREC_ITERWALK_H
#define TCPREC_ITERWALK_H

#include <stdint.h>

#include "events.h"

/* rec: a record of the walk's type (struct ev_sock_event for EV_SOCK,
 * struct ev_sock_fields for EV_SOCK_FIELDS), aligned. */
typedef int (*iterwalk_fn)(void *ctx, const void *rec);

/* Work run after each read of a walk: the recorder drains its ring buffer
 * there, so that a long walk over a busy host's sockets never leaves the
 * buffer to fill up.  A read's records are handled only after the pump
 * that follows the next read, so a socket's transitions made before the
 * walk reached it are drained before its record: a drain stops at the
 * first record another CPU has reserved but not yet committed, and one
 * pump later everything reserved before the first one is in.  (With a
 * single pump, 1 of 5,000 new connections got a snapshot record after its
 * transitions were written.) */
struct iterwalk_pump {
	int (*fn)(void *ctx); /* 0, or -errno to stop the walk */
	void *ctx;
};

/* Reads fd to EOF (and closes it).  Every record of the walk is of type
 * (enum ev_type); one that fails ev_decode() or is of another type is
 * counted in *malformed.  pump may be NULL.  Returns the number of
 * records passed to fn, or -errno (read error, or a negative return of fn
 * or the pump; -EINVAL for a type with no record size). */
int iterwalk_read(int fd, unsigned int type, iterwalk_fn fn, void *ctx, uint64_t *malformed,
		  const struct iterwalk_pump *pump);

#endif /* TCPREC_ITERWALK_H */
