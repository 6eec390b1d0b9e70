// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_rows.c - --sort and --limit over the rows of the per-connection
 * outputs (out_rows.h).  A kept row carries its sort key, computed once,
 * and its bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "out_rows.h"

struct kept_row {
	uint64_t key;
	const char *tag;
	uint64_t id;
	char *bytes;
	size_t len;
};

int row_sort_from_name(const char *name, enum row_sort *out)
{
	static const char *const names[] = { "start", "duration", "bytes", "outcome" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*out = (enum row_sort)(i + 1);
			return 0;
		}
	return -EINVAL;
}

/* Ascending keys: what comes first has the smallest. */
void out_rows_key(enum row_sort sort, const struct connection_view *cv, struct row_key *k)
{
	uint64_t bytes = 0;

	k->tag = "";
	k->id = cv->id;
	switch (sort) {
	case SORT_DURATION:
		k->key = UINT64_MAX - (cv->end_rt - cv->start_rt);
		break;
	case SORT_BYTES:
		for (int s = 0; s < SIDE_COUNT; s++)
			if (cv->bytes_known[s])
				bytes += cv->bytes[s];
		k->key = UINT64_MAX - bytes;
		break;
	case SORT_OUTCOME:
		k->tag = outcome_name(cv->outcome);
		k->key = cv->start_rt;
		break;
	default:
		k->key = cv->start_rt;
	}
}

static int cmp_rows(const struct kept_row *a, const struct kept_row *b)
{
	int c = strcmp(a->tag, b->tag);

	if (c)
		return c;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_qsort(const void *a, const void *b)
{
	return cmp_rows(a, b);
}

static int write_row(struct out_rows *r, FILE *fp, const char *row, size_t len)
{
	const char *sep = r->written++ ? r->sep : r->first_sep;

	if (fputs(sep, fp) == EOF || fwrite(row, 1, len, fp) != len)
		return -EIO;
	return 0;
}

/* Index of the kept row that ranks last. */
static size_t worst(const struct out_rows *r)
{
	size_t w = 0;

	for (size_t i = 1; i < r->n_kept; i++)
		if (cmp_rows(&r->kept[i], &r->kept[w]) > 0)
			w = i;
	return w;
}

/* A free slot for a new row: a new one while under the limit, else the
 * one of the row that ranks last when k ranks before it; SIZE_MAX when k
 * is not kept. */
static size_t slot_for(struct out_rows *r, const struct kept_row *k)
{
	size_t w;

	if (r->limit && r->n_kept == r->limit) {
		/* Linear: limits are for people to read. */
		w = worst(r);
		if (cmp_rows(k, &r->kept[w]) >= 0)
			return SIZE_MAX;
		free(r->kept[w].bytes);
		r->kept[w].bytes = NULL;
		return w;
	}
	if (r->n_kept == r->cap_kept) {
		size_t cap = r->cap_kept ? r->cap_kept * 2 : 64;
		struct kept_row *n = realloc(r->kept, cap * sizeof(*n));

		if (!n)
			return SIZE_MAX - 1;
		r->kept = n;
		r->cap_kept = cap;
	}
	r->kept[r->n_kept].bytes = NULL;
	r->kept[r->n_kept].len = 0;
	return r->n_kept++;
}

static int keep(struct out_rows *r, const struct row_key *rk, const char *row, size_t len)
{
	struct kept_row k = { .key = rk->key, .tag = rk->tag, .id = rk->id };
	size_t slot;

	slot = slot_for(r, &k);
	if (slot == SIZE_MAX)
		return 0;
	if (slot == SIZE_MAX - 1)
		return -ENOMEM;
	/* An empty slot stays valid (no bytes) if this allocation fails. */
	r->kept[slot].key = k.key;
	r->kept[slot].tag = k.tag;
	r->kept[slot].id = k.id;
	k.bytes = malloc(len ? len : 1);
	if (!k.bytes)
		return -ENOMEM;
	memcpy(k.bytes, row, len);
	r->kept[slot].bytes = k.bytes;
	r->kept[slot].len = len;
	return 0;
}

int out_rows_add(struct out_rows *r, FILE *fp, const struct row_key *k, const char *row, size_t len)
{
	if (r->sort != SORT_NONE)
		return keep(r, k, row, len);
	if (r->limit && r->written >= r->limit)
		return 0;
	return write_row(r, fp, row, len);
}

int out_rows_flush(struct out_rows *r, FILE *fp)
{
	int rc = 0;

	if (r->n_kept)
		qsort(r->kept, r->n_kept, sizeof(*r->kept), cmp_qsort);
	for (size_t i = 0; i < r->n_kept && !rc; i++)
		if (r->kept[i].bytes)
			rc = write_row(r, fp, r->kept[i].bytes, r->kept[i].len);
	out_rows_free(r);
	return rc;
}

void out_rows_free(struct out_rows *r)
{
	for (size_t i = 0; i < r->n_kept; i++)
		free(r->kept[i].bytes);
	free(r->kept);
	r->kept = NULL;
	r->n_kept = r->cap_kept = 0;
}
