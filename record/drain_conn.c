// SPDX-License-Identifier: BSD-2-Clause
/*
 * drain_conn.c - connection lifecycle inside the drain: declaring a
 * connection to the writer on first sight, holding the first events of a
 * socket whose tuple the kernel has not filled in yet (the local port of
 * a connect() is chosen after the SYN_SENT transition; a passive child
 * carries the listener's tuple at SYN_RECV), appending events, and
 * releasing connections that can get no more events.
 */
#include "drain_conn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int dconn_append(struct drain *d, const struct trc_event *ev)
{
	int err;
	struct trc_event out = *ev;

	if (d->done || d->werr)
		return d->werr;
	if (out.t_ns < d->last_t_ns)
		out.t_ns = d->last_t_ns; /* cross-CPU jitter; the writer would clamp too */
	d->last_t_ns = out.t_ns;
	out.t_ns += d->t_offset_ns;
	if (out.type == TRC_EV_LOST) {
		out.lost.t_end_ns += d->t_offset_ns;
		out.lost.t_begin_ns += d->t_offset_ns;
	}
	err = trc_writer_append(d->w, &out);
	if (err == -ENOENT || err == -EINVAL) {
		d->st.malformed++; /* our bug, not the disk: skip the event */
		return 0;
	}
	if (err) {
		d->werr = err;
		return err;
	}
	if (ev->type <= TRC_EV_TYPE_MAX)
		d->st.by_type[ev->type]++;
	/* -c counts core events; socket events ride along with them. */
	if (ev->type != TRC_EV_LOST && ev->type != TRC_EV_SOCK && ++d->st.written == d->max_events)
		d->done = 1;
	return 0;
}

int dconn_declare(struct drain *d, struct conn_entry *e)
{
	struct trc_conn c = { 0 };
	int err;

	if (e->serial)
		return 0;
	c.family = e->tuple.family;
	memcpy(c.laddr, e->tuple.laddr, 16);
	memcpy(c.raddr, e->tuple.raddr, 16);
	c.lport = e->tuple.lport;
	c.rport = e->tuple.rport;
	c.netns = e->tuple.netns;
	c.cgroup_id = e->cgroup_id;
	c.cookie = e->cookie;
	c.flags = e->flow_only ? TRC_CONN_F_FLOW_ONLY : 0;
	err = trc_writer_conn_open(d->w, &c, &e->serial);
	if (err) {
		d->werr = err;
		return err;
	}
	/* A passive child's handshake segments came before the child: they
	 * are a flow, which can get no more segments now (the socket is
	 * newer).  The next sweep releases it instead of after
	 * DRAIN_FLOW_IDLE_NS; not here, a sweep may be walking the table. */
	if (!e->flow_only) {
		struct conn_entry *flow = conntab_flow_by_tuple(d->ct, &e->tuple);

		if (flow)
			flow->superseded = 1;
	}
	/* Held events belong before anything newer for this connection. */
	for (unsigned int i = 0; i < e->n_held && !err; i++) {
		e->held[i].conn_serial = e->serial;
		err = dconn_append(d, &e->held[i]);
	}
	free(e->held);
	e->held = NULL;
	e->n_held = 0;
	return err;
}

int dconn_hold(struct conn_entry *e, const struct trc_event *ev)
{
	if (e->n_held >= CONN_MAX_HELD)
		return -ENOSPC;
	if (!e->held) {
		e->held = calloc(CONN_MAX_HELD, sizeof(*e->held));
		if (!e->held)
			return -ENOMEM;
	}
	e->held[e->n_held++] = *ev;
	return 0;
}

struct conn_entry *dconn_socket(struct drain *d, uint64_t cookie, const struct ev_tuple *t,
				uint64_t cgroup_id)
{
	struct conn_entry *e =
		cookie ? conntab_by_cookie(d->ct, cookie) : conntab_by_tuple(d->ct, t, 0);

	if (!e) {
		e = conntab_add(d->ct, cookie, t);
		if (!e) {
			d->werr = -ENOMEM;
			return NULL;
		}
	}
	if (cgroup_id && !e->serial)
		e->cgroup_id = cgroup_id;
	return e;
}

struct conn_entry *dconn_named_socket(struct drain *d, uint64_t cookie, const struct ev_tuple *t,
				      uint64_t cgroup_id)
{
	struct conn_entry *e = cookie ? conntab_by_cookie(d->ct, cookie) : NULL;

	if (!e && cookie) {
		e = conntab_by_tuple(d->ct, t, 0);
		if (e && e->cookie)
			e = NULL;
	}
	return e ? e : dconn_socket(d, cookie, t, cgroup_id);
}

struct conn_entry *dconn_flow(struct drain *d, const struct ev_tuple *t)
{
	struct conn_entry *e = conntab_by_tuple(d->ct, t, 1);

	return e && e->serial ? e : dconn_new_flow(d, t);
}

struct conn_entry *dconn_new_flow(struct drain *d, const struct ev_tuple *t)
{
	struct conn_entry *e = conntab_add(d->ct, 0, t);

	if (!e) {
		d->werr = -ENOMEM;
		return NULL;
	}
	e->flow_only = 1;
	return dconn_declare(d, e) ? NULL : e;
}

void dconn_release(struct drain *d, struct conn_entry *e)
{
	if (e->n_held)
		(void)dconn_declare(d, e); /* never drop held events */
	if (e->serial)
		(void)trc_writer_conn_close(d->w, e->serial);
	conntab_remove(d->ct, e);
}

static int finished(const struct drain *d, const struct conn_entry *e, uint64_t now)
{
	if (e->flow_only)
		return e->superseded || now - e->last_ns > DRAIN_FLOW_IDLE_NS;
	if (e->in_tw)
		return now - e->last_ns > DRAIN_TW_MAX_NS; /* exit missed (filtered walk) */
	if (!e->close_ns || now - e->close_ns <= DRAIN_CLOSE_LINGER_NS)
		return 0;
	/* A walk that started after the close would have seen its timewait
	 * socket (tcp_time_wait() hashes it before tcp_done()). */
	return !e->tw_candidate || e->close_ns < d->tw_walked_ns;
}

int dconn_sweep(struct drain *d, uint64_t now)
{
	struct conn_entry *e, *next;

	for (e = conntab_first(d->ct); e; e = next) {
		next = conntab_next(e);
		if (now < e->last_ns)
			continue;
		if (!e->serial && now - e->last_ns > DRAIN_PENDING_MAX_NS) {
			int err = dconn_declare(d, e);

			if (err)
				return err;
		}
		if (finished(d, e, now))
			dconn_release(d, e);
	}
	return d->werr;
}
