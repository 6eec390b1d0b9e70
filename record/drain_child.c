// SPDX-License-Identifier: BSD-2-Clause
/*
 * drain_child.c - the passive child's first transition.  Linux creates a
 * server's connection socket by cloning the listener and reports
 * LISTEN -> SYN_RECV from inside the clone (inet_csk_clone_lock()).  Up
 * to at least 6.12 that happens before the clone gets the connection's
 * ports and addresses (set later in inet_csk_clone_lock() and in
 * tcp_v4/v6_syn_recv_sock()), so the event carries the listener's tuple
 * with remote port 0; and inet_csk_clone_lock() then overwrites the
 * socket cookie with the request socket's, so the cookie BPF generated
 * for the event is not the one the child's later events carry.  7.x
 * kernels report the transition once the clone is complete.
 *
 * Neither the tuple nor the cookie can tell which child such an event
 * belongs to, but the order can: the clone happens while the handshake's
 * final ACK (or, with TCP Fast Open, the SYN) is processed, and that
 * ACK's processing moves the child out of SYN_RECV in the same softirq on
 * the same CPU, before any other transition there.  So the event is kept
 * until the next transition out of SYN_RECV of a socket not seen before,
 * on the same listening port and netns, on the same CPU (else, for a Fast
 * Open child whose ACK came on another CPU, on any CPU), and is then
 * written with that transition's cookie and tuple.  See
 * docs/LINUX-DIVERGENCES.md.
 */
#include "drain_child.h"

#include <string.h>

#include "trc.h"

static int listener_tuple(const struct ev_tuple *t)
{
	return t->rport == 0;
}

int dchild_park(struct dchild_table *t, const struct ev_state *r)
{
	if (r->old_state != TRC_TCP_LISTEN || r->new_state != TRC_TCP_SYN_RECV ||
	    !listener_tuple(&r->tuple))
		return 0;
	if (t->n == DCHILD_MAX)
		return 0; /* no room: written as recorded, as before */
	t->rec[t->n++] = *r;
	return 1;
}

static int same_listener(const struct ev_state *kept, const struct ev_state *r)
{
	return kept->tuple.netns == r->tuple.netns && kept->tuple.lport == r->tuple.lport;
}

/* Index of the kept record r completes: the same cookie (kernels that
 * keep it), else the oldest on r's CPU, else the oldest anywhere. */
static int find(const struct dchild_table *t, const struct ev_state *r)
{
	int cpu_match = -1, any = -1;

	for (unsigned int i = 0; i < t->n; i++) {
		const struct ev_state *k = &t->rec[i];

		if (!same_listener(k, r))
			continue;
		if (r->cookie && k->cookie == r->cookie)
			return (int)i;
		if (cpu_match < 0 && k->hdr.cpu == r->hdr.cpu)
			cpu_match = (int)i;
		if (any < 0)
			any = (int)i;
	}
	return cpu_match >= 0 ? cpu_match : any;
}

static void take_at(struct dchild_table *t, unsigned int i, struct ev_state *out)
{
	*out = t->rec[i];
	memmove(&t->rec[i], &t->rec[i + 1], (t->n - i - 1) * sizeof(t->rec[0]));
	t->n--;
}

int dchild_take(struct dchild_table *t, const struct ev_state *r, struct ev_state *out,
		int (*known)(void *ctx, uint64_t cookie), void *ctx)
{
	int i;

	if (!t->n || r->old_state != TRC_TCP_SYN_RECV || listener_tuple(&r->tuple))
		return 0;
	if (r->cookie && known(ctx, r->cookie))
		return 0;
	i = find(t, r);
	if (i < 0)
		return 0;
	take_at(t, (unsigned int)i, out);
	out->cookie = r->cookie;
	out->tuple = r->tuple;
	return 1;
}

int dchild_expire(struct dchild_table *t, uint64_t now_ns, uint64_t max_age_ns,
		  struct ev_state *out)
{
	if (!t->n || now_ns < t->rec[0].hdr.t_ns || now_ns - t->rec[0].hdr.t_ns <= max_age_ns)
		return 0;
	take_at(t, 0, out);
	return 1;
}
