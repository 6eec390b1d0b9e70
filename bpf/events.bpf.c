// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * events.bpf.c - retransmissions and resets from the TCP tracepoints
 * tcp_retransmit_skb, tcp_send_reset and tcp_receive_reset (tp_btf only:
 * they exist on every kernel that has BTF tracepoints).  A reset sent in
 * answer to a segment for no socket (e.g. a refused connection) has no
 * socket: its tuple comes from the offending segment, cookie 0.
 */
#include "pkt.bpf.h"

static __always_inline struct ev_sock_event *
sock_event(const struct sock *sk, const struct ev_tuple *t, __u16 type, __u8 kind)
{
	struct ev_sock_event *e = ev_reserve(sizeof(*e), type);

	if (!e)
		return NULL;
	e->tuple = *t;
	e->kind = kind;
	if (sk) {
		e->state = sk->__sk_common.skc_state; /* tp_btf: a BTF pointer */
		/* Request and timewait sockets are not full sockets: keep the
		 * cookie they already have instead of minting one. */
		if (e->state == TCPREC_TCP_NEW_SYN_RECV || e->state == TCPREC_TCP_TIME_WAIT) {
			e->cookie = sk->__sk_common.skc_cookie.counter;
		} else {
			e->cookie = bpf_get_socket_cookie((void *)sk);
			e->cgroup_id = sk_cgroup_id(1, sk);
		}
	}
	return e;
}

static __always_inline int handle_reset(const struct sock *sk, const struct sk_buff *skb, __u8 kind)
{
	struct ev_sock_event *e;
	struct pkt_info p = {};

	/* TCP-only tracepoints: sk may be a timewait or request socket, so
	 * nothing beyond sock_common is read from it. */
	if (sk) {
		tuple_from_sk(1, &p.tuple, sk);
	} else if (skb) {
		/* The segment that triggered the reset: we are its receiver
		 * (tp_btf: BTF pointers). */
		if (pkt_parse(skb_nh(1, skb), bpf_ntohs(skb->protocol), 1, &p))
			return 0;
		p.tuple.netns = skb_netns(1, skb);
	} else {
		return 0;
	}
	if (!tuple_pass(&p.tuple) || !pid_pass(&p.tuple, 0))
		return 0;
	e = sock_event(sk, &p.tuple, EV_RESET, kind);
	if (e)
		ev_submit(e);
	return 0;
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(on_send_reset_btf, const struct sock *sk, const struct sk_buff *skb)
{
	return handle_reset(sk, skb, EV_KIND_RESET_TX);
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(on_receive_reset_btf, struct sock *sk)
{
	return handle_reset(sk, NULL, EV_KIND_RESET_RX);
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(on_retransmit_btf, const struct sock *sk, const struct sk_buff *skb)
{
	struct ev_sock_event *e;
	struct ev_tuple t = {};

	if (!sk)
		return 0;
	tuple_from_sk(1, &t, sk);
	if (!tuple_pass(&t) || !pid_pass(&t, 0))
		return 0;
	e = sock_event(sk, &t, EV_RETRANSMIT, 0);
	if (!e)
		return 0;
	if (skb)
		e->tcp_flags = skb_tcp_cb_flags(skb);
	ev_submit(e);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
