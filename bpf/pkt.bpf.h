/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt.bpf.h - reads the IPv4/IPv6 and TCP headers of an skb into a tuple
 * and a struct ev_segment.  Headers are copied with probe reads from the
 * linear area (skb->head + offset), which works in every attach flavour;
 * IPv6 extension headers are skipped up to a fixed bound, non-first
 * fragments are ignored (no TCP header in them).
 */
#ifndef TCPREC_PKT_BPF_H
#define TCPREC_PKT_BPF_H

#include "common.bpf.h"

#define TCPREC_ETH_P_IP	    0x0800
#define TCPREC_ETH_P_IPV6   0x86DD
#define TCPREC_MAX_EXT_HDRS 4

struct pkt_info {
	struct ev_tuple tuple;
	__u32 seq, ack, window, payload_len;
	__u8 tcp_flags;
};

/* skb fields (direct: see KREAD, core_fixes.bpf.h).  Network header as set by the IP layer (valid
 * from ip_rcv on, and on the transmit path once the IP header is built). */
static __always_inline const unsigned char *skb_nh(int direct, const struct sk_buff *skb)
{
	return KREAD(direct, skb, head) + KREAD(direct, skb, network_header);
}

static __always_inline __u32 skb_netns(int direct, const struct sk_buff *skb)
{
	return KREAD(direct, skb, dev, nd_net.net, ns.inum);
}

/* IPv6: walks hop-by-hop/routing/destination/fragment/AH headers.
 * Returns the TCP header offset from ip, or -1. */
static __always_inline int ipv6_l4_off(const unsigned char *ip, __u8 nexthdr)
{
	int off = 40;

	for (int i = 0; i < TCPREC_MAX_EXT_HDRS; i++) {
		__u8 ext[8];

		if (nexthdr == TCPREC_IPPROTO_TCP)
			return off;
		if (bpf_probe_read_kernel(ext, sizeof(ext), ip + off))
			return -1;
		switch (nexthdr) {
		case 0:	 /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
			off += (ext[1] + 1) * 8;
			break;
		case 44: /* fragment: only the first one carries TCP */
			if ((ext[2] << 8 | ext[3]) & 0xfff8)
				return -1;
			off += 8;
			break;
		case 51: /* authentication header */
			off += (ext[1] + 2) * 4;
			break;
		default:
			return -1;
		}
		nexthdr = ext[0];
	}
	return nexthdr == TCPREC_IPPROTO_TCP ? off : -1;
}

/* Parses the packet whose network header starts at ip.  rx: the local
 * endpoint is the destination.  Returns 0 for a TCP segment. */
static __always_inline int pkt_parse(const unsigned char *ip, __u16 proto, int rx,
				     struct pkt_info *p)
{
	__u8 *l = rx ? p->tuple.raddr : p->tuple.laddr;
	__u8 *r = rx ? p->tuple.laddr : p->tuple.raddr;
	__u32 l3_len, l4_off;
	__u8 tcp[20];

	if (proto == TCPREC_ETH_P_IP) {
		__u8 h[20];

		if (bpf_probe_read_kernel(h, sizeof(h), ip) || (h[0] >> 4) != 4 ||
		    h[9] != TCPREC_IPPROTO_TCP || ((h[6] << 8 | h[7]) & 0x1fff))
			return -1;
		l4_off = (h[0] & 0xf) * 4;
		l3_len = h[2] << 8 | h[3];
		__builtin_memcpy(l, &h[12], 4);
		__builtin_memcpy(r, &h[16], 4);
		p->tuple.family = 4;
	} else if (proto == TCPREC_ETH_P_IPV6) {
		__u8 h[40];
		int off;

		if (bpf_probe_read_kernel(h, sizeof(h), ip) || (h[0] >> 4) != 6)
			return -1;
		off = ipv6_l4_off(ip, h[6]);
		if (off < 0)
			return -1;
		l4_off = off;
		l3_len = 40 + (h[4] << 8 | h[5]);
		__builtin_memcpy(l, &h[8], 16);
		__builtin_memcpy(r, &h[24], 16);
		p->tuple.family = 6;
	} else {
		return -1;
	}
	if (l4_off > 255 || bpf_probe_read_kernel(tcp, sizeof(tcp), ip + l4_off))
		return -1;
	p->tuple.lport = rx ? (tcp[2] << 8 | tcp[3]) : (tcp[0] << 8 | tcp[1]);
	p->tuple.rport = rx ? (tcp[0] << 8 | tcp[1]) : (tcp[2] << 8 | tcp[3]);
	p->seq = (__u32)tcp[4] << 24 | tcp[5] << 16 | tcp[6] << 8 | tcp[7];
	p->ack = (__u32)tcp[8] << 24 | tcp[9] << 16 | tcp[10] << 8 | tcp[11];
	p->tcp_flags = tcp[13];
	p->window = tcp[14] << 8 | tcp[15];
	/* A GSO/TSO skb may carry 0 or a partial length here; clamp. */
	l4_off += (tcp[12] >> 4) * 4;
	p->payload_len = l3_len > l4_off ? l3_len - l4_off : 0;
	return 0;
}

#endif /* TCPREC_PKT_BPF_H */
