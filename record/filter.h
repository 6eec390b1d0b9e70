/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filter.h - parsing of filter arguments (--port lists, --host and --local
 * addresses, --netns) into the filter structures shared by the BPF and
 * libpcap paths, and their canonical text.
 */
#ifndef TCPREC_FILTER_H
#define TCPREC_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "pcap_src.h"

/* "80" or "80,443,8080": appends to f->ports (max 16, none twice), by
 * the grammar both tools share (lib/filterspec.h).  0 or -EINVAL /
 * -E2BIG. */
int filter_add_ports(struct pcap_src_filter *f, const char *list);

/* "192.0.2.1" or "192.0.2.1,2001:db8::1" (no prefixes): appends to
 * f->hosts likewise. */
int filter_add_hosts(struct pcap_src_filter *f, const char *list);

/* "192.0.2.0/24", "2001:db8::/32" or a bare address (full length). */
int filter_parse_net(const char *text, struct pcap_net *net);

/* "4026531840" (an inode) or a path whose inode is taken with stat(); a
 * path is also copied to path (size path_len), else path is "". */
int filter_parse_netns(const char *arg, uint32_t *inode, char *path, size_t path_len);

/* Text form of an address ("192.0.2.1", "2001:db8::1"). */
const char *filter_addr_str(uint8_t family, const uint8_t *addr, char *buf, size_t len);

#endif /* TCPREC_FILTER_H */
