// SPDX-License-Identifier: BSD-2-Clause
/*
 * loop.c - the recorder's single event loop.  epoll multiplexes the ring
 * buffer, a signalfd (SIGINT/SIGTERM: no work in signal handlers), a 1 s
 * timerfd (status, chunk flush), a 100 ms timerfd (ring buffer drain, lost
 * counters, the writer's flush check, TIME_WAIT poll), a one-shot --duration timerfd and
 * the live capture's fd.  The ring buffer is drained in batches of at most
 * DRAIN_BATCH records, so no source starves the others under load.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "drain_lost.h"
#include "header.h"
#include "loop.h"
#include "snapshot.h"

enum loop_src { SRC_RB, SRC_SIG, SRC_TICK, SRC_TW, SRC_DUR, SRC_PCAP, SRC_COUNT };

static int timer_new(uint64_t first_ns, uint64_t interval_ns)
{
	struct itimerspec its = {
		.it_value = { (time_t)(first_ns / 1000000000), (long)(first_ns % 1000000000) },
		.it_interval = { (time_t)(interval_ns / 1000000000),
				 (long)(interval_ns % 1000000000) },
	};
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	if (fd >= 0 && timerfd_settime(fd, 0, &its, NULL)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int add_fd(int ep, int fd, enum loop_src src)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = src };

	return fd < 0 ? 0 : epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void drain_fd(int fd)
{
	uint64_t buf[16];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int consume(struct live *l)
{
	return drain_consume(&l->d);
}

static uint64_t thread_cpu_ns(void)
{
	return header_now_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* Drains the ring buffer during a TIME_WAIT walk; its CPU is not the
 * walk's, so it is kept out of the walk's cost. */
static int walk_pump(void *ctx)
{
	struct live *l = ctx;
	uint64_t t0 = thread_cpu_ns();
	int err = drain_pump(&l->d);

	l->pump_cpu_ns += thread_cpu_ns() - t0;
	return err;
}

static int on_tick(struct live *l)
{
	uint64_t now = header_now_ns(CLOCK_MONOTONIC);
	int err;

	consume(l);
	err = drain_tick(&l->d, now);
	if (!err && l->pcap)
		err = pcap_src_report_drops(l->pcap, l->w, now + l->t_offset_ns);
	status_update(&l->status, &l->d, now);
	return err;
}

/* A failed walk is reported once and polling stops; the recording goes
 * on (TIME_WAIT then simply has no events).  Writer errors stay fatal. */
static int on_tw(struct live *l)
{
	struct iterwalk_pump pump = { .fn = walk_pump, .ctx = l };
	uint64_t start = header_now_ns(CLOCK_MONOTONIC), candidates, cpu0;
	int fd, err;

	consume(l); /* records are submitted without a wake-up (bpf/common.bpf.h) */
	if (drain_report_losses(&l->d, start) || drain_flush_due(&l->d, start))
		return l->d.werr;
	err = rotate_tick(&l->rot, l->w, start); /* -G */
	if (err && !l->d.werr)
		l->d.werr = err;
	if (l->d.werr)
		return l->d.werr;
	candidates = l->d.st.tw_candidates;
	if (!l->tw_polled || !tw_poll_due(&l->tw, start, candidates))
		return 0;
	tw_poll_walked(&l->tw, candidates);
	cpu0 = thread_cpu_ns();
	l->pump_cpu_ns = 0;
	fd = loader_iter_fd(&l->ld, LOADER_ITER_TIMEWAIT);
	if (fd >= 0)
		fd = tw_poll_walk(&l->tw, fd, start, &l->d.st.malformed, &pump);
	if (fd >= 0) {
		drain_pump(&l->d); /* transitions before the walk precede its results */
		fd = tw_poll_emit(&l->tw, &l->d, header_now_ns(CLOCK_MONOTONIC));
		if (fd >= 0)
			drain_tw_walked(&l->d, start);
	}
	tw_poll_cost(&l->tw, start, thread_cpu_ns() - cpu0 - l->pump_cpu_ns);
	if (fd < 0 && !l->d.werr) {
		fprintf(stderr, "tcprec: TIME_WAIT polling stopped: %s\n", strerror(-fd));
		l->tw_polled = 0;
		drain_tw_walked(&l->d, UINT64_MAX);
	}
	return l->d.werr;
}

/* Live capture segments go straight to the writer; they are added to the
 * drain's counters so the status line and -c include them. */
