// SPDX-License-Identifier: BSD-2-Clause
/*
 * pkt_parse.c - the network and transport part of the frame parser: IPv4
 * (options, fragments), IPv6 (extension header chain), TCP (data offset).
 * Lengths come from the IP headers, checked against the wire length and
 * read only where captured; caplen and wirelen are never trusted.
 */
#include <string.h>

#include "pkt_parse.h"

#define IPPROTO_HOPOPTS_  0
#define IPPROTO_TCP_	  6
#define IPPROTO_ROUTING_  43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_	  51
#define IPPROTO_NONE_	  59
#define IPPROTO_DSTOPTS_  60

#define IPV4_MF		 0x2000
#define IPV4_OFFSET_MASK 0x1fff

static int bad(struct pkt_seg *seg, const char *why)
{
	seg->why = why;
	return PKT_MALFORMED;
}

/* IPv4 header and options; *l4_len is the transport length from the IP
 * total length.  wire_left is what the wire carried from here on. */
static int parse_ipv4(struct pkt_cur *c, size_t wire_left, struct pkt_seg *seg, size_t *l4_len)
{
	const uint8_t *h = pkt_take(c, 20);

	if (!h)
		return bad(seg, "IPv4 header cut short");
	if (h[0] >> 4 != 4)
		return bad(seg, "IPv4 version field is not 4");
	size_t ihl = (size_t)(h[0] & 0x0f) * 4;
	if (ihl < 20)
		return bad(seg, "IPv4 header length below 20");
	size_t tot = pkt_be16(h + 2);
	/* Segmentation offload hands taps super-packets with total length 0
	 * (BIG TCP); the frame length is then the only length there is. */
	if (tot == 0)
		tot = wire_left;
	if (tot < ihl)
		return bad(seg, "IPv4 total length below its header length");
	if (tot > wire_left)
		return bad(seg, "IPv4 total length beyond the frame");
	if (!pkt_take(c, ihl - 20))
		return bad(seg, "IPv4 options cut short");
	seg->family = 4;
	memcpy(seg->src, h + 12, 4);
	memcpy(seg->dst, h + 16, 4);
	if (h[9] != IPPROTO_TCP_) {
		seg->why = "not TCP (IPv4 protocol)";
		return PKT_NON_TCP;
	}
	uint16_t frag = pkt_be16(h + 6);
	if (frag & IPV4_OFFSET_MASK) {
		seg->why = "IPv4 fragment (not reassembled)";
		return PKT_FRAGMENT;
	}
	if (frag & IPV4_MF) {
		/* The first fragment holds the TCP header, but its payload
		 * length is only known after reassembly. */
		seg->why = "IPv4 first fragment (not reassembled; payload length unknown)";
		return PKT_FRAGMENT;
	}
	*l4_len = tot - ihl;
	return PKT_TCP;
}

/* Skips one IPv6 extension header of the given type; *len is what it used. */
static int skip_ipv6_ext(struct pkt_cur *c, uint8_t type, size_t room, uint8_t *next, size_t *len,
			 struct pkt_seg *seg)
{
	if (room < 8)
		return bad(seg, "IPv6 extension header beyond the payload length");
	const uint8_t *e = pkt_take(c, 2);
	if (!e)
		return bad(seg, "IPv6 extension header cut short");
	*next = e[0];
	/* AH counts 4-byte units minus 2; the others 8-byte units minus 1. */
	*len = type == IPPROTO_AH_ ? ((size_t)e[1] + 2) * 4 : ((size_t)e[1] + 1) * 8;
	if (*len > room)
		return bad(seg, "IPv6 extension header beyond the payload length");
	if (!pkt_take(c, *len - 2))
		return bad(seg, "IPv6 extension header cut short");
	return PKT_TCP;
}

