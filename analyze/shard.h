/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shard.h - one shard of a parallel analysis (parallel.h), as its worker's
 * analyzer sees it.  Every worker reads every event (trace time, losses
 * and damage concern all endpoints) but dispatches only the events of its
 * connections: those whose tuple falls in its share of the lookaside's
 * slot pairs (tuple_hash.h), so both ends of a connection, its flows and
 * its incarnations are in one shard.  Its readers check the others'
 * events but hand them over only as runs of times (shard_wants()), which
 * the loop takes at once while nothing falls due (shard_events.h).
 *
 * What depends on every shard is settled by the coordinator from a ledger
 * each worker keeps: the output ids (a shard numbers its endpoints in
 * their order of creation; the coordinator ranks every shard's creations
 * by event), the most endpoints live at once, and whether a gap's marking
 * walks the endpoints (a budget over all of them, expire.c).  Each
 * connection's output row is rendered by its worker and written by the
 * coordinator in the order of the whole analysis: by the event that
 * reported it, then the queue and the place in it (report keys below).
 *
 * Positions are event counts: event E is the E-th read (1-based).
 */
#ifndef ANALYZE_SHARD_H
#define ANALYZE_SHARD_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "connection.h"
#include "endpoint.h"
#include "spsc.h"
#include "trc.h"
#include "tuple_hash.h"

struct analyzer_sink;
struct conn;
struct conn_table;
struct out_ctx;

/* Ledger entries, in (pos, kind) order within a worker. */
enum ledger_kind {
	LEDGER_MARK = 0,   /* a gap marks endpoints: walk them?  (worker 0 asks) */
	LEDGER_CREATE = 1, /* n endpoints created: their gids */
	LEDGER_LIVE = 2,   /* the shard's live endpoints after the event */
};

/* 16 bytes: there are one or two for each endpoint. */
struct ledger_ent {
	uint64_t pos : 56; /* the event (MARK: one past the last event it follows) */
	uint64_t kind : 4; /* enum ledger_kind */
	uint64_t n : 4;	   /* CREATE: endpoints created (an endpoint and its mirror) */
	/* CREATE: live endpoints of the shard then; LIVE: after the event;
	 * MARK: events read, for the budget. */
	uint64_t value;
};

/* Where a row comes in the output of the whole analysis. */
enum report_phase {
	REPORT_DISPATCH = 0, /* while its event was dispatched */
	REPORT_QUEUE = 1,    /* + queue number: expired after its event */
	REPORT_END = 15,     /* at the end of the trace, by connection id */
};

struct report_key {
	uint64_t pos;	/* the event; UINT64_MAX at the end */
	uint64_t phase; /* enum report_phase */
	uint64_t order; /* REPORT_QUEUE: the endpoint's qpos; REPORT_END: the gid */
};

/* A rendered row as the coordinator receives it. */
struct row_rec {
	struct report_key at;
	uint64_t sort_key; /* struct row_key (out_rows.h) */
	const char *tag;
	uint64_t id;
	uint32_t violation;
	uint32_t len;
	char bytes[];
};

/* Between one worker and the coordinator. */
struct shard_chan {
	struct spsc ledger;  /* struct ledger_ent, worker to coordinator */
	struct spsc answers; /* uint64_t: the first gid of each CREATE */
	struct spsc rows;    /* struct row_rec */
	/* Events finished: their ledger entries and rows are published. */
	alignas(64) _Atomic uint64_t done;
	_Atomic bool finished; /* the end of the trace reported as well */
};

#define SHARD_DECISIONS 64

/* What the workers and the coordinator share. */
struct shard_shared {
	unsigned int n;
	struct shard_chan *chan;
	/* MARK decisions: slot m % SHARD_DECISIONS holds 2m + walk. */
	_Atomic uint64_t decision[SHARD_DECISIONS];
	_Atomic bool abort;	      /* a worker failed: stop waiting */
	_Atomic unsigned int waiting; /* workers waiting for the coordinator */
	_Atomic uint32_t wake;	      /* a futex: bumped when a worker starts to wait */
	_Atomic bool headers_done;    /* worker 0 gave the sink every header */
};

/* An endpoint waiting for its gid.  It may leave before the answer comes
 * (a flow handed to its socket needs none), and its memory go to another
 * endpoint: the answer is taken only if the table still holds the same
 * endpoint (file, serial and id). */
struct shard_pending {
	struct conn *c;
	uint64_t id;
	uint64_t serial;
	uint32_t file;
	uint32_t n;
};

/* One worker's shard. */
struct shard {
	struct shard_shared *sh;
	unsigned int index;
	struct conn_table *tab; /* the worker's endpoints (shard_attach()) */
	/* The shard of each of the lookaside's slot pairs: no division per
	 * event. */
	uint8_t owner[TUPLE_SLOT_PAIRS];
	struct shard_chan *ch;
	struct out_ctx *out; /* renders rows (its mode's, options of the real one) */
	const struct analyzer_sink *header_sink; /* worker 0: the real sink's headers */
	struct report_key key;
	uint64_t live_logged;
	uint16_t pushes; /* queue pushes in the current event */
	uint8_t polls;	 /* events since the answers were last looked at */
	bool dirty;	 /* entries or rows not yet published */
	struct shard_pending *pend;
	uint64_t pend_head, pend_tail, pend_cap; /* a ring, capacity a power of 2 */
};

/* Fills s->owner from s->sh->n (shard_init() does). */
void shard_owners(struct shard *s);
/* Whether the shard dispatches an event of this connection (NULL: no
 * connection, every shard does). */
bool shard_owns(const struct shard *s, const struct trc_conn *decl);
/* shard_owns() as a trc_want_conn_fn: the shard's readers skip the
 * events of the other shards' connections (trc_reader_want_conns()). */
bool shard_wants(void *shard, const struct trc_conn *decl);
/* The table of the shard's endpoints, before its first event. */
void shard_attach(struct shard *s, struct conn_table *tab);
/* Worker 0: every header went to the sink. */
void shard_ready(struct shard *s);
/* Endpoint c (and its mirror when n is 2) was created at event pos, the
 * shard then holding live endpoints. */
void shard_created(struct shard *s, struct conn *c, unsigned int n, uint64_t pos, uint64_t live);
/* Event pos is finished (expiry included), the shard holding live. */
void shard_event_done(struct shard *s, uint64_t pos, uint64_t live);
/* Waits until c->gid is known (shard_resolve()). */
void shard_wait_gid(struct shard *s, struct conn *c);
static inline void shard_resolve(struct shard *s, struct conn *c)
{
	if (c && !c->gid)
		shard_wait_gid(s, c);
}
/* The place of c in the finalisation queues, for one pushed at event pos. */
uint64_t shard_qpos(struct shard *s, uint64_t pos);
/* Whether gap mark number mark, made after pos events of which events
 * were read, walks the endpoints (the budget over every shard). */
bool shard_mark_walk(struct shard *s, uint64_t mark, uint64_t pos, uint64_t events);
/* Rows reported from now on come at key. */
static inline void shard_report_at(struct shard *s, uint64_t pos, uint64_t phase, uint64_t order)
{
	s->key = (struct report_key){ pos, phase, order };
}
/* Renders a row (the analyzer_sink conn callback of a worker). */
int shard_row(void *arg, const struct connection_view *cv);
/* The trace is over and reported: everything is published. */
void shard_finish(struct shard *s, uint64_t events);

int shard_init(struct shard *s, struct shard_shared *sh, unsigned int index, struct out_ctx *out);
void shard_fini(struct shard *s);

#endif /* ANALYZE_SHARD_H */
