// SPDX-License-Identifier: BSD-2-Clause
/*
 * probe_force.c - the --probe option (probe_force.h): "EVENT=FLAVOUR"
 * items, checked against the flavours each event's BPF code offers
 * (plan.h), into the per-event flavours the plan is forced to.
 */
#include "probe_force.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whether name[0, len) is s. */
static bool named(const char *s, const char *name, size_t len)
{
	return s && strlen(s) == len && !strncmp(s, name, len);
}

static int event_lookup(const char *name, size_t len)
{
	for (int e = 0; e < PE_COUNT; e++)
		if (named(probe_event_name((enum probe_event)e), name, len))
			return e;
	return -1;
}

static int flavour_lookup(const char *name, size_t len)
{
	if (len == 5 && !strncmp(name, "fexit", 5))
		return PF_FENTRY; /* fentry's other half */
	for (int f = 0; f < PF_COUNT; f++)
		if (named(probe_flavour_name((enum probe_flavour)f), name, len))
			return f;
	return -1;
}

static bool offers(int e, int f)
{
	return probe_event_program((enum probe_event)e, (enum probe_flavour)f, 0) != NULL;
}

static const char *event_name(int e)
{
	return probe_event_name((enum probe_event)e);
}

static const char *flavour_name(int f)
{
	return probe_flavour_name((enum probe_flavour)f);
}

/* One "EVENT=FLAVOUR" item of --probe into force[]. */
static int force_item(const char *item, size_t len, enum probe_flavour *force, char *err,
		      size_t errlen)
{
	const char *eq = memchr(item, '=', len);
	int e, f, lo, hi;

	if (!eq || eq == item || eq + 1 == item + len) {
		snprintf(err, errlen, "'%.*s': expected EVENT=FLAVOUR", (int)len, item);
		return -EINVAL;
	}
	e = event_lookup(item, (size_t)(eq - item));
	lo = hi = e;
	if (e < 0 && eq - item == 3 && !strncmp(item, "seg", 3))
		lo = PE_SEG_RX, hi = PE_SEG_TX;
	else if (e < 0 && eq - item == 2 && !strncmp(item, "tw", 2))
		lo = PE_TW_ENTER, hi = PE_TW_EXIT;
	else if (e == PE_TW_ENTER || e == PE_TW_EXIT)
		lo = PE_TW_ENTER, hi = PE_TW_EXIT; /* one mechanism for both */
	else if (e < 0) {
		snprintf(err, errlen,
			 "unknown event '%.*s' (states, seg_rx, seg_tx, seg, tw_enter, "
			 "tw_exit, tw, retransmit, reset_tx, reset_rx, snapshot, figures_end)",
			 (int)(eq - item), item);
		return -EINVAL;
	}
	len -= (size_t)(eq + 1 - item);
	f = flavour_lookup(eq + 1, len);
	for (int i = lo; f > PF_NONE && i <= hi; i++)
		if (!offers(i, f))
			f = -1;
	if (f <= PF_NONE) {
		size_t used = (size_t)snprintf(err, errlen, "'%.*s': %s offers",
					       (int)(eq - item + 1 + len), item, event_name(lo));

		for (int i = PF_FENTRY; i < PF_COUNT && used < errlen; i++)
			if (offers(lo, i))
				used += (size_t)snprintf(err + used, errlen - used, " %s",
							 flavour_name(i));
		return -EINVAL;
	}
	for (int i = lo; i <= hi; i++) {
		if (force[i] != PF_NONE && (int)force[i] != f) {
			snprintf(err, errlen, "'%.*s': %s was forced to %s already",
				 (int)(eq - item + 1 + len), item, event_name(i),
				 flavour_name(force[i]));
			return -EINVAL;
		}
	}
	for (int i = lo; i <= hi; i++)
		force[i] = (enum probe_flavour)f;
	return 0;
}

int probe_force_parse(const char *spec, enum probe_flavour *force, char *err, size_t errlen)
{
	const char *p = spec;

	if (!*spec) {
		snprintf(err, errlen, "empty list");
		return -EINVAL;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		int r = force_item(p, len, force, err, errlen);

		if (r)
			return r;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

void probe_force_format(const enum probe_flavour *force, char *buf, size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (int e = 0; e < PE_COUNT && used < len; e++) {
		int n;

		if (force[e] == PF_NONE)
			continue;
		n = snprintf(buf + used, len - used, "%s%s=%s", used ? "," : "", event_name(e),
			     flavour_name(force[e]));
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
