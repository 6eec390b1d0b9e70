// SPDX-License-Identifier: BSD-2-Clause
/*
 * rotate.c - names, opens and times the files of a rotating recording,
 * the way tcpdump(8) does for -C, -G and -W (tcpdump.c: MakeFilename(),
 * getWflagChars(), dump_packet_and_trunc()), except that a file is never
 * left half-written: the writer ends it with a trailer and syncs it
 * before asking here for the next one.
 */
#include "rotate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "header.h"
#include "output.h"

unsigned int rotate_width(uint32_t files)
{
	unsigned int c = 0;

	for (uint32_t x = files ? files - 1 : 0; x > 0; x /= 10)
		c++;
	return c;
}

bool rotate_has_conversion(const char *pattern)
{
	for (const char *p = pattern; (p = strchr(p, '%')); p += 2) {
		if (p[1] != '%')
			return p[1] != '\0';
	}
	return false;
}

int rotate_make_name(char *buf, size_t len, const char *pattern, bool strf, time_t t,
		     unsigned int cnt, unsigned int width)
{
	char base[PATH_MAX];
	struct tm tm;
	int n;

	if (!pattern[0])
		return -EINVAL;
	if (strf) {
		if (!localtime_r(&t, &tm))
			return -EINVAL;
			/* strftime() returns 0 for an empty result and for one that
			 * does not fit: either way there is no name.  The format is
			 * the user's -w FILE, as tcpdump's -G takes it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		size_t got = strftime(base, sizeof(base), pattern, &tm);
#pragma GCC diagnostic pop
		if (got == 0)
			return strlen(pattern) >= sizeof(base) ? -ENAMETOOLONG : -EINVAL;
	} else if (strlen(pattern) >= sizeof(base)) {
		return -ENAMETOOLONG;
	} else {
		strcpy(base, pattern);
	}
	if (cnt == 0 && width == 0)
		n = snprintf(buf, len, "%s", base);
	else
		n = snprintf(buf, len, "%s%0*u", base, (int)width, cnt);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int rotate_init(struct rotate *r, const char *pattern, const struct rotate_opts *o, time_t now,
		uint64_t now_ns)
{
	memset(r, 0, sizeof(*r));
	r->pattern = pattern;
	r->o = *o;
	r->fd = -1;
	/* tcpdump numbers files only with -C; -W sets the width. */
	r->width = o->size_bytes ? rotate_width(o->files) : 0;
	r->g_time = now;
	r->g_files = 1;
	r->next_g_ns = now_ns + o->seconds * 1000000000ull;
	return rotate_make_name(r->path, sizeof(r->path), pattern, o->seconds != 0, now, 0,
				r->width);
}

const char *rotate_name(const struct rotate *r)
{
	return r->path;
}

int rotate_open(struct rotate *r)
{
	int fd = output_open(r->path);

	r->fd = fd >= 0 ? fd : -1;
	return fd;
}

int rotate_next_name(struct rotate *r, bool g, time_t now)
{
	if (g) {
		/* A new -G period starts its -C count again. */
		r->c_count = 0;
		r->g_time = now;
	} else {
		r->c_count++;
		if (r->o.files && r->c_count >= r->o.files)
			r->c_count = 0; /* the ring: overwrite the oldest */
	}
	return rotate_make_name(r->path, sizeof(r->path), r->pattern, r->o.seconds != 0, r->g_time,
				r->c_count, r->width);
}

/* The writer's next_file: the finished file is complete on disk. */
static int next_file(void *ctx, int done_fd)
{
	struct rotate *r = ctx;
	int err;

	output_close(done_fd, r->path, 0);
	r->fd = -1;
	err = rotate_next_name(r, r->g_pending, r->g_pending ? r->g_pending_time : r->g_time);
	if (err)
		return err;
	if (r->g_pending)
		r->g_files++;
	return rotate_open(r);
}

uint64_t rotate_file_malformed(const struct rotate *r)
{
	return r->malformed ? *r->malformed - r->malformed_done : 0;
}

static void end_file(void *ctx, struct trc_trailer *extra)
{
	struct rotate *r = ctx;

	extra->malformed = rotate_file_malformed(r);
	if (r->malformed)
		r->malformed_done = *r->malformed;
	extra->end_realtime_ns = header_now_ns(CLOCK_REALTIME);
}

void rotate_writer_opts(struct rotate *r, struct trc_writer_opts *opts)
{
	if (!r->o.size_bytes && !r->o.seconds)
		return;
	opts->max_file_bytes = r->o.size_bytes;
	opts->next_file = next_file;
	opts->end_file = end_file;
	opts->file_ctx = r;
}

int rotate_tick(struct rotate *r, struct trc_writer *w, uint64_t now_ns)
{
	char cur[PATH_MAX], next[PATH_MAX];
	uint64_t period = r->o.seconds * 1000000000ull;
	time_t now;
	int err;

	if (!period || r->stop || now_ns < r->next_g_ns)
		return 0;
	while (r->next_g_ns <= now_ns) /* no burst of files after a stall */
		r->next_g_ns += period;
	now = time(NULL);
	/* A name that does not change (its finest conversion is coarser
	 * than SECONDS) would overwrite the file being written: that file
	 * goes on instead, until the name changes. */
	if (!rotate_make_name(cur, sizeof(cur), r->pattern, true, r->g_time, 0, 0) &&
	    !rotate_make_name(next, sizeof(next), r->pattern, true, now, 0, 0) &&
	    !strcmp(cur, next))
		return 0;
	if (!r->o.size_bytes && r->o.files && r->g_files >= r->o.files) {
		r->stop = true;
		return 0;
	}
	r->g_pending = true;
	r->g_pending_time = now;
	err = trc_writer_rotate(w);
	r->g_pending = false;
	return err;
}
