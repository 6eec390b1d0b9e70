/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * probe_force.h - tcprec --probe: the attach flavours a user forces on the
 * plan (plan.h, probe_plan_select_forced()).
 */
#ifndef TCPREC_PROBE_FORCE_H
#define TCPREC_PROBE_FORCE_H

#include <stddef.h>

#include "plan.h"

/* Parses --probe "EVENT=FLAVOUR[,EVENT=FLAVOUR...]" into force[] (entries
 * not named are left alone, so the option can repeat).  EVENT is an event
 * name of probe_event_name(), or "seg" (seg_rx and seg_tx) or "tw"
 * (tw_enter and tw_exit); FLAVOUR a probe_flavour_name() the event's BPF
 * code offers ("fexit" is fentry's other half).  TIME_WAIT enter and exit
 * always share a flavour: forcing one forces both.  0, or -EINVAL with a
 * message in err. */
int probe_force_parse(const char *spec, enum probe_flavour *force, char *err, size_t errlen);

/* force[] back as "seg_rx=kprobe,..." ("" when nothing is forced). */
void probe_force_format(const enum probe_flavour *force, char *buf, size_t len);

#endif /* TCPREC_PROBE_FORCE_H */
