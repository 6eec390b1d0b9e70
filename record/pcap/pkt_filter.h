/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_filter.h - the --port/--host/-4/-6 filters for libpcap sources:
 * matching a parsed segment, and the same filters as a libpcap filter
 * expression so a live capture drops unwanted packets in the kernel.
 */
#ifndef TCPREC_PKT_FILTER_H
#define TCPREC_PKT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "pcap_src.h"
#include "pkt_parse.h"

/* 1 when addr (of family 4 or 6) lies inside net. */
int pkt_net_contains(const struct pcap_net *net, uint8_t family, const uint8_t *addr);

/* 1 when the segment passes the filter (NULL filter: everything passes). */
int pkt_filter_match(const struct pcap_src_filter *f, const struct pkt_seg *seg);

/* Writes "tcp and (<user>) and (port ...) and (net ...) and ip" into buf.
 * user may be NULL.  Returns 0, -EINVAL for an invalid filter or
 * -ENAMETOOLONG when buf is too small. */
int pkt_filter_expr(const struct pcap_src_filter *f, const char *user, char *buf, size_t len);

#endif /* TCPREC_PKT_FILTER_H */
