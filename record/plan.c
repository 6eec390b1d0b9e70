// SPDX-License-Identifier: BSD-2-Clause
/*
 * plan.c - chooses an attach flavour per event from struct probe_caps.
 * Pure: no kernel access, so every fallback path is unit-tested with
 * fabricated capabilities.  A flavour is chosen only when the program type
 * loads here AND every kernel function or tracepoint it hooks exists
 * (functions get inlined or renamed; tracepoints are stable).
 */
#include "plan.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const flavour_names[] = {
	[PF_NONE] = "none",	[PF_FENTRY] = "fentry", [PF_KPROBE] = "kprobe",
	[PF_TP_BTF] = "tp_btf", [PF_RAW_TP] = "raw_tp", [PF_TRACEPOINT] = "tracepoint",
	[PF_ITER] = "iter",
};

static const char *const event_names[PE_COUNT] = {
	[PE_STATES] = "states",	    [PE_SEG_RX] = "seg_rx",	[PE_SEG_TX] = "seg_tx",
	[PE_TW_ENTER] = "tw_enter", [PE_TW_EXIT] = "tw_exit",	[PE_RETRANSMIT] = "retransmit",
	[PE_RESET_TX] = "reset_tx", [PE_RESET_RX] = "reset_rx", [PE_SNAPSHOT] = "snapshot",
};

static const char *const func_names[PFN_COUNT] = {
	[PFN_TCP_V4_RCV] = "tcp_v4_rcv",      [PFN_TCP_V6_RCV] = "tcp_v6_rcv",
	[PFN_IP_OUTPUT] = "ip_output",	      [PFN_IP6_OUTPUT] = "ip6_output",
	[PFN_TWSK_ALLOC] = "inet_twsk_alloc", [PFN_TWSK_FREE] = "inet_twsk_free",
};

static const char *const tp_names[PTP_COUNT] = {
	[PTP_SET_STATE] = "inet_sock_set_state", [PTP_NETIF_RECEIVE_SKB] = "netif_receive_skb",
	[PTP_NET_DEV_QUEUE] = "net_dev_queue",	 [PTP_RETRANSMIT] = "tcp_retransmit_skb",
	[PTP_SEND_RESET] = "tcp_send_reset",	 [PTP_RECEIVE_RESET] = "tcp_receive_reset",
};

const char *probe_flavour_name(enum probe_flavour f)
{
	return (unsigned int)f <= PF_ITER ? flavour_names[f] : "?";
}

const char *probe_owner_name(enum probe_owner o)
{
	switch (o) {
	case PO_NONE:
		return "none";
	case PO_STACK:
		return "stack";
	case PO_SOFTIRQ:
		return "softirq";
	}
	return "?";
}

const char *probe_event_name(enum probe_event e)
{
	return (unsigned int)e < PE_COUNT ? event_names[e] : "?";
}

const char *probe_func_name(enum probe_func f)
{
	return (unsigned int)f < PFN_COUNT ? func_names[f] : "?";
}

const char *probe_tp_name(enum probe_tp tp)
{
	return (unsigned int)tp < PTP_COUNT ? tp_names[tp] : "?";
}

/* Function pair hooked by fentry/kprobe per event (-1: none). */
static const int event_funcs[PE_COUNT][2] = {
	[PE_STATES] = { -1, -1 },
	[PE_SEG_RX] = { PFN_TCP_V4_RCV, PFN_TCP_V6_RCV },
	[PE_SEG_TX] = { PFN_IP_OUTPUT, PFN_IP6_OUTPUT },
	[PE_TW_ENTER] = { PFN_TWSK_ALLOC, PFN_TWSK_FREE },
	[PE_TW_EXIT] = { PFN_TWSK_ALLOC, PFN_TWSK_FREE },
	[PE_RETRANSMIT] = { -1, -1 },
	[PE_RESET_TX] = { -1, -1 },
	[PE_RESET_RX] = { -1, -1 },
	[PE_SNAPSHOT] = { -1, -1 },
};

/* Tracepoint per event (-1: none). */
static const int event_tp[PE_COUNT] = {
	[PE_STATES] = PTP_SET_STATE,
	[PE_SEG_RX] = PTP_NETIF_RECEIVE_SKB,
	[PE_SEG_TX] = PTP_NET_DEV_QUEUE,
	[PE_TW_ENTER] = -1,
	[PE_TW_EXIT] = -1,
	[PE_RETRANSMIT] = PTP_RETRANSMIT,
	[PE_RESET_TX] = PTP_SEND_RESET,
	[PE_RESET_RX] = PTP_RECEIVE_RESET,
	[PE_SNAPSHOT] = -1,
};

