/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_seg.h - the packet parser's vocabulary, shared by its link layer
 * (pkt_link.c) and its network and transport layers (pkt_parse.c): the
 * result codes, the segment a frame carries, and the bounded cursor both
 * read with.  No functions of its own.
 */
#ifndef TCPREC_PKT_SEG_H
#define TCPREC_PKT_SEG_H

#include <stddef.h>
#include <stdint.h>

/* Bounds on attacker-controlled header chains. */
#define PKT_MAX_VLAN_TAGS 4
#define PKT_MAX_IPV6_EXT  8

enum pkt_result {
	PKT_TCP = 0,	   /* a TCP segment: *seg is filled */
	PKT_NON_TCP = 1,   /* a valid frame that carries no TCP (ARP, UDP, ...) */
	PKT_FRAGMENT = 2,  /* an IP fragment: not reassembled, skipped */
	PKT_MALFORMED = 3, /* headers do not parse; seg->why says which */
};

struct pkt_seg {
	uint8_t family;	 /* 4 or 6 */
	uint8_t src[16]; /* IPv4 in the first 4 bytes, network order */
	uint8_t dst[16];
	uint16_t sport; /* host order */
	uint16_t dport;
	uint8_t tcp_flags;
	uint8_t snap_short; /* the capture holds less than the wire carried */
	uint32_t seq;
	uint32_t ack;
	uint32_t window;      /* raw, unscaled */
	uint32_t payload_len; /* from the IP lengths, not from caplen */
	const char *why;      /* static text: why not PKT_TCP (NULL for PKT_TCP) */
};

/* The unread rest of a frame. */
struct pkt_cur {
	const uint8_t *p;
	size_t left;
};

enum pkt_net {
	PKT_NET_IPV4 = 4,
	PKT_NET_IPV6 = 6,
	PKT_NET_GUESS = 1, /* raw IP: decided by the version nibble */
	PKT_NET_OTHER = 0,
};

/* Takes n bytes from the cursor; NULL (cursor unchanged) when fewer are left. */
static inline const uint8_t *pkt_take(struct pkt_cur *c, size_t n)
{
	if (n > c->left)
		return NULL;
	const uint8_t *p = c->p;
	c->p += n;
	c->left -= n;
	return p;
}

static inline uint16_t pkt_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t pkt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
