/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filterexpr_eval.h - running a compiled filter expression on a
 * connection (the rule of filterexpr.h) and printing it back normalised.
 */
#ifndef LIB_FILTEREXPR_EVAL_H
#define LIB_FILTEREXPR_EVAL_H

#include <stdbool.h>
#include <stddef.h>

#include "filterexpr.h"

/* The normalised expression ("port 443 and (host 192.0.2.1 or net
 * 2001:db8::/32)"), which compiles to the same program.  0, or
 * -ENAMETOOLONG when buf is too small (buf then holds "").  An empty
 * program gives "". */
int fx_format(const struct fx_prog *prog, char *buf, size_t len);

/* Whether the connection matches (filterexpr.h: either orientation);
 * an empty program
 * matches everything. */
bool fx_match(const struct fx_prog *prog, const struct fx_tuple *t);

#endif /* LIB_FILTEREXPR_EVAL_H */
