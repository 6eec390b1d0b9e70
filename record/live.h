/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * live.h - state of one live recording, shared by its set-up (live.c) and
 * its event loop (loop.c).
 */
#ifndef TCPREC_LIVE_H
#define TCPREC_LIVE_H

#include <stdint.h>

#include "drain.h"
#include "loader.h"
#include "opts.h"
#include "pcap_src.h"
#include "plan.h"
#include "status.h"
#include "trc.h"
#include "tw_poll.h"

struct live {
	const struct config *cfg;
	struct probe_caps caps;
	struct probe_plan plan;
	struct trc_header hdr;
	int fd;
	struct trc_writer *w;
	struct loader ld;
	struct drain d;
	struct tw_poll tw;
	int tw_polled;           /* plan uses the iterator for TIME_WAIT */
	uint64_t pump_cpu_ns;    /* ring buffer drained during the current walk */
	struct pcap_src *pcap;   /* -i */
	struct status status;
	uint64_t t_offset_ns;    /* BPF clock -> header clock */
	enum trc_end_reason end_reason;
	char errmsg[320];        /* fatal runtime error, printed once */
};

/* Runs the epoll loop until a signal, -c, --duration or an error.  Sets
 * l->end_reason; returns 0 or -errno (with l->errmsg). */
int loop_run(struct live *l);

#endif /* TCPREC_LIVE_H */
