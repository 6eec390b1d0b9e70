// SPDX-License-Identifier: BSD-2-Clause
/*
 * follow.c - the medium of a trace being written: a read that waits for
 * more bytes instead of ending the input, and while it waits lets the
 * analysis move on with the wall clock (analyzer_live_idle()), so each
 * connection is reported about FOLLOW_LAG_NS + FOLLOW_GRACE_NS after it
 * closed, whether or not anything else happens.
 */
#include "follow.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct follow {
	int fd;
	bool pipe; /* poll() says when bytes come; a file is read again */
	uint64_t stop_deadline_ns;
	struct analyzer_live live;
	FILE *out;		 /* the report, fully buffered ... */
	uint64_t out_flushed_ns; /* ... and flushed FOLLOW_FLUSH_NS apart at most */
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* True once a stop was asked for and the input had its chance to end. */
static bool stopping(struct follow *f)
{
	uint64_t now;

	if (!stop_requested)
		return false;
	now = clock_ns(CLOCK_MONOTONIC);
	if (!f->stop_deadline_ns)
		f->stop_deadline_ns = now + FOLLOW_STOP_WAIT_NS;
	return !f->pipe || now >= f->stop_deadline_ns;
}

/* A line a write(2) cost a system call per event with --replay, and
 * under a burst that was most of tcpana's time: the report goes out in
 * blocks, and whatever is in it before the input is waited for or after
 * FOLLOW_FLUSH_NS of reading. */
static void flush_out(struct follow *f, bool waiting)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	if (waiting || now - f->out_flushed_ns >= FOLLOW_FLUSH_NS) {
		fflush(f->out);
		f->out_flushed_ns = now;
	}
}

static void idle(struct follow *f)
{
	analyzer_live_idle(&f->live, clock_ns(CLOCK_REALTIME));
	flush_out(f, true);
}

/* Waits until fd has bytes (a pipe) or FOLLOW_POLL_MS passed (a file). */
static void wait_input(struct follow *f)
{
	struct pollfd p = { .fd = f->fd, .events = POLLIN };

	if (f->pipe)
		(void)poll(&p, 1, FOLLOW_POLL_MS);
	else
		(void)poll(NULL, 0, FOLLOW_POLL_MS);
}

/* Nothing to read yet: 0 when the input is to end here, else the
 * analysis moves on and the input is waited for. */
static bool wait_more(struct follow *f)
{
	if (stopping(f))
		return false;
	idle(f);
	wait_input(f);
	return true;
}

static ssize_t follow_read(void *ctx, void *buf, size_t len)
{
	struct follow *f = ctx;

	flush_out(f, false);
	for (;;) {
		struct pollfd p = { .fd = f->fd, .events = POLLIN };
		ssize_t n;

		/* A pipe's read would block: ask first.  A file says at its end. */
		if (f->pipe && poll(&p, 1, 0) == 0) {
			if (!wait_more(f))
				return 0;
			continue;
		}
		n = read(f->fd, buf, len);
		if (n > 0 || (n == 0 && f->pipe))
			return n;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -errno;
		if (!wait_more(f)) /* at the end of a file tcprec is still writing */
			return 0;
	}
}

static void catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a wait ends at once and sees the request. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int open_input(const char *path, struct follow *f)
{
	struct stat st;

	f->fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (f->fd < 0 || fstat(f->fd, &st))
		return -errno;
	f->pipe = !S_ISREG(st.st_mode);
	return 0;
}

int follow_run(const char *path, FILE *out, const struct analyzer_opts *opts,
	       const struct analyzer_sink *sink, const struct analyzer_diag *diag,
	       struct analyzer_summary *sum)
{
	struct follow f = { .fd = -1, .out = out };
	struct trc_medium m = { follow_read, &f };
	struct analyzer_opts o = *opts;
	struct trc_error e = { 0 };
	struct trc_reader *r;
	int rc;

	f.live.lag_ns = FOLLOW_LAG_NS;
	f.live.grace_ns = FOLLOW_GRACE_NS;
	o.live = &f.live;
	catch_stop();
	rc = open_input(path, &f);
	if (rc) {
		snprintf(e.msg, sizeof(e.msg), "%s", strerror(-rc));
		if (diag && diag->warn)
			diag->warn(diag->arg, path, &e, TRC_IOERR);
		return -EINVAL;
	}
	/* The header may not be written yet: the reader waits for it. */
	r = trc_reader_open(&m, &e);
	if (!r) {
		if (diag && diag->warn)
			diag->warn(diag->arg, path, &e, e.code > 0 ? e.code : TRC_IOERR);
		rc = e.code == TRC_UNSUPPORTED ? -ENOTSUP : -EINVAL;
	} else {
		rc = analyzer_run_readers(&r, &path, 1, &o, sink, diag, sum);
		trc_reader_close(r);
	}
	if (f.fd > STDIN_FILENO)
		close(f.fd);
	return rc;
}
