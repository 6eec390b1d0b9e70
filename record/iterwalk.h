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

/* Reads fd to EOF (and closes it).  Records that fail ev_decode() or are
 * not EV_SOCK are counted in *malformed.  Returns the number of records
 * passed to fn, or -errno (read error, or fn's negative return). */
int iterwalk_read(int fd, iterwalk_fn fn, void *ctx, uint64_t *malformed);

#endif /* TCPREC_ITERWALK_H */
