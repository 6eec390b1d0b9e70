/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trc_sock.h - the kinds and field keys of socket events (the SOCK
 * record, SPEC.md section 5.4): the one list both the BPF programs that
 * produce them and every reader use.  Plain macros and enums, no
 * includes, so BPF C takes it as it is.
 *
 * A socket event is a kind, the socket's state, per-kind flags and up to
 * TRC_SOCK_MAX_FIELDS (key, value) figures.  A reader shows a kind or key
 * it does not know by number; a writer may leave out any field (a kernel
 * that lacks it).  Adding a kind or a key: one X() line here, one row in
 * SPEC.md, and the program that fills it.  X(value, NAME, "name")
 */
#ifndef TRC_SOCK_H
#define TRC_SOCK_H

#define TRC_SOCK_KINDS(X)                                                                          \
	X(1, TCP_FIGURES, "tcp_figures") /* struct tcp_sock's counters at a state change */
#define TRC_SOCK_FIELDS(X)                                                                         \
	X(1, BYTES_ACKED, "bytes_acked")       /* bytes sent and acknowledged */                   \
	X(2, BYTES_RECEIVED, "bytes_received") /* bytes received in order */                       \
	X(3, SEGS_OUT, "segs_out")	       /* segments sent, retransmissions included */       \
	X(4, SEGS_IN, "segs_in")	       /* segments received */                             \
	X(5, TOTAL_RETRANS, "total_retrans")   /* segments retransmitted over the life */          \
	X(6, SRTT_US, "srtt_us")	       /* smoothed round-trip time, microseconds */        \
	X(7, RTTVAR_US, "rttvar_us")	       /* its mean deviation, microseconds */              \
	X(8, SND_CWND, "snd_cwnd")	       /* congestion window, segments */                   \
	X(9, DELIVERY_RATE, "delivery_rate")   /* bytes per second, the last sample */

#define TRC_SOCK_ENUM_(value, name, text) TRC_SOCK_##name = value,
enum trc_sock_kind { TRC_SOCK_KINDS(TRC_SOCK_ENUM_) };
#define TRC_SOCKF_ENUM_(value, name, text) TRC_SOCKF_##name = value,
enum trc_sock_field { TRC_SOCK_FIELDS(TRC_SOCKF_ENUM_) };

#define TRC_SOCK_MAX_FIELDS 10

/* tcp_figures flags: bit (key - 1) set means the kernel lacks field key
 * (unknown); any other field left out of the record is 0. */
#define TRC_SOCK_FIELD_BIT(key) (1u << ((key)-1))

#endif /* TRC_SOCK_H */
