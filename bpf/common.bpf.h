/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * common.bpf.h - what every tcprec BPF object shares: the ring buffer, the
 * per-CPU lost-event counters, the owned-connection map of the pid filter,
 * the cfg_* filter rodata, and the helpers that fill tuples, reserve
 * records and apply filters (the filter expression's interpreter:
 * filterexpr.bpf.h).  Maps and rodata are __weak: each object
 * carries a copy and `bpftool gen object` keeps exactly one.
 */
#ifndef TCPREC_COMMON_BPF_H
#define TCPREC_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "core_fixes.bpf.h"
#include "events.h"
#include "filterexpr.bpf.h"

#define TCPREC_AF_INET		2
#define TCPREC_AF_INET6		10
#define TCPREC_IPPROTO_TCP	6
#define TCPREC_TCP_TIME_WAIT	EV_TCP_TIME_WAIT
#define TCPREC_TCP_NEW_SYN_RECV EV_TCP_NEW_SYN_RECV

/* The programs pass the kernel's state numbers through as enum
 * ev_tcp_state: check them against the kernel they are built for.
 * TCP_BOUND_INACTIVE is left out: kernels before 6.7 do not have it, and
 * it is the last value, so nothing after it can shift. */
#define TCPREC_SAME_STATE(x)                                                                       \
	_Static_assert((int)TCP_##x == (int)EV_TCP_##x, "kernel TCP_" #x " differs from events.h")
TCPREC_SAME_STATE(ESTABLISHED);
TCPREC_SAME_STATE(SYN_SENT);
TCPREC_SAME_STATE(SYN_RECV);
TCPREC_SAME_STATE(FIN_WAIT1);
TCPREC_SAME_STATE(FIN_WAIT2);
TCPREC_SAME_STATE(TIME_WAIT);
TCPREC_SAME_STATE(CLOSE);
TCPREC_SAME_STATE(CLOSE_WAIT);
TCPREC_SAME_STATE(LAST_ACK);
TCPREC_SAME_STATE(LISTEN);
TCPREC_SAME_STATE(CLOSING);
TCPREC_SAME_STATE(NEW_SYN_RECV);
#undef TCPREC_SAME_STATE

/* Size is set by user space between open and load (-B). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events SEC(".maps") __weak;

/* Failed reservations, per CPU; user space turns deltas into gap records. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} lost_events SEC(".maps") __weak;

/* --pid: tuples of connections the process made a transition on.  Softirq
 * events have no owner, so they pass when their tuple is in here. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct ev_tuple);
	__type(value, __u8);
} owned_tuples SEC(".maps") __weak;

/* Scratch for the kernel stack of in_process_context(): too big for the
 * BPF stack. */
struct stack_scratch {
	__u64 ips[EV_STACK_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stack_scratch);
} stack_scratch SEC(".maps") __weak;

/* EV_OWNER_SOFTIRQ: this CPU's enum ev_ctx_state (context.bpf.c). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} softirq_state SEC(".maps") __weak;

const volatile __u32 cfg_pid __weak = 0;
/* enum ev_owner_mode: how in_process_context() decides. */
const volatile __u8 cfg_owner_mode __weak = EV_OWNER_NONE;
/* Ring-buffer fill level (bytes) from which a submit wakes user space. */
const volatile __u64 cfg_wakeup_bytes __weak = 0;
/* [lo, hi) address ranges of the softirq entry functions
 * (handle_softirqs, __do_softirq, net_rx_action), from /proc/kallsyms. */
const volatile __u64 cfg_softirq_lo[EV_SOFTIRQ_RANGES] __weak = {};
const volatile __u64 cfg_softirq_hi[EV_SOFTIRQ_RANGES] __weak = {};
const volatile __u32 cfg_netns __weak = 0;
const volatile __u8 cfg_family __weak = 0;
const volatile __u8 cfg_seq __weak = 0;
const volatile __u32 cfg_n_ports __weak = 0;
const volatile __u16 cfg_ports[EV_MAX_PORTS] __weak = {};
const volatile __u32 cfg_n_hosts __weak = 0;
const volatile struct ev_host cfg_hosts[EV_MAX_HOSTS] __weak = {};

static __always_inline void count_lost(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&lost_events, &zero);

	if (n)
		*n += 1; /* per-CPU slot: no other writer */
}

