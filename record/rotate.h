/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rotate.h - tcpdump-style rotation of the output: -C SIZE starts a new
 * file before the current one would exceed SIZE million bytes, -G SECS
 * every SECS seconds, -W N bounds the files (a ring with -C, a stop after
 * N files with -G alone).  File names follow tcpdump(8)'s MakeFilename():
 * FILE, FILE1, FILE2, ...; FILE0..FILE<N-1> zero-padded to the width of
 * N-1 with -W; strftime(3) conversions in FILE expanded with -G.  The
 * writer does the rotation itself (format/trc.h, next_file): this module
 * names and opens the files and decides when -G is due.
 */
#ifndef TCPREC_ROTATE_H
#define TCPREC_ROTATE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "trc.h"

/* -C is in units of 1,000,000 bytes, as tcpdump's. */
#define ROTATE_SIZE_UNIT 1000000ull
#define ROTATE_MAX_SIZE	 (1ull << 20) /* -C at most 1 TB */
#define ROTATE_MAX_FILES 1000000u     /* -W */

struct rotate_opts {
	uint64_t size_bytes; /* -C in bytes; 0 = none */
	uint64_t seconds;    /* -G; 0 = none */
	uint32_t files;	     /* -W; 0 = unbounded */
};

struct rotate {
	const char *pattern; /* -w FILE */
	struct rotate_opts o;
	unsigned int width;	   /* digits of the count: of N-1 with -W N, else 0 */
	unsigned int c_count;	   /* -C: number of the current file in its -G period */
	uint64_t g_files;	   /* -G: files begun */
	time_t g_time;		   /* -G: the current period's start, for its name */
	uint64_t next_g_ns;	   /* -G: CLOCK_MONOTONIC of the next rotation */
	bool g_pending;		   /* the rotation in progress is -G's ... */
	time_t g_pending_time;	   /* ... and this is its period's start */
	bool stop;		   /* -G -W N without -C: N files written */
	int fd;			   /* the current file */
	const uint64_t *malformed; /* the recorder's running count, or NULL */
	uint64_t malformed_done;   /* of it, what earlier files' trailers hold */
	char path[PATH_MAX];	   /* the current file's name */
};

/* tcpdump's MakeFilename(): pattern, expanded by strftime(3) at local
 * time t when strf, then cnt zero-padded to width digits, except that
 * cnt 0 with width 0 adds nothing.  0, -EINVAL (empty pattern or empty
 * expansion) or -ENAMETOOLONG. */
int rotate_make_name(char *buf, size_t len, const char *pattern, bool strf, time_t t,
		     unsigned int cnt, unsigned int width);

/* Digits tcpdump pads counts to for -W files (0 for 0 or 1 file). */
unsigned int rotate_width(uint32_t files);

/* Whether pattern holds a strftime(3) conversion (a '%' not part of
 * "%%"): without one, every -G file would have the same name. */
bool rotate_has_conversion(const char *pattern);

/* Names the first file (into r->path) at wall time now, monotonic
 * now_ns.  0 or -errno. */
int rotate_init(struct rotate *r, const char *pattern, const struct rotate_opts *o, time_t now,
		uint64_t now_ns);

/* The current file's name (r->path). */
const char *rotate_name(const struct rotate *r);

/* Opens r->path as the current file; its fd or -errno. */
int rotate_open(struct rotate *r);

/* Fills opts' rotation fields (when rotation is on) so that the writer
 * calls back into r. */
void rotate_writer_opts(struct rotate *r, struct trc_writer_opts *opts);

/* The next file's name after the current one: by -C, or by -G (g) at
 * wall time now.  Updates the counters and r->path.  0 or -errno. */
int rotate_next_name(struct rotate *r, bool g, time_t now);

/* -G, called often (every 100 ms): rotates when SECONDS have passed,
 * unless the next name would be the current one (the name's finest
 * conversion is coarser than SECONDS), or sets r->stop when -W files were
 * written.  0 or the writer's error. */
int rotate_tick(struct rotate *r, struct trc_writer *w, uint64_t now_ns);

/* Malformed records of the current file, for its trailer. */
uint64_t rotate_file_malformed(const struct rotate *r);

#endif /* TCPREC_ROTATE_H */
