// SPDX-License-Identifier: BSD-2-Clause
/*
 * pkt_link.c - strips the link-layer header of a captured frame (Ethernet
 * with VLAN tags, Linux cooked v1/v2, raw IP, BSD loopback) and says which
 * network protocol follows.  Every length is checked against what was
 * captured before it is read.
 */
#include "pkt_link.h"

#define ETHERTYPE_IPV4	   0x0800
#define ETHERTYPE_IPV6	   0x86dd
#define ETHERTYPE_8021Q	   0x8100
#define ETHERTYPE_8021AD   0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100 /* pre-standard double tagging */

#define SLL_HDR_LEN  16
#define SLL2_HDR_LEN 20

int pkt_link_supported(uint32_t linktype)
{
	switch (linktype) {
	case PKT_LINK_NULL:
	case PKT_LINK_EN10MB:
	case PKT_LINK_RAW:
	case PKT_LINK_RAW_OPENBSD:
	case PKT_LINK_LINKTYPE_RAW:
	case PKT_LINK_LOOP:
	case PKT_LINK_LINUX_SLL:
	case PKT_LINK_IPV4:
	case PKT_LINK_IPV6:
	case PKT_LINK_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}

static int is_vlan_tpid(uint16_t type)
{
	return type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ_OLD;
}

/* Follows an ethertype through up to PKT_MAX_VLAN_TAGS tags (each: 2 bytes
 * TCI, 2 bytes inner type).  Cooked captures carry re-inserted tags too. */
static int ethertype_to_net(uint16_t type, struct pkt_cur *c, int *net, struct pkt_seg *seg)
{
	for (unsigned int tags = 0; is_vlan_tpid(type); tags++) {
		if (tags == PKT_MAX_VLAN_TAGS) {
			seg->why = "too many VLAN tags";
			return PKT_MALFORMED;
		}
		const uint8_t *tag = pkt_take(c, 4);
		if (!tag) {
			seg->why = "VLAN tag cut short";
			return PKT_MALFORMED;
		}
		type = pkt_be16(tag + 2);
	}
	if (type == ETHERTYPE_IPV4)
		*net = PKT_NET_IPV4;
	else if (type == ETHERTYPE_IPV6)
		*net = PKT_NET_IPV6;
	else {
		seg->why = "not IP (ethertype)";
		return PKT_NON_TCP;
	}
	return PKT_TCP;
}

/* BSD loopback: the address family is a 4-byte integer, in the capturing
 * host's byte order for DLT_NULL and network order for DLT_LOOP; files move
 * between hosts, so both orders are accepted.  AF_INET6 differs per system
 * (Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30); AF_INET is 2
 * everywhere. */
static int loop_family(const uint8_t *h)
{
	uint32_t be = pkt_be32(h);
	uint32_t le = (uint32_t)h[3] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[1] << 8 | h[0];
	const uint32_t v[2] = { be, le };

	for (int i = 0; i < 2; i++) {
		if (v[i] == 2)
			return PKT_NET_IPV4;
		if (v[i] == 10 || v[i] == 24 || v[i] == 28 || v[i] == 30)
			return PKT_NET_IPV6;
	}
	return PKT_NET_OTHER;
}

static int strip_loop(struct pkt_cur *c, int *net, struct pkt_seg *seg)
{
	const uint8_t *h = pkt_take(c, 4);

	if (!h) {
		seg->why = "loopback header cut short";
		return PKT_MALFORMED;
	}
	*net = loop_family(h);
	if (*net == PKT_NET_OTHER) {
		seg->why = "not IP (loopback address family)";
		return PKT_NON_TCP;
	}
	return PKT_TCP;
}

int pkt_link_strip(uint32_t linktype, struct pkt_cur *c, int *net, struct pkt_seg *seg)
{
	const uint8_t *h;

	*net = PKT_NET_OTHER;
	switch (linktype) {
	case PKT_LINK_EN10MB:
		if (!(h = pkt_take(c, 14))) {
			seg->why = "Ethernet header cut short";
			return PKT_MALFORMED;
		}
		return ethertype_to_net(pkt_be16(h + 12), c, net, seg);
	case PKT_LINK_LINUX_SLL:
		if (!(h = pkt_take(c, SLL_HDR_LEN))) {
			seg->why = "Linux cooked header cut short";
			return PKT_MALFORMED;
		}
		return ethertype_to_net(pkt_be16(h + 14), c, net, seg);
	case PKT_LINK_LINUX_SLL2:
		if (!(h = pkt_take(c, SLL2_HDR_LEN))) {
			seg->why = "Linux cooked v2 header cut short";
			return PKT_MALFORMED;
		}
		return ethertype_to_net(pkt_be16(h), c, net, seg);
	case PKT_LINK_NULL:
	case PKT_LINK_LOOP:
		return strip_loop(c, net, seg);
	case PKT_LINK_RAW:
	case PKT_LINK_RAW_OPENBSD:
	case PKT_LINK_LINKTYPE_RAW:
		*net = PKT_NET_GUESS;
		return PKT_TCP;
	case PKT_LINK_IPV4:
		*net = PKT_NET_IPV4;
		return PKT_TCP;
	case PKT_LINK_IPV6:
		*net = PKT_NET_IPV6;
		return PKT_TCP;
	default:
		seg->why = "unsupported link type";
		return PKT_MALFORMED;
	}
}
