// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * tcp_iter.bpf.c - walks of the TCP socket tables with iter/tcp.
 * iter_tcp_snapshot: every socket with its state, once at start-up, so a
 * trace started mid-incident knows the connections already open.
 * iter_tcp_timewait: only TIME_WAIT sockets; user space runs it every
 * 100 ms and diffs consecutive walks into polled TIME_WAIT enter/exit
 * events, linked to their connection by cookie (tw_cookie is copied from
 * the socket).  Records go to the iterator's seq_file, not the ring
 * buffer: the walk is synchronous with the reader, nothing is lost, and
 * read() returning 0 marks the end of a walk.  The walk covers the
 * network namespace the iterator was opened in.
 * iter_tcp_figures: when recording ends, the tcp_figures of every full
 * socket still open, so a connection that outlives the recording has its
 * bytes and RTT too.
 */
#include "common.bpf.h"
#include "figures.bpf.h"

/* A walk's records carry the ring buffer's header: user space decodes both
 * the same way. */
static __always_inline void walk_hdr(struct ev_hdr *h, __u16 type, __u16 size)
{
	h->type = type;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->t_ns = bpf_ktime_get_ns();
}

static __always_inline int handle_sk(struct bpf_iter__tcp *ctx, int tw_only)
{
	struct sock_common *skc = ctx->sk_common;
	struct ev_sock_event rec = {};
	struct tcp_sock *tp;
	__u8 state;

	if (!skc)
		return 0;
	state = skc->skc_state;
	if (tw_only && state != TCPREC_TCP_TIME_WAIT)
		return 0;
	tuple_from_skc(1, &rec.tuple, skc);
	if (!tuple_pass(&rec.tuple) || !pid_pass(&rec.tuple, 0))
		return 0;
	walk_hdr(&rec.hdr, EV_SOCK, sizeof(rec));
	/* Assigns the cookie if the socket has none yet, so later transitions
	 * and its timewait successor carry the same one. */
	rec.cookie = bpf_get_socket_cookie(skc);
	rec.kind = tw_only ? EV_KIND_TW_POLL : EV_KIND_SNAPSHOT;
	rec.state = state;
	tp = bpf_skc_to_tcp_sock(skc);
	if (tp)
		rec.cgroup_id = sk_cgroup_id(1, &tp->inet_conn.icsk_inet.sk);
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

SEC("iter/tcp")
int iter_tcp_snapshot(struct bpf_iter__tcp *ctx)
{
	return handle_sk(ctx, 0);
}

SEC("iter/tcp")
int iter_tcp_timewait(struct bpf_iter__tcp *ctx)
{
	return handle_sk(ctx, 1);
}

/* Full sockets past their handshake and not yet closed: the others have
 * no counters worth reporting, or reported them when they closed. */
static __always_inline int has_open_figures(__u8 state)
{
	return state == TCP_ESTABLISHED || state == TCP_FIN_WAIT1 || state == TCP_FIN_WAIT2 ||
	       state == TCP_CLOSE_WAIT || state == TCP_LAST_ACK || state == TCP_CLOSING;
}

SEC("iter/tcp")
int iter_tcp_figures(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct ev_sock_fields rec = {};
	struct tcp_sock *tp;

	if (!skc || !has_open_figures(skc->skc_state))
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	tuple_from_skc(1, &rec.tuple, skc);
	if (!tuple_pass(&rec.tuple) || !pid_pass(&rec.tuple, 0))
		return 0;
	walk_hdr(&rec.hdr, EV_SOCK_FIELDS, sizeof(rec));
	rec.cookie = bpf_get_socket_cookie(skc);
	rec.cgroup_id = sk_cgroup_id(1, &tp->inet_conn.icsk_inet.sk);
	rec.kind = TRC_SOCK_TCP_FIGURES;
	rec.state = skc->skc_state;
	tcp_figures_fill(1, tp, &rec);
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
