// SPDX-License-Identifier: BSD-2-Clause
/*
 * pcap_import.c - opening a pcap/pcapng capture for import, and what
 * happens at its end: a pcapng file is walked once more for what libpcap
 * does not report (interface statistics drops; packets beyond an interface
 * libpcap refuses), and the drops become one lost-events record.
 */
#include <errno.h>
#include <string.h>

#include "pcap_import.h"

struct pcap_src *pcap_import_open_fp(FILE *fp, const char *name, const struct pcap_src_opts *opts,
				     struct trc_header *hdr, char *errbuf, size_t errbuf_len)
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	char source[TRC_STR_MAX];

	if (!fp || !name || !opts || !errbuf || errbuf_len == 0) {
		if (fp && fp != stdin)
			fclose(fp);
		errno = EINVAL;
		return NULL;
	}
	/* Nanosecond precision: libpcap scales microsecond files up, so ns
	 * timestamps of pcapng/ns-pcap files survive. */
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, pe);
	if (!p) {
		snprintf(errbuf, errbuf_len, "%s: not a readable pcap/pcapng capture: %s", name,
			 pe[0] ? pe : "unknown error");
		if (fp != stdin)
			fclose(fp);
		errno = EINVAL;
		return NULL;
	}
	const char *base = strrchr(name, '/');
	snprintf(source, sizeof(source), "pcap-file:%s",
		 strcmp(name, "-") == 0 ? "stdin"
		 : base			? base + 1
					: name);
	struct pcap_src *src = pcap_setup_source(p, 0, source, opts, hdr, errbuf, errbuf_len);
	if (src && opts->bpf_expr && *opts->bpf_expr &&
	    pcap_setup_filter(p, opts->bpf_expr, errbuf, errbuf_len) < 0) {
		pcap_setup_free(src);
		errno = EINVAL;
		return NULL;
	}
	return src;
}

/* Appends what the walk learnt about a pcapng file libpcap stopped in. */
static void explain_mismatch(struct pcap_src *src)
{
	const struct pcapng_summary *ng = &src->ng;
	size_t used = strlen(src->damage);

	if (!ng->mismatch || used >= sizeof(src->damage) - 1)
		return;
	const char *name = pcap_datalink_val_to_name((int)ng->mismatch_linktype);
	const char *first = pcap_datalink_val_to_name((int)ng->first_linktype);
	snprintf(src->damage + used, sizeof(src->damage) - used,
		 " (pcapng: an interface with link type %u (%s), snap length %u, follows one "
		 "with link type %u (%s); libpcap cannot read past it: %llu of %llu packets "
		 "not imported)",
		 ng->mismatch_linktype, name ? name : "unknown", ng->mismatch_snaplen,
		 ng->first_linktype, first ? first : "unknown",
		 (unsigned long long)src->st.not_imported, (unsigned long long)ng->packets);
}

void pcap_import_finish(struct pcap_src *src)
{
	FILE *fp = pcap_file(src->p);

	/* Only a seekable input can be walked again (not a pipe). */
	if (!fp)
		return;
	clearerr(fp);
	if (fseeko(fp, 0, SEEK_SET) != 0 || pcapng_walk(fp, &src->ng) < 0)
		return;
	src->walked = 1;
	if (src->ng.is_pcapng && src->ng.packets > src->st.packets)
		src->st.not_imported = src->ng.packets - src->st.packets;
	if (src->damaged)
		explain_mismatch(src);
}

/* pcapng Interface Statistics Blocks hold cumulative drop counters per
 * interface; their sum is written once, at the time of the last packet
 * (the drops happened somewhere during the capture; events must not go
 * back in time). */
int pcap_import_report_drops(struct pcap_src *src, struct trc_writer *w)
{
	if (!src->eof || src->drops_reported)
		return 0;
	src->drops_reported = 1;
	if (!src->walked || !src->ng.have_isb || src->ng.drops == 0)
		return 0;
	struct trc_event ev = {
	    .type = TRC_EV_LOST,
	    .t_ns = src->last_t_ns,
	    .lost =
		{
		    .count = src->ng.drops,
		    .t_end_ns = src->last_t_ns,
		    .cpu = UINT32_MAX,
		    .reason = TRC_LOST_CAPTURE,
		},
	};
	src->st.capture_drops += src->ng.drops;
	return trc_writer_append(w, &ev);
}
