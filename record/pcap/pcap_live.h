/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_live.h - live capture on an interface (tcprec -i).
 */
#ifndef TCPREC_PCAP_LIVE_H
#define TCPREC_PCAP_LIVE_H

#include "pcap_setup.h"

struct pcap_src *pcap_live_open(const struct pcap_src_opts *opts, struct trc_header *hdr,
				char *errbuf, size_t errbuf_len);
int pcap_live_report_drops(struct pcap_src *src, struct trc_writer *w, uint64_t now_ns);

#endif /* TCPREC_PCAP_LIVE_H */
