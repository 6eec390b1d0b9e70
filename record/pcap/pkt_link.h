/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_link.h - the link layers the packet parser understands, and the
 * step that strips one (pkt_link.c).
 */
#ifndef TCPREC_PKT_LINK_H
#define TCPREC_PKT_LINK_H

#include "pkt_seg.h"

/* Link types understood (pcap DLT_* values as pcap_datalink() returns them,
 * plus the file-format LINKTYPE_RAW that some writers leave unmapped). */
#define PKT_LINK_NULL	      0	  /* DLT_NULL: 4-byte AF in the writer's byte order */
#define PKT_LINK_EN10MB	      1	  /* Ethernet, with 802.1Q/802.1ad tags */
#define PKT_LINK_RAW	      12  /* DLT_RAW on Linux and most systems */
#define PKT_LINK_RAW_OPENBSD  14  /* DLT_RAW on OpenBSD */
#define PKT_LINK_LINKTYPE_RAW 101 /* LINKTYPE_RAW in files */
#define PKT_LINK_LOOP	      108 /* DLT_LOOP: 4-byte AF in network order */
#define PKT_LINK_LINUX_SLL    113 /* Linux cooked v1 */
#define PKT_LINK_IPV4	      228
#define PKT_LINK_IPV6	      229
#define PKT_LINK_LINUX_SLL2   276 /* Linux cooked v2 (tcpdump -i any) */

/* 1 when pkt_parse() knows the link type, else 0. */
int pkt_link_supported(uint32_t linktype);

/* Strips the link header: on PKT_TCP (used as "go on") *net says which
 * network protocol follows at c->p; otherwise the frame ends here. */
int pkt_link_strip(uint32_t linktype, struct pkt_cur *c, int *net, struct pkt_seg *seg);

#endif
