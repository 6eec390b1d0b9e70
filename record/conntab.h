/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conntab.h - the recorder's table of live connections: socket cookie ->
 * entry and (netns, family, addresses, ports) -> newest entry, so that
 * state events find their connection by cookie and segments by tuple.
 * Memory is proportional to the entries the caller keeps; it removes
 * them when a connection can get no more events.
 */
#ifndef TCPREC_CONNTAB_H
#define TCPREC_CONNTAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "events.h"
#include "hchain.h"
#include "trc.h"

#define CONN_MAX_HELD 4

struct conn_entry {
	uint64_t serial;       /* trc serial; 0 while pending (not declared) */
	uint64_t cookie;       /* 0 for flow-only entries */
	struct ev_tuple tuple; /* normalised: padding zero */
	uint64_t cgroup_id;
	uint64_t close_ns; /* time of the CLOSE transition, 0 if none */
	uint64_t last_ns;  /* time of the last event */
	uint8_t flow_only, in_tw;
	uint8_t tw_candidate; /* its CLOSE may have handed it to TIME_WAIT */
	uint8_t live;	      /* a state transition was recorded for it */
	uint8_t superseded;   /* flow only: a socket with its tuple was declared */
	/* Pending: events held until the kernel fills in the tuple
	 * (allocated on demand, CONN_MAX_HELD slots, freed with the entry). */
	unsigned int n_held;
	struct trc_event *held;
	/* Table links (private). */
	struct hchain_link by_cookie, by_tuple;
	LIST_ENTRY(conn_entry) all;
};

struct conntab;

struct conntab *conntab_new(void);
void conntab_free(struct conntab *t);

/* Newly allocated entry with cookie/tuple set, linked into the table. */
struct conn_entry *conntab_add(struct conntab *t, uint64_t cookie, const struct ev_tuple *tuple);

struct conn_entry *conntab_by_cookie(const struct conntab *t, uint64_t cookie);

/* Newest entry with this tuple (any kind when flow_ok, else sockets only). */
struct conn_entry *conntab_by_tuple(const struct conntab *t, const struct ev_tuple *tuple,
				    int flow_ok);

/* The flow-only entry with this tuple, if any. */
struct conn_entry *conntab_flow_by_tuple(const struct conntab *t, const struct ev_tuple *tuple);

/* Changes an entry's tuple (re-links it). */
void conntab_retuple(struct conntab *t, struct conn_entry *e, const struct ev_tuple *tuple);

/* Unlinks and frees. */
void conntab_remove(struct conntab *t, struct conn_entry *e);

/* Iteration for sweeps: first entry / next (the next pointer is read
 * before the callback may remove e). */
struct conn_entry *conntab_first(const struct conntab *t);
struct conn_entry *conntab_next(const struct conn_entry *e);

size_t conntab_count(const struct conntab *t);

/* Copies the identifying fields of src into dst with zero padding. */
void conntab_tuple_norm(struct ev_tuple *dst, const struct ev_tuple *src);

#endif /* TCPREC_CONNTAB_H */
