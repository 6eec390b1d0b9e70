// SPDX-License-Identifier: BSD-2-Clause
/*
 * live.c - a live recording from start to end: privilege check, probing
 * and plan, output file and header (flushed before anything attaches),
 * loading and attaching, ready (reported, and written into the header),
 * namespace entry, start-up snapshot, privilege drop, the event loop, and
 * the trailer on every exit path that can run.
 * Programs are loaded before the output is created (so the header names
 * the probes that really loaded) and attached after the header is
 * flushed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drain_lost.h"
#include "header.h"
#include "loop.h"
#include "output.h"
#include "privs.h"
#include "probes.h"
#include "ringalloc.h"
#include "endwalk.h"
#include "snapshot.h"
#include "tcprec.h"

/* After the summary: a count that no loss record carries, so it must not
 * go unsaid. */
static void report_missed(uint64_t misses)
{
	if (misses)
		fprintf(stderr,
			"tcprec: warning: the kernel skipped %llu probe run(s) that would have "
			"recorded events (a probe was already running on that CPU)\n",
			(unsigned long long)misses);
}

static int choose_plan(struct live *l, const char **packets)
{
	const struct config *cfg = l->cfg;
	int err;

	err = probe_plan_select_forced(&l->caps, cfg->force, &l->plan);
	if (err) {
		snprintf(l->errmsg, sizeof(l->errmsg), "cannot record here: %s", l->plan.error);
		return err;
	}
	if (cfg->packets == PACKETS_NONE || cfg->packets == PACKETS_PCAP)
		probe_plan_no_segments(&l->plan);
	if (cfg->figures == FIGURES_NONE)
		probe_plan_no_figures(&l->plan);
	if (cfg->packets == PACKETS_BPF &&
	    (l->plan.flavour[PE_SEG_RX] == PF_NONE || l->plan.flavour[PE_SEG_TX] == PF_NONE)) {
		snprintf(l->errmsg, sizeof(l->errmsg),
			 "--packets=bpf: no BPF segment hook loads here; use -i IFACE");
		return -EOPNOTSUPP;
	}
	*packets = cfg->packets == PACKETS_PCAP		   ? "pcap"
		   : l->plan.flavour[PE_SEG_RX] != PF_NONE ? "bpf"
							   : "none";
	l->tw_polled = l->plan.flavour[PE_TW_EXIT] == PF_ITER;
	return 0;
}

/* Header fields and, with -i, the live capture (it sets the clock). */
static int prepare_header(struct live *l, const char *packets)
{
	const struct config *cfg = l->cfg;
	char errbuf[300] = "";

	if (cfg->iface) {
		struct pcap_src_opts o = { .iface = cfg->iface, .filter = &cfg->filter };

		memcpy(o.local_nets, cfg->local_nets, sizeof(o.local_nets));
		o.n_local_nets = cfg->n_local_nets;
		l->pcap = pcap_src_open(&o, &l->hdr, errbuf, sizeof(errbuf));
		if (!l->pcap) {
			snprintf(l->errmsg, sizeof(l->errmsg), "-i %s: %s", cfg->iface, errbuf);
			return -ENODEV;
		}
		/* Capture times are wall-clock: BPF times are shifted to match. */
		l->t_offset_ns = header_now_ns(CLOCK_REALTIME) - header_now_ns(CLOCK_MONOTONIC);
		snprintf(errbuf, sizeof(errbuf), "ebpf,%s", l->hdr.source);
		header_set_str(l->hdr.source, sizeof(l->hdr.source), errbuf);
	} else {
		header_anchor_monotonic(&l->hdr);
		header_set_str(l->hdr.source, sizeof(l->hdr.source), "ebpf");
	}
	header_fill_host(&l->hdr);
	probe_plan_format(&l->plan, l->hdr.probes, sizeof(l->hdr.probes));
	header_set_tw_netns(&l->hdr, l->tw_polled, cfg->netns);
	opts_filters_text(cfg, l->hdr.filters, sizeof(l->hdr.filters));
	opts_options_text(cfg, packets, l->hdr.options, sizeof(l->hdr.options));
	return 0;
}

