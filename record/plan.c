// SPDX-License-Identifier: BSD-2-Clause
/*
 * plan.c - chooses an attach flavour per event from struct probe_caps.
 * Pure: no kernel access, so every fallback path is unit-tested with
 * fabricated capabilities.  A flavour is chosen only when the program type
 * loads here AND every kernel function or tracepoint it hooks exists
 * (functions get inlined or renamed; tracepoints are stable).
 */
#include "plan.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const flavour_names[] = {
	[PF_NONE] = "none",	[PF_FENTRY] = "fentry", [PF_KPROBE] = "kprobe",
	[PF_TP_BTF] = "tp_btf", [PF_RAW_TP] = "raw_tp", [PF_TRACEPOINT] = "tracepoint",
	[PF_ITER] = "iter",
};

static const char *const func_names[PFN_COUNT] = {
	[PFN_TCP_V4_RCV] = "tcp_v4_rcv",      [PFN_TCP_V6_RCV] = "tcp_v6_rcv",
	[PFN_IP_OUTPUT] = "ip_output",	      [PFN_IP6_OUTPUT] = "ip6_output",
	[PFN_TWSK_ALLOC] = "inet_twsk_alloc", [PFN_TWSK_FREE] = "inet_twsk_free",
};

static const char *const tp_names[PTP_COUNT] = {
	[PTP_SET_STATE] = "inet_sock_set_state", [PTP_NETIF_RECEIVE_SKB] = "netif_receive_skb",
	[PTP_NET_DEV_QUEUE] = "net_dev_queue",	 [PTP_RETRANSMIT] = "tcp_retransmit_skb",
	[PTP_SEND_RESET] = "tcp_send_reset",	 [PTP_RECEIVE_RESET] = "tcp_receive_reset",
};

/* One row per event: the kernel hooks its flavours need and the BPF
 * programs (bpf/ *.bpf.c) that record it in each flavour; a flavour is
 * offered when it names a program.  The plan (usable(), --probe), the
 * header's probe text and the loader (probe_event_program()) read only
 * this, so an event or a flavour is added here and in its BPF file. */
struct event_desc {
	const char *name;
	int func[2]; /* enum probe_func pair hooked by fentry/kprobe; -1: none */
	int tp;	     /* enum probe_tp of the tracepoint flavours; -1: none */
	const char *prog[PF_COUNT][2];
};

/* clang-format off */
static const struct event_desc events[PE_COUNT] = {
	[PE_STATES] = { "states", { -1, -1 }, PTP_SET_STATE, {
		[PF_TP_BTF] = { "on_set_state_btf" },
		[PF_RAW_TP] = { "on_set_state_raw" },
		[PF_TRACEPOINT] = { "on_set_state_tp" } } },
	[PE_SEG_RX] = { "seg_rx", { PFN_TCP_V4_RCV, PFN_TCP_V6_RCV }, PTP_NETIF_RECEIVE_SKB, {
		[PF_FENTRY] = { "on_rcv4_fentry", "on_rcv6_fentry" },
		[PF_KPROBE] = { "on_rcv4_kprobe", "on_rcv6_kprobe" },
		[PF_TP_BTF] = { "on_rcv_btf" } } },
	[PE_SEG_TX] = { "seg_tx", { PFN_IP_OUTPUT, PFN_IP6_OUTPUT }, PTP_NET_DEV_QUEUE, {
		[PF_FENTRY] = { "on_out4_fentry", "on_out6_fentry" },
		[PF_KPROBE] = { "on_out4_kprobe", "on_out6_kprobe" },
		[PF_TP_BTF] = { "on_xmit_btf" } } },
	[PE_TW_ENTER] = { "tw_enter", { PFN_TWSK_ALLOC, PFN_TWSK_FREE }, -1, {
		[PF_FENTRY] = { "on_tw_alloc_fexit" },
		[PF_ITER] = { "iter_tcp_timewait" } } },
	[PE_TW_EXIT] = { "tw_exit", { PFN_TWSK_ALLOC, PFN_TWSK_FREE }, -1, {
		[PF_FENTRY] = { "on_tw_free_fentry" },
		[PF_ITER] = { "iter_tcp_timewait" } } },
	[PE_RETRANSMIT] = { "retransmit", { -1, -1 }, PTP_RETRANSMIT, {
		[PF_TP_BTF] = { "on_retransmit_btf" } } },
	[PE_RESET_TX] = { "reset_tx", { -1, -1 }, PTP_SEND_RESET, {
		[PF_TP_BTF] = { "on_send_reset_btf" } } },
	[PE_RESET_RX] = { "reset_rx", { -1, -1 }, PTP_RECEIVE_RESET, {
		[PF_TP_BTF] = { "on_receive_reset_btf" } } },
	[PE_SNAPSHOT] = { "snapshot", { -1, -1 }, -1, {
		[PF_ITER] = { "iter_tcp_snapshot" } } },
	[PE_FIGURES_END] = { "figures_end", { -1, -1 }, -1, {
		[PF_ITER] = { "iter_tcp_figures" } } },
};
/* clang-format on */

