// SPDX-License-Identifier: BSD-2-Clause
/*
 * busyhost - makes the host a busy server looks like during an incident,
 * in the network namespace it runs in: N sockets in TIME_WAIT and M idle
 * ESTABLISHED connections on loopback, then holds them until its standard
 * input closes (or SIGTERM/SIGINT).  Used by the busy-host benchmark and
 * integration tests as the state the host already holds before tcprec
 * starts.
 *
 * TIME_WAIT: client threads connect() and close() at once; the server
 * closes its end when it reads EOF, so every client socket, and only
 * those, ends in TIME_WAIT.  Each listener serves at most
 * BH_CONNS_PER_LISTENER connections: connect() takes even ports first and
 * scans all of them before an odd one, so N is spread over listeners.  The caller
 * sets the namespace's sysctls: tcp_tw_reuse=0, a wide
 * ip_local_port_range, tcp_max_tw_buckets >= N and tcp_rfc1337=1 (on a
 * loaded machine a late handshake ACK can meet the listener after the
 * connection closed; the listener's reset would kill a TIME_WAIT socket).
 *
 * When everything is in place it prints one line and flushes it:
 *
 *   busyhost timewait=N established=M seconds=S ports=P1,P2,...
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BH_CONNS_PER_LISTENER 25000u
#define BH_MAX_LISTENERS      64u
#define BH_MAX_THREADS	      64u
/* TIME_WAIT connections made but whose server end is not yet closed.  The
 * clients wait for the server above this: a server thread starved by a
 * loaded machine otherwise accumulates accepted descriptors until accept()
 * fails with EMFILE.  Well below listen()'s backlog.  A client waits at most
 * BH_INFLIGHT_WAIT_US for one connection, so a server end that never
 * arrives (a handshake the kernel dropped) cannot stall the fill. */
#define BH_MAX_INFLIGHT	    1024u
#define BH_INFLIGHT_WAIT_US 1000000u

struct bh {
	int family;
	unsigned long n_tw, n_est;
	unsigned threads;
	unsigned n_listen;
	int listen_fd[BH_MAX_LISTENERS];
	struct sockaddr_storage addr[BH_MAX_LISTENERS];
	socklen_t addrlen;
	atomic_ulong next;	/* TIME_WAIT connections handed out */
	atomic_ulong tw_closed; /* server ends closed after EOF */
	atomic_int failed;
	int *est_fds; /* client ends of the idle connections (child) */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int listen_one(struct bh *b, unsigned i)
{
	struct sockaddr_storage *ss = &b->addr[i];
	int one = 1, fd = socket(b->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	memset(ss, 0, sizeof(*ss));
	if (b->family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		b->addrlen = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		b->addrlen = sizeof(*a);
	}
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)ss, b->addrlen) || listen(fd, 4096) ||
	    getsockname(fd, (struct sockaddr *)ss, &b->addrlen))
		return -errno;
	b->listen_fd[i] = fd;
	return 0;
}

/* Accepts everything; closes a TIME_WAIT connection's server end at EOF.
 * Idle connections' server ends are kept (never readable: never closed). */
static void *server(void *arg)
{
	struct bh *b = arg;
	struct epoll_event evs[256];
	int ep = epoll_create1(EPOLL_CLOEXEC);

	for (unsigned i = 0; i < b->n_listen; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = -1 - (int)i };

		epoll_ctl(ep, EPOLL_CTL_ADD, b->listen_fd[i], &ev);
	}
	for (;;) {
		int n = epoll_wait(ep, evs, 256, 100);

		for (int k = 0; k < n; k++) {
			int fd = evs[k].data.fd;

			if (fd < 0) {
				int c;

				while ((c = accept4(b->listen_fd[-1 - fd], NULL, NULL,
						    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP,
								  .data.fd = c };

					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
				continue;
			}
			char buf[64];

			ssize_t got = read(fd, buf, sizeof(buf));

			/* EOF, or a reset: either way the connection is over
			 * (and a reset one is not in TIME_WAIT: ss shows it). */
			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
				epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				close(fd);
				atomic_fetch_add(&b->tw_closed, 1);
			}
		}
	}
	return NULL;
}

