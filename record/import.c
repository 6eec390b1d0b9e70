// SPDX-License-Identifier: BSD-2-Clause
/*
 * import.c - tcprec -r: converts a pcap/pcapng capture into a trace with
 * the libpcap source.  No BPF and no privileges are involved.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "header.h"
#include "output.h"
#include "pcap_src.h"
#include "tcprec.h"

static void summary(const struct config *cfg, const struct pcap_src *src)
{
	struct pcap_src_stats st;

	if (cfg->quiet)
		return;
	pcap_src_get_stats(src, &st);
	fprintf(stderr,
		"tcprec: imported %llu packets: %llu segments in %llu connections; skipped %llu "
		"non-TCP, %llu fragments, %llu malformed, %llu filtered; %llu cut short; "
		"%llu capture drops\n",
		(unsigned long long)st.packets, (unsigned long long)st.tcp_segments,
		(unsigned long long)st.connections, (unsigned long long)st.non_tcp,
		(unsigned long long)st.fragments, (unsigned long long)st.malformed,
		(unsigned long long)st.filtered, (unsigned long long)st.snap_short,
		(unsigned long long)st.capture_drops);
}

static int run(const struct config *cfg, struct pcap_src *src, struct trc_writer *w, char *errbuf,
	       size_t len)
{
	int n;

	do {
		n = pcap_src_dispatch(src, w, 0, errbuf, len);
	} while (n > 0 && !pcap_src_damaged(src));
	if (n < 0) {
		if (!errbuf[0])
			snprintf(errbuf, len, "writing %s: %s", cfg->output, strerror(-n));
		return n;
	}
	/* Drops are reported at the end of the capture: the writer keeps
	 * time order by placing them at the last packet's time. */
	n = pcap_src_report_drops(src, w, 0);
	if (n < 0)
		snprintf(errbuf, len, "writing %s: %s", cfg->output, strerror(-n));
	return n;
}

/* Packets whose headers did not parse: the trailer's "malformed". */
static uint64_t import_malformed(const struct pcap_src *src)
{
	struct pcap_src_stats st;

	pcap_src_get_stats(src, &st);
	return st.malformed;
}

int import_run(const struct config *cfg)
{
	struct pcap_src_opts o = { .path = cfg->read_path, .filter = &cfg->filter };
	struct trc_trailer extra = { .end_reason = TRC_END_EOF };
	struct trc_header hdr = { 0 };
	struct trc_error terr = { 0 };
	char errbuf[320] = "";
	struct trc_writer *w = NULL;
	struct pcap_src *src;
	int fd = -1, err, damaged;

	memcpy(o.local_nets, cfg->local_nets, sizeof(o.local_nets));
	o.n_local_nets = cfg->n_local_nets;
	src = pcap_src_open(&o, &hdr, errbuf, sizeof(errbuf));
	if (!src) {
		fprintf(stderr, "tcprec: %s: %s\n", cfg->read_path, errbuf);
		return TCPREC_EXIT_ERROR;
	}
	header_fill_host(&hdr);
	header_set_str(hdr.probes, sizeof(hdr.probes), "");
	opts_filters_text(cfg, hdr.filters, sizeof(hdr.filters));
	opts_options_text(cfg, "pcap", hdr.options, sizeof(hdr.options));
	fd = output_open(cfg->output);
	if (fd >= 0)
		w = trc_writer_open_fd(fd, &hdr, NULL, &terr);
	if (!w) {
		fprintf(stderr, "tcprec: %s: %s\n", cfg->output, fd < 0 ? strerror(-fd) : terr.msg);
		output_close(fd, cfg->output, fd >= 0);
		pcap_src_close(src);
		return TCPREC_EXIT_ERROR;
	}
	err = run(cfg, src, w, errbuf, sizeof(errbuf));
	damaged = pcap_src_damaged(src);
	extra.end_reason = err ? TRC_END_ERROR : TRC_END_EOF;
	extra.end_realtime_ns = header_now_ns(CLOCK_REALTIME);
	extra.malformed = import_malformed(src);
	err = trc_writer_close(w, &extra, &terr) ?: err;
	output_close(fd, cfg->output, 0);
	summary(cfg, src);
	pcap_src_close(src);
	if (err) {
		fprintf(stderr, "tcprec: %s\n", errbuf[0] ? errbuf : terr.msg);
		return TCPREC_EXIT_ERROR;
	}
	/* The trace holds everything before the damage; say what stopped it. */
	if (damaged) {
		fprintf(stderr, "tcprec: %s: capture damaged, imported up to the damage: %s\n",
			cfg->read_path, errbuf);
		return TCPREC_EXIT_ERROR;
	}
	return TCPREC_EXIT_OK;
}
