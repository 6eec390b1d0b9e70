// SPDX-License-Identifier: BSD-2-Clause
/*
 * loader.c - skeleton lifecycle: __open() -> rodata filters, ring buffer
 * size and autoload per plan (every program not in the plan is disabled,
 * so a flavour this kernel cannot load is never even verified) ->
 * __load(); then, once the trace header is on disk, __attach() ->
 * ring_buffer__new().  Each step is checked and undone on failure.
 */
#include "loader.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "filterexpr.h"
#include "tcprec.skel.h"

/* The wake-up step's ceiling: a buffer sized for a busy host's start-up
 * (ringsize.h) keeps the 16M buffer's batches. */
#define LOADER_WAKEUP_MAX (2u << 20)

/* Every program off, then on for each event's flavour in the plan, by
 * the names plan.c's event table gives.  -ENOENT when a name is not in
 * the object (the table and bpf/ disagree: a build error in spirit, and
 * test-plan checks it). */
static int set_autoload(struct tcprec_bpf *s, const struct probe_plan *plan, char *errbuf,
			size_t errlen)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, s->obj) bpf_program__set_autoload(prog, false);
	for (int e = 0; e < PE_COUNT; e++) {
		for (int i = 0; i < 2; i++) {
			const char *name = probe_event_program(e, plan->flavour[e], i);

			if (!name)
				continue;
			prog = bpf_object__find_program_by_name(s->obj, name);
			if (!prog) {
				snprintf(errbuf, errlen, "BPF program %s is not in the object",
					 name);
				return -ENOENT;
			}
			bpf_program__set_autoload(prog, true);
		}
	}
	if (plan->owner == PO_SOFTIRQ) {
		bpf_program__set_autoload(s->progs.on_softirq_entry, true);
		bpf_program__set_autoload(s->progs.on_softirq_exit, true);
	}
	return 0;
}

/* The compiled filter expression (lib/filterexpr.h) as the BPF
 * interpreter reads it (filterexpr.bpf.h): prefixes become masks. */
static void set_expr(struct tcprec_bpf *s, const struct fx_prog *prog)
{
	_Static_assert(FX_MAX_OPS == EV_FX_MAX_OPS, "expression length");
	_Static_assert((int)FX_PORT == (int)EV_FX_PORT && (int)FX_NET == (int)EV_FX_NET &&
			       (int)FX_FAMILY == (int)EV_FX_FAMILY &&
			       (int)FX_AND == (int)EV_FX_AND && (int)FX_OR == (int)EV_FX_OR &&
			       (int)FX_NOT == (int)EV_FX_NOT,
		       "expression op kinds");
	_Static_assert((int)FX_EITHER == (int)EV_FX_EITHER && (int)FX_SRC == (int)EV_FX_SRC &&
			       (int)FX_DST == (int)EV_FX_DST && (int)FX_BOTH == (int)EV_FX_BOTH,
		       "expression sides");
	s->rodata->cfg_fx_n_ops = prog->n_ops;
	for (unsigned int i = 0; i < prog->n_ops && i < EV_FX_MAX_OPS; i++) {
		const struct fx_op *op = &prog->ops[i];
		struct ev_fx_op *e = &s->rodata->cfg_fx_ops[i];
		uint8_t mask[16] = { 0 };

		for (unsigned int bit = 0; bit < op->prefix_len && bit < 128; bit++)
			mask[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
		memset(e, 0, sizeof(*e));
		e->kind = op->kind;
		e->side = op->side;
		e->family = op->family;
		e->lo = op->lo;
		e->hi = op->hi;
		memcpy(e->addr, op->addr, sizeof(e->addr));
		memcpy(e->mask, mask, sizeof(e->mask));
	}
}

static void set_filters(struct tcprec_bpf *s, const struct config *cfg,
			const struct probe_plan *plan)
{
	const struct pcap_src_filter *f = &cfg->filter;

	_Static_assert(PROBE_SOFTIRQ_RANGES == EV_SOFTIRQ_RANGES, "softirq range count");
	_Static_assert((int)PO_SOFTIRQ == (int)EV_OWNER_SOFTIRQ &&
			       (int)PO_STACK == (int)EV_OWNER_STACK,
		       "owner modes");
	s->rodata->cfg_owner_mode = (__u8)plan->owner;
	for (int i = 0; i < EV_SOFTIRQ_RANGES; i++) {
		s->rodata->cfg_softirq_lo[i] = plan->softirq_lo[i];
		s->rodata->cfg_softirq_hi[i] = plan->softirq_hi[i];
	}
	s->rodata->cfg_pid = cfg->pid;
	/* Wake at each eighth of fill (ev_submit()), at most every
	 * LOADER_WAKEUP_MAX: early enough that a burst never fills it before
	 * the 100 ms drain, rarely enough that wake-ups cost nothing. */
	s->rodata->cfg_wakeup_bytes = cfg->ringbuf_bytes / 8 < LOADER_WAKEUP_MAX
					      ? cfg->ringbuf_bytes / 8
					      : LOADER_WAKEUP_MAX;
	s->rodata->cfg_netns = cfg->netns;
	s->rodata->cfg_family = (__u8)f->only_family;
	s->rodata->cfg_seq = cfg->seq ? 1 : 0;
	_Static_assert((int)FIGURES_ALL == (int)EV_FIGURES_ALL &&
			       (int)FIGURES_CLOSE == (int)EV_FIGURES_CLOSE &&
			       (int)FIGURES_NONE == (int)EV_FIGURES_NONE,
		       "opts.h and events.h disagree");
	s->rodata->cfg_figures = (__u8)cfg->figures;
	s->rodata->cfg_n_ports = f->n_ports;
	for (unsigned int i = 0; i < f->n_ports && i < EV_MAX_PORTS; i++)
		s->rodata->cfg_ports[i] = f->ports[i];
	s->rodata->cfg_n_hosts = f->n_hosts;
	for (unsigned int i = 0; i < f->n_hosts && i < EV_MAX_HOSTS; i++) {
		memcpy(s->rodata->cfg_hosts[i].addr, f->hosts[i].addr, 16);
		s->rodata->cfg_hosts[i].family = f->hosts[i].family;
	}
	set_expr(s, &f->expr);
}

int loader_load(struct loader *l, const struct config *cfg, const struct probe_plan *plan,
		int ring_fd, char *errbuf, size_t errlen)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->skel = tcprec_bpf__open();
	if (!l->skel) {
		err = -errno;
		snprintf(errbuf, errlen, "opening the BPF object: %s", strerror(-err));
		return err;
	}
	set_filters(l->skel, cfg, plan);
	err = set_autoload(l->skel, plan, errbuf, errlen);
	if (err)
		goto fail;
	/* The owned-tuple map only serves --pid: keep it minimal otherwise. */
	err = bpf_map__set_max_entries(l->skel->maps.owned_tuples, cfg->pid ? 16384 : 1);
	if (!err)
		err = bpf_map__set_max_entries(l->skel->maps.events, (__u32)cfg->ringbuf_bytes);
	if (!err && ring_fd >= 0)
		err = bpf_map__reuse_fd(l->skel->maps.events, ring_fd);
	if (err) {
		snprintf(errbuf, errlen, "sizing the BPF maps: %s", strerror(-err));
		goto fail;
	}
	err = tcprec_bpf__load(l->skel);
	if (err) {
		snprintf(errbuf, errlen, "loading the BPF programs: %s", strerror(-err));
		goto fail;
	}
	return 0;
fail:
	loader_stop(l);
	return err;
}