static int open_output(struct live *l)
{
	struct trc_error terr = { 0 };

	int named = rotate_init(&l->rot, l->cfg->output, &l->cfg->rotate, time(NULL),
				header_now_ns(CLOCK_MONOTONIC));

	l->fd = named ? named : rotate_open(&l->rot);
	if (l->fd < 0) {
		snprintf(l->errmsg, sizeof(l->errmsg), "%s: %s",
			 named ? l->cfg->output : rotate_name(&l->rot), strerror(-l->fd));
		return l->fd;
	}
	struct trc_writer_opts o = { .sz = sizeof(o), .flush_interval_ns = DRAIN_FLUSH_NS };

	l->rot.malformed = &l->d.st.malformed;
	rotate_writer_opts(&l->rot, &o);
	l->w = trc_writer_open_fd(l->fd, &l->hdr, &o, &terr);
	if (!l->w) {
		snprintf(l->errmsg, sizeof(l->errmsg), "%s: %s", rotate_name(&l->rot), terr.msg);
		return -errno ?: -EIO;
	}
	return 0;
}

static int uses_functions(const enum probe_flavour *flavour)
{
	for (int e = 0; e < PE_COUNT; e++)
		if (flavour[e] == PF_FENTRY || flavour[e] == PF_KPROBE)
			return 1;
	return 0;
}

/* Probes, plan, load.  Function hooks passed the probes, but a real
 * program may still be refused (a target not traceable after all): then
 * the plan falls back to tracepoints once, before the header records it. */
static int plan_and_load(struct live *l, const char **packets)
{
	int err;

	probe_caps_gather_forced(&l->caps, l->cfg->force);
	err = choose_plan(l, packets);
	if (err)
		return err;
	err = loader_load(&l->ld, l->cfg, &l->plan, ringalloc_fd(&l->ring), l->errmsg,
			  sizeof(l->errmsg));
	/* A flavour forced with --probe is not replaced. */
	if (err && uses_functions(l->plan.flavour) && !uses_functions(l->cfg->force)) {
		fprintf(stderr, "tcprec: %s; retrying without fentry/kprobe hooks\n", l->errmsg);
		l->errmsg[0] = '\0';
		l->caps.fentry = l->caps.kprobe = 0;
		err = choose_plan(l, packets);
		if (!err)
			err = loader_load(&l->ld, l->cfg, &l->plan, ringalloc_fd(&l->ring),
					  l->errmsg, sizeof(l->errmsg));
	}
	return err;
}

/* Ready: every program attached and the ring buffer drained from here
 * on.  Written into the header (when the output can seek) and, with -v,
 * reported on stderr; the start-up snapshot follows, streamed. */
static void mark_ready(struct live *l, uint64_t start_ns, uint64_t probed_ns)
{
	uint64_t now = header_now_ns(CLOCK_MONOTONIC);
	int err;

	l->hdr.ready_ns = now + l->t_offset_ns;
	l->hdr.startup_ns = now - start_ns;
	err = trc_writer_update_header(l->w, &l->hdr);
	if (err && err != -ESPIPE)
		fprintf(stderr, "tcprec: writing the ready time into the header: %s\n",
			strerror(-err));
	if (!l->cfg->verbose)
		return;
	fprintf(stderr, "tcprec: probes: %s\n", l->hdr.probes);
	fprintf(stderr, "tcprec: ready in %.1f ms (probing+load %.1f ms, attach %.1f ms)\n",
		(double)(now - start_ns) / 1e6, (double)(probed_ns - start_ns) / 1e6,
		(double)(now - probed_ns) / 1e6);
}

static int run_snapshot(struct live *l)
{
	uint64_t t0 = header_now_ns(CLOCK_MONOTONIC), skipped = l->d.st.snapshot_skipped;
	int n, fd = loader_iter_fd(&l->ld, LOADER_ITER_SNAPSHOT);

	n = fd < 0 ? fd : snapshot_run(fd, &l->d, l->tw_polled ? &l->tw : NULL, t0);
	if (n < 0) {
		snprintf(l->errmsg, sizeof(l->errmsg), "start-up snapshot: %s", strerror(-n));
		return n;
	}
	if (l->cfg->verbose)
		fprintf(stderr, "tcprec: snapshot: %d sockets (%llu seen live first) in %.1f ms\n",
			n, (unsigned long long)(l->d.st.snapshot_skipped - skipped),
			(double)(header_now_ns(CLOCK_MONOTONIC) - t0) / 1e6);
	return 0;
}

