// SPDX-License-Identifier: BSD-2-Clause
/*
 * pcap_src.c - a libpcap source as its callers see it: opening an import
 * or a live capture (pcap_import.c, pcap_live.c), reading packets, turning
 * each into a counted outcome or a segment event, drops and statistics.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pcap_import.h"
#include "pcap_live.h"
#include "pcap_src.h"
#include "pkt_filter.h"
#include "pkt_parse.h"

#define NS_PER_SEC 1000000000ull

struct pcap_src *pcap_src_open(const struct pcap_src_opts *opts, struct trc_header *hdr,
			       char *errbuf, size_t errbuf_len)
{
	if (!opts || !errbuf || errbuf_len == 0 || !!opts->path == !!opts->iface) {
		if (errbuf && errbuf_len)
			snprintf(errbuf, errbuf_len,
				 "pcap source: give either a file or an interface");
		errno = EINVAL;
		return NULL;
	}
	if (opts->iface)
		return pcap_live_open(opts, hdr, errbuf, errbuf_len);
	if (strcmp(opts->path, "-") == 0)
		return pcap_src_open_fp(stdin, "-", opts, hdr, errbuf, errbuf_len);
	FILE *fp = fopen(opts->path, "rb");
	struct stat sb;
	if (!fp) {
		int e = errno;
		snprintf(errbuf, errbuf_len, "%s: %s", opts->path, strerror(e));
		errno = e;
		return NULL;
	}
	/* libpcap would say "truncated dump file" of an empty file. */
	if (fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0) {
		snprintf(errbuf, errbuf_len, "%s: empty file, not a pcap/pcapng capture",
			 opts->path);
		fclose(fp);
		errno = EINVAL;
		return NULL;
	}
	return pcap_src_open_fp(fp, opts->path, opts, hdr, errbuf, errbuf_len);
}

struct pcap_src *pcap_src_open_fp(FILE *fp, const char *name, const struct pcap_src_opts *opts,
				  struct trc_header *hdr, char *errbuf, size_t errbuf_len)
{
	return pcap_import_open_fp(fp, name, opts, hdr, errbuf, errbuf_len);
}

int pcap_src_fd(const struct pcap_src *src)
{
	return src && src->live ? pcap_get_selectable_fd(src->p) : -1;
}

static uint64_t ts_ns(const struct pcap_src *src, const struct pcap_pkthdr *h)
{
	uint64_t ns, frac;

	if (h->ts.tv_sec < 0 || h->ts.tv_usec < 0)
		return 0;
	frac = (uint64_t)h->ts.tv_usec * (src->nano ? 1 : 1000);
	if (__builtin_mul_overflow((uint64_t)h->ts.tv_sec, NS_PER_SEC, &ns) ||
	    __builtin_add_overflow(ns, frac, &ns))
		return UINT64_MAX;
	return ns;
}

/* One packet: counted by outcome, written when it is a wanted segment. */
static int handle_packet(struct pcap_src *src, struct trc_writer *w, const struct pcap_pkthdr *h,
			 const uint8_t *data)
{
	struct pkt_seg seg;
	uint64_t t = ts_ns(src, h);

	src->st.packets++;
	if (t > src->last_t_ns)
		src->last_t_ns = t;
	switch (pkt_parse((uint32_t)src->linktype, data, h->caplen, h->len, &seg)) {
	case PKT_NON_TCP:
		src->st.non_tcp++;
		return 0;
	case PKT_FRAGMENT:
		src->st.fragments++;
		return 0;
	case PKT_MALFORMED:
		if (src->st.malformed++ == 0) {
			src->st.first_malformed = seg.why;
			src->st.first_malformed_packet = src->st.packets;
		}
		return 0;
	default:
		break;
	}
	if (src->have_filter && !pkt_filter_match(&src->filter, &seg)) {
		src->st.filtered++;
		return 0;
	}
	int rc = flow_table_segment(src->ft, w, t, &seg);
	if (rc < 0)
		return rc;
	src->st.tcp_segments++;
	src->st.snap_short += seg.snap_short;
	return 0;
}

/* The import ended, cleanly or not: every flow is closed in the trace. */
static int end_of_import(struct pcap_src *src, struct trc_writer *w, int damaged)
{
	src->eof = 1;
	src->damaged = damaged;
	if (damaged)
		snprintf(src->damage, sizeof(src->damage), "%s", pcap_geterr(src->p));
	pcap_import_finish(src);
	return flow_table_close_all(src->ft, w);
}

int pcap_src_dispatch(struct pcap_src *src, struct trc_writer *w, int max_packets, char *errbuf,
		      size_t errbuf_len)
{
	int n = 0, rc = 0;

	if (!src || !w)
		return -EINVAL;
	if (src->eof)
		return 0;
	while ((max_packets <= 0 || n < max_packets) && n < INT_MAX) {
		struct pcap_pkthdr *h;
		const u_char *data;
		int got = pcap_next_ex(src->p, &h, &data);

		if (got == 1) {
			n++;
			rc = handle_packet(src, w, h, data);
		} else if (got == 0) {
			break; /* live: nothing more right now */
		} else if (src->live) {
			snprintf(errbuf, errbuf_len, "capture: %s", pcap_geterr(src->p));
			return -ENETDOWN;
		} else {
			rc = end_of_import(src, w, got != PCAP_ERROR_BREAK);
			if (src->damaged)
				snprintf(errbuf, errbuf_len, "%s", src->damage);
			if (rc == 0)
				break;
		}
		if (rc < 0) {
			snprintf(errbuf, errbuf_len, "writing the trace: %s", strerror(-rc));
			return rc;
		}
	}
	return n;
}

int pcap_src_damaged(const struct pcap_src *src)
{
	return src ? src->damaged : 0;
}

int pcap_src_report_drops(struct pcap_src *src, struct trc_writer *w, uint64_t now_ns)
{
	if (!src || !w)
		return -EINVAL;
	if (src->live)
		return pcap_live_report_drops(src, w, now_ns);
	return pcap_import_report_drops(src, w);
}

void pcap_src_get_stats(const struct pcap_src *src, struct pcap_src_stats *st)
{
	struct flow_table_stats fs;

	if (!st)
		return;
	if (!src) {
		memset(st, 0, sizeof(*st));
		return;
	}
	*st = src->st;
	flow_table_get_stats(src->ft, &fs);
	st->connections = fs.connections;
	st->flows_evicted = fs.evicted;
	st->flows_open_max = fs.open_max;
}

void pcap_src_close(struct pcap_src *src)
{
	pcap_setup_free(src);
}
