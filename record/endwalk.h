/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * endwalk.h - the walk when recording ends: the tcp_figures of every
 * socket still open.
 */
#ifndef TCPREC_ENDWALK_H
#define TCPREC_ENDWALK_H

#include "drain.h"

/* Reads the iter_tcp_figures walk on iter_fd (and closes it) into the
 * trace through d.  Returns the number of sockets, or -errno. */
int endwalk_run(int iter_fd, struct drain *d);

#endif /* TCPREC_ENDWALK_H */
