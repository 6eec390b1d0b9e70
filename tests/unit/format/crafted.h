/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * crafted.h - hand-made trace files (valid oddities and hostile damage)
 * with the reader result each must produce.  test-compat asserts the
 * results; gen-trace-corpus writes the files as fuzzing seeds.
 */
#ifndef CRAFTED_H
#define CRAFTED_H

#include <stddef.h>
#include <stdint.h>

#include "trc.h"

#define CRAFTED_MAX (64u << 10)

struct crafted {
	const char *name;
	size_t (*make)(uint8_t *out); /* fills out (CRAFTED_MAX bytes) */
	int open_fails;		      /* expected trc_reader_open result */
	enum trc_status final;	      /* open error code, or last status */
	size_t events;		      /* events returned */
	size_t corrupt;		      /* TRC_CORRUPT results */
	const char *msg;	      /* substring of the final/open message, or NULL */
};

extern const struct crafted crafted_cases[];
extern const size_t crafted_count;

#endif /* CRAFTED_H */
