// SPDX-License-Identifier: BSD-2-Clause
/*
 * loadgen - a bounded TCP connection-rate load generator for the tcprec
 * benchmarks and hardening tests.
 *
 * One process runs an epoll server and N client threads on the same host
 * (loopback by default, or any local address given with --addr, e.g. a veth
 * address inside a network namespace).  Each client connection does
 * connect, a small request, a small reply and close.  The run stops by itself
 * after -n connections or after the time limit, whichever comes first, and
 * prints one parseable line:
 *
 *   loadgen conns=N errors=E seconds=S conns_per_sec=R threads=T family=F close=client|server
 *
 * Who closes first decides who holds TIME_WAIT.  By default the client does
 * (the common case: a client talking to a service), so TIME_WAIT sits on the
 * client's ephemeral ports: with the default range of ~28k ports and a 60 s
 * TIME_WAIT, more than ~28k connections per minute to one server address
 * would starve connect() of ports (Linux reuses loopback TIME_WAIT ports when
 * net.ipv4.tcp_tw_reuse is 2, the default, but not on other interfaces).  The
 * benchmark harness therefore runs each measurement in a fresh network
 * namespace with a wide ephemeral range and keeps -n moderate; --server-close
 * moves TIME_WAIT to the server side (the client's ports are then free at
 * once) for long or repeated runs on one address.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "loadgen.h"

#define LG_MAX_THREADS 256
#define LG_MAX_CONNS   100000000ULL
/* Give up after this many consecutive failed connects in one thread: the
 * port range is exhausted or the server is gone, and retrying would spin. */
#define LG_MAX_CONSEC_ERRORS 1000

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: loadgen [-4|-6] [-n CONNS] [-t THREADS] [-p PORT] [--addr ADDR]\n"
		"               [-T SECONDS] [--server-close] [--size BYTES] [--rate PER_SEC]\n"
		"Runs an epoll TCP server and THREADS client threads doing connect,\n"
		"request, reply, close; stops after CONNS connections or SECONDS.\n"
		"  -n CONNS         total connections (default 10000)\n"
		"  -t THREADS       client threads (default 2, max %d)\n"
		"  -4 / -6          address family (default 4)\n"
		"  -p PORT          server port (default 0: any free port)\n"
		"  --addr ADDR      local address to serve and connect to (default loopback)\n"
		"  -T SECONDS       time limit (default 60)\n"
		"  --server-close   the server closes first (TIME_WAIT on the server side)\n"
		"  --size BYTES     request and reply size (default 64, max %d)\n"
		"  --rate PER_SEC   start at most PER_SEC connections a second (default: no "
		"limit)\n"
		"Exit status: 0 all connections done, 1 errors or time limit hit, 2 usage.\n",
		LG_MAX_THREADS, LG_MAX_MSG);
}

/* Strict number parser: the whole string must be a number in [lo, hi]. */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v < lo || v > hi)
		return -ERANGE;
	*out = v;
	return 0;
}

/* Applies one option; 1 for a flag it does not know, -errno for a bad value. */
static int parse_opt(int c, const char *arg, struct lg_config *cfg)
{
	uint64_t v = 0;
	int r = 0;

	switch (c) {
	case '4':
		cfg->family = AF_INET;
		break;
	case '6':
		cfg->family = AF_INET6;
		break;
	case 'a':
		cfg->addr = arg;
		break;
	case 'S':
		cfg->server_close = 1;
		break;
	case 'n':
		r = parse_u64(arg, 1, LG_MAX_CONNS, &cfg->conns);
		break;
	case 't':
		r = parse_u64(arg, 1, LG_MAX_THREADS, &v);
		cfg->threads = (unsigned)v;
		break;
	case 'p':
		r = parse_u64(arg, 0, 65535, &v);
		cfg->port = (uint16_t)v;
		break;
	case 'T':
		r = parse_u64(arg, 1, 86400, &v);
		cfg->time_limit_s = (unsigned)v;
		break;
	case 's':
		r = parse_u64(arg, 1, LG_MAX_MSG, &v);
		cfg->msg_size = (size_t)v;
		break;
	case 'r':
		r = parse_u64(arg, 1, 10000000, &v);
		cfg->rate = (unsigned)v;
		break;
	default:
		return 1;
	}
	return r;
}

