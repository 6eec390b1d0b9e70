// SPDX-License-Identifier: BSD-2-Clause
/*
 * inputset.c - a rotated recording's files read as one trace.  tcprec
 * gives every file of one recording the same recording_id and counts
 * them in file_index (format/SPEC.md section 4); connection serials run
 * on across the files.  So the files of a set, in file_index order, are
 * one input whose reader moves on at each file's end: a connection open
 * across a rotation keeps its serial and stays one connection, and the
 * trace ends only with the last file.  Files of other recordings, and
 * files without a recording_id, are inputs of their own, merged by time
 * as before.
 */
#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expire.h"
#include "inputset.h"

/* The rest of a set after its first file, in file_index order. */
struct inputset {
	int n, next;
	struct trc_reader **r;
	const char **names;
};

struct okey {
	int pos;       /* argument index */
	int group_pos; /* argument index of the group's first file */
	const struct trc_header *h;
};

static bool has_id(const struct trc_header *h)
{
	for (int i = 0; i < TRC_RECORDING_ID_LEN; i++)
		if (h->recording_id[i])
			return true;
	return false;
}

static int cmp_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y;
}

/* By recording, then file_index, then argument position. */
static int by_set(const void *x, const void *y)
{
	const struct okey *p = x, *q = y;
	int c = memcmp(p->h->recording_id, q->h->recording_id, TRC_RECORDING_ID_LEN);

	if (c)
		return c;
	c = cmp_u64(p->h->file_index, q->h->file_index);
	return c ? c : (p->pos > q->pos) - (p->pos < q->pos);
}

/* By group (its first argument), then file_index, then position. */
static int by_group(const void *x, const void *y)
{
	const struct okey *p = x, *q = y;
	int c = (p->group_pos > q->group_pos) - (p->group_pos < q->group_pos);

	if (c)
		return c;
	c = cmp_u64(p->h->file_index, q->h->file_index);
	return c ? c : (p->pos > q->pos) - (p->pos < q->pos);
}

int inputset_order(const struct trc_header *const *hdrs, int n, int *order, bool *lead, bool *dup)
{
	struct okey *k = calloc(n > 0 ? (size_t)n : 1, sizeof(*k));
	int groups = 0;

	if (!k)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		k[i] = (struct okey){ .pos = i, .group_pos = i, .h = hdrs[i] };
	/* Each recording's files together; its group is named by its first
	 * file on the command line. */
	qsort(k, (size_t)n, sizeof(*k), by_set);
	for (int start = 0, end; start < n; start = end) {
		int first = k[start].pos;

		for (end = start + 1; end < n && has_id(k[start].h) &&
				      !memcmp(k[end].h->recording_id, k[start].h->recording_id,
					      TRC_RECORDING_ID_LEN);
		     end++)
			if (k[end].pos < first)
				first = k[end].pos;
		for (int i = start; i < end; i++)
			k[i].group_pos = first;
	}
	qsort(k, (size_t)n, sizeof(*k), by_group);
	for (int i = 0; i < n; i++) {
		bool same = i > 0 && k[i].group_pos == k[i - 1].group_pos;

		order[i] = k[i].pos;
		lead[i] = !same;
		dup[i] = same && k[i].h->file_index == k[i - 1].h->file_index;
		groups += !same;
	}
	free(k);
	return groups;
}

