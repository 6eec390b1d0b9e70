/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * opts.h - tcprec's command line: the configuration it produces, the
 * strict number parsers every numeric option goes through, and the
 * canonical text of filters and options stored in the trace header.
 */
#ifndef TCPREC_OPTS_H
#define TCPREC_OPTS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "numparse.h"
#include "pcap_src.h"
#include "plan.h"
#include "rotate.h"

#define OPTS_MAX_RINGBUF (1u << 30)
#define OPTS_MAX_EXPR	 1024

/* --figures: when tcp_figures are recorded (== enum ev_figures_mode). */
enum figures_mode {
	FIGURES_NONE = 0,
	FIGURES_CLOSE = 1, /* default */
	FIGURES_ALL = 2,
};

enum packets_mode {
	PACKETS_AUTO = 0, /* BPF segments where they load, else pcap with -i */
	PACKETS_BPF,
	PACKETS_PCAP,
	PACKETS_NONE,
};

struct config {
	const char *output;	/* -o, "-" = stdout */
	uint64_t max_events;	/* -c, 0 = unlimited */
	uint64_t duration_s;	/* --duration, 0 = until a signal */
	uint64_t ringbuf_bytes; /* -B; 0 = sized for the host (ringsize.h) */
	const char *user;	/* -Z */
	int seq, quiet, verbose;
	enum packets_mode packets;
	enum figures_mode figures;
	struct pcap_src_filter filter; /* --port, --host, -4, -6 */
	uint32_t pid;		       /* --pid, 0 = any */
	uint32_t netns;		       /* --netns inode, 0 = any */
	char netns_path[PATH_MAX];     /* --netns PATH, or "" */
	const char *read_path;	       /* -r */
	const char *iface;	       /* -i */
	struct pcap_net local_nets[PCAP_SRC_MAX_LOCAL_NETS];
	unsigned int n_local_nets;
	char filter_expr[OPTS_MAX_EXPR];    /* trailing arguments, space-joined; compiled
					     * into filter.expr */
	enum probe_flavour force[PE_COUNT]; /* --probe; PF_NONE = tcprec chooses */
	struct rotate_opts rotate;	    /* -C, -G, -W */
};

/* Parses argv into *cfg (defaults first).  argp_flags are passed to
 * argp_parse (0 in tcprec: --help/--version/usage errors exit there, with
 * status 2 for usage errors).  Returns 0 or -EINVAL after printing one
 * line naming the bad option. */
int opts_parse(int argc, char **argv, unsigned int argp_flags, struct config *cfg);

/* Header text: "port=80,443 host=192.0.2.1 pid=7 netns=4026531840 family=4
 * expr=EXPRESSION", the expression normalised (fx_format()), last as it
 * holds spaces ("" when no filter); "seq,packets=bpf,ringbuf=16777216,...". */
void opts_filters_text(const struct config *cfg, char *buf, size_t len);
void opts_options_text(const struct config *cfg, const char *packets, char *buf, size_t len);

#endif /* TCPREC_OPTS_H */