/* Attach, report ready, enter the namespace, snapshot, drop privileges. */
static int start(struct live *l, uint64_t start_ns, uint64_t probed_ns)
{
	uint64_t now = header_now_ns(CLOCK_MONOTONIC);
	int err, snapped = 0;

	tw_poll_init(&l->tw, now);
	err = drain_init(&l->d, l->w, l->cfg->max_events, l->t_offset_ns, now);
	if (!err && l->tw_polled)
		drain_tw_walked(&l->d, 0); /* no walk yet */
	if (!err)
		err = loader_attach(&l->ld, drain_sample, &l->d, l->errmsg, sizeof(l->errmsg));
	if (!err)
		err = drain_set_lost_fd(&l->d, loader_lost_fd(&l->ld));
	l->d.rb = l->ld.rb; /* drained from here on, the snapshot included */
	if (err) {
		if (!l->errmsg[0])
			snprintf(l->errmsg, sizeof(l->errmsg), "%s", strerror(-err));
		return err;
	}
	mark_ready(l, start_ns, probed_ns);
	/* iter/tcp walks the namespace the iterator is opened in. */
	if (l->cfg->netns &&
	    privs_enter_netns(l->cfg->netns, l->cfg->netns_path, l->errmsg, sizeof(l->errmsg))) {
		fprintf(stderr, "tcprec: %s: no snapshot or TIME_WAIT for that namespace\n",
			l->errmsg);
		l->errmsg[0] = '\0';
		l->tw_polled = 0;
		drain_tw_walked(&l->d, UINT64_MAX);
		/* No walk: none watched (a pipe keeps the header it had). */
		header_set_tw_netns(&l->hdr, 0, 0);
		(void)trc_writer_update_header(l->w, &l->hdr);
	} else if (l->plan.flavour[PE_SNAPSHOT] == PF_ITER) {
		err = run_snapshot(l);
		if (err)
			return err;
		snapped = 1;
	}
	/* -v always says when the snapshot is over (tests wait for it). */
	if (l->cfg->verbose && !snapped)
		fprintf(stderr, "tcprec: snapshot: none\n");
	if (l->cfg->user)
		return privs_drop(l->cfg->user, l->errmsg, sizeof(l->errmsg));
	return 0;
}

/* The figures of the sockets still open, after the last events were
 * drained.  Not fatal: the trace is complete without them. */
static void run_endwalk(struct live *l)
{
	uint64_t t0 = header_now_ns(CLOCK_MONOTONIC);
	int n, fd;

	if (l->plan.flavour[PE_FIGURES_END] != PF_ITER || !l->w)
		return;
	fd = loader_iter_fd(&l->ld, LOADER_ITER_FIGURES);
	n = fd < 0 ? fd : endwalk_run(fd, &l->d);
	if (n < 0)
		fprintf(stderr, "tcprec: figures of the open sockets: %s\n", strerror(-n));
	else if (l->cfg->verbose)
		fprintf(stderr, "tcprec: figures of %d open sockets in %.1f ms\n", n,
			(double)(header_now_ns(CLOCK_MONOTONIC) - t0) / 1e6);
}

static const char *end_name(enum trc_end_reason r)
{
	switch (r) {
	case TRC_END_SIGNAL:
		return "stopped by signal";
	case TRC_END_COUNT:
		return "event count reached";
	case TRC_END_DURATION:
		return "duration elapsed";
	default:
		return "stopped by an error";
	}
}

