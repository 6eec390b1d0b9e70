/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bounds_shapes.h - pathological but format-valid traces for the
 * bounds-on-work test: each shape writes exactly the requested number of
 * events through the format writer.
 */
#ifndef TESTS_ANALYZE_BOUNDS_SHAPES_H
#define TESTS_ANALYZE_BOUNDS_SHAPES_H

#include <stdint.h>

struct bounds_expect {
	uint64_t connections; /* endpoints tcpana must report */
};

/* Writes shape `name` with `events` events to fd.  Returns 0, -ENOENT for
 * an unknown shape, or the writer's -errno. */
int bounds_shape_write(const char *name, uint64_t events, int fd, struct bounds_expect *x);

#endif /* TESTS_ANALYZE_BOUNDS_SHAPES_H */
