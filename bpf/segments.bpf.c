// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * segments.bpf.c - one record per TCP skb received or sent: flags (all 8
 * bits), tuple, netns and, with --seq, seq/ack/window/payload length.
 * RX: fentry on tcp_v4_rcv/tcp_v6_rcv, else kprobe, else the
 * netif_receive_skb tracepoint (tp_btf).  TX: fentry on ip_output/
 * ip6_output (every locally generated IP packet, including SYN-ACKs and
 * RSTs sent without a full socket), else kprobe, else net_dev_queue.
 * A GSO/TSO or GRO skb is recorded once, with the skb's payload length:
 * the record is per skb, not per wire segment.
 */
#include "pkt.bpf.h"

#define TCPREC_TH_SYN 0x02
#define TCPREC_TH_ACK 0x10

/* The cookie of a connect()ing socket, for its SYN (struct ev_segment).
 * Read, not generated: the SYN_SENT event already asked for it; 0 when
 * nothing did (raw_tp and tracepoint flavours), and user space falls back
 * to the tuple. */
static __always_inline __u64 syn_sk_cookie(int direct, const struct sock *sk, __u8 tcp_flags)
{
	if (!sk || (tcp_flags & (TCPREC_TH_SYN | TCPREC_TH_ACK)) != TCPREC_TH_SYN)
		return 0;
	return KREAD(direct, sk, __sk_common.skc_cookie.counter);
}

/* direct: see KREAD (core_fixes.bpf.h).  The packet bytes behind ip are
 * always read with the helper: skb->head is a plain byte pointer, not a
 * structure the verifier could check a load against. */
static __always_inline int handle_skb(int direct, const unsigned char *ip, __u16 proto, int rx,
				      __u32 netns, const struct sock *sk)
{
	struct pkt_info p = {};
	struct ev_segment *e;

	if (pkt_parse(ip, proto, rx, &p))
		return 0;
	p.tuple.netns = netns;
	if (!tuple_pass(&p.tuple) || !pid_pass(&p.tuple, 0))
		return 0;
	e = ev_reserve(sizeof(*e), EV_SEGMENT);
	if (!e)
		return 0;
	e->tuple = p.tuple;
	e->dir = rx ? EV_DIR_RX : EV_DIR_TX;
	e->tcp_flags = p.tcp_flags;
	if (!rx)
		e->sk_cookie = syn_sk_cookie(direct, sk, p.tcp_flags);
	if (cfg_seq) {
		e->seq = p.seq;
		e->ack = p.ack;
		e->window = p.window;
		e->payload_len = p.payload_len;
		e->flags = EV_SEG_F_SEQ;
	}
	ev_submit(e);
	return 0;
}

static __always_inline int rx_ip(int direct, const struct sk_buff *skb, __u16 proto)
{
	return handle_skb(direct, skb_nh(direct, skb), proto, 1, skb_netns(direct, skb), NULL);
}

static __always_inline int tx_ip(int direct, const struct net *net, const struct sk_buff *skb,
				 __u16 proto)
{
	return handle_skb(direct, skb_nh(direct, skb), proto, 0, KREAD(direct, net, ns.inum),
			  KREAD(direct, skb, sk));
}

SEC("fentry/tcp_v4_rcv")
int BPF_PROG(on_rcv4_fentry, struct sk_buff *skb)
{
	return rx_ip(1, skb, TCPREC_ETH_P_IP);
}

SEC("fentry/tcp_v6_rcv")
int BPF_PROG(on_rcv6_fentry, struct sk_buff *skb)
{
	return rx_ip(1, skb, TCPREC_ETH_P_IPV6);
}

SEC("fentry/ip_output")
int BPF_PROG(on_out4_fentry, struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return tx_ip(1, net, skb, TCPREC_ETH_P_IP);
}

SEC("fentry/ip6_output")
int BPF_PROG(on_out6_fentry, struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return tx_ip(1, net, skb, TCPREC_ETH_P_IPV6);
}

SEC("kprobe/tcp_v4_rcv")
int BPF_KPROBE(on_rcv4_kprobe, struct sk_buff *skb)
{
	return rx_ip(0, skb, TCPREC_ETH_P_IP);
}

SEC("kprobe/tcp_v6_rcv")
int BPF_KPROBE(on_rcv6_kprobe, struct sk_buff *skb)
{
	return rx_ip(0, skb, TCPREC_ETH_P_IPV6);
}

SEC("kprobe/ip_output")
int BPF_KPROBE(on_out4_kprobe, struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return tx_ip(0, net, skb, TCPREC_ETH_P_IP);
}

SEC("kprobe/ip6_output")
int BPF_KPROBE(on_out6_kprobe, struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return tx_ip(0, net, skb, TCPREC_ETH_P_IPV6);
}

/* At this tracepoint the MAC header has been pulled but network_header
 * is not reset yet: the IP header starts at skb->data. */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(on_rcv_btf, struct sk_buff *skb)
{
	return handle_skb(1, skb->data, bpf_ntohs(skb->protocol), 1, skb_netns(1, skb), NULL);
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(on_xmit_btf, struct sk_buff *skb)
{
	return handle_skb(1, skb_nh(1, skb), bpf_ntohs(skb->protocol), 0, skb_netns(1, skb),
			  skb->sk);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
