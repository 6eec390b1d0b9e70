/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * inputset.h - the files of one rotated recording (tcprec -C/-G: the same
 * recording_id, file_index 0, 1, 2, ...) read as one trace: one input
 * whose reader moves from file to file in file_index order, so that a
 * connection spanning files stays one connection.  A file missing in the
 * middle of the set is a gap, handled as a LOST record would be; files
 * missing at its start (a ring of -W files overwrote them) only move the
 * trace's start.  Also: the command line's quoted globs.
 */
#ifndef ANALYZE_INPUTSET_H
#define ANALYZE_INPUTSET_H

#include <stdbool.h>
#include <stdint.h>

#include "trc.h"

struct analyzer;
struct analyzer_diag;
struct analyzer_sink;
struct input;

/* The reading order of n files by their headers: files of one recording
 * (same recording_id, not all-zero) together in file_index order, each
 * other file alone; these groups in the order of their first file among
 * the arguments.  order[k] is an argument index; lead[k] is true where a
 * group starts; dup[k] marks a file whose recording_id and file_index an
 * earlier file of its group has (it is not read).  Returns the number of
 * groups, or -ENOMEM. */
int inputset_order(const struct trc_header *const *hdrs, int n, int *order, bool *lead, bool *dup);

/* The inputs of an analysis, grouped: readers[i]/names[i] is the first
 * file of input i; sets[i] holds the rest of its recording (NULL when
 * none).  Duplicates are reported through diag and left out. */
struct inputset_arrangement {
	int n;
	struct trc_reader **readers;
	const char **names;
	struct inputset **sets;
};
int inputset_arrange(struct trc_reader **readers, const char *const *names, int n,
		     const struct analyzer_diag *diag, struct inputset_arrangement *out);
void inputset_arrangement_free(struct inputset_arrangement *ar);

/* Hands the headers of the set's files (after its first) to
 * sink->header, in reading order.  0 or the sink's error. */
int inputset_headers(const struct inputset *s, const struct analyzer_sink *sink);

/* When in's file ended: continues with the next file of its set (true),
 * warning about and marking a gap before it; false when the set is
 * exhausted (or in has none). */
bool inputset_next(struct analyzer *a, struct input *in);

/* At the first event after a gap: losses may reach up to here. */
void inputset_gap_end(struct analyzer *a, struct input *in);

/* tcpana's FILE arguments: an argument that names no file but holds glob
 * characters is expanded with glob(3), in glob's (sorted) order; a
 * pattern that matches nothing is an error.  out->paths is a new array of
 * out->n copies (of the arguments or glob's matches); free with
 * inputset_globs_free().
 * 0, -ENOENT with *bad set to the unmatched pattern, or -ENOMEM. */
struct inputset_globs {
	char **paths; /* copies */
	int n;
};
int inputset_expand_globs(const char *const *args, int n, struct inputset_globs *out,
			  const char **bad);
void inputset_globs_free(struct inputset_globs *g);

#endif /* ANALYZE_INPUTSET_H */
