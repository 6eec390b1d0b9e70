/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * output.h - the trace output file: created 0600 only after every check
 * passed, removed again when recording could not start.
 */
#ifndef TCPREC_OUTPUT_H
#define TCPREC_OUTPUT_H

/* Opens (creates/truncates, mode 0600) path, or dups stdout for "-".
 * Returns an fd or -errno. */
int output_open(const char *path);

/* Closes fd; with discard, also removes path (not for "-"). */
void output_close(int fd, const char *path, int discard);

#endif /* TCPREC_OUTPUT_H */
