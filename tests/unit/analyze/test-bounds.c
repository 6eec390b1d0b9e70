// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-bounds.c - tcpana's bounds on work: on a pathological trace of a
 * given shape (bounds_shapes.c), tcpana must finish, report every
 * endpoint and event, and keep its peak memory within the documented
 * bound (docs/tcpana.1, LIMITS): BASE_MIB plus PER_CONN_KIB for each
 * endpoint held at once, the most of which tcpana --json reports as
 * peak_live_connections.  The run time is not asserted: meson's timeout
 * is the hang detector; bench/ measures speed.
 * --json-only skips the text run, which repeats the same analysis with
 * another output module; the sanitizer build uses it to halve its time.
 *   test-bounds TCPANA SHAPE EVENTS BASE_MIB PER_CONN_KIB [--json-only]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds_shapes.h"

#define TAIL 8192

struct child_result {
	int status;
	long maxrss_kib;
	double secs;
	char tail[TAIL + 1]; /* the end of its standard output */
};

/* Keeps the last TAIL bytes read from fd. */
static void read_tail(int fd, char *tail)
{
	static char buf[1 << 16];
	size_t have = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		size_t k = (size_t)n;
		if (k >= TAIL) {
			memcpy(tail, buf + k - TAIL, TAIL);
			have = TAIL;
		} else {
			size_t keep = have + k > TAIL ? TAIL - k : have;
			memmove(tail, tail + have - keep, keep);
			memcpy(tail + keep, buf, k);
			have = keep + k;
		}
	}
	tail[have] = '\0';
}

/* Runs tcpana [mode] /proc/self/fd/TRACE with the trace fd inherited. */
static int run_tcpana(const char *tcpana, const char *mode, int trace_fd, struct child_result *r)
{
	char path[64];
	int p[2];
	struct rusage ru;
	struct timespec t0, t1;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", trace_fd);
	if (pipe(p) < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		if (mode)
			execl(tcpana, tcpana, mode, path, (char *)NULL);
		else
			execl(tcpana, tcpana, path, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	read_tail(p[0], r->tail);
	close(p[0]);
	if (wait4(pid, &r->status, 0, &ru) < 0)
		return -errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->maxrss_kib = ru.ru_maxrss;
	r->secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return 0;
}

struct summary {
	uint64_t conns, events, peak_live; /* conns: endpoints reported */
};

/* The number after "key": in the tail at or after p; NULL if absent. */
static const char *json_u64(const char *p, const char *key, uint64_t *v)
{
	char k[64];

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = p ? strstr(p, k) : NULL;
	if (p)
		*v = strtoull(p + strlen(k), NULL, 10);
	return p;
}

/* The counts of the summary in tcpana's text or JSON output. */
static int summary_counts(const char *tail, bool json, struct summary *s)
{
	if (json) {
		const char *p = json_u64(strstr(tail, "\"summary\""), "endpoints", &s->conns);
		p = json_u64(p, "events", &s->events);
		return json_u64(p, "peak_live_connections", &s->peak_live) ? 0 : -1;
	}
	for (const char *p = tail; (p = strstr(p, " connection(s) (")) != NULL; p++) {
		const char *line = p;
		while (line > tail && line[-1] != '\n')
			line--;
		unsigned long long c, l, a, e, ev;
		if (sscanf(line,
			   "%llu connection(s) (%llu analysed), %llu listener(s), %llu endpoint(s) "
			   "%llu events",
			   &c, &a, &l, &e, &ev) == 5) {
			s->conns = e;
			s->events = ev;
			return 0;
		}
	}
	return -1;
}

struct bound {
	long base_mib, per_conn_kib; /* peak RSS <= base + per_conn * peak live endpoints */
};

/* Runs tcpana in one mode; peak_live comes from the --json run, which
 * goes first. */
static int check_mode(const char *tcpana, const char *shape, const char *mode, int fd,
		      uint64_t events, const struct bounds_expect *x, const struct bound *b,
		      uint64_t *peak_live)
{
	static struct child_result r;
	struct summary s = { 0 };
	int bad = 0;

	int rc = run_tcpana(tcpana, mode, fd, &r);
	if (rc < 0) {
		fprintf(stderr, "test-bounds: running %s: %s\n", tcpana, strerror(-rc));
		return 1;
	}
	if (summary_counts(r.tail, mode != NULL, &s) < 0) {
		fprintf(stderr, "FAIL: no summary at the end of the output:\n%s\n", r.tail);
		return 1;
	}
	if (mode)
		*peak_live = s.peak_live;
	long max_kib = b->base_mib * 1024 + b->per_conn_kib * (long)*peak_live;
	printf("%s %s: exit %d, %" PRIu64 " endpoints, at most %" PRIu64 " live, "
	       "peak RSS %ld MiB (bound %ld MiB), %.1f s\n",
	       shape, mode ? mode : "(summary)", WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1,
	       s.conns, *peak_live, r.maxrss_kib / 1024, max_kib / 1024, r.secs);
	if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0) {
		fprintf(stderr, "FAIL: tcpana did not exit 0 (status 0x%x)\n", r.status);
		bad = 1;
	}
	/* Linux keeps the pre-exec high-water mark in the child's ru_maxrss,
	 * and a child forked from a process under valgrind starts as big as
	 * valgrind: there the bound cannot be judged (meson test --setup
	 * valgrind sets TCPREC_TEST_VALGRIND). */
	if (getenv("TCPREC_TEST_VALGRIND")) {
		printf("# peak RSS not judged: forked from a process under valgrind\n");
	} else if (r.maxrss_kib > max_kib) {
		fprintf(stderr, "FAIL: peak RSS %ld KiB above the bound of %ld KiB\n", r.maxrss_kib,
			max_kib);
		bad = 1;
	}
	/* An event opens at most one endpoint. */
	if (s.conns != x->connections || s.events != events || *peak_live > s.conns) {
		fprintf(stderr,
			"FAIL: summary says %" PRIu64 " connections, %" PRIu64 " events, %" PRIu64
			" live at most; expected %" PRIu64 ", %" PRIu64 "\n",
			s.conns, s.events, *peak_live, x->connections, events);
		bad = 1;
	}
	return bad;
}

int main(int argc, char **argv)
{
	struct bounds_expect x;
	struct bound b;
	uint64_t peak_live = 0;

	if (argc != 6 && !(argc == 7 && !strcmp(argv[6], "--json-only"))) {
		fprintf(stderr, "usage: test-bounds TCPANA SHAPE EVENTS BASE_MIB PER_CONN_KIB "
				"[--json-only]\n");
		return 2;
	}
	uint64_t events = strtoull(argv[3], NULL, 10);
	b.base_mib = strtol(argv[4], NULL, 10);
	b.per_conn_kib = strtol(argv[5], NULL, 10);
	int fd = memfd_create("bounds.trc", 0);
	if (fd < 0) {
		perror("memfd_create");
		return 1;
	}
	int rc = bounds_shape_write(argv[2], events, fd, &x);
	if (rc < 0) {
		fprintf(stderr, "test-bounds: writing shape %s: %s\n", argv[2], strerror(-rc));
		return 1;
	}
	int bad = check_mode(argv[1], argv[2], "--json", fd, events, &x, &b, &peak_live);
	if (argc == 6)
		bad |= check_mode(argv[1], argv[2], NULL, fd, events, &x, &b, &peak_live);
	close(fd);
	return bad;
}