static bool offers(enum probe_event e, enum probe_flavour f)
{
	return (unsigned int)f < PF_COUNT && events[e].prog[f][0];
}

const char *probe_event_program(enum probe_event e, enum probe_flavour f, int i)
{
	if ((unsigned int)e >= PE_COUNT || (unsigned int)f >= PF_COUNT || i < 0 || i > 1)
		return NULL;
	return events[e].prog[f][i];
}

const char *probe_flavour_name(enum probe_flavour f)
{
	return (unsigned int)f < PF_COUNT ? flavour_names[f] : "?";
}

const char *probe_owner_name(enum probe_owner o)
{
	switch (o) {
	case PO_NONE:
		return "none";
	case PO_STACK:
		return "stack";
	case PO_SOFTIRQ:
		return "softirq";
	}
	return "?";
}

const char *probe_event_name(enum probe_event e)
{
	return (unsigned int)e < PE_COUNT ? events[e].name : "?";
}

const char *probe_func_name(enum probe_func f)
{
	return (unsigned int)f < PFN_COUNT ? func_names[f] : "?";
}

const char *probe_tp_name(enum probe_tp tp)
{
	return (unsigned int)tp < PTP_COUNT ? tp_names[tp] : "?";
}

static int funcs_ok(const int *have, enum probe_event e)
{
	for (int i = 0; i < 2; i++)
		if (events[e].func[i] < 0 || !have[events[e].func[i]])
			return 0;
	return 1;
}

static int usable(const struct probe_caps *c, enum probe_event e, enum probe_flavour f)
{
	int tp = events[e].tp;

	if (!offers(e, f))
		return 0;
	switch (f) {
	case PF_FENTRY:
		return c->fentry && funcs_ok(c->func_btf, e);
	case PF_KPROBE:
		return c->kprobe && funcs_ok(c->func_ksym, e);
	case PF_TP_BTF:
		return c->tp_btf && tp >= 0 && c->tp_btf_type[tp];
	case PF_RAW_TP:
		return c->raw_tp && tp >= 0 && c->tp_btf_type[tp];
	case PF_TRACEPOINT:
		return c->tracepoint && tp >= 0 && c->tp_tracefs[tp];
	case PF_ITER:
		return c->iter_tcp;
	default:
		return 0;
	}
}

static const enum probe_flavour preference[] = {
	PF_FENTRY, PF_KPROBE, PF_TP_BTF, PF_RAW_TP, PF_TRACEPOINT, PF_ITER,
};

/* The softirq flag needs tp_btf (the tracepoints pass no context a raw
 * program could use more cheaply) and non-preemptible softirqs; the stack
 * walk needs the softirq functions' ranges.  Neither: no owners, rather
 * than wrong ones. */
static enum probe_owner select_owner(const struct probe_caps *c)
{
	if (c->tp_btf && c->softirq_tp_btf && !c->preempt_rt)
		return PO_SOFTIRQ;
	if (c->softirq_lo[0] && c->softirq_hi[0] > c->softirq_lo[0])
		return PO_STACK;
	return PO_NONE;
}

static int plan_preferred(const struct probe_caps *caps, struct probe_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	for (int e = 0; e < PE_COUNT; e++) {
		for (size_t i = 0; i < sizeof(preference) / sizeof(preference[0]); i++) {
			if (usable(caps, e, preference[i])) {
				plan->flavour[e] = preference[i];
				break;
			}
		}
	}
	/* Enter and exit must come from the same mechanism, or a polled exit
	 * could pair with an exact enter of another walk. */
	if (plan->flavour[PE_TW_ENTER] != plan->flavour[PE_TW_EXIT])
		plan->flavour[PE_TW_ENTER] = plan->flavour[PE_TW_EXIT] =
			caps->iter_tcp ? PF_ITER : PF_NONE;
	plan->owner = select_owner(caps);
	memcpy(plan->softirq_lo, caps->softirq_lo, sizeof(plan->softirq_lo));
	memcpy(plan->softirq_hi, caps->softirq_hi, sizeof(plan->softirq_hi));
	if (!caps->ringbuf) {
		snprintf(plan->error, sizeof(plan->error),
			 "the kernel has no BPF ring buffer (needs Linux >= 5.8)");
		return -EOPNOTSUPP;
	}
	if (plan->flavour[PE_STATES] == PF_NONE) {
		snprintf(plan->error, sizeof(plan->error),
			 "no way to attach to inet_sock_set_state: tp_btf, raw_tp and tracepoint "
			 "programs all failed to load");
		return -EOPNOTSUPP;
	}
	return 0;
}

