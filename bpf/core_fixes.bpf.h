/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * core_fixes.bpf.h - CO-RE shims for kernel layout changes.  Every
 * version difference the BPF programs care about is handled here, one
 * ___old flavour per change, with the kernel change that forces it; the
 * programs call the accessors below and never test kernel versions.
 */
#ifndef TCPREC_CORE_FIXES_BPF_H
#define TCPREC_CORE_FIXES_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/*
 * Kernel field reads, KREAD(direct, src, field, ...) with the field chain
 * of BPF_CORE_READ().  tp_btf, fentry/fexit and iter programs receive
 * BTF-typed pointers that the verifier lets them load from directly (a
 * plain load with an exception-table fixup, CO-RE-relocated through
 * vmlinux.h's preserve_access_index); raw_tp, tracepoint and kprobe
 * arguments are plain integers and must go through bpf_probe_read_kernel().
 * That helper and its address check were about 5 % of the machine's CPU in
 * perf under a connect/close load, so handlers take `direct`, a constant
 * once they are inlined into their program, and only one arm is emitted.
 * ___arrow() is the bpf_core_read.h macro BPF_CORE_READ() itself uses to
 * turn its field list into a->b->c, so both arms name the same fields.
 */
#define KREAD(direct, src, a, ...)                                                                 \
	((direct) ? ___arrow(src, a, ##__VA_ARGS__) : BPF_CORE_READ(src, a, ##__VA_ARGS__))

/*
 * sk_protocol was an 8-bit bitfield packed with sk_type behind the
 * zero-size marker __sk_flags_offset until v5.6, when commit bf9765145b85
 * ("sock: Make sk_protocol a 16-bit value", MPTCP preparation) made it a
 * plain u16 and removed the marker.  The marker's presence selects the
 * bitfield read.
 */
struct sock___old {
	int __sk_flags_offset[0];
	unsigned int sk_protocol : 8;
} __attribute__((preserve_access_index));

static __always_inline __u16 sk_protocol_of(int direct, const struct sock *sk)
{
	const struct sock___old *old = (const void *)sk;

	if (bpf_core_field_exists(old->__sk_flags_offset))
		return (__u16)BPF_CORE_READ_BITFIELD_PROBED(old, sk_protocol);
	return KREAD(direct, sk, sk_protocol);
}

/*
 * struct sock_cgroup_data became { struct cgroup *cgroup; ... } in v5.15
 * (commit 8520e224f547, "bpf, cgroups: Fix cgroup v2 fallback on v1/v2
 * mixed mode"); before that the cgroup pointer was packed into a u64
 * together with classid/prioidx.  Older kernels report cgroup id 0.
 */
static __always_inline __u64 sk_cgroup_id(int direct, const struct sock *sk)
{
	if (!bpf_core_field_exists(sk->sk_cgrp_data.cgroup))
		return 0;
	return KREAD(direct, sk, sk_cgrp_data.cgroup, kn, id);
}

/*
 * TCP_SKB_CB(skb)->tcp_flags widened from u8 to u16 (room for the AccECN
 * AE bit; u16 in the 6.18 BTF this was built against).  The probed
 * bitfield read takes the width from the running kernel's BTF.
 */
static __always_inline __u8 skb_tcp_cb_flags(const struct sk_buff *skb)
{
	const struct tcp_skb_cb *cb = (const void *)__builtin_preserve_access_index(&skb->cb);

	return (__u8)BPF_CORE_READ_BITFIELD_PROBED(cb, tcp_flags);
}

#endif /* TCPREC_CORE_FIXES_BPF_H */
