// SPDX-License-Identifier: BSD-2-Clause
/*
 * loadgen_server.c - the load generator's server: one thread, one epoll set,
 * level-triggered.  It accepts every pending connection, reads each request,
 * answers with a reply of the same size, and then either closes at once
 * (--server-close) or waits for the client's FIN and closes after it.  A
 * single thread is enough: on two cores the clients, the kernel and the
 * tracers under test compete for the CPU, not the server's own work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

#define LG_BACKLOG 4096
#define LG_EVENTS  256

double lg_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* epoll data: the fd in the low 32 bits, request bytes read in the high. */
static uint64_t pack(int fd, uint32_t got)
{
	return (uint32_t)fd | ((uint64_t)got << 32);
}

static void accept_all(struct lg_server *s)
{
	for (;;) {
		int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct epoll_event ev = { .events = EPOLLIN };

		if (fd < 0)
			return; /* EAGAIN, or an aborted connection: nothing to do */
		ev.data.u64 = pack(fd, 0);
		if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
			close(fd);
	}
}

/* Handles a readable connection: request bytes, then the client's EOF. */
static void serve(struct lg_server *s, uint64_t data)
{
	char buf[LG_MAX_MSG];
	int fd = (int)(uint32_t)data;
	uint32_t got = (uint32_t)(data >> 32);
	ssize_t r = read(fd, buf, sizeof(buf));

	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		close(fd); /* EOF after the reply (or a reset): done */
		return;
	}
	got += (uint32_t)r;
	if (got < s->msg_size) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = pack(fd, got) };

		(void)epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, fd, &ev);
		return;
	}
	if (got > s->msg_size)
		return; /* only the EOF is expected after the request */
	memset(buf, 'r', s->msg_size);
	/* The reply is small and the socket buffer empty: one write fits. */
	if (write(fd, buf, s->msg_size) == (ssize_t)s->msg_size)
		s->served++;
	if (s->server_close) {
		close(fd);
		return;
	}
	/* Mark the request as complete so that further data is ignored. */
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = pack(fd, got + 1) };

	(void)epoll_ctl(s->epoll_fd, EPOLL_CTL_MOD, fd, &ev);
}

static void *server_thread(void *arg)
{
	struct lg_server *s = arg;
	struct epoll_event evs[LG_EVENTS];

	for (;;) {
		int n = epoll_wait(s->epoll_fd, evs, LG_EVENTS, -1);

		if (n < 0 && errno != EINTR)
			return NULL;
		for (int i = 0; i < n; i++) {
			if (evs[i].data.u64 == pack(s->listen_fd, UINT32_MAX))
				accept_all(s);
			else if (evs[i].data.u64 == pack(s->stop_fd, UINT32_MAX))
				return NULL;
			else
				serve(s, evs[i].data.u64);
		}
	}
}

static int listen_on(const struct lg_config *cfg, struct sockaddr_storage *addr, socklen_t addrlen)
{
	int one = 1;
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	socklen_t len = addrlen;

	if (fd < 0)
		return -errno;
	if (addr->ss_family == AF_INET6)
		((struct sockaddr_in6 *)addr)->sin6_port = htons(cfg->port);
	else
		((struct sockaddr_in *)addr)->sin_port = htons(cfg->port);
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)addr, addrlen) < 0 || listen(fd, LG_BACKLOG) < 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &len) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return fd;
}

int lg_server_start(struct lg_server *s, const struct lg_config *cfg, struct sockaddr_storage *addr,
		    socklen_t addrlen)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int r;

	memset(s, 0, sizeof(*s));
	s->msg_size = cfg->msg_size;
	s->server_close = cfg->server_close;
	s->listen_fd = listen_on(cfg, addr, addrlen);
	if (s->listen_fd < 0)
		return s->listen_fd;
	s->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	s->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (s->epoll_fd < 0 || s->stop_fd < 0)
		goto fail;
	ev.data.u64 = pack(s->listen_fd, UINT32_MAX);
	if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->listen_fd, &ev) < 0)
		goto fail;
	ev.data.u64 = pack(s->stop_fd, UINT32_MAX);
	if (epoll_ctl(s->epoll_fd, EPOLL_CTL_ADD, s->stop_fd, &ev) < 0)
		goto fail;
	r = pthread_create(&s->thread, NULL, server_thread, s);
	if (r != 0) {
		errno = r;
		goto fail;
	}
	return 0;
fail:
	r = -errno;
	close(s->listen_fd);
	if (s->epoll_fd >= 0)
		close(s->epoll_fd);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	return r;
}

void lg_server_stop(struct lg_server *s)
{
	uint64_t one = 1;

	if (write(s->stop_fd, &one, sizeof(one)) == sizeof(one))
		pthread_join(s->thread, NULL);
	close(s->listen_fd);
	close(s->epoll_fd);
	close(s->stop_fd);
}
