/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * out_rows.h - what --sort and --limit do to the rows of the outputs with
 * a row per connection (the text table, --json, --jsonl).  Without
 * --sort a row is written as it comes, the first --limit of them; with
 * --sort the rows are kept (only the best --limit when it is given, so
 * that memory stays bounded) and written in order at the end.
 */
#ifndef ANALYZE_OUT_ROWS_H
#define ANALYZE_OUT_ROWS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "connection.h"

enum row_sort {
	SORT_NONE = 0,
	SORT_START,    /* earliest first */
	SORT_DURATION, /* longest first */
	SORT_BYTES,    /* most payload bytes, both ways, first */
	SORT_OUTCOME,  /* by outcome name, then start */
};

/* "start", "duration", "bytes", "outcome": -EINVAL for another. */
int row_sort_from_name(const char *name, enum row_sort *out);

/* A row's place in --sort's order, worked out from its connection. */
struct row_key {
	uint64_t key;	 /* ascending order */
	const char *tag; /* outcome name (SORT_OUTCOME), else "": static */
	uint64_t id;	 /* ties: order of first appearance */
};

void out_rows_key(enum row_sort sort, const struct connection_view *cv, struct row_key *k);

struct out_rows {
	enum row_sort sort;
	uint64_t limit; /* 0: every row */
	/* Written before the first row and before each later one. */
	const char *first_sep, *sep;
	uint64_t written;
	struct kept_row *kept;
	size_t n_kept, cap_kept;
};

/* A row of len bytes, k its out_rows_key(): written, kept or dropped.
 * -ENOMEM, -EIO. */
int out_rows_add(struct out_rows *r, FILE *fp, const struct row_key *k, const char *row,
		 size_t len);
/* Writes the kept rows in order; call before the summary. */
int out_rows_flush(struct out_rows *r, FILE *fp);
void out_rows_free(struct out_rows *r);

#endif /* ANALYZE_OUT_ROWS_H */
