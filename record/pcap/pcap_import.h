/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_import.h - importing a pcap/pcapng capture: opening it and what
 * happens at its end (pcapng drops, the damage message).
 */
#ifndef TCPREC_PCAP_IMPORT_H
#define TCPREC_PCAP_IMPORT_H

#include <stdio.h>

#include "pcap_setup.h"

/* pcap_src_open_fp() (pcap_src.h) for an import. */
struct pcap_src *pcap_import_open_fp(FILE *fp, const char *name, const struct pcap_src_opts *opts,
				     struct trc_header *hdr, char *errbuf, size_t errbuf_len);

/* Import: end of the file reached (damaged or not); walks a pcapng file
 * for what libpcap does not report and completes the damage message. */
void pcap_import_finish(struct pcap_src *src);
int pcap_import_report_drops(struct pcap_src *src, struct trc_writer *w);

#endif /* TCPREC_PCAP_IMPORT_H */
