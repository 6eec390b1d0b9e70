// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * context.bpf.c - per-CPU softirq tracking for the process-context test
 * (in_process_context(), common.bpf.h).  The kernel's own test reads the
 * per-CPU preempt count, which BPF reaches only through a typed ksym, and
 * that needs data symbols in kallsyms (CONFIG_KALLSYMS_ALL, often off).
 * The irq:softirq_entry/softirq_exit tracepoints bracket every softirq
 * vector a CPU runs (irq exit, local_bh_enable(), ksoftirqd), and softirqs
 * do not nest on one CPU, so a per-CPU flag set between them is exact.
 * It costs two short programs per softirq run, where the stack walk it
 * replaces cost an unwind of up to EV_STACK_DEPTH frames per state event.
 * Not used on PREEMPT_RT, where a softirq can be preempted by a task.
 */
#include "common.bpf.h"

static __always_inline int set_softirq_state(__u8 state)
{
	__u32 zero = 0;
	__u8 *s = bpf_map_lookup_elem(&softirq_state, &zero);

	if (s)
		*s = state; /* per-CPU slot: no other writer */
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(on_softirq_entry, unsigned int vec_nr)
{
	return set_softirq_state(EV_CTX_SOFTIRQ);
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(on_softirq_exit, unsigned int vec_nr)
{
	return set_softirq_state(EV_CTX_TASK);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