__attribute__((format(printf, 5, 6))) static void say(const struct analyzer_diag *diag,
						      const char *path, int kind, uint64_t code,
						      const char *fmt, ...)
{
	struct trc_error e = { .code = (int)code, .chunk = UINT32_MAX };
	va_list ap;

	if (!diag || !diag->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	diag->warn(diag->arg, path, &e, kind);
}

void inputset_arrangement_free(struct inputset_arrangement *ar)
{
	for (int i = 0; ar->sets && i < ar->n; i++) {
		if (ar->sets[i]) {
			free(ar->sets[i]->r);
			free(ar->sets[i]->names);
		}
		free(ar->sets[i]);
	}
	free(ar->readers);
	free(ar->names);
	free(ar->sets);
	memset(ar, 0, sizeof(*ar));
}

/* The followers order[from..to) (duplicates left out) as a set; NULL
 * when there are none (*err on allocation failure). */
static struct inputset *make_set(struct trc_reader **readers, const char *const *names,
				 const int *order, const bool *dup, int from, int to, int *err)
{
	struct inputset *s;

	if (from >= to)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (s) {
		s->r = calloc((size_t)(to - from), sizeof(*s->r));
		s->names = calloc((size_t)(to - from), sizeof(*s->names));
	}
	if (!s || !s->r || !s->names) {
		if (s) {
			free(s->r);
			free(s->names);
		}
		free(s);
		*err = -ENOMEM;
		return NULL;
	}
	for (int k = from; k < to; k++) {
		if (dup[k])
			continue;
		s->r[s->n] = readers[order[k]];
		s->names[s->n++] = names[order[k]];
	}
	return s;
}

/* Duplicates, and a set that does not start at file 0, are said once. */
static void describe_group(const struct trc_header *const *hdrs, const char *const *names,
			   const int *order, const bool *dup, int from, int to,
			   const struct analyzer_diag *diag)
{
	const struct trc_header *h = hdrs[order[from]];

	if (has_id(h) && h->file_index > 0)
		say(diag, names[order[from]], ANALYZER_DIAG_NOTE, 0,
		    "the recording's files before file %llu are not among the inputs (a ring "
		    "of files, tcprec -W, overwrites its oldest): the trace starts here",
		    (unsigned long long)h->file_index);
	for (int k = from + 1; k < to; k++)
		if (dup[k])
			say(diag, names[order[k]], ANALYZER_DIAG_NOTE, 0,
			    "file %llu of the recording is also %s: read once",
			    (unsigned long long)hdrs[order[k]]->file_index, names[order[k - 1]]);
}

int inputset_arrange(struct trc_reader **readers, const char *const *names, int n,
		     const struct analyzer_diag *diag, struct inputset_arrangement *out)
{
	size_t m = n > 0 ? (size_t)n : 1;
	const struct trc_header **hdrs = calloc(m, sizeof(*hdrs));
	int *order = calloc(m, sizeof(*order)), groups, err = 0;
	bool *lead = calloc(m, sizeof(*lead)), *dup = calloc(m, sizeof(*dup));

	memset(out, 0, sizeof(*out));
	out->readers = calloc(m, sizeof(*out->readers));
	out->names = calloc(m, sizeof(*out->names));
	out->sets = calloc(m, sizeof(*out->sets));
	if (!hdrs || !order || !lead || !dup || !out->readers || !out->names || !out->sets) {
		err = -ENOMEM;
		goto out;
	}
	for (int i = 0; i < n; i++)
		hdrs[i] = trc_reader_header(readers[i]);
	groups = inputset_order(hdrs, n, order, lead, dup);
	if (groups < 0) {
		err = groups;
		goto out;
	}
	for (int k = 0; k < n && !err; k++) {
		int end = k + 1;

		if (!lead[k])
			continue;
		while (end < n && !lead[end])
			end++;
		describe_group(hdrs, names, order, dup, k, end, diag);
		out->readers[out->n] = readers[order[k]];
		out->names[out->n] = names[order[k]];
		out->sets[out->n++] = make_set(readers, names, order, dup, k + 1, end, &err);
	}
out:
	free(hdrs);
	free(order);
	free(lead);
	free(dup);
	if (err)
		inputset_arrangement_free(out);
	return err;
}

int inputset_headers(const struct inputset *s, const struct analyzer_sink *sink)
{
	int rc = 0;

	for (int i = 0; s && i < s->n && rc >= 0; i++) {
		struct input *tmp = calloc(1, sizeof(*tmp));

		if (!tmp)
			return -ENOMEM;
		rc = analyzer_printable_input(tmp, s->names[i], trc_reader_header(s->r[i]));
		if (rc >= 0)
			rc = sink->header(sink->arg, tmp->name, tmp->hdr);
		free(tmp->name_buf);
		free(tmp);
	}
	return rc;
}

bool inputset_next(struct analyzer *a, struct input *in)
{
	struct inputset *s = in->set;
	struct trc_reader_stats st;
	const struct trc_header *h;
	uint64_t done, next;

	if (!s || s->next >= s->n)
		return false;
	trc_reader_get_stats(in->r, &st);
	a->sum->bytes_skipped += st.bytes_skipped;
	done = in->hdr->file_index;
	h = trc_reader_header(s->r[s->next]);
	next = h->file_index;
	if (next == done + 2)
		say(a->diag, s->names[s->next], ANALYZER_DIAG_SET_GAP, 0,
		    "file %llu of the recording is missing before it: its events are lost",
		    (unsigned long long)done + 1);
	else if (next > done + 2)
		say(a->diag, s->names[s->next], ANALYZER_DIAG_SET_GAP, 0,
		    "files %llu..%llu of the recording are missing before it: their events are "
		    "lost",
		    (unsigned long long)done + 1, (unsigned long long)next - 1);
	if (next > done + 1)
		a->sum->files_missing += next - done - 1;
	/* A gap, or a file that ended torn (already reported): connections
	 * alive across it may have lost events, those that begin right after
	 * it their beginning. */
	if (next > done + 1 || in->truncated) {
		expire_mark_all(a, INC_LOST, in->last_t + (uint64_t)in->rt_off, a->sum->events);
		in->gap_pending = true;
	}
	in->truncated = false;
	free(in->name_buf);
	in->name_buf = NULL;
	if (analyzer_printable_input(in, s->names[s->next], h) < 0) {
		a->err = -ENOMEM;
		return false;
	}
	in->r = s->r[s->next++];
	in->rt_off = (int64_t)(in->hdr->anchor_realtime_ns - in->hdr->anchor_clock_ns);
	return true;
}

void inputset_gap_end(struct analyzer *a, struct input *in)
{
	in->gap_pending = false;
	if (a->now_rt > a->lost_until_rt)
		a->lost_until_rt = a->now_rt;
}

static bool has_glob_chars(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int push(struct inputset_globs *g, size_t *cap, const char *path)
{
	if ((size_t)g->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **p = realloc(g->paths, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		g->paths = p;
		*cap = ncap;
	}
	g->paths[g->n] = strdup(path);
	return g->paths[g->n++] ? 0 : -ENOMEM;
}

int inputset_expand_globs(const char *const *args, int n, struct inputset_globs *out,
			  const char **bad)
{
	size_t cap = 0;
	int err = 0;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < n && !err; i++) {
		glob_t g;
		int rc;

		/* A file whose name holds glob characters is still that file. */
		if (!has_glob_chars(args[i]) || !strcmp(args[i], "-") || !access(args[i], F_OK)) {
			err = push(out, &cap, args[i]);
			continue;
		}
		rc = glob(args[i], 0, NULL, &g);
		if (rc == GLOB_NOMATCH) {
			*bad = args[i];
			err = -ENOENT;
		} else if (rc) {
			err = -ENOMEM;
		}
		for (size_t k = 0; !rc && !err && k < g.gl_pathc; k++)
			err = push(out, &cap, g.gl_pathv[k]);
		if (!rc)
			globfree(&g);
	}
	if (err)
		inputset_globs_free(out);
	return err;
}

void inputset_globs_free(struct inputset_globs *g)
{
	for (int i = 0; i < g->n; i++)
		free(g->paths[i]);
	free(g->paths);
	g->paths = NULL;
	g->n = 0;
}
