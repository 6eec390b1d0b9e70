// SPDX-License-Identifier: BSD-2-Clause
/*
 * pcap_live.c - live capture on an interface through libpcap (tcprec -i,
 * --packets=pcap): immediate mode, non-blocking, headers-only snap length,
 * nanosecond timestamps where the system has them, and the port/host/
 * family filters compiled into the socket filter so the kernel drops
 * unwanted packets.  Kernel drop counts become lost-events records.
 */
#include <errno.h>
#include <string.h>

#include "pcap_live.h"
#include "pkt_filter.h"

#define LIVE_BUFFER_BYTES (8 << 20)

static int activate_errno(int rc)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return ENODEV;
	case PCAP_ERROR_PERM_DENIED:
		return EPERM;
	case PCAP_ERROR_IFACE_NOT_UP:
		return ENETDOWN;
	default:
		return EIO;
	}
}

static int configure(pcap_t *p, const struct pcap_src_opts *opts, char *errbuf, size_t errbuf_len)
{
	unsigned int snap = opts->snaplen ? opts->snaplen : PCAP_SRC_DEFAULT_SNAPLEN;

	(void)pcap_set_snaplen(p, (int)(snap > 262144 ? 262144 : snap));
	(void)pcap_set_promisc(p, 0);
	(void)pcap_set_immediate_mode(p, 1);
	(void)pcap_set_buffer_size(p, LIVE_BUFFER_BYTES);
	/* Not every capture mechanism has ns stamps; then we stay at us. */
	(void)pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	int rc = pcap_activate(p);
	if (rc < 0) {
		const char *detail = pcap_geterr(p);
		snprintf(errbuf, errbuf_len, "%s: %s%s%s", opts->iface, pcap_statustostr(rc),
			 detail && *detail ? ": " : "", detail ? detail : "");
		return -activate_errno(rc);
	}
	char pe[PCAP_ERRBUF_SIZE] = "";
	if (pcap_setnonblock(p, 1, pe) < 0) {
		snprintf(errbuf, errbuf_len, "%s: non-blocking mode: %s", opts->iface, pe);
		return -EIO;
	}
	char expr[2048];
	rc = pkt_filter_expr(opts->filter, opts->bpf_expr, expr, sizeof(expr));
	if (rc < 0) {
		snprintf(errbuf, errbuf_len, "%s: cannot build the capture filter: %s", opts->iface,
			 strerror(-rc));
		return rc;
	}
	return pcap_setup_filter(p, expr, errbuf, errbuf_len);
}

struct pcap_src *pcap_live_open(const struct pcap_src_opts *opts, struct trc_header *hdr,
				char *errbuf, size_t errbuf_len)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	char source[TRC_STR_MAX];

	pcap_t *p = pcap_create(opts->iface, pe);
	if (!p) {
		snprintf(errbuf, errbuf_len, "%s: %s", opts->iface, pe);
		errno = ENODEV;
		return NULL;
	}
	int rc = configure(p, opts, errbuf, errbuf_len);
	if (rc < 0) {
		pcap_close(p);
		errno = -rc;
		return NULL;
	}
	snprintf(source, sizeof(source), "pcap-live:%s", opts->iface);
	return pcap_setup_source(p, 1, source, opts, hdr, errbuf, errbuf_len);
}

/* pcap_stats() drops are cumulative (and 32 bits wide on Linux): each
 * report writes the increase since the previous one.  Finished flows are
 * expired here too, since a quiet interface brings no packets to do it. */
int pcap_live_report_drops(struct pcap_src *src, struct trc_writer *w, uint64_t now_ns)
{
	struct pcap_stat ps;

	int rc = flow_table_expire(src->ft, w, now_ns);
	if (rc < 0)
		return rc;
	if (pcap_stats(src->p, &ps) != 0)
		return -EIO;
	uint32_t delta = (uint32_t)ps.ps_drop - src->drops_raw;
	uint64_t since = src->drops_t_ns ? src->drops_t_ns : now_ns;
	src->drops_raw = (uint32_t)ps.ps_drop;
	src->drops_t_ns = now_ns;
	if (delta == 0)
		return 0;
	struct trc_event ev = {
	    .type = TRC_EV_LOST,
	    /* Not before the last packet written: events never go back. */
	    .t_ns = since > src->last_t_ns ? since : src->last_t_ns,
	    .lost =
		{
		    .count = delta,
		    .t_end_ns = now_ns,
		    .cpu = UINT32_MAX,
		    .reason = TRC_LOST_CAPTURE,
		},
	};
	if (ev.t_ns > now_ns)
		ev.lost.t_end_ns = ev.t_ns;
	src->st.capture_drops += delta;
	return trc_writer_append(w, &ev);
}
