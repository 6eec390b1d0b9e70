/* SPDX-License-Identifier: BSD-2-Clause */
/* loop.h - the event loop of a live recording. */
#ifndef TCPREC_LOOP_H
#define TCPREC_LOOP_H

#include "recording.h"

/* Runs the epoll loop until a signal, -c, --duration or an error.  Sets
 * l->end_reason; returns 0 or -errno (with l->errmsg). */
int loop_run(struct live *l);

#endif /* TCPREC_LOOP_H */
