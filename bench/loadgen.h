/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * loadgen.h - shared declarations of the benchmark load generator: its
 * configuration, the state its client threads share, and the epoll server
 * (loadgen_server.c) the clients talk to.
 */
#ifndef LOADGEN_H
#define LOADGEN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define LG_MAX_MSG 4096 /* request/reply size limit: one small write each */

struct lg_config {
	int family;	       /* AF_INET or AF_INET6 */
	const char *addr;      /* NULL: loopback */
	uint16_t port;	       /* 0: any free port */
	uint64_t conns;	       /* total connections */
	unsigned threads;      /* client threads */
	unsigned time_limit_s; /* stop after this long even if conns are not done */
	size_t msg_size;       /* request and reply size */
	int server_close;      /* the server closes first */
	unsigned rate;	       /* connections per second, all threads; 0: no limit */
};

/* State shared by the client threads. */
struct lg_shared {
	const struct lg_config *cfg;
	struct sockaddr_storage addr; /* server address, port filled in by the server */
	socklen_t addrlen;
	double t0_s;
	double deadline_s;
	atomic_uint_fast64_t claimed; /* connection indices handed out */
	atomic_uint_fast64_t done;
	atomic_uint_fast64_t errors;
	atomic_int stop;
	atomic_int timed_out;
};

struct lg_server {
	int listen_fd;
	int epoll_fd;
	int stop_fd; /* eventfd: wakes the server thread for shutdown */
	size_t msg_size;
	int server_close;
	uint64_t served; /* written by the server thread, read after join */
	pthread_t thread;
};

/* Binds and listens on *addr (port 0: the chosen port is written back into
 * *addr), starts the server thread.  Returns 0 or -errno. */
int lg_server_start(struct lg_server *s, const struct lg_config *cfg, struct sockaddr_storage *addr,
		    socklen_t addrlen);

/* Stops the server thread and closes its listening socket.  Connections a
 * client left open (only after client errors) close at process exit. */
void lg_server_stop(struct lg_server *s);

/* CLOCK_MONOTONIC in seconds. */
double lg_now_s(void);

#endif /* LOADGEN_H */
