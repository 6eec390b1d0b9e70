/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sockev.bpf.h - socket events (struct ev_sock_fields): reserve one,
 * add figures, submit.  tcprec turns each into the trace's SOCK record
 * with no per-kind code, so a program that reports something new about a
 * socket needs only a kind and keys in format/trc_sock.h.
 */
#ifndef TCPREC_SOCKEV_BPF_H
#define TCPREC_SOCKEV_BPF_H

#include "common.bpf.h"
#include "trc_sock.h"

_Static_assert(EV_SOCK_MAX_FIELDS == TRC_SOCK_MAX_FIELDS, "events.h and trc_sock.h disagree");

static __always_inline struct ev_sock_fields *
sockev_reserve(__u16 kind, __u8 state, __u64 cookie, __u64 cgroup_id, const struct ev_tuple *t)
{
	struct ev_sock_fields *e = ev_reserve(sizeof(*e), EV_SOCK_FIELDS);

	if (!e)
		return NULL;
	e->kind = kind;
	e->state = state;
	e->cookie = cookie;
	e->cgroup_id = cgroup_id;
	e->tuple = *t;
	return e;
}

/* Appends (key, value); a full record keeps what it has. */
static __always_inline void sockev_put(struct ev_sock_fields *e, __u16 key, __u64 value)
{
	__u8 n = e->n_fields;

	if (n >= EV_SOCK_MAX_FIELDS)
		return;
	e->key[n] = key;
	e->value[n] = value;
	e->n_fields = n + 1;
}

#endif /* TCPREC_SOCKEV_BPF_H */