/* Trailer, fdatasync, close; returns the first error. */
static int finish(struct live *l, int err)
{
	struct trc_trailer extra = { 0 };
	struct trc_error terr = { 0 };
	int cerr;

	extra.malformed = rotate_file_malformed(&l->rot);
	extra.end_realtime_ns = header_now_ns(CLOCK_REALTIME);
	extra.end_reason = err ? TRC_END_ERROR : l->end_reason;
	trc_writer_get_stats(l->w, &l->d.ws_final);
	cerr = trc_writer_close(l->w, &extra, &terr);
	l->w = NULL;
	l->d.w = NULL;
	if (cerr && !err) {
		err = cerr;
		snprintf(l->errmsg, sizeof(l->errmsg), "writing %s: %s", rotate_name(&l->rot),
			 terr.msg[0] ? terr.msg : strerror(-cerr));
	}
	if (!cerr && fdatasync(l->rot.fd) && errno != EINVAL && !err) {
		err = -errno;
		snprintf(l->errmsg, sizeof(l->errmsg), "syncing %s: %s", rotate_name(&l->rot),
			 strerror(errno));
	}
	output_close(l->rot.fd, l->rot.path, 0);
	l->fd = l->rot.fd = -1;
	return err;
}

static void block_signals(void)
{
	sigset_t mask;

	/* Delivered through the loop's signalfd; a Ctrl-C during start-up
	 * waits there and still ends the recording cleanly. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
}

int live_run(const struct config *cfg, uint64_t start_ns)
{
	struct live l = { .cfg = cfg, .fd = -1, .end_reason = TRC_END_UNKNOWN };
	const char *packets = "none";
	uint64_t probed_ns;
	int err;

	block_signals();
	err = privs_check(l.errmsg, sizeof(l.errmsg));
	if (err) {
		fprintf(stderr, "tcprec: %s\n", l.errmsg);
		return TCPREC_EXIT_ERROR;
	}
	loader_set_verbose(cfg->verbose);
	ringalloc_start(&l.ring, cfg->ringbuf_bytes);
	err = plan_and_load(&l, &packets);
	if (cfg->verbose && ringalloc_fd(&l.ring) >= 0)
		fprintf(stderr, "tcprec: ring buffer created in %.1f ms, beside the probing\n",
			(double)l.ring.create_ns / 1e6);
	/* The loaded object holds the map; a failed load leaves it unused. */
	ringalloc_close(&l.ring);
	probed_ns = header_now_ns(CLOCK_MONOTONIC);
	if (!err)
		err = prepare_header(&l, packets);
	if (!err)
		err = open_output(&l);
	if (!err)
		err = start(&l, start_ns, probed_ns);
	if (err) {
		fprintf(stderr, "tcprec: %s\n", l.errmsg);
		/* Nothing was recorded: leave no file behind. */
		trc_writer_close(l.w, NULL, NULL);
		output_close(l.fd, l.rot.path, l.fd >= 0);
		loader_stop(&l.ld);
		drain_fini(&l.d);
		tw_poll_fini(&l.tw);
		pcap_src_close(l.pcap);
		return TCPREC_EXIT_ERROR;
	}
	status_init(&l.status, cfg->quiet);
	err = loop_run(&l);
	if (!err)
		run_endwalk(&l);
	if (err && !l.errmsg[0])
		snprintf(l.errmsg, sizeof(l.errmsg), "writing %s: %s", rotate_name(&l.rot),
			 strerror(-err));
	err = finish(&l, err);
	/* Before the summary, which stays the last line. */
	if (cfg->verbose && l.tw.walks)
		fprintf(stderr, "tcprec: TIME_WAIT walks: %llu, %.1f ms CPU each on average\n",
			(unsigned long long)l.tw.walks,
			(double)l.tw.walk_cpu_ns / (double)l.tw.walks / 1e6);
	status_final(&l.status, &l.d, err ? "stopped by an error" : end_name(l.end_reason));
	report_missed(loader_recursion_misses(&l.ld));
	if (err)
		fprintf(stderr, "tcprec: %s\n", l.errmsg);
	loader_stop(&l.ld);
	drain_fini(&l.d);
	tw_poll_fini(&l.tw);
	pcap_src_close(l.pcap);
	return err ? TCPREC_EXIT_ERROR : TCPREC_EXIT_OK;
}