/* Which flavours each event's BPF code provides. */
static const unsigned int event_offers[PE_COUNT] = {
	[PE_STATES] = 1u << PF_TP_BTF | 1u << PF_RAW_TP | 1u << PF_TRACEPOINT,
	[PE_SEG_RX] = 1u << PF_FENTRY | 1u << PF_KPROBE | 1u << PF_TP_BTF,
	[PE_SEG_TX] = 1u << PF_FENTRY | 1u << PF_KPROBE | 1u << PF_TP_BTF,
	[PE_TW_ENTER] = 1u << PF_FENTRY | 1u << PF_ITER,
	[PE_TW_EXIT] = 1u << PF_FENTRY | 1u << PF_ITER,
	[PE_RETRANSMIT] = 1u << PF_TP_BTF,
	[PE_RESET_TX] = 1u << PF_TP_BTF,
	[PE_RESET_RX] = 1u << PF_TP_BTF,
	[PE_SNAPSHOT] = 1u << PF_ITER,
};

static int funcs_ok(const int *have, enum probe_event e)
{
	for (int i = 0; i < 2; i++)
		if (event_funcs[e][i] < 0 || !have[event_funcs[e][i]])
			return 0;
	return 1;
}

static int usable(const struct probe_caps *c, enum probe_event e, enum probe_flavour f)
{
	int tp = event_tp[e];

	if (!(event_offers[e] & (1u << f)))
		return 0;
	switch (f) {
	case PF_FENTRY:
		return c->fentry && funcs_ok(c->func_btf, e);
	case PF_KPROBE:
		return c->kprobe && funcs_ok(c->func_ksym, e);
	case PF_TP_BTF:
		return c->tp_btf && tp >= 0 && c->tp_btf_type[tp];
	case PF_RAW_TP:
		return c->raw_tp && tp >= 0 && c->tp_btf_type[tp];
	case PF_TRACEPOINT:
		return c->tracepoint && tp >= 0 && c->tp_tracefs[tp];
	case PF_ITER:
		return c->iter_tcp;
	default:
		return 0;
	}
}

static const enum probe_flavour preference[] = {
	PF_FENTRY, PF_KPROBE, PF_TP_BTF, PF_RAW_TP, PF_TRACEPOINT, PF_ITER,
};

/* The softirq flag needs tp_btf (the tracepoints pass no context a raw
 * program could use more cheaply) and non-preemptible softirqs; the stack
 * walk needs the softirq functions' ranges.  Neither: no owners, rather
 * than wrong ones. */
static enum probe_owner select_owner(const struct probe_caps *c)
{
	if (c->tp_btf && c->softirq_tp_btf && !c->preempt_rt)
		return PO_SOFTIRQ;
	if (c->softirq_lo[0] && c->softirq_hi[0] > c->softirq_lo[0])
		return PO_STACK;
	return PO_NONE;
}

static int plan_preferred(const struct probe_caps *caps, struct probe_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	for (int e = 0; e < PE_COUNT; e++) {
		for (size_t i = 0; i < sizeof(preference) / sizeof(preference[0]); i++) {
			if (usable(caps, e, preference[i])) {
				plan->flavour[e] = preference[i];
				break;
			}
		}
	}
	/* Enter and exit must come from the same mechanism, or a polled exit
	 * could pair with an exact enter of another walk. */
	if (plan->flavour[PE_TW_ENTER] != plan->flavour[PE_TW_EXIT])
		plan->flavour[PE_TW_ENTER] = plan->flavour[PE_TW_EXIT] =
			caps->iter_tcp ? PF_ITER : PF_NONE;
	plan->owner = select_owner(caps);
	memcpy(plan->softirq_lo, caps->softirq_lo, sizeof(plan->softirq_lo));
	memcpy(plan->softirq_hi, caps->softirq_hi, sizeof(plan->softirq_hi));
	if (!caps->ringbuf) {
		snprintf(plan->error, sizeof(plan->error),
			 "the kernel has no BPF ring buffer (needs Linux >= 5.8)");
		return -EOPNOTSUPP;
	}
	if (plan->flavour[PE_STATES] == PF_NONE) {
		snprintf(plan->error, sizeof(plan->error),
			 "no way to attach to inet_sock_set_state: tp_btf, raw_tp and tracepoint "
			 "programs all failed to load");
		return -EOPNOTSUPP;
	}
	return 0;
}

int probe_plan_select(const struct probe_caps *caps, struct probe_plan *plan)
{
	return plan_preferred(caps, plan);
}

/* Why flavour f of event e is not usable here (for plan->error). */
static void why_unusable(const struct probe_caps *c, enum probe_event e, enum probe_flavour f,
			 char *buf, size_t len)
{
	const int *have = f == PF_FENTRY ? c->func_btf : c->func_ksym;
	int tp = event_tp[e];

	if (!(event_offers[e] & (1u << f)))
		snprintf(buf, len, "tcprec has no %s program for %s", flavour_names[f],
			 event_names[e]);
	else if (f == PF_TRACEPOINT && tp >= 0 && !c->tp_tracefs[tp])
		snprintf(buf, len,
			 "tracepoint %s is not in tracefs (mounted at /sys/kernel/tracing?)",
			 tp_names[tp]);
	else if ((f == PF_FENTRY && !c->fentry) || (f == PF_KPROBE && !c->kprobe) ||
		 (f == PF_TP_BTF && !c->tp_btf) || (f == PF_RAW_TP && !c->raw_tp) ||
		 (f == PF_TRACEPOINT && !c->tracepoint) || (f == PF_ITER && !c->iter_tcp))
		snprintf(buf, len, "%s programs do not load on this kernel", flavour_names[f]);
	else if (f == PF_FENTRY || f == PF_KPROBE) {
		for (int i = 0; i < 2; i++)
			if (!have[event_funcs[e][i]])
				snprintf(buf, len, "kernel function %s is not in %s",
					 func_names[event_funcs[e][i]],
					 f == PF_FENTRY ? "the kernel's BTF" : "/proc/kallsyms");
	} else
		snprintf(buf, len, "tracepoint %s is not in %s", tp >= 0 ? tp_names[tp] : "-",
			 f == PF_TRACEPOINT ? "tracefs" : "the kernel's BTF");
}

