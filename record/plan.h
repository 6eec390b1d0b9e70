/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * plan.h - what the running kernel can do (struct probe_caps, gathered by
 * probes.c with real load/attach probes) and which attach flavour tcprec
 * uses for each kind of event (struct probe_plan, chosen by the pure
 * function probe_plan_select() so the choice is unit-tested).
 */
#ifndef TCPREC_PLAN_H
#define TCPREC_PLAN_H

#include <stddef.h>
#include <stdint.h>

#define PROBE_SOFTIRQ_RANGES 4 /* == EV_SOFTIRQ_RANGES (bpf/events.h) */

enum probe_flavour {
	PF_NONE = 0,
	PF_FENTRY,
	PF_KPROBE,
	PF_TP_BTF,
	PF_RAW_TP,
	PF_TRACEPOINT,
	PF_ITER, /* iter/tcp walk: snapshot, polled TIME_WAIT, figures at the end */
	PF_COUNT,
};

/* How the BPF side tells process context from softirq (== enum
 * ev_owner_mode, bpf/events.h), best first. */
enum probe_owner {
	PO_NONE = 0,	/* pid/comm never recorded */
	PO_STACK = 1,	/* kernel stack walk against the softirq functions */
	PO_SOFTIRQ = 2, /* per-CPU flag from the softirq_entry/exit tracepoints */
};

enum probe_event {
	PE_STATES,
	PE_SEG_RX,
	PE_SEG_TX,
	PE_TW_ENTER,
	PE_TW_EXIT,
	PE_RETRANSMIT,
	PE_RESET_TX,
	PE_RESET_RX,
	PE_SNAPSHOT,
	PE_FIGURES_END, /* tcp_figures of the sockets still open when recording ends */
	PE_COUNT,
};

/* Kernel functions used by fentry/kprobe flavours. */
enum probe_func {
	PFN_TCP_V4_RCV,
	PFN_TCP_V6_RCV,
	PFN_IP_OUTPUT,
	PFN_IP6_OUTPUT,
	PFN_TWSK_ALLOC,
	PFN_TWSK_FREE,
	PFN_COUNT,
};

/* Tracepoints used by tp_btf/raw_tp/tracepoint flavours. */
enum probe_tp {
	PTP_SET_STATE,
	PTP_NETIF_RECEIVE_SKB,
	PTP_NET_DEV_QUEUE,
	PTP_RETRANSMIT,
	PTP_SEND_RESET,
	PTP_RECEIVE_RESET,
	PTP_COUNT,
};

struct probe_caps {
	/* Program types that really loaded (and attached) here. */
	int ringbuf, fentry, kprobe, tp_btf, raw_tp, tracepoint, iter_tcp;
	int func_btf[PFN_COUNT];    /* function in /sys/kernel/btf/vmlinux */
	int func_ksym[PFN_COUNT];   /* function in /proc/kallsyms */
	int tp_btf_type[PTP_COUNT]; /* btf_trace_<tp> type in vmlinux BTF */
	int tp_tracefs[PTP_COUNT];  /* tracefs event id readable */
	/* [lo, hi) of the softirq entry functions, for the process-context
	 * test of the BPF side; all 0 when kallsyms is unreadable. */
	uint64_t softirq_lo[PROBE_SOFTIRQ_RANGES], softirq_hi[PROBE_SOFTIRQ_RANGES];
	int softirq_tp_btf; /* btf_trace_softirq_entry and _exit in vmlinux BTF */
	int preempt_rt;	    /* /sys/kernel/realtime says 1: softirqs are preemptible */
};

struct probe_plan {
	enum probe_flavour flavour[PE_COUNT];
	enum probe_owner owner;
	uint64_t softirq_lo[PROBE_SOFTIRQ_RANGES], softirq_hi[PROBE_SOFTIRQ_RANGES];
	char error[160]; /* why the plan is unusable, when select fails */
};

/* Picks a flavour per event from the caps, preferring fentry > kprobe >
 * tp_btf > raw_tp > tracepoint.  Returns 0, or -EOPNOTSUPP with
 * plan->error naming what is missing when state transitions cannot be
 * recorded at all. */
int probe_plan_select(const struct probe_caps *caps, struct probe_plan *plan);

/* The same, but force[e] != PF_NONE (--probe) takes that flavour for
 * event e instead of the preferred one.  -EOPNOTSUPP, with plan->error
 * saying which program type or kernel hook is missing, when a forced
 * flavour cannot load here.  force may be NULL. */
int probe_plan_select_forced(const struct probe_caps *caps, const enum probe_flavour *force,
			     struct probe_plan *plan);

/* Drops segment events from the plan (--packets=none/pcap). */
void probe_plan_no_segments(struct probe_plan *plan);
/* Drops the end-of-recording figures walk (--figures=none). */
void probe_plan_no_figures(struct probe_plan *plan);

/* "states=tp_btf/inet_sock_set_state,seg_rx=...,tw_enter=iter/tcp(polled),
 * ...,owner=softirq" (owner=stack: stack walk; owner=none: pid/comm are
 * never recorded) */
void probe_plan_format(const struct probe_plan *plan, char *buf, size_t len);

/* The BPF programs (their names in bpf/ *.bpf.c) that record event e in
 * flavour f: i = 0, and i = 1 for the IPv6 half of a function pair; NULL
 * when there is none. */
const char *probe_event_program(enum probe_event e, enum probe_flavour f, int i);

const char *probe_flavour_name(enum probe_flavour f);
const char *probe_owner_name(enum probe_owner o);
const char *probe_event_name(enum probe_event e);
const char *probe_func_name(enum probe_func f);
const char *probe_tp_name(enum probe_tp tp);

#endif /* TCPREC_PLAN_H */
