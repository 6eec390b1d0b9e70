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

#include "pcap_opts.h"
#include "trc.h"

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