int probe_plan_select_forced(const struct probe_caps *caps, const enum probe_flavour *force,
			     struct probe_plan *plan)
{
	int err = plan_preferred(caps, plan);
	char why[120];

	if (err || !force)
		return err;
	for (int e = 0; e < PE_COUNT; e++) {
		if (force[e] == PF_NONE || force[e] == plan->flavour[e])
			continue;
		if (!usable(caps, e, force[e])) {
			why_unusable(caps, e, force[e], why, sizeof(why));
			snprintf(plan->error, sizeof(plan->error), "--probe %s=%s: %s",
				 event_names[e], flavour_names[force[e]], why);
			return -EOPNOTSUPP;
		}
		plan->flavour[e] = force[e];
	}
	return 0;
}

static int lookup(const char *const *names, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (names[i] && strlen(names[i]) == len && !strncmp(names[i], name, len))
			return i;
	return -1;
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
	e = lookup(event_names, PE_COUNT, item, (size_t)(eq - item));
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
			 "tw_exit, tw, retransmit, reset_tx, reset_rx, snapshot)",
			 (int)(eq - item), item);
		return -EINVAL;
	}
	len -= (size_t)(eq + 1 - item);
	f = len == 5 && !strncmp(eq + 1, "fexit", 5)
		    ? PF_FENTRY
		    : lookup(flavour_names, PF_ITER + 1, eq + 1, len);
	for (int i = lo; f > PF_NONE && i <= hi; i++)
		if (!(event_offers[i] & (1u << f)))
			f = -1;
	if (f <= PF_NONE) {
		size_t used = (size_t)snprintf(err, errlen, "'%.*s': %s offers",
					       (int)(eq - item + 1 + len), item, event_names[lo]);

		for (int i = PF_FENTRY; i <= PF_ITER && used < errlen; i++)
			if (event_offers[lo] & (1u << i))
				used += (size_t)snprintf(err + used, errlen - used, " %s",
							 flavour_names[i]);
		return -EINVAL;
	}
	for (int i = lo; i <= hi; i++) {
		if (force[i] != PF_NONE && (int)force[i] != f) {
			snprintf(err, errlen, "'%.*s': %s was forced to %s already",
				 (int)(eq - item + 1 + len), item, event_names[i],
				 flavour_names[force[i]]);
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
		n = snprintf(buf + used, len - used, "%s%s=%s", used ? "," : "", event_names[e],
			     flavour_names[force[e]]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void probe_plan_no_segments(struct probe_plan *plan)
{
	plan->flavour[PE_SEG_RX] = PF_NONE;
	plan->flavour[PE_SEG_TX] = PF_NONE;
}

static const char *hook_name(enum probe_event e, enum probe_flavour f, char *buf, size_t len)
{
	if (f == PF_ITER)
		return e == PE_SNAPSHOT ? "tcp" : "tcp(polled)";
	if ((f == PF_FENTRY || f == PF_KPROBE) && event_funcs[e][0] >= 0) {
		if (e == PE_TW_ENTER || e == PE_TW_EXIT)
			return func_names[event_funcs[e][e == PE_TW_EXIT]];
		snprintf(buf, len, "%s+%s", func_names[event_funcs[e][0]],
			 func_names[event_funcs[e][1]]);
		return buf;
	}
	return event_tp[e] >= 0 ? tp_names[event_tp[e]] : "-";
}

void probe_plan_format(const struct probe_plan *plan, char *buf, size_t len)
{
	size_t used = 0;
	char tmp[64];

	if (len)
		buf[0] = '\0';
	for (int e = 0; e < PE_COUNT && used < len; e++) {
		enum probe_flavour f = plan->flavour[e];
		int n;

		if (f == PF_NONE)
			n = snprintf(buf + used, len - used, "%s%s=none", e ? "," : "",
				     event_names[e]);
		else
			n = snprintf(buf + used, len - used, "%s%s=%s/%s", e ? "," : "",
				     event_names[e], flavour_names[f],
				     hook_name(e, f, tmp, sizeof(tmp)));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	if (used < len)
		snprintf(buf + used, len - used, ",owner=%s", probe_owner_name(plan->owner));
}
