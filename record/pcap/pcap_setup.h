/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_setup.h - the state of a libpcap source and what the import
 * (pcap_import.c) and the live capture (pcap_live.c) share to build one:
 * link type check, filter, flow table, header fields.  Not part of the
 * public interface (pcap_src.h).
 */
#ifndef TCPREC_PCAP_SETUP_H
#define TCPREC_PCAP_SETUP_H

#include <pcap/pcap.h>

#include "flow.h"
#include "pcap_opts.h"
#include "pcapng_walk.h"
#include "trc.h"

struct pcap_src {
	pcap_t *p;
	int live;
	int linktype;
	int nano; /* timestamps carry nanoseconds */
	int eof;  /* import read to its end (or to damage) */
	int damaged;
	int drops_reported; /* import: the end-of-file drops were written */
	int have_filter;
	struct pcap_src_filter filter;
	struct flow_table *ft;
	struct pcap_src_stats st;
	uint64_t last_t_ns; /* latest packet time seen */
	/* import */
	struct pcapng_summary ng;
	int walked;
	/* live */
	uint32_t drops_raw;  /* pcap_stats() ps_drop at the previous report (wraps) */
	uint64_t drops_t_ns; /* time of the previous drop report */
	char damage[PCAP_ERRBUF_SIZE + 256];
};

/* Allocates a source around an activated/opened pcap_t (owned from here on)
 * and does what imports and live captures share: link type check, filter
 * copy, flow table, header fields.  NULL with errbuf/errno on failure. */
struct pcap_src *pcap_setup_source(pcap_t *p, int live, const char *source,
				   const struct pcap_src_opts *opts, struct trc_header *hdr,
				   char *errbuf, size_t errbuf_len);

/* Compiles expr and installs it; -EINVAL with errbuf on failure. */
int pcap_setup_filter(pcap_t *p, const char *expr, char *errbuf, size_t errbuf_len);

/* Closes the capture and frees the source; accepts NULL. */
void pcap_setup_free(struct pcap_src *src);

#endif /* TCPREC_PCAP_SETUP_H */