static int connect_to(struct bh *b, unsigned long i)
{
	unsigned l = (unsigned)(i / BH_CONNS_PER_LISTENER) % b->n_listen;
	int fd = socket(b->family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&b->addr[l], b->addrlen)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void *tw_client(void *arg)
{
	struct bh *b = arg;
	unsigned long i;

	while ((i = atomic_fetch_add(&b->next, 1)) < b->n_tw) {
		unsigned waited_us = 0;
		int fd;

		while (i > atomic_load(&b->tw_closed) + BH_MAX_INFLIGHT &&
		       !atomic_load(&b->failed) && waited_us < BH_INFLIGHT_WAIT_US) {
			usleep(100);
			waited_us += 100;
		}
		fd = connect_to(b, i);

		if (fd < 0) {
			fprintf(stderr, "busyhost: connect %lu: %s\n", i, strerror(-fd));
			atomic_store(&b->failed, 1);
			return NULL;
		}
		close(fd);
	}
	return NULL;
}

static int parse_args(struct bh *b, int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "46w:e:t:")) != -1) {
		switch (c) {
		case '4':
			b->family = AF_INET;
			break;
		case '6':
			b->family = AF_INET6;
			break;
		case 'w':
			b->n_tw = strtoul(optarg, NULL, 10);
			break;
		case 'e':
			b->n_est = strtoul(optarg, NULL, 10);
			break;
		case 't':
			b->threads = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			return -1;
		}
	}
	b->n_listen = (unsigned)((b->n_tw + b->n_est) / BH_CONNS_PER_LISTENER + 1);
	if (optind != argc || !b->threads || b->threads > BH_MAX_THREADS ||
	    b->n_listen > BH_MAX_LISTENERS)
		return -1;
	return 0;
}

/* Room for one end of every idle connection, the listeners and the
 * TIME_WAIT connections in flight: the idle client ends live in a child
 * process, the server ends here, so each process needs about M
 * descriptors (the hard limit may not be raisable). */
static int raise_nofile(unsigned long need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur >= need + 64)
		return 0;
	rl.rlim_cur = need + 64 > rl.rlim_max ? rl.rlim_max : need + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	return rl.rlim_cur >= need + 64 ? 0 : -EMFILE;
}

static void idle_child(struct bh *b, int ready_fd)
{
	char c = 1;

	b->est_fds = calloc(b->n_est + 1, sizeof(int));
	if (!b->est_fds)
		_exit(1);
	for (unsigned long i = 0; i < b->n_est; i++) {
		/* The last listener: its ports are not shared with TIME_WAIT. */
		int fd = connect_to(b, (unsigned long)(b->n_listen - 1) * BH_CONNS_PER_LISTENER);

		if (fd < 0) {
			fprintf(stderr, "busyhost: idle connection %lu: %s\n", i, strerror(-fd));
			_exit(1);
		}
		b->est_fds[i] = fd;
	}
	if (write(ready_fd, &c, 1) != 1)
		_exit(1);
	while (read(0, &c, 1) > 0)
		;
	_exit(0);
}

/* Client ends in a child that holds them until stdin closes. */
static int make_idle(struct bh *b)
{
	int p[2];
	char c;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close(p[0]);
		idle_child(b, p[1]);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		return -EIO;
	close(p[0]);
	return 0;
}

int main(int argc, char **argv)
{
	struct bh b = { .family = AF_INET, .n_tw = 10000, .threads = 4 };
	pthread_t srv, cl[BH_MAX_THREADS];
	double t0 = now_s();
	int err;

	if (parse_args(&b, argc, argv)) {
		fprintf(stderr, "usage: busyhost [-4|-6] [-w TIME_WAIT] [-e ESTABLISHED] "
				"[-t THREADS]\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	err = raise_nofile(b.n_est + b.n_listen + BH_MAX_INFLIGHT + b.threads);
	for (unsigned i = 0; !err && i < b.n_listen; i++)
		err = listen_one(&b, i);
	if (err || pthread_create(&srv, NULL, server, &b)) {
		fprintf(stderr, "busyhost: setting up: %s\n", strerror(err ? -err : EAGAIN));
		return 1;
	}
	for (unsigned i = 0; i < b.threads; i++)
		pthread_create(&cl[i], NULL, tw_client, &b);
	for (unsigned i = 0; i < b.threads; i++)
		pthread_join(cl[i], NULL);
	/* Every client socket is in TIME_WAIT once the server closed its end. */
	while (!atomic_load(&b.failed) && atomic_load(&b.tw_closed) < b.n_tw)
		poll(NULL, 0, 10);
	err = atomic_load(&b.failed) ? -EIO : make_idle(&b);
	if (err) {
		fprintf(stderr, "busyhost: %s\n", strerror(-err));
		return 1;
	}
	printf("busyhost timewait=%lu established=%lu seconds=%.3f ports=", b.n_tw, b.n_est,
	       now_s() - t0);
	for (unsigned i = 0; i < b.n_listen; i++)
		printf("%s%u", i ? "," : "", ntohs(((struct sockaddr_in *)&b.addr[i])->sin_port));
	printf("\n");
	fflush(stdout);
	/* Hold everything until the caller lets go. */
	char c;

	while (read(0, &c, 1) > 0)
		;
	return 0;
}