static int parse_ipv6(struct pkt_cur *c, size_t wire_left, struct pkt_seg *seg, size_t *l4_len)
{
	const uint8_t *h = pkt_take(c, 40);

	/* Taking 40 captured bytes also proves wire_left >= 40 (wire >= caplen). */
	if (!h)
		return bad(seg, "IPv6 header cut short");
	if (h[0] >> 4 != 6)
		return bad(seg, "IPv6 version field is not 6");
	size_t plen = pkt_be16(h + 4);
	/* Payload length 0: a jumbogram or a BIG TCP super-packet. */
	if (plen == 0)
		plen = wire_left - 40;
	if (plen > wire_left - 40)
		return bad(seg, "IPv6 payload length beyond the frame");
	seg->family = 6;
	memcpy(seg->src, h + 8, 16);
	memcpy(seg->dst, h + 24, 16);
	uint8_t next = h[6];
	for (unsigned int n = 0; n <= PKT_MAX_IPV6_EXT; n++) {
		size_t used = 0;
		int rc;

		switch (next) {
		case IPPROTO_TCP_:
			*l4_len = plen;
			return PKT_TCP;
		case IPPROTO_FRAGMENT_:
			seg->why = "IPv6 fragment (not reassembled)";
			return PKT_FRAGMENT;
		case IPPROTO_HOPOPTS_:
		case IPPROTO_ROUTING_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_AH_:
			if (n == PKT_MAX_IPV6_EXT)
				return bad(seg, "too many IPv6 extension headers");
			rc = skip_ipv6_ext(c, next, plen, &next, &used, seg);
			if (rc != PKT_TCP)
				return rc;
			plen -= used;
			break;
		case IPPROTO_NONE_:
		default:
			seg->why = "not TCP (IPv6 next header)";
			return PKT_NON_TCP;
		}
	}
	return bad(seg, "too many IPv6 extension headers");
}

static int parse_tcp(struct pkt_cur *c, size_t l4_len, struct pkt_seg *seg)
{
	if (l4_len < 20)
		return bad(seg, "IP payload too short for a TCP header");
	const uint8_t *t = pkt_take(c, 20);
	if (!t)
		return bad(seg, "TCP header cut short");
	size_t doff = (size_t)(t[12] >> 4) * 4;
	if (doff < 20)
		return bad(seg, "TCP data offset below 20");
	if (doff > l4_len)
		return bad(seg, "TCP data offset beyond the IP payload");
	seg->sport = pkt_be16(t);
	seg->dport = pkt_be16(t + 2);
	seg->seq = pkt_be32(t + 4);
	seg->ack = pkt_be32(t + 8);
	seg->tcp_flags = t[13];
	seg->window = pkt_be16(t + 14);
	seg->payload_len = (uint32_t)(l4_len - doff);
	/* Options and payload may lie beyond caplen: not needed. */
	return PKT_TCP;
}

int pkt_parse(uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
	      struct pkt_seg *seg)
{
	struct pkt_cur c = { .p = data, .left = data ? caplen : 0 };
	size_t l4_len = 0;
	int net, rc;

	memset(seg, 0, sizeof(*seg));
	/* A wire length below the captured length is nonsense; the capture is
	 * what we have, so it bounds the wire from below. */
	size_t wire = wirelen < caplen ? caplen : wirelen;
	seg->snap_short = caplen < wirelen;

	rc = pkt_link_strip(linktype, &c, &net, seg);
	if (rc != PKT_TCP)
		return rc;
	size_t wire_left = wire - (size_t)(c.p - data);
	if (net == PKT_NET_GUESS) {
		if (c.left == 0)
			return bad(seg, "raw IP packet is empty");
		if (c.p[0] >> 4 != 4 && c.p[0] >> 4 != 6)
			return bad(seg, "raw IP packet with an IP version other than 4 or 6");
		net = c.p[0] >> 4 == 6 ? PKT_NET_IPV6 : PKT_NET_IPV4;
	}
	if (net == PKT_NET_IPV4)
		rc = parse_ipv4(&c, wire_left, seg, &l4_len);
	else
		rc = parse_ipv6(&c, wire_left, seg, &l4_len);
	if (rc != PKT_TCP)
		return rc;
	rc = parse_tcp(&c, l4_len, seg);
	if (rc == PKT_TCP)
		seg->why = NULL;
	return rc;
}
