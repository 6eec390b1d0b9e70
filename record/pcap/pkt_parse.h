/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_parse.h - bounded parser from one captured frame (link type, bytes,
 * captured and wire length) to the TCP segment it carries.  Pure: no
 * allocation, no state, no libpcap calls, so it is unit-tested and fuzzed
 * on hand-built bytes.
 */
#ifndef TCPREC_PKT_PARSE_H
#define TCPREC_PKT_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Link types understood (pcap DLT_* values as pcap_datalink() returns them,
 * plus the file-format LINKTYPE_RAW that some writers leave unmapped). */
#define PKT_LINK_NULL 0 /* DLT_NULL: 4-byte AF in the writer's byte order */
#define PKT_LINK_EN10MB 1 /* Ethernet, with 802.1Q/802.1ad tags */
#define PKT_LINK_RAW 12 /* DLT_RAW on Linux and most systems */
#define PKT_LINK_RAW_OPENBSD 14 /* DLT_RAW on OpenBSD */
#define PKT_LINK_LINKTYPE_RAW 101 /* LINKTYPE_RAW in files */
#define PKT_LINK_LOOP 108 /* DLT_LOOP: 4-byte AF in network order */
#define PKT_LINK_LINUX_SLL 113 /* Linux cooked v1 */
#define PKT_LINK_IPV4 228
#define PKT_LINK_IPV6 229
#define PKT_LINK_LINUX_SLL2 276 /* Linux cooked v2 (tcpdump -i any) */

/* Bounds on attacker-controlled header chains. */
#define PKT_MAX_VLAN_TAGS 4
#define PKT_MAX_IPV6_EXT 8

enum pkt_result {
	PKT_TCP = 0, /* a TCP segment: *seg is filled */
	PKT_NON_TCP = 1, /* a valid frame that carries no TCP (ARP, UDP, ...) */
	PKT_FRAGMENT = 2, /* an IP fragment: not reassembled, skipped */
	PKT_MALFORMED = 3, /* headers do not parse; seg->why says which */
};

struct pkt_seg {
	uint8_t family; /* 4 or 6 */
	uint8_t src[16]; /* IPv4 in the first 4 bytes, network order */
	uint8_t dst[16];
	uint16_t sport; /* host order */
	uint16_t dport;
	uint8_t tcp_flags;
	uint8_t snap_short; /* the capture holds less than the wire carried */
	uint32_t seq;
	uint32_t ack;
	uint32_t window; /* raw, unscaled */
	uint32_t payload_len; /* from the IP lengths, not from caplen */
	const char *why; /* static text: why not PKT_TCP (NULL for PKT_TCP) */
};

/* 1 when pkt_parse() knows the link type, else 0. */
int pkt_link_supported(uint32_t linktype);

/* Parses one frame.  Only bytes [0, caplen) are read; wirelen is the
 * length on the wire (>= caplen for a sane capture, not trusted).  Returns
 * an enum pkt_result; *seg is always initialised. */
int pkt_parse(uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
	      struct pkt_seg *seg);

/* Internal to the parser, shared by its two files: the network layer
 * found below the link header. */
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

/* Strips the link header: on PKT_TCP (used as "go on") *net says which
 * network protocol follows at c->p; otherwise the frame ends here. */
int pkt_link_strip(uint32_t linktype, struct pkt_cur *c, int *net, struct pkt_seg *seg);

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

#endif /* TCPREC_PKT_PARSE_H */
