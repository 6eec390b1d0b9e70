// SPDX-License-Identifier: BSD-2-Clause
/*
 * probes.c - capability probing.  Each program type is tested by loading
 * a two-instruction program ("return 0") against a real hook and
 * attaching it, then closing both: a few milliseconds per probe.  The
 * function and tracepoint inventory comes from the kernel's BTF and from
 * one pass over kallsyms (kprobe targets, softirq function ranges).
 */
#include "probes.h"

#include "kbtf.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static const char *const tp_category[PTP_COUNT] = {
	[PTP_SET_STATE] = "sock", [PTP_NETIF_RECEIVE_SKB] = "net", [PTP_NET_DEV_QUEUE] = "net",
	[PTP_RETRANSMIT] = "tcp", [PTP_SEND_RESET] = "tcp",	   [PTP_RECEIVE_RESET] = "tcp",
};

static int load_ret0(enum bpf_prog_type type, enum bpf_attach_type attach, __u32 btf_id)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach,
		    .attach_btf_id = btf_id);

	return bpf_prog_load(type, NULL, "GPL", ret0, 2, &opts);
}

/* Loads a tracing program for btf_id and attaches it; 1 when both work. */
static int try_tracing(enum bpf_attach_type attach, __u32 btf_id)
{
	int prog, link;

	if (!btf_id)
		return 0;
	prog = load_ret0(BPF_PROG_TYPE_TRACING, attach, btf_id);
	if (prog < 0)
		return 0;
	if (attach == BPF_TRACE_ITER)
		link = bpf_link_create(prog, 0, BPF_TRACE_ITER, NULL);
	else
		link = bpf_raw_tracepoint_open(NULL, prog);
	close(prog);
	if (link < 0)
		return 0;
	close(link);
	return 1;
}

static int try_raw_tp(const char *tp)
{
	int prog = load_ret0(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0), link;

	if (prog < 0)
		return 0;
	link = bpf_raw_tracepoint_open(tp, prog);
	close(prog);
	if (link < 0)
		return 0;
	close(link);
	return 1;
}

static long read_long_file(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "re");
	long v = -1;

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

/* perf_event_open() for a tracepoint id or a kprobe, then attach prog. */
static int try_perf_attach(enum bpf_prog_type type, __u32 pmu_type, __u64 config, const char *kfunc)
{
	struct perf_event_attr attr = { .size = sizeof(attr), .type = pmu_type };
	int prog, pfd, ok;

	attr.config = config;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	if (kfunc)
		attr.config1 = (__u64)(unsigned long)kfunc; /* kprobe_func */
	prog = load_ret0(type, 0, 0);
	if (prog < 0)
		return 0;
	pfd = (int)syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	ok = pfd >= 0 && ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog) == 0;
	if (pfd >= 0)
		close(pfd);
	close(prog);
	return ok;
}

static void probe_tracefs(struct probe_caps *c)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[256];

	for (int t = 0; t < PTP_COUNT; t++) {
		for (size_t r = 0; r < 2 && !c->tp_tracefs[t]; r++) {
			long id;

			snprintf(path, sizeof(path), "%s/events/%s/%s/id", roots[r], tp_category[t],
				 probe_tp_name(t));
			id = read_long_file(path);
			if (id < 0)
				continue;
			c->tp_tracefs[t] = 1;
			if (t == PTP_SET_STATE)
				c->tracepoint =
					try_perf_attach(BPF_PROG_TYPE_TRACEPOINT,
							PERF_TYPE_TRACEPOINT, (__u64)id, NULL);
		}
	}
}

/* Softirq entry functions; a frame inside one means softirq context. */
static const char *const softirq_funcs[PROBE_SOFTIRQ_RANGES] = {
	"handle_softirqs",
	"__do_softirq",
	"net_rx_action",
	"run_ksoftirqd",
};

struct ksyms {
	uint64_t *text; /* addresses of all text symbols */
	size_t n, cap;
};

static int ksyms_push(struct ksyms *k, uint64_t addr)
{
	if (k->n == k->cap) {
		size_t ncap = k->cap ? k->cap * 2 : 65536;
		uint64_t *a = realloc(k->text, ncap * sizeof(*a));

		if (!a)
			return -1;
		k->text = a;
		k->cap = ncap;
	}
	k->text[k->n++] = addr;
	return 0;
}

static void match_name(struct probe_caps *c, const char *name, uint64_t addr)
{
	for (int i = 0; i < PFN_COUNT; i++)
		if (!strcmp(name, probe_func_name(i)))
			c->func_ksym[i] = 1;
	for (int i = 0; i < PROBE_SOFTIRQ_RANGES; i++)
		if (!strcmp(name, softirq_funcs[i]))
			c->softirq_lo[i] = addr;
}

/* Reading all of /proc/kallsyms costs the kernel ~100 ms: stop once the
 * range is known, unless kprobe targets are wanted too.  Since v6.10 every
 * softirq (irq exit, local_bh_enable(), ksoftirqd) runs handle_softirqs,
 * and the core kernel's symbols are listed in address order, so the next
 * symbol closes its range.  Older kernels need the whole list
 * (__do_softirq, net_rx_action, run_ksoftirqd). */
static int kallsyms_done(const struct probe_caps *c, const struct ksyms *k)
{
	if (c->kprobe || !c->softirq_lo[0])
		return 0;
	return k->n && k->text[k->n - 1] > c->softirq_lo[0];
}

/* One pass over /proc/kallsyms: kprobe targets, and the softirq entry
 * functions' ranges (a function ends where the next text symbol starts). */
