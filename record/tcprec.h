/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tcprec.h - the two ways tcprec runs, called from main(): recording with
 * eBPF (optionally with a live libpcap segment source), and importing a
 * capture file.  Both return the process exit status.
 */
#ifndef TCPREC_TCPREC_H
#define TCPREC_TCPREC_H

#include <stdint.h>

#include "opts.h"

enum tcprec_exit {
	TCPREC_EXIT_OK = 0,
	TCPREC_EXIT_ERROR = 1,
	TCPREC_EXIT_USAGE = 2,
};

/* start_ns: CLOCK_MONOTONIC when main() started (for time-to-ready). */
int live_run(const struct config *cfg, uint64_t start_ns);
int import_run(const struct config *cfg);

#endif /* TCPREC_TCPREC_H */
