/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_src.h - libpcap packet sources for tcprec: importing a pcap/pcapng
 * capture into a trace (tcprec -r), and a live capture on an interface as
 * the segment source (tcprec -i / --packets=pcap).
 *
 * Both turn TCP packets into TRC_EV_SEGMENT events written through the
 * format library; neither knows about BPF.
 */
#ifndef TCPREC_PCAP_SRC_H
#define TCPREC_PCAP_SRC_H

#include <stdint.h>
#include <stdio.h>

#include "pkt_filter.h"
#include "trc.h"

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
	uint64_t filtered;	/* skipped by --port/--host/-4/-6 */
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

struct pcap_src;

/* Opens an import (opts->path) or a live capture (opts->iface).  Fills the
 * capture-related fields of *hdr (source, pcap_linktype, pcap_snaplen,
 * clock) so the caller can open the writer.  Returns NULL with a one-line
 * message in errbuf (size >= 256) on failure: unknown link type (named),
 * not a capture, no such interface, permission denied. */
struct pcap_src *pcap_src_open(const struct pcap_src_opts *opts, struct trc_header *hdr,
			       char *errbuf, size_t errbuf_len);

/* Like pcap_src_open() for an import, from an open stream (a pipe, a
 * memory stream): fp is owned by the source from this call on, also when
 * it fails (stdin is never closed).  name is used for the header's source
 * ("pcap-file:NAME").  pcapng interface-statistics drops need a seekable
 * stream: the file is walked again at its end (not possible on a pipe).
 * Added after the first version of this interface. */
struct pcap_src *pcap_src_open_fp(FILE *fp, const char *name, const struct pcap_src_opts *opts,
				  struct trc_header *hdr, char *errbuf, size_t errbuf_len);

/* Live captures: a selectable fd for the caller's epoll loop; -1 for imports. */
int pcap_src_fd(const struct pcap_src *src);

/* Processes up to max_packets packets (0 = all available; for an import,
 * the whole file) and writes segments through w.  Returns the number of
 * packets processed (0 at end of an import), or -errno on a writer error.
 * Damage in the capture ends the import with *errbuf set and a positive
 * return of what was processed; pcap_src_damaged() then says so. */
int pcap_src_dispatch(struct pcap_src *src, struct trc_writer *w, int max_packets, char *errbuf,
		      size_t errbuf_len);

/* 1 when the capture ended in damage (truncated/corrupt), with the message
 * left in errbuf by pcap_src_dispatch(). */
int pcap_src_damaged(const struct pcap_src *src);

/* Live: reads pcap_stats() and writes new drops as TRC_EV_LOST
 * (TRC_LOST_CAPTURE) at now_ns.  Import: writes pcapng interface-statistics
 * drops once at end.  Returns 0 or -errno. */
int pcap_src_report_drops(struct pcap_src *src, struct trc_writer *w, uint64_t now_ns);

void pcap_src_get_stats(const struct pcap_src *src, struct pcap_src_stats *st);

/* Closes the capture and frees everything; accepts NULL. */
void pcap_src_close(struct pcap_src *src);

#endif /* TCPREC_PCAP_SRC_H */
