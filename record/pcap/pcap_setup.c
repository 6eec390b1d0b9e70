// SPDX-License-Identifier: BSD-2-Clause
/*
 * pcap_setup.c - what the import and live libpcap sources share: setting
 * a source up around a pcap handle (link type check, header fields, flow
 * table), installing a filter expression, and teardown.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "pcap_setup.h"
#include "pkt_link.h"

#define NS_PER_SEC 1000000000ull

static uint64_t realtime_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

int pcap_setup_filter(pcap_t *p, const char *expr, char *errbuf, size_t errbuf_len)
{
	struct bpf_program prog;

	if (pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, errbuf_len, "filter expression \"%s\": %s", expr, pcap_geterr(p));
		return -EINVAL;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(errbuf, errbuf_len, "installing filter \"%s\": %s", expr, pcap_geterr(p));
		return -EINVAL;
	}
	return 0;
}

static void fill_header(const struct pcap_src *src, const char *source, struct trc_header *hdr)
{
	uint64_t now = realtime_now_ns();

	snprintf(hdr->source, sizeof(hdr->source), "%s", source);
	hdr->pcap_linktype = (uint32_t)src->linktype;
	hdr->pcap_snaplen = (uint32_t)pcap_snapshot(src->p);
	/* Packet times are wall-clock times already: both anchors are one
	 * instant, so realtime = t. */
	hdr->clock = TRC_CLOCK_REALTIME;
	hdr->anchor_clock_ns = now;
	hdr->anchor_realtime_ns = now;
}

struct pcap_src *pcap_setup_source(pcap_t *p, int live, const char *source,
				   const struct pcap_src_opts *opts, struct trc_header *hdr,
				   char *errbuf, size_t errbuf_len)
{
	int lt = pcap_datalink(p);

	if (!pkt_link_supported((uint32_t)lt)) {
		const char *name = pcap_datalink_val_to_name(lt);
		snprintf(
			errbuf, errbuf_len,
			"unsupported link type %d (%s): tcprec reads Ethernet, Linux cooked v1/v2, "
			"raw IP and BSD loopback captures",
			lt, name ? name : "unknown to libpcap");
		pcap_close(p);
		errno = EPROTONOSUPPORT;
		return NULL;
	}
	struct pcap_src *src = calloc(1, sizeof(*src));
	struct flow_table_opts fo = {
		.local_nets = opts->local_nets,
		.n_local_nets = opts->n_local_nets,
		.max_flows = opts->max_flows,
	};
	if (src)
		src->ft = flow_table_new(&fo);
	if (!src || !src->ft) {
		snprintf(errbuf, errbuf_len, "out of memory");
		free(src);
		pcap_close(p);
		errno = ENOMEM;
		return NULL;
	}
	src->p = p;
	src->live = live;
	src->linktype = lt;
	src->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	if (opts->filter) {
		src->filter = *opts->filter;
		src->have_filter = 1;
	}
	if (hdr)
		fill_header(src, source, hdr);
	return src;
}

void pcap_setup_free(struct pcap_src *src)
{
	if (!src)
		return;
	if (src->p)
		pcap_close(src->p);
	flow_table_free(src->ft);
	free(src);
}
