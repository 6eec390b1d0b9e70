/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * figures.bpf.h - a socket's tcp_figures (format/trc_sock.h): what tcplife
 * and `ss -ti` read from struct tcp_sock, each figure only where the
 * running kernel has its fields (CO-RE).  Filled by the state program when
 * a socket closes (or after each transition) and by the end-of-recording
 * walk for the sockets still open.
 */
#ifndef TCPREC_FIGURES_BPF_H
#define TCPREC_FIGURES_BPF_H

#include "sockev.bpf.h"

/* A figure the kernel has: the field unless it is 0 (most figures are 0
 * early in a connection, and a field left out is 0). */
static __always_inline void figure(struct ev_sock_fields *e, __u16 key, __u64 value)
{
	if (value)
		sockev_put(e, key, value);
}

/* A figure the running kernel lacks: its flag bit says unknown. */
static __always_inline void figure_lacking(struct ev_sock_fields *e, __u16 key)
{
	e->flags |= TRC_SOCK_FIELD_BIT(key);
}

/* ss's delivery rate (tcp_compute_delivery_rate()): bytes per second of
 * the latest sample, 0 before the first. */
static __always_inline __u64 delivery_rate(int direct, const struct tcp_sock *tp)
{
	__u64 interval = KREAD(direct, tp, rate_interval_us);

	if (!interval)
		return 0;
	return (__u64)KREAD(direct, tp, rate_delivered) * KREAD(direct, tp, mss_cache) * 1000000 /
	       interval;
}

/* Fills e's fields and flags from tp; direct: see KREAD (core_fixes.bpf.h). */
static __always_inline void tcp_figures_fill(int direct, const struct tcp_sock *tp,
					     struct ev_sock_fields *e)
{
	if (bpf_core_field_exists(tp->bytes_acked))
		figure(e, TRC_SOCKF_BYTES_ACKED, KREAD(direct, tp, bytes_acked));
	else
		figure_lacking(e, TRC_SOCKF_BYTES_ACKED);
	if (bpf_core_field_exists(tp->bytes_received))
		figure(e, TRC_SOCKF_BYTES_RECEIVED, KREAD(direct, tp, bytes_received));
	else
		figure_lacking(e, TRC_SOCKF_BYTES_RECEIVED);
	if (bpf_core_field_exists(tp->segs_out))
		figure(e, TRC_SOCKF_SEGS_OUT, KREAD(direct, tp, segs_out));
	else
		figure_lacking(e, TRC_SOCKF_SEGS_OUT);
	if (bpf_core_field_exists(tp->segs_in))
		figure(e, TRC_SOCKF_SEGS_IN, KREAD(direct, tp, segs_in));
	else
		figure_lacking(e, TRC_SOCKF_SEGS_IN);
	figure(e, TRC_SOCKF_TOTAL_RETRANS, KREAD(direct, tp, total_retrans));
	/* Kept scaled by the kernel: srtt << 3, mdev << 2 (tcp_get_info()). */
	figure(e, TRC_SOCKF_SRTT_US, KREAD(direct, tp, srtt_us) >> 3);
	figure(e, TRC_SOCKF_RTTVAR_US, KREAD(direct, tp, mdev_us) >> 2);
	figure(e, TRC_SOCKF_SND_CWND, KREAD(direct, tp, snd_cwnd));
	if (bpf_core_field_exists(tp->rate_interval_us))
		figure(e, TRC_SOCKF_DELIVERY_RATE, delivery_rate(direct, tp));
	else
		figure_lacking(e, TRC_SOCKF_DELIVERY_RATE);
}

#endif /* TCPREC_FIGURES_BPF_H */
