// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-writer-io - the writer's I/O contract: complete output through a
 * slow pipe while an interval timer interrupts write(2) (short writes and
 * EINTR); errors at open (/dev/full, a read-only fd); a write error in the
 * middle (RLIMIT_FSIZE) is returned, sticks, and leaves a file that reads
 * back up to the last complete chunk; tick/flush timing; the header
 * rewritten in place (ready time) on a file, refused on a pipe and on an
 * O_APPEND descriptor.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tutil.h"

/* Counts timer signals; a signal handler can only reach a global. */
static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void slow_reader(int rfd, int out)
{
	char b[700];
	ssize_t n;
	while ((n = read(rfd, b, sizeof(b))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write(out, b, (size_t)n) != n)
			_exit(1);
		usleep(20);
	}
	_exit(0);
}

static void interrupted_pipe(void)
{
	int p[2], out = memfd_create("out", MFD_CLOEXEC);
	REQUIRE(pipe(p) == 0 && out >= 0);
	(void)fcntl(p[1], F_SETPIPE_SZ, 4096);
	pid_t pid = fork();
	REQUIRE(pid >= 0);
	if (pid == 0) {
		close(p[1]);
		slow_reader(p[0], out);
	}
	close(p[0]);

	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	REQUIRE(sigaction(SIGALRM, &sa, NULL) == 0);
	struct itimerval it = { { 0, 300 }, { 0, 300 } };
	REQUIRE(setitimer(ITIMER_REAL, &it, NULL) == 0);

	struct trc_header h;
	struct trc_error err;
	tu_header(&h);
	struct trc_writer *w = trc_writer_open_fd(p[1], &h, NULL, &err);
	REQUIRE(w);
	struct tu_model m;
	tu_model_init(&m, w, 77);
	for (int i = 0; i < 30000; i++)
		tu_model_step(&m);
	REQUIRE(trc_writer_close(w, NULL, &err) == 0);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	REQUIRE(setitimer(ITIMER_REAL, &off, NULL) == 0);
	close(p[1]);
	int status;
	REQUIRE(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

	struct tbuf b = tu_slurp(out);
	struct tu_read rd;
	REQUIRE(tu_read_all(b.p, b.len, &rd, m.nev) == TRC_EOF && rd.events == m.nev);
	for (size_t i = 0; i < m.nev; i++)
		REQUIRE(tu_event_equal(&rd.evs[i], &m.evs[i]));
	printf("pipe: %zu bytes intact across %d timer interruptions\n", b.len, (int)alarms);
	REQUIRE(alarms > 10);
	tu_read_free(&rd);
	tu_model_free(&m);
	free(b.p);
	close(out);
}

static void open_errors(void)
{
	struct trc_header h;
	struct trc_error err;
	tu_header(&h);
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	REQUIRE(fd >= 0);
	errno = 0;
	REQUIRE(trc_writer_open_fd(fd, &h, NULL, &err) == NULL && errno == ENOSPC);
	REQUIRE(err.code == -ENOSPC && strstr(err.msg, "writing"));
	close(fd);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	REQUIRE(trc_writer_open_fd(fd, &h, NULL, &err) == NULL && errno == EBADF);
	close(fd);
	struct trc_writer_opts o = { .sz = sizeof(o), .chunk_bytes = 10 };
	REQUIRE(trc_writer_open_fd(1, &h, &o, &err) == NULL && errno == EINVAL);
}

static void tick_and_flush(void)
{
	int fd;
	struct trc_writer *w = tu_writer(&fd, 0);
	struct trc_writer_stats st0, st;
	struct trc_conn c;
	uint64_t rng = 1, s;
	tu_random_conn(&rng, &c);
	REQUIRE(trc_writer_conn_open(w, &c, &s) == 0);
	trc_writer_get_stats(w, &st0);
	struct trc_event ev = { .type = TRC_EV_RESET, .t_ns = 5000000000ull, .conn_serial = s };
	REQUIRE(trc_writer_append(w, &ev) == 0);
	REQUIRE(trc_writer_tick(w, 5500000000ull) == 0);
	trc_writer_get_stats(w, &st);
	REQUIRE(st.bytes_written == st0.bytes_written && st.chunks == 0);
	REQUIRE(trc_writer_tick(w, 6000000000ull) == 0); /* 1 s after the first event */
	trc_writer_get_stats(w, &st);
	REQUIRE(st.chunks == 1 && st.bytes_written > st0.bytes_written);
	REQUIRE(trc_writer_flush(w) == 0); /* empty: no-op */
	trc_writer_get_stats(w, &st0);
	REQUIRE(st0.chunks == 1 && st0.bytes_written == st.bytes_written);
	struct tbuf b = tu_finish(w, fd);
	struct tu_read rd;
	REQUIRE(tu_read_all(b.p, b.len, &rd, 0) == TRC_EOF && rd.events == 1);
	free(b.p);
}

static void update_header(void)
{
	int fd, p[2];
	struct trc_writer *w = tu_writer(&fd, 0);
	struct trc_header h;
	struct trc_conn c;
	struct trc_error err;
	uint64_t rng = 7, s;

	tu_header(&h);
	tu_random_conn(&rng, &c);
	REQUIRE(trc_writer_conn_open(w, &c, &s) == 0);
	struct trc_event ev = { .type = TRC_EV_RESET, .t_ns = 5, .conn_serial = s };
	REQUIRE(trc_writer_append(w, &ev) == 0);
	REQUIRE(trc_writer_flush(w) == 0); /* a chunk after the header stays intact */
	h.ready_ns = 123456789;
	h.startup_ns = 987654321;
	h.tw_netns = 4026531840u; /* set when ready, as tcprec does: a fixed-size key */
	REQUIRE(trc_writer_update_header(w, &h) == 0);
	snprintf(h.hostname, sizeof(h.hostname), "a longer host name than before");
	REQUIRE(trc_writer_update_header(w, &h) == -EINVAL); /* would move the chunks */
	struct tbuf b = tu_finish(w, fd);
	struct trc_reader *r = trc_reader_open_mem(b.p, b.len, &err);
	REQUIRE(r);
	const struct trc_header *rh = trc_reader_header(r);
	REQUIRE(rh->ready_ns == 123456789 && rh->startup_ns == 987654321);
	REQUIRE(rh->tw_netns == 4026531840u);
	REQUIRE(rh->version_minor == TRC_VERSION_MINOR);
	trc_reader_close(r);
	struct tu_read rd;
	REQUIRE(tu_read_all(b.p, b.len, &rd, 0) == TRC_EOF && rd.events == 1);
	tu_read_free(&rd);
	free(b.p);

	tu_header(&h);
	REQUIRE(pipe2(p, O_CLOEXEC) == 0);
	REQUIRE(fcntl(p[1], F_SETPIPE_SZ, 1 << 20) > 0);
	w = trc_writer_open_fd(p[1], &h, NULL, &err);
	REQUIRE(w);
	REQUIRE(trc_writer_update_header(w, &h) == -ESPIPE);
	REQUIRE(trc_writer_close(w, NULL, NULL) == 0);
	close(p[0]);
	close(p[1]);

	fd = memfd_create("append", MFD_CLOEXEC);
	REQUIRE(fd >= 0 && fcntl(fd, F_SETFL, O_APPEND) == 0);
	w = trc_writer_open_fd(fd, &h, NULL, &err);
	REQUIRE(w);
	REQUIRE(trc_writer_update_header(w, &h) == -ESPIPE);
	REQUIRE(trc_writer_close(w, NULL, NULL) == 0);
	close(fd);
}

static void fsize_error(void)
{
	int fd = memfd_create("lim", MFD_CLOEXEC);
	struct trc_header h;
	struct trc_error err;
	struct trc_writer_opts o = { .sz = sizeof(o), .chunk_bytes = 4096, .fsync_on_flush = 1 };
	tu_header(&h);
	REQUIRE(fd >= 0);
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit rl = { 50000, 50000 };
	REQUIRE(setrlimit(RLIMIT_FSIZE, &rl) == 0);
	struct trc_writer *w = trc_writer_open_fd(fd, &h, &o, &err);
	REQUIRE(w);
	struct trc_event *evs = calloc(100000, sizeof(*evs));
	uint64_t rng = 5, serial[3];
	size_t nev = 0;
	REQUIRE(evs);
	for (int i = 0; i < 3; i++) {
		struct trc_conn c;
		tu_random_conn(&rng, &c);
		REQUIRE(trc_writer_conn_open(w, &c, &serial[i]) == 0);
	}
	int rc = 0;
	while (rc == 0) {
		struct trc_event ev = { .t_ns = 1000 + nev * 10 };
		if (nev % 2) {
			ev.type = TRC_EV_LOST;
			ev.lost.count = nev;
			ev.lost.t_begin_ns = ev.lost.t_end_ns = ev.t_ns;
		} else {
			ev.type = TRC_EV_STATE;
			ev.conn_serial = serial[nev % 3];
			ev.state.new_state = (uint8_t)(nev % 14);
		}
		rc = trc_writer_append(w, &ev);
		if (rc == 0)
			evs[nev++] = ev;
		REQUIRE(nev < 100000);
	}
	if (rc != -EFBIG)
		fprintf(stderr, "append returned %d\n", rc);
	REQUIRE(rc == -EFBIG);
	REQUIRE(trc_writer_append(w, &evs[0]) == -EFBIG && trc_writer_flush(w) == -EFBIG);
	REQUIRE(trc_writer_close(w, NULL, &err) == -EFBIG && err.code == -EFBIG);
	struct tbuf b = tu_slurp(fd);
	struct tu_read rd;
	REQUIRE(b.len <= 50000);
	REQUIRE(tu_read_all(b.p, b.len, &rd, nev) == TRC_TRUNCATED && rd.corrupt == 0);
	REQUIRE(rd.events > 1000 && rd.events < nev);
	for (size_t i = 0; i < rd.events; i++)
		REQUIRE(tu_event_equal(&rd.evs[i], &evs[i]));
	printf("file size limit: error after %zu bytes, %zu of %zu events readable\n", b.len,
	       rd.events, nev);
	free(evs);
	tu_read_free(&rd);
	free(b.p);
	close(fd);
}

int main(void)
{
	open_errors();
	tick_and_flush();
	update_header();
	interrupted_pipe();
	fsize_error(); /* last: it lowers RLIMIT_FSIZE for the process */
	return 0;
}
