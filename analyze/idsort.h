/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * idsort.h - sorts endpoints by id (order of first appearance) for the
 * end-of-trace flush, where a short trace can hold every endpoint it has.
 */
#ifndef ANALYZE_IDSORT_H
#define ANALYZE_IDSORT_H

#include <stddef.h>

#include "conn.h"

/* Sorts v[0..n) by ascending id (ids are unique).  Returns 0, or -ENOMEM
 * with v unchanged. */
int idsort_conns(struct conn **v, size_t n);

#endif /* ANALYZE_IDSORT_H */