/* Submits a reserved record.  Waking user space for every record costs an
 * irq_work each (a self-IPI: an APIC write, a VM exit on a guest), a tenth
 * of the machine's CPU under connection churn; tcprec drains every 100 ms
 * anyway.  So a record wakes it only when it takes the buffer's fill level
 * across a multiple of cfg_wakeup_bytes (1/8 of the buffer, at most 2M):
 * a filling buffer raises a few wake-ups, not one per record while tcprec
 * is on its way.  Concurrent producers can hide a crossing from each
 * other; the next multiple, or the timer, then wakes it. */
static __always_inline void ev_submit(void *e)
{
	__u64 avail = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	__u64 step = cfg_wakeup_bytes;
	__u64 size = ((struct ev_hdr *)e)->size + 8; /* + the ring's record header */
	int wake = !step || (avail >= size && avail / step != (avail - size) / step);

	bpf_ringbuf_submit(e, wake ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* Reserves a zeroed record with its header filled, or counts a loss. */
static __always_inline void *ev_reserve(__u32 size, __u16 type)
{
	struct ev_hdr *h = bpf_ringbuf_reserve(&events, size, 0);

	if (!h) {
		count_lost();
		return NULL;
	}
	__builtin_memset(h, 0, size);
	h->type = type;
	h->size = (__u16)size;
	h->cpu = bpf_get_smp_processor_id();
	h->t_ns = bpf_ktime_get_ns();
	return h;
}

/* A dual-stack socket talking to an IPv4 peer sends IPv4 packets: record
 * it as IPv4 so sockets and segments share one tuple. */
static __always_inline void tuple_unmap_v4(struct ev_tuple *t)
{
	const __u32 *l = (const __u32 *)t->laddr, *r = (const __u32 *)t->raddr;
	__u32 mapped = bpf_htonl(0xffff);

	if (l[0] || l[1] || l[2] != mapped || r[0] || r[1] || r[2] != mapped)
		return;
	__builtin_memmove(t->laddr, &t->laddr[12], 4);
	__builtin_memmove(t->raddr, &t->raddr[12], 4);
	__builtin_memset(&t->laddr[4], 0, 12);
	__builtin_memset(&t->raddr[4], 0, 12);
	t->family = 4;
}

/* An IPv6 address, a word at a time when read directly (a load must
 * name a field the verifier can find in the BTF). */
static __always_inline void in6_read(int direct, __u8 *dst, const struct in6_addr *src)
{
	if (!direct) {
		/* Explicit size: BPF_CORE_READ_INTO would copy sizeof(*dst),
		 * one byte of an array. */
		bpf_core_read(dst, 16, src);
		return;
	}
	for (int i = 0; i < 4; i++) {
		__u32 w = src->in6_u.u6_addr32[i];

		__builtin_memcpy(dst + 4 * i, &w, 4);
	}
}

/* direct: see KREAD (core_fixes.bpf.h). */
static __always_inline void tuple_from_skc(int direct, struct ev_tuple *t,
					   const struct sock_common *skc)
{
	__u16 family = KREAD(direct, skc, skc_family);
	__u32 a4;

	t->lport = KREAD(direct, skc, skc_num);
	t->rport = bpf_ntohs(KREAD(direct, skc, skc_dport));
	t->netns = KREAD(direct, skc, skc_net.net, ns.inum);
	if (family == TCPREC_AF_INET6) {
		t->family = 6;
		in6_read(direct, t->laddr, &skc->skc_v6_rcv_saddr);
		in6_read(direct, t->raddr, &skc->skc_v6_daddr);
		tuple_unmap_v4(t);
	} else {
		t->family = 4;
		a4 = KREAD(direct, skc, skc_rcv_saddr);
		__builtin_memcpy(t->laddr, &a4, 4);
		a4 = KREAD(direct, skc, skc_daddr);
		__builtin_memcpy(t->raddr, &a4, 4);
	}
}

/* Full sockets: the local port from inet_sport, which survives the
 * CLOSE transition (tcp_set_state() releases the bound port, zeroing
 * skc_num, before the tracepoint fires).  Timewait and request sockets
 * are not inet_socks: they keep skc_num. */
static __always_inline void tuple_from_sk(int direct, struct ev_tuple *t, const struct sock *sk)
{
	__u8 state = KREAD(direct, sk, __sk_common.skc_state);
	__u16 sport;

	tuple_from_skc(direct, t, &sk->__sk_common);
	if (state == TCPREC_TCP_TIME_WAIT || state == TCPREC_TCP_NEW_SYN_RECV)
		return;
	/* Always a helper read: inet_sport lies beyond struct sock, where the
	 * verifier does not let a struct sock pointer load. */
	sport = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	if (sport)
		t->lport = sport;
}

static __always_inline int addr_eq(const __u8 *a, const volatile __u8 *b, __u8 family)
{
	const __u32 *x = (const __u32 *)a;
	const volatile __u32 *y = (const volatile __u32 *)b;

	if (family == 4)
		return x[0] == y[0];
	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

static __always_inline int host_pass(const struct ev_tuple *t)
{
	for (int i = 0; i < EV_MAX_HOSTS; i++) {
		if (i >= cfg_n_hosts)
			break;
		if (cfg_hosts[i].family != t->family)
			continue;
		if (addr_eq(t->laddr, cfg_hosts[i].addr, t->family) ||
		    addr_eq(t->raddr, cfg_hosts[i].addr, t->family))
			return 1;
	}
	return 0;
}

static __always_inline int port_pass(const struct ev_tuple *t)
{
	for (int i = 0; i < EV_MAX_PORTS; i++) {
		if (i >= cfg_n_ports)
			break;
		if (t->lport == cfg_ports[i] || t->rport == cfg_ports[i])
			return 1;
	}
	return 0;
}

/*
 * Process-context test by stack walk (EV_OWNER_STACK): an event runs in
 * softirq context exactly when a softirq entry function is on the kernel
 * stack (softirqs on the IRQ stack are unwound through it; ksoftirqd and
 * the softirq tail of local_bh_enable() both go through handle_softirqs).
 * Exact but dear: an unwind per call.  No stack: "not process context".
 */
static __always_inline int stack_in_process_context(void *ctx)
{
	__u32 zero = 0;
	struct stack_scratch *st = bpf_map_lookup_elem(&stack_scratch, &zero);
	long n;

	if (!st || !cfg_softirq_lo[0])
		return 0;
	n = bpf_get_stack(ctx, st->ips, sizeof(st->ips), 0);
	if (n <= 0)
		return 0;
	for (int i = 0; i < EV_STACK_DEPTH; i++) {
		__u64 ip = st->ips[i];

		if ((long)(i * sizeof(__u64)) >= n)
			break;
		for (int r = 0; r < EV_SOFTIRQ_RANGES; r++)
			if (ip >= cfg_softirq_lo[r] && ip < cfg_softirq_hi[r])
				return 0;
	}
	return 1;
}

/*
 * Process-context test, decided once, here, the way user space chose
 * (cfg_owner_mode).  The kernel's in_task() reads the per-CPU preempt
 * count, which BPF reaches only through a typed ksym needing data symbols
 * in kallsyms (CONFIG_KALLSYMS_ALL, often off).  With the softirq flag,
 * a CPU that has not yet crossed a softirq boundary since tcprec attached
 * is unknown: the stack decides there, or nobody.  An event without an
 * owner is safe; a wrong owner is the bug this avoids.
 */
static __always_inline int in_process_context(void *ctx)
{
	__u32 zero = 0;
	__u8 *state;

	if (cfg_owner_mode == EV_OWNER_SOFTIRQ) {
		state = bpf_map_lookup_elem(&softirq_state, &zero);
		if (state && *state != EV_CTX_UNKNOWN)
			return *state == EV_CTX_TASK;
	}
	if (cfg_owner_mode == EV_OWNER_NONE)
		return 0;
	return stack_in_process_context(ctx);
}

/* Family, netns, port and host filters and the filter expression, all
 * of them: 1 = record. */
static __always_inline int tuple_pass(const struct ev_tuple *t)
{
	if (cfg_family && t->family != cfg_family)
		return 0;
	if (cfg_netns && t->netns != cfg_netns)
		return 0;
	if (cfg_n_ports && !port_pass(t))
		return 0;
	if (cfg_n_hosts && !host_pass(t))
		return 0;
	if (cfg_fx_n_ops && !fx_pass(t))
		return 0;
	return 1;
}

/* --pid: an event made by the process (owner_tgid) marks its tuple as
 * owned; any event on an owned tuple passes, whoever runs it.  A tuple
 * without both ports (a connect() before its port is chosen, a listener)
 * is not marked: other processes' sockets look the same then. */
static __always_inline int pid_pass(const struct ev_tuple *t, __u32 owner_tgid)
{
	__u8 one = 1;

	if (!cfg_pid)
		return 1;
	if (owner_tgid == cfg_pid) {
		if (t->lport && t->rport)
			bpf_map_update_elem(&owned_tuples, t, &one, BPF_ANY);
		return 1;
	}
	return bpf_map_lookup_elem(&owned_tuples, t) != NULL;
}

#endif /* TCPREC_COMMON_BPF_H */