int probe_plan_select(const struct probe_caps *caps, struct probe_plan *plan)
{
	return plan_preferred(caps, plan);
}

/* Why flavour f of event e is not usable here (for plan->error). */
static void why_unusable(const struct probe_caps *c, enum probe_event e, enum probe_flavour f,
			 char *buf, size_t len)
{
	const int *have = f == PF_FENTRY ? c->func_btf : c->func_ksym;
	int tp = events[e].tp;

	if (!offers(e, f))
		snprintf(buf, len, "tcprec has no %s program for %s", flavour_names[f],
			 events[e].name);
	else if (f == PF_TRACEPOINT && tp >= 0 && !c->tp_tracefs[tp])
		snprintf(buf, len,
			 "tracepoint %s is not in tracefs (mounted at /sys/kernel/tracing?)",
			 tp_names[tp]);
	else if ((f == PF_FENTRY && !c->fentry) || (f == PF_KPROBE && !c->kprobe) ||
		 (f == PF_TP_BTF && !c->tp_btf) || (f == PF_RAW_TP && !c->raw_tp) ||
		 (f == PF_TRACEPOINT && !c->tracepoint) || (f == PF_ITER && !c->iter_tcp))
		snprintf(buf, len, "%s programs do not load on this kernel", flavour_names[f]);
	else if (f == PF_FENTRY || f == PF_KPROBE) {
		for (int i = 0; i < 2; i++)
			if (!have[events[e].func[i]])
				snprintf(buf, len, "kernel function %s is not in %s",
					 func_names[events[e].func[i]],
					 f == PF_FENTRY ? "the kernel's BTF" : "/proc/kallsyms");
	} else
		snprintf(buf, len, "tracepoint %s is not in %s", tp >= 0 ? tp_names[tp] : "-",
			 f == PF_TRACEPOINT ? "tracefs" : "the kernel's BTF");
}

int probe_plan_select_forced(const struct probe_caps *caps, const enum probe_flavour *force,
			     struct probe_plan *plan)
{
	int err = plan_preferred(caps, plan);
	char why[120];

	if (err || !force)
		return err;
	for (int e = 0; e < PE_COUNT; e++) {
		if (force[e] == PF_NONE || force[e] == plan->flavour[e])
			continue;
		if (!usable(caps, e, force[e])) {
			why_unusable(caps, e, force[e], why, sizeof(why));
			snprintf(plan->error, sizeof(plan->error), "--probe %s=%s: %s",
				 events[e].name, flavour_names[force[e]], why);
			return -EOPNOTSUPP;
		}
		plan->flavour[e] = force[e];
	}
	return 0;
}

void probe_plan_no_segments(struct probe_plan *plan)
{
	plan->flavour[PE_SEG_RX] = PF_NONE;
	plan->flavour[PE_SEG_TX] = PF_NONE;
}

void probe_plan_no_figures(struct probe_plan *plan)
{
	plan->flavour[PE_FIGURES_END] = PF_NONE;
}

static const char *hook_name(enum probe_event e, enum probe_flavour f, char *buf, size_t len)
{
	if (f == PF_ITER)
		return e == PE_TW_ENTER || e == PE_TW_EXIT ? "tcp(polled)" : "tcp";
	if ((f == PF_FENTRY || f == PF_KPROBE) && events[e].func[0] >= 0) {
		if (e == PE_TW_ENTER || e == PE_TW_EXIT)
			return func_names[events[e].func[e == PE_TW_EXIT]];
		snprintf(buf, len, "%s+%s", func_names[events[e].func[0]],
			 func_names[events[e].func[1]]);
		return buf;
	}
	return events[e].tp >= 0 ? tp_names[events[e].tp] : "-";
}

void probe_plan_format(const struct probe_plan *plan, char *buf, size_t len)
{
	size_t used = 0;
	char tmp[64];

	if (len)
		buf[0] = '\0';
	for (int e = 0; e < PE_COUNT && used < len; e++) {
		enum probe_flavour f = plan->flavour[e];
		int n;

		if (f == PF_NONE)
			n = snprintf(buf + used, len - used, "%s%s=none", e ? "," : "",
				     events[e].name);
		else
			n = snprintf(buf + used, len - used, "%s%s=%s/%s", e ? "," : "",
				     events[e].name, flavour_names[f],
				     hook_name(e, f, tmp, sizeof(tmp)));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used < len)
		snprintf(buf + used, len - used, ",owner=%s", probe_owner_name(plan->owner));
}
