/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn.h - the table of live endpoints (endpoint.h): lookup by (file,
 * serial) (conn_index.h), an index by (netns, 4-tuple) to join
 * segment-only flows to sockets, peer pairing of the two local endpoints of
 * one connection, a bounded lookaside of recently closed endpoints, the
 * queues of closed endpoints waiting to be finalised (conn_queue.h) and
 * the freezing of held ones (conn_freeze.h).
 */
#ifndef ANALYZE_CONN_H
#define ANALYZE_CONN_H

#include "conn_queue.h"
#include "endpoint.h"

/* Table of live endpoints. */
struct conn_table;

struct conn_table *conn_table_new(void);
void conn_table_free(struct conn_table *t);
/* The table holds one of shards shares of the connections (shard.h);
 * before its first endpoint. */
void conn_table_share(struct conn_table *t, unsigned int shards);

/* Finds the endpoint of (file, serial); NULL if none is live. */
struct conn *conn_table_lookup(struct conn_table *t, uint32_t file, uint64_t serial);

/* Creates and inserts an endpoint for decl.  Returns NULL with errno. */
struct conn *conn_table_add(struct conn_table *t, uint32_t file, const struct trc_conn *decl);

/* Creates the mirrored endpoint of a segment-only flow (local and remote
 * swapped), linked both ways; not in the serial hash. */
struct conn *conn_table_add_mirror(struct conn_table *t, struct conn *c);

/* Removes c from every index and queue and cuts every link another live
 * endpoint holds to it (peer, flow/socket join); the caller releases it
 * with conn_table_release() after output.  Records c in the lookaside for late peer
 * linking.  Only the mirror of a segment-only flow stays: c owns it. */
void conn_table_remove(struct conn_table *t, struct conn *c);
/* Frees c and the endpoint parked on it (not its mirror), keeping their
 * memory for reuse by conn_table_add(); NULL is ignored. */
void conn_table_release(struct conn_table *t, struct conn *c);

/* Joins a flow to the socket its segments go to.  The link is symmetric
 * and exclusive: an earlier partner of either side is let go first, so
 * that no endpoint ever points at one that is not pointing back.  Every
 * flow/sock pointer is written here and in conn_unjoin() only. */
void conn_table_join(struct conn *sock, struct conn *flow);
/* Cuts c's join, if any, on both sides. */
void conn_unjoin(struct conn *c);

/* Tuple index: the live socket (flow_only = false) or flow (true)
 * endpoint with this netns and 4-tuple, or NULL. */
struct conn *conn_table_by_tuple(struct conn_table *t, const struct conn_key *k, bool flow_only);

/* Links c to the other local endpoint of its connection (A.local ==
 * B.remote, A.remote == B.local, any netns) if one is live or was
 * finalised recently (lookaside).  Returns the peer id or 0. */
uint64_t conn_table_link_peer(struct conn_table *t, struct conn *c);

/* The live endpoint c's connection waits for once c is finalised: its
 * peer, else (a socket and a segment-only flow) the unlinked endpoint of
 * the other kind whose tuple is c's reversed, preferring c's netns: a
 * socket whose handshake was refused or unanswered is one connection
 * with the flow of the segments that reached the other side.  NULL when
 * there is none.  Reads only heads, so c and the others may be frozen. */
struct conn *conn_table_partner(struct conn_table *t, const struct conn *c);

/* Finalisation queues, each ordered by close time; one per waiting
 * period (see analyzer_state.h; conn_queue.h). */
void conn_table_queue(struct conn_table *t, struct conn *c, unsigned int q);
void conn_table_unqueue(struct conn_table *t, struct conn *c);
struct conn *conn_table_queue_head(struct conn_table *t, unsigned int q);
/* Grows with every push and unlink: unchanged, no queue's head changed. */
uint64_t conn_table_queue_changes(const struct conn_table *t);
/* Asks for c's body, or its encoded body while frozen, to be brought into
 * the cache ahead of freezing or thawing it; NULL is ignored. */
void conn_table_prefetch(const struct conn *c);

/* Frozen endpoints.  A closed endpoint is held for the grace period (and
 * through TIME_WAIT) while hardly any event still reaches it; freezing
 * stores its body with zero bytes left out (c->enc), about a third of the
 * memory, and leaves c->b NULL: only the head may be read until it is
 * thawed.  The endpoint keeps its address either way, so no link to it
 * changes.  freeze: true when c is frozen (now or before), false when it
 * cannot be (open, a mirror, or a flow joined to a socket) or memory is
 * short; thaw: false when memory
 * is short (it stays frozen and valid).  A segment-only endpoint is
 * frozen and thawed with its mirror. */
bool conn_table_freeze(struct conn_table *t, struct conn *c);
bool conn_table_thaw(struct conn_table *t, struct conn *c);

/* The cooling list: closed endpoints, least recently touched first, that
 * are frozen once no event reached them for a while (freezing at once
 * would thaw many again for their TIME_WAIT exit).  cool() (re)appends c,
 * uncool() takes it off (also done by remove, freeze and thaw). */
void conn_table_cool(struct conn_table *t, struct conn *c);
void conn_table_uncool(struct conn_table *t, struct conn *c);
struct conn *conn_table_cool_head(struct conn_table *t);

/* Iteration over every live endpoint (order unspecified).  cb may not
 * remove endpoints; use conn_table_pop() for that. */
void conn_table_foreach(struct conn_table *t, void (*cb)(struct conn *, void *), void *arg);

/* Some live endpoint, or NULL when empty (trace end); peek leaves it in
 * the table, pop removes it. */
struct conn *conn_table_peek(struct conn_table *t);
struct conn *conn_table_pop(struct conn_table *t);

uint64_t conn_table_live(const struct conn_table *t);

/* conn_key of an endpoint's declaration; swapped = remote first. */
void conn_key_from_decl(struct conn_key *k, const struct trc_conn *d, bool swapped);

#endif /* ANALYZE_CONN_H */
