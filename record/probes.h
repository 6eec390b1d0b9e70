/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probes.h - gathers struct probe_caps (plan.h) from the running kernel
 * with real load-and-attach probes of tiny programs: on some kernels BTF
 * describes fentry targets but loading fentry programs fails (EPERM), so
 * looking at BTF alone would choose hooks that cannot work.
 */
#ifndef TCPREC_PROBES_H
#define TCPREC_PROBES_H

#include "plan.h"

/* Fills *caps.  Never fails: what cannot be probed is reported as absent.
 * raw_tp and tracepoint are probed only when tp_btf (resp. both) failed,
 * so they read 0 on kernels where a better flavour works. */
void probe_caps_gather(struct probe_caps *caps);

/* The same, also probing the fallbacks that force[] (--probe, may be
 * NULL) names even where a better flavour works. */
void probe_caps_gather_forced(struct probe_caps *caps, const enum probe_flavour *force);

#endif /* TCPREC_PROBES_H */