/* The softirq trackers go first, so that every event program finds them
 * running; the skeleton's attach then skips programs already linked. */
static int attach_context_trackers(struct tcprec_bpf *s)
{
	if (!bpf_program__autoload(s->progs.on_softirq_entry))
		return 0;
	s->links.on_softirq_entry = bpf_program__attach(s->progs.on_softirq_entry);
	if (!s->links.on_softirq_entry)
		return -errno;
	s->links.on_softirq_exit = bpf_program__attach(s->progs.on_softirq_exit);
	return s->links.on_softirq_exit ? 0 : -errno;
}

int loader_attach(struct loader *l, ring_buffer_sample_fn sample_cb, void *cb_ctx, char *errbuf,
		  size_t errlen)
{
	int err = attach_context_trackers(l->skel);

	if (!err)
		err = tcprec_bpf__attach(l->skel);

	if (err) {
		snprintf(errbuf, errlen, "attaching the BPF programs: %s", strerror(-err));
		goto fail;
	}
	l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.events), sample_cb, cb_ctx, NULL);
	if (!l->rb) {
		err = -errno;
		snprintf(errbuf, errlen, "creating the ring buffer reader: %s", strerror(-err));
		goto fail;
	}
	return 0;
fail:
	loader_stop(l);
	return err;
}

int loader_iter_fd(const struct loader *l, enum loader_iter which)
{
	struct bpf_link *links[] = {
		[LOADER_ITER_SNAPSHOT] = l->skel->links.iter_tcp_snapshot,
		[LOADER_ITER_TIMEWAIT] = l->skel->links.iter_tcp_timewait,
		[LOADER_ITER_FIGURES] = l->skel->links.iter_tcp_figures,
	};
	struct bpf_link *link = links[which];
	int fd;

	if (!link)
		return -ENOENT;
	fd = bpf_iter_create(bpf_link__fd(link));
	return fd < 0 ? -errno : fd;
}

int loader_lost_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.lost_events);
}

/* libbpf hands us its own format strings; say so, for -Wformat-nonliteral. */
__attribute__((format(printf, 2, 0))) static int print_warn(enum libbpf_print_level level,
							    const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

__attribute__((format(printf, 2, 0))) static int print_info(enum libbpf_print_level level,
							    const char *fmt, va_list ap)
{
	return level != LIBBPF_DEBUG ? vfprintf(stderr, fmt, ap) : 0;
}

void loader_set_verbose(int verbose)
{
	libbpf_set_print(verbose ? print_info : print_warn);
}

void loader_stop(struct loader *l)
{
	ring_buffer__free(l->rb);
	l->rb = NULL;
	tcprec_bpf__destroy(l->skel);
	l->skel = NULL;
}

uint64_t loader_recursion_misses(const struct loader *l)
{
	struct bpf_program *prog;
	uint64_t misses = 0;

	if (!l->skel)
		return 0;
	bpf_object__for_each_program(prog, l->skel->obj)
	{
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			misses += info.recursion_misses;
	}
	return misses;
}
