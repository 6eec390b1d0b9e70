/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * drain_conn.h - connection lifecycle helpers of the drain (internal to
 * drain.c, tw_poll.c and snapshot.c).
 */
#ifndef TCPREC_DRAIN_CONN_H
#define TCPREC_DRAIN_CONN_H

#include "drain_state.h"

/* Appends through the writer, honouring -c and counting by type. */
int dconn_append(struct drain *d, const struct trc_event *ev);

/* Declares e to the writer (if not yet) and flushes its held events. */
int dconn_declare(struct drain *d, struct conn_entry *e);

/* Keeps ev until the entry is declared; -ENOSPC when full. */
int dconn_hold(struct conn_entry *e, const struct trc_event *ev);

/* Entry of a socket by cookie (by tuple when the cookie is 0), created
 * undeclared when unknown.  NULL on allocation failure. */
struct conn_entry *dconn_socket(struct drain *d, uint64_t cookie, const struct ev_tuple *t,
				uint64_t cgroup_id);

/* The socket a record names that is not a socket's first: a walk record,
 * a socket event, a retransmit or reset, a later transition.  The walks,
 * the retransmit and the reset hooks assign the cookie of the socket they
 * see, and raw_tp and tracepoint state events carry the cookie only once
 * something assigned it: a cookie not known goes to the cookie-less
 * socket of its tuple, then dconn_socket(). */
struct conn_entry *dconn_named_socket(struct drain *d, uint64_t cookie, const struct ev_tuple *t,
				      uint64_t cgroup_id);

/* Declared entry for a segment's tuple: the newest socket or flow with
 * it, else a new flow-only connection. */
struct conn_entry *dconn_flow(struct drain *d, const struct ev_tuple *t);

/* A new, declared flow-only connection for the tuple (NULL on failure). */
struct conn_entry *dconn_new_flow(struct drain *d, const struct ev_tuple *t);

/* Forgets e (declaring it first if it still holds events). */
void dconn_release(struct drain *d, struct conn_entry *e);

/* Declares pending entries that waited too long, releases finished ones. */
int dconn_sweep(struct drain *d, uint64_t now_ns);

#endif /* TCPREC_DRAIN_CONN_H */
