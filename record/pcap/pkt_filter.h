/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_filter.h - the --port/--host/-4/-6 filters and the filter expression
 * (lib/filterexpr.h): their values (built from
 * the command line by record/filter.c, shared with the BPF path), matching
 * a parsed segment, and the same filters as a libpcap filter expression so
 * a live capture drops unwanted packets in the kernel.
 */
#ifndef TCPREC_PKT_FILTER_H
#define TCPREC_PKT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "filterexpr.h"
#include "pkt_seg.h"
#include "trc.h"

/* Local networks an import may be given (--local). */
#define PCAP_SRC_MAX_LOCAL_NETS 32

struct pcap_net {
	uint8_t family; /* TRC_FAMILY_IPV4 / TRC_FAMILY_IPV6 */
	uint8_t addr[16];
	uint8_t prefix_len;
};

/* Filters shared with the BPF path (record/filter.h builds them from the
 * command line); applied to every packet. */
struct pcap_src_filter {
	uint16_t ports[16];
	unsigned int n_ports; /* 0 = any port */
	struct pcap_net hosts[16];
	unsigned int n_hosts; /* 0 = any host */
	int only_family;      /* 0, TRC_FAMILY_IPV4 or TRC_FAMILY_IPV6 */
	struct fx_prog expr;  /* the filter expression; n_ops 0 = none */
};

/* 1 when addr (of family 4 or 6) lies inside net. */
int pkt_net_contains(const struct pcap_net *net, uint8_t family, const uint8_t *addr);

/* 1 when the segment passes the filter (NULL filter: everything passes).
 * The expression is evaluated by fx_match(), as the BPF programs and
 * tcpana do: on the connection, whichever way the segment goes. */
int pkt_filter_match(const struct pcap_src_filter *f, const struct pkt_seg *seg);

/* Writes "tcp and (<user>) and (port ...) and (net ...) and ip" into buf
 * (the expression is not part of it: libpcap would apply it per packet).
 * user may be NULL.  Returns 0, -EINVAL for an invalid filter or
 * -ENAMETOOLONG when buf is too small. */
int pkt_filter_expr(const struct pcap_src_filter *f, const char *user, char *buf, size_t len);

#endif /* TCPREC_PKT_FILTER_H */
