/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filterexpr.bpf.h - the filter expression in the kernel: the program
 * lib/filterexpr.c compiled (rodata cfg_fx_*, filled between open and
 * load) and its interpreter, a step-for-step mirror of fx_match()
 * (lib/filterexpr_eval.c): the tuple is evaluated oriented both ways
 * (src = local, then src = remote) on two truth stacks kept as u64
 * bitmasks, top at bit 0, and the connection passes when either ends
 * true.  One answer per tuple: every event of a connection gets the same.
 *
 * Verifier cost: the ops are read-only and frozen, so the verifier knows
 * each op and follows only its branch; each predicate is computed without
 * a branch (BPF has no set-on-condition, and a conditional jump per
 * predicate would fork the verified paths, 2^n of them).  The cost is
 * linear in the number of ops, and nothing when there is no expression.
 */
#ifndef TCPREC_FILTEREXPR_BPF_H
#define TCPREC_FILTEREXPR_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "events.h"

const volatile __u32 cfg_fx_n_ops __weak = 0;
const volatile struct ev_fx_op cfg_fx_ops[EV_FX_MAX_OPS] __weak = {};

/* 1 when x == 0, for x < 2^63; the barrier keeps clang from turning the
 * arithmetic back into a comparison and a jump. */
static __always_inline __u64 fx_is_zero(__u64 x)
{
	barrier_var(x);
	return (x - 1) >> 63;
}

/* 1 when a <= b, for a, b < 2^63. */
static __always_inline __u64 fx_le(__u64 a, __u64 b)
{
	__u64 d = b - a;

	barrier_var(d);
	return (d >> 63) ^ 1;
}

static __always_inline __u64 fx_port_in(const volatile struct ev_fx_op *op, __u16 port)
{
	return fx_le(op->lo, port) & fx_le(port, op->hi);
}

static __always_inline __u64 fx_net_in(const volatile struct ev_fx_op *op, __u8 family,
				       const __u8 *addr)
{
	const __u32 *a = (const __u32 *)addr;
	__u64 diff = family ^ op->family;

	for (int w = 0; w < 4; w++)
		diff |= (a[w] & op->mask[w]) ^ op->addr[w];
	return fx_is_zero(diff);
}

/* The primitive's value with src = s, dst = d (fx_match()'s sided()). */
static __always_inline __u64 fx_sided(__u8 side, __u64 s, __u64 d)
{
	if (side == EV_FX_SRC)
		return s;
	if (side == EV_FX_DST)
		return d;
	if (side == EV_FX_BOTH)
		return s & d;
	return s | d;
}

/* 1 when the tuple passes the expression (or there is none). */
static __always_inline int fx_pass(const struct ev_tuple *t)
{
	__u64 st0 = 0, st1 = 0; /* src = local; src = remote */

	for (int i = 0; i < EV_FX_MAX_OPS; i++) {
		const volatile struct ev_fx_op *op = &cfg_fx_ops[i];
		__u8 kind = op->kind;
		__u64 l, r;

		if (i >= cfg_fx_n_ops)
			break;
		if (kind == EV_FX_AND) {
			st0 = (st0 >> 1) & (st0 | ~1ULL);
			st1 = (st1 >> 1) & (st1 | ~1ULL);
			continue;
		}
		if (kind == EV_FX_OR) {
			st0 = (st0 >> 1) | (st0 & 1);
			st1 = (st1 >> 1) | (st1 & 1);
			continue;
		}
		if (kind == EV_FX_NOT) {
			st0 ^= 1;
			st1 ^= 1;
			continue;
		}
		if (kind == EV_FX_PORT) {
			l = fx_port_in(op, t->lport);
			r = fx_port_in(op, t->rport);
		} else if (kind == EV_FX_NET) {
			l = fx_net_in(op, t->family, t->laddr);
			r = fx_net_in(op, t->family, t->raddr);
		} else {
			l = op->family ? fx_is_zero(t->family ^ op->family) : 1;
			r = l;
		}
		st0 = st0 << 1 | fx_sided(op->side, l, r);
		st1 = st1 << 1 | fx_sided(op->side, r, l);
	}
	return (st0 | st1) & 1;
}

#endif /* TCPREC_FILTEREXPR_BPF_H */