static void probe_kallsyms(struct probe_caps *c)
{
	struct ksyms k = { 0 };
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *end, *name;
		uint64_t addr = strtoull(line, &end, 16);

		if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
			continue;
		if (end[1] != 't' && end[1] != 'T')
			continue;
		name = end + 3;
		name[strcspn(name, " \t\n")] = '\0';
		if (!addr || ksyms_push(&k, addr))
			continue;
		match_name(c, name, addr);
		if (kallsyms_done(c, &k))
			break;
	}
	fclose(f);
	for (int i = 0; i < PROBE_SOFTIRQ_RANGES; i++) {
		uint64_t hi = UINT64_MAX;

		for (size_t j = 0; c->softirq_lo[i] && j < k.n; j++)
			if (k.text[j] > c->softirq_lo[i] && k.text[j] < hi)
				hi = k.text[j];
		c->softirq_hi[i] = hi == UINT64_MAX ? 0 : hi;
		if (!c->softirq_hi[i])
			c->softirq_lo[i] = 0;
	}
	free(k.text);
	/* The BPF side tests range 0 first: keep found ranges in front. */
	for (int i = 0, o = 0; i < PROBE_SOFTIRQ_RANGES; i++) {
		if (c->softirq_lo[i]) {
			c->softirq_lo[o] = c->softirq_lo[i];
			c->softirq_hi[o] = c->softirq_hi[i];
			if (o++ != i)
				c->softirq_lo[i] = c->softirq_hi[i] = 0;
		}
	}
}

static void probe_kprobe(struct probe_caps *c)
{
	long type = read_long_file("/sys/bus/event_source/devices/kprobe/type");

	if (type < 0)
		return;
	c->kprobe = try_perf_attach(BPF_PROG_TYPE_KPROBE, (__u32)type, 0,
				    probe_func_name(PFN_TCP_V4_RCV));
}

/* Indices into the one batch of BTF names probe_btf() asks. */
enum {
	Q_FUNC = 0,		   /* PFN_COUNT functions */
	Q_TP = Q_FUNC + PFN_COUNT, /* PTP_COUNT btf_trace_<tp> typedefs */
	Q_SOFTIRQ_ENTRY = Q_TP + PTP_COUNT,
	Q_SOFTIRQ_EXIT,
	Q_ITER_TCP,
	Q_COUNT,
};

static void probe_btf(struct probe_caps *c, const struct btf *btf)
{
	char tp_names[PTP_COUNT][128];
	struct kbtf_query q[Q_COUNT] = {
		[Q_SOFTIRQ_ENTRY] = { "btf_trace_softirq_entry", BTF_KIND_TYPEDEF, 0 },
		[Q_SOFTIRQ_EXIT] = { "btf_trace_softirq_exit", BTF_KIND_TYPEDEF, 0 },
		[Q_ITER_TCP] = { "bpf_iter_tcp", BTF_KIND_FUNC, 0 },
	};

	for (int i = 0; i < PFN_COUNT; i++)
		q[Q_FUNC + i] = (struct kbtf_query){ probe_func_name(i), BTF_KIND_FUNC, 0 };
	for (int t = 0; t < PTP_COUNT; t++) {
		snprintf(tp_names[t], sizeof(tp_names[t]), "btf_trace_%s", probe_tp_name(t));
		q[Q_TP + t] = (struct kbtf_query){ tp_names[t], BTF_KIND_TYPEDEF, 0 };
	}
	kbtf_find_all(btf, q, Q_COUNT);
	for (int i = 0; i < PFN_COUNT; i++)
		c->func_btf[i] = q[Q_FUNC + i].id > 0;
	for (int t = 0; t < PTP_COUNT; t++)
		c->tp_btf_type[t] = q[Q_TP + t].id > 0;
	c->softirq_tp_btf = q[Q_SOFTIRQ_ENTRY].id > 0 && q[Q_SOFTIRQ_EXIT].id > 0;
	c->tp_btf = try_tracing(BPF_TRACE_RAW_TP, (__u32)q[Q_TP + PTP_SET_STATE].id);
	c->fentry = try_tracing(BPF_TRACE_FENTRY, (__u32)q[Q_FUNC + PFN_TCP_V4_RCV].id);
	c->iter_tcp = try_tracing(BPF_TRACE_ITER, (__u32)q[Q_ITER_TCP].id);
}

static int forced(const enum probe_flavour *force, enum probe_flavour f)
{
	for (int e = 0; force && e < PE_COUNT; e++)
		if (force[e] == f)
			return 1;
	return 0;
}

void probe_caps_gather(struct probe_caps *c)
{
	probe_caps_gather_forced(c, NULL);
}

void probe_caps_gather_forced(struct probe_caps *c, const enum probe_flavour *force)
{
	struct btf *btf;
	int fd;

	memset(c, 0, sizeof(*c));
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, (__u32)sysconf(_SC_PAGESIZE), NULL);
	if (fd >= 0) {
		c->ringbuf = 1;
		close(fd);
	}
	btf = kbtf_load_vmlinux();
	if (btf) {
		probe_btf(c, btf);
		btf__free(btf);
	}
	/* Fallbacks are probed only when needed: attaching a classic
	 * tracepoint alone costs tens of ms (perf event registration). */
	if (!c->tp_btf || forced(force, PF_RAW_TP))
		c->raw_tp = try_raw_tp(probe_tp_name(PTP_SET_STATE));
	if ((!c->tp_btf && !c->raw_tp) || forced(force, PF_TRACEPOINT))
		probe_tracefs(c);
	probe_kprobe(c);
	probe_kallsyms(c);
	c->preempt_rt = read_long_file("/sys/kernel/realtime") == 1;
}
