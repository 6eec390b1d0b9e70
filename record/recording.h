/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * recording.h - state of one live recording, shared by its set-up
 * (live.c) and its event loop (loop.c), and owned by live.c.  Data only:
 * the loop's entry point is in loop.h.
 */
#ifndef TCPREC_RECORDING_H
#define TCPREC_RECORDING_H

#include <stdint.h>

#include "drain.h"
#include "loader.h"
#include "opts.h"
#include "pcap_src.h"
#include "plan.h"
#include "ringalloc.h"
#include "rotate.h"
#include "status.h"
#include "trc.h"
#include "tw_poll.h"

struct live {
	const struct config *cfg;
	struct probe_caps caps;
	struct probe_plan plan;
	struct trc_header hdr;
	int fd;		   /* the first file's; rot.fd is the current one */
	struct rotate rot; /* the output's file names (-C, -G, -W) */
	struct trc_writer *w;
	struct loader ld;
	struct ringalloc ring; /* the ring buffer, created beside the probing */
	struct drain d;
	struct tw_poll tw;
	int tw_polled;	       /* plan uses the iterator for TIME_WAIT */
	uint64_t pump_cpu_ns;  /* ring buffer drained during the current walk */
	struct pcap_src *pcap; /* -i */
	struct status status;
	uint64_t t_offset_ns; /* BPF clock -> header clock */
	enum trc_end_reason end_reason;
	char errmsg[320]; /* fatal runtime error, printed once */
};

#endif /* TCPREC_RECORDING_H */