static int parse_args(int argc, char **argv, struct lg_config *cfg)
{
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "server-close", no_argument, NULL, 'S' },
		{ "size", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "46n:t:p:T:h", longopts, NULL)) != -1) {
		int r = c == 'h' ? 1 : parse_opt(c, optarg, cfg);

		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (r > 0) {
			usage(stderr);
			return -EINVAL;
		}
		if (r < 0) {
			fprintf(stderr, "loadgen: invalid value '%s' for -%c\n", optarg, c);
			return r;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static int resolve(const struct lg_config *cfg, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *a = cfg->addr ? cfg->addr : (cfg->family == AF_INET6 ? "::1" : "127.0.0.1");

	memset(ss, 0, sizeof(*ss));
	if (cfg->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		*len = sizeof(*s6);
		return inet_pton(AF_INET6, a, &s6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	*len = sizeof(*s4);
	return inet_pton(AF_INET, a, &s4->sin_addr) == 1 ? 0 : -EINVAL;
}

/* Reads exactly len bytes (or up to EOF when eof_ok); -errno on error. */
static ssize_t read_full(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r == 0)
			break;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* One client connection: connect, request, reply, close. */
static int client_once(const struct lg_shared *sh)
{
	char buf[LG_MAX_MSG];
	int fd = socket(sh->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (fd < 0)
		return -errno;
	memset(buf, 'q', sh->cfg->msg_size);
	if (connect(fd, (const struct sockaddr *)&sh->addr, sh->addrlen) < 0 ||
	    write(fd, buf, sh->cfg->msg_size) != (ssize_t)sh->cfg->msg_size)
		r = -errno;
	else if (read_full(fd, buf, sh->cfg->msg_size) != (ssize_t)sh->cfg->msg_size)
		r = -EPROTO;
	/* With --server-close, wait for the server's FIN so that it really
	 * closes first and the TIME_WAIT lands on its side. */
	if (r == 0 && sh->cfg->server_close && read_full(fd, buf, 1) != 0)
		r = -EPROTO;
	close(fd);
	return r;
}

/* Sleeps until the given CLOCK_MONOTONIC time: paced, steady load. */
static void pace(double at_s)
{
	double d = at_s - lg_now_s();

	if (d > 0) {
		struct timespec ts = { .tv_sec = (time_t)d,
				       .tv_nsec = (long)((d - (double)(time_t)d) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static void *client_thread(void *arg)
{
	struct lg_shared *sh = arg;
	unsigned consec = 0;

	for (;;) {
		uint64_t i = atomic_fetch_add(&sh->claimed, 1);

		if (i >= sh->cfg->conns || atomic_load(&sh->stop))
			break;
		if (sh->cfg->rate)
			pace(sh->t0_s + (double)i / sh->cfg->rate);
		if (client_once(sh) < 0) {
			atomic_fetch_add(&sh->errors, 1);
			if (++consec >= LG_MAX_CONSEC_ERRORS)
				break;
		} else {
			consec = 0;
			atomic_fetch_add(&sh->done, 1);
		}
		if (lg_now_s() >= sh->deadline_s) {
			atomic_store(&sh->timed_out, 1);
			break;
		}
	}
	return NULL;
}

static int run(const struct lg_config *cfg)
{
	struct lg_shared sh = { .cfg = cfg };
	struct lg_server srv;
	pthread_t tids[LG_MAX_THREADS];
	unsigned started = 0;
	double t0, t1;
	int r;

	if (resolve(cfg, &sh.addr, &sh.addrlen) < 0) {
		fprintf(stderr, "loadgen: invalid address '%s'\n", cfg->addr);
		return 2;
	}
	r = lg_server_start(&srv, cfg, &sh.addr, sh.addrlen);
	if (r < 0) {
		fprintf(stderr, "loadgen: server: %s\n", strerror(-r));
		return 1;
	}
	t0 = lg_now_s();
	sh.t0_s = t0;
	sh.deadline_s = t0 + cfg->time_limit_s;
	for (; started < cfg->threads; started++)
		if (pthread_create(&tids[started], NULL, client_thread, &sh) != 0)
			break;
	for (unsigned i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	t1 = lg_now_s();
	lg_server_stop(&srv);

	uint64_t done = atomic_load(&sh.done), errors = atomic_load(&sh.errors);
	double secs = t1 - t0;

	printf("loadgen conns=%llu errors=%llu seconds=%.6f conns_per_sec=%.1f threads=%u "
	       "family=%d close=%s server_served=%llu\n",
	       (unsigned long long)done, (unsigned long long)errors, secs,
	       secs > 0 ? (double)done / secs : 0.0, started, cfg->family == AF_INET6 ? 6 : 4,
	       cfg->server_close ? "server" : "client", (unsigned long long)srv.served);
	if (atomic_load(&sh.timed_out))
		fprintf(stderr, "loadgen: time limit of %u s reached\n", cfg->time_limit_s);
	return (started == cfg->threads && done == cfg->conns && errors == 0) ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct lg_config cfg = {
		.family = AF_INET,
		.conns = 10000,
		.threads = 2,
		.time_limit_s = 60,
		.msg_size = 64,
	};

	if (parse_args(argc, argv, &cfg) < 0)
		return 2;
	return run(&cfg);
}
