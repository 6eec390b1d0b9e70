/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_opts.h - what a caller gives a libpcap source (pcap_src_opts) and
 * what it reports back (pcap_src_stats): shared by the public interface
 * (pcap_src.h) and the modules that open sources (pcap_setup, pcap_import,
 * pcap_live), which pcap_src.c calls.
 */
#ifndef TCPREC_PCAP_OPTS_H
#define TCPREC_PCAP_OPTS_H

#include <stdint.h>

#include "pkt_filter.h"

struct pcap_src_opts {
	const char *path;     /* import: capture file ("-" = stdin) */
	const char *iface;    /* live: interface name */
	const char *bpf_expr; /* optional libpcap filter expression, may be NULL */
	const struct pcap_src_filter *filter;
	struct pcap_net local_nets[PCAP_SRC_MAX_LOCAL_NETS];
	unsigned int n_local_nets; /* 0 = local side is the first SYN's sender */
	/* Added after the first version of this interface: */
	unsigned int snaplen;	/* live: bytes captured per packet; 0 = PCAP_SRC_DEFAULT_SNAPLEN */
	unsigned int max_flows; /* concurrent flows kept; 0 = default (262144); beyond, the
				 * least recently active flow is closed (stats.flows_evicted) */
};

/* Enough for Ethernet + 2 VLAN tags + IPv6 with extension headers + TCP
 * with options; the payload is never needed. */
#define PCAP_SRC_DEFAULT_SNAPLEN 262

struct pcap_src_stats {
	uint64_t packets;	/* packets read */
	uint64_t tcp_segments;	/* written as segment events */
	uint64_t non_tcp;	/* skipped: not TCP */
	uint64_t fragments;	/* skipped: IP fragments */
	uint64_t snap_short;	/* TCP packets cut short by the snap length */
	uint64_t malformed;	/* skipped: headers that do not parse */
	uint64_t filtered;	/* skipped by --port/--host/-4/-6 or the expression */
	uint64_t connections;	/* flows declared */
	uint64_t capture_drops; /* drops reported by the capture (lost events) */
	/* Added after the first version of this interface: */
	uint64_t flows_evicted;		 /* flows closed early because the flow table was full */
	uint64_t flows_open_max;	 /* most concurrent flows */
	uint64_t not_imported;		 /* import: packets the file holds beyond the point where
					  * reading stopped (pcapng files libpcap cannot read to the end) */
	const char *first_malformed;	 /* static text: why the first malformed packet was
					  * skipped ("IPv4 total length beyond the frame"), or NULL */
	uint64_t first_malformed_packet; /* its packet number, 1-based (as tshark counts) */
};

#endif /* TCPREC_PCAP_OPTS_H */