static int on_pcap(struct live *l)
{
	struct pcap_src_stats before, after;
	char errbuf[256] = "";
	int n;

	pcap_src_get_stats(l->pcap, &before);
	n = pcap_src_dispatch(l->pcap, l->w, 0, errbuf, sizeof(errbuf));
	pcap_src_get_stats(l->pcap, &after);
	l->d.st.by_type[TRC_EV_SEGMENT] += after.tcp_segments - before.tcp_segments;
	l->d.st.written += after.tcp_segments - before.tcp_segments;
	if (l->d.max_events && l->d.st.written >= l->d.max_events)
		l->d.done = 1;
	if (n < 0)
		snprintf(l->errmsg, sizeof(l->errmsg), "live capture: %s",
			 errbuf[0] ? errbuf : strerror(-n));
	return n < 0 ? n : 0;
}

static int handle(struct live *l, enum loop_src src, int fd, int *stop)
{
	struct signalfd_siginfo si;

	switch (src) {
	case SRC_RB:
		return consume(l);
	case SRC_SIG:
		if (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			l->end_reason = TRC_END_SIGNAL;
			*stop = 1;
		}
		return 0;
	case SRC_TICK:
		drain_fd(fd);
		return on_tick(l);
	case SRC_TW:
		drain_fd(fd);
		return on_tw(l);
	case SRC_DUR:
		l->end_reason = TRC_END_DURATION;
		*stop = 1;
		return 0;
	case SRC_PCAP:
		return on_pcap(l);
	default:
		return 0;
	}
}

static int loop_setup(struct live *l, int *fds, int *ep)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	fds[SRC_RB] = ring_buffer__epoll_fd(l->ld.rb);
	fds[SRC_SIG] = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	fds[SRC_TICK] = timer_new(1000000000ull, 1000000000ull);
	/* Drains the ring buffer, and polls TIME_WAIT when that is polled. */
	fds[SRC_TW] = timer_new(TW_POLL_INTERVAL_NS, TW_POLL_INTERVAL_NS);
	fds[SRC_DUR] = l->cfg->duration_s ? timer_new(l->cfg->duration_s * 1000000000ull, 0) : -1;
	fds[SRC_PCAP] = l->pcap ? pcap_src_fd(l->pcap) : -1;
	*ep = epoll_create1(EPOLL_CLOEXEC);
	if (*ep < 0 || fds[SRC_SIG] < 0 || fds[SRC_TICK] < 0 || fds[SRC_TW] < 0 ||
	    (l->cfg->duration_s && fds[SRC_DUR] < 0))
		return -errno;
	for (int i = 0; i < SRC_COUNT; i++)
		if (add_fd(*ep, fds[i], i))
			return -errno;
	return 0;
}

int loop_run(struct live *l)
{
	int fds[SRC_COUNT] = { -1, -1, -1, -1, -1, -1 }, ep = -1, stop = 0, err;

	err = loop_setup(l, fds, &ep);
	if (err)
		snprintf(l->errmsg, sizeof(l->errmsg), "setting up the event loop: %s",
			 strerror(-err));
	while (!err && !stop) {
		struct epoll_event evs[SRC_COUNT];
		int n = epoll_wait(ep, evs, SRC_COUNT, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		for (int i = 0; i < n && !err && !stop; i++) {
			enum loop_src src = evs[i].data.u32;

			err = handle(l, src, fds[src], &stop);
		}
		if (l->d.werr)
			err = l->d.werr;
		if (l->d.done && !stop) {
			l->end_reason = TRC_END_COUNT;
			stop = 1;
		}
		if (l->rot.stop && !stop) { /* -G with -W: the last file is done */
			l->end_reason = TRC_END_DURATION;
			stop = 1;
		}
	}
	/* What is still in the ring buffer belongs to the trace: all of it,
	 * batch after batch (bounded: a producer that never pauses cannot
	 * hold the exit forever; 2^20 batches exceed any ring buffer). */
	for (int i = 0; !err && !l->d.done && i < (1 << 20); i++) {
		err = consume(l);
		if (!l->d.yielded)
			break;
	}
	/* One last TIME_WAIT walk, whatever the walk budget says: a socket
	 * that entered TIME_WAIT since the last walk is recorded, not lost
	 * with the stop (the budget spaces walks seconds apart on a slow
	 * machine). */
	if (!err && !l->d.done && l->tw_polled) {
		l->tw.not_before_ns = 0;
		err = on_tw(l);
	}
	if (!err)
		err = drain_tick(&l->d, header_now_ns(CLOCK_MONOTONIC));
	if (err)
		l->end_reason = TRC_END_ERROR;
	for (int i = SRC_SIG; i < SRC_COUNT; i++)
		if (fds[i] >= 0 && i != SRC_PCAP)
			close(fds[i]);
	if (ep >= 0)
		close(ep);
	return err;
}
