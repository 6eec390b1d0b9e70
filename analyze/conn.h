/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn.h - one analysed endpoint (struct conn) and the connection table:
 * lookup by (file, serial), an index by (netns, 4-tuple) to join
 * segment-only flows to sockets, peer pairing of the two local endpoints of
 * one connection, a bounded lookaside of recently closed endpoints, and the
 * queue of closed connections waiting to be finalised.
 */
#ifndef ANALYZE_CONN_H
#define ANALYZE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "figures.h"
#include "rfc9293.h"
#include "trc.h"

#define CONN_MAX_TRANS	  16 /* transitions kept per endpoint; more are counted */
#define CONN_RECENT	  4  /* recent segments kept to explain a transition */
#define CONN_FLOW_BUF	  16 /* segments a flow keeps for the socket that adopts it */
#define CONN_HISTORY_MAX  48 /* history letters kept */
#define CONN_MAX_VIOL	  4  /* violation sentences kept (all are counted) */
#define CONN_VIOL_LEN	  160
#define CONN_SEG_LIST_MAX (1u << 20) /* --segments: entries kept per endpoint */
#define CONN_LOOKASIDE	  4096	     /* recently finalised endpoints kept for peer linking */
#define CONN_FREE_MAX	  1024	     /* finalised endpoints kept for reuse */
#define CONN_FREE_BODIES  1024	     /* frozen endpoints' bodies kept for reuse */
/* Entries of one tuple-index chain examined per lookup.  Live sockets of
 * one tuple are few on a real host (one per netns, plus the closed ones
 * held for the grace period); a hostile trace with a million endpoints
 * on one tuple must not make every lookup walk them all. */
#define CONN_TUPLE_WALK_MAX 256

/* What made a transition happen. */
enum cause_kind {
	CAUSE_UNKNOWN = 0,
	CAUSE_SEGMENT,	/* a segment received or sent (dir, flags, t_ns) */
	CAUSE_APP,	/* an application call, inferred (app) */
	CAUSE_TIMER,	/* a timer (app holds the RFC_IN_TIMER_* kind) */
	CAUSE_SNAPSHOT, /* state at the start of the recording */
	CAUSE_TIMEWAIT, /* the kernel's timewait socket took over */
	CAUSE_COUNT,
};
const char *cause_kind_name(enum cause_kind k);

struct cause {
	uint8_t kind;	   /* enum cause_kind */
	uint8_t dir;	   /* CAUSE_SEGMENT: enum trc_direction */
	uint8_t tcp_flags; /* CAUSE_SEGMENT */
	uint8_t input;	   /* CAUSE_APP / CAUSE_TIMER: enum rfc9293_input_kind */
	uint64_t t_ns;	   /* when the cause happened */
};

/* How a recorded transition compares with the RFC model. */
enum judgement {
	JUDGE_CONFORMANT = 0,
	JUDGE_LINUX, /* a documented Linux divergence (divergence.h) */
	JUDGE_VIOLATION,
	JUDGE_UNEXPLAINED, /* needs a segment, but none were recorded */
	JUDGE_SNAPSHOT,
};

struct transition {
	uint64_t t_ns;
	uint8_t from, to;   /* enum tcp_state */
	uint8_t judge;	    /* enum judgement */
	uint8_t divergence; /* enum lx_divergence with JUDGE_LINUX */
	uint8_t owner;	    /* ran in the owner's process context */
	uint8_t inferred;   /* predicted from segments, not reported by the kernel */
	uint8_t needs_seg;  /* a violation only if segments were recorded */
	struct cause cause;
};

struct seg_rec {
	uint64_t t_ns;
	uint32_t seq, ack, window, payload_len;
	uint8_t dir, tcp_flags, flags;
	uint8_t uses; /* transitions this segment explained */
};

/* Why a verdict is "incomplete"; bits. */
enum incomplete_reason {
	INC_LOST = 1u << 0,	 /* lost events overlap the connection */
	INC_CORRUPT = 1u << 1,	 /* a corrupt block was skipped during it */
	INC_SNAPSHOT = 1u << 2,	 /* began before the recording (snapshot) */
	INC_MIDSTREAM = 1u << 3, /* began before the recording (no snapshot) */
	INC_TRACE_END = 1u << 4, /* still open when the trace ended */
	INC_TRUNCATED = 1u << 5, /* the trace file was truncated */
};

/* Per-direction history bookkeeping (Zeek-style letters). */
struct hist_dir {
	uint16_t seen;		   /* letters emitted once ('a', 'd', 'i', 'q') */
	uint32_t last_seq[4];	   /* s h f r: seq of the last time the letter was emitted */
	uint8_t seq_valid;	   /* bits for last_seq[] */
	uint64_t retrans, zerowin; /* counts for logarithmic t and w */
	uint64_t next_t, next_w;   /* count at which the next letter is due */
	uint32_t snd_max;	   /* flows: highest sequence number sent + 1 */
	bool snd_valid;
};

struct conn_key {
	uint32_t netns;
	uint8_t family;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
};

/* Body: all an endpoint's analysis state but what its head holds.  A
 * held endpoint's body may be frozen (stored encoded, conn_freeze.c) and
 * thawed again; the endpoint itself never moves.  Small fields are
 * grouped to leave no padding between the large ones. */
struct conn_body {
	struct trc_conn decl;
	struct rfc9293_model model;
	uint8_t kstate; /* last state the kernel (or inference) reported */
	bool inferred;
	bool kernel_states; /* the kernel reported at least one transition */
	bool tw_expected, tw_trans_pending;
	bool rst_rx_event; /* a RESET rx event since the last transition */
	uint8_t recent_head, n_recent;
	uint8_t n_flowbuf;
	uint8_t tw_precision;
	bool has_pending_syn, has_pending_fin;
	bool fin_sent_seq_valid;
	uint32_t fin_sent_seq; /* seq of our FIN (segment-only replay) */
	uint64_t first_ns;
	uint64_t last_trans_ns; /* candidate segments for the next transition start here */

	struct transition trans[CONN_MAX_TRANS];
	uint16_t n_trans;
	uint32_t trans_dropped;

	struct seg_rec recent[CONN_RECENT]; /* ring of recent segments */
	struct seg_rec *flowbuf;	    /* flow_only: CONN_FLOW_BUF kept for adoption */
	struct seg_rec pending_syn;	    /* segment-only responder: SYN not yet judged */
	struct seg_rec pending_fin;	    /* segment-only: a FIN that may have crossed ours */

	uint64_t seg_total, seg_rx, seg_tx;
	uint64_t by_flag[9];  /* SYN SYN-ACK ACK PSH FIN RST URG ECE CWR */
	struct seg_rec *list; /* --segments */
	uint32_t n_list, cap_list;
	uint64_t list_dropped;

	uint64_t tw_enter_ns, tw_exit_ns, tw_precision_ns;
	uint64_t retransmits, resets_sent, resets_received;
	struct figures fig; /* the kernel's counters, tcp_figures */

	uint32_t pid, tgid;
	bool has_owner;
	char comm[TRC_COMM_LEN]; /* printable UTF-8 (safestr.h) */

	/* classification inputs */
	int8_t originator; /* 0 unknown, 1 local, -1 remote */
	bool orig_syn, resp_synack, orig_fin, resp_fin, orig_rst, resp_rst;
	bool orig_ack, resp_ack, syn_seen, first_seg_not_syn;
	bool rx_rst, tx_rst, rx_fin, tx_fin;
	uint8_t hist_len;
	char history[CONN_HISTORY_MAX + 1];
	struct hist_dir hist[2]; /* [0] originator, [1] responder */

	/* verdict inputs */
	uint32_t n_violations, n_unexplained;
	uint32_t n_viol_seg;		   /* violations that need a recorded segment */
	uint32_t divergences;		   /* bit (1 << enum lx_divergence) */
	uint8_t viol_needs_seg;		   /* bit i: violations[i] needs a segment */
	char (*violations)[CONN_VIOL_LEN]; /* CONN_MAX_VIOL, allocated on the first */
};

/* One endpoint.  Its address is fixed from conn_table_add() to its
 * release, so every link to it stays valid while its body is frozen. */
struct conn {
	/* Head: what the table, the finalisation queues and loss marking
	 * read, frozen or not. */
	uint64_t id;	     /* output id, assigned in order of first appearance */
	uint64_t serial;     /* trc serial within that file */
	uint32_t file;	     /* index of the input file */
	uint32_t incomplete; /* enum incomplete_reason bits (verdict input) */
	struct conn_key key;
	struct conn *fnext;	    /* reuse list */
	struct conn *tnext;	    /* tuple index chain */
	struct conn **tpprev;	    /* the pointer to c in that chain: O(1) removal */
	struct conn *qnext, *qprev; /* finalisation queue */
	struct conn *cnext, *cprev; /* cooling list: closed, not yet frozen */
	struct conn *mirror;	    /* segment-only: the other endpoint of the flow */
	struct conn *flow;	    /* socket: the flow whose segments it receives */
	struct conn *sock;	    /* flow: the socket its segments go to */
	struct conn *peer;
	uint64_t peer_id; /* 0 = none */
	/* The other half of its connection, finalised first and out of the
	 * table, waiting to be reported with this one (dispatch.c).  Owned
	 * by this endpoint: freeing it frees the parked one. */
	struct conn *parked;
	uint64_t close_ns, last_ns;
	uint64_t born_mark; /* the analyzer's mark_seq when it was created */
	bool flow_only, is_mirror, in_tuple_index, queued, adopted;
	bool indexed;  /* in the serial hash (added, not yet removed) */
	bool frozen;   /* the body is encoded; conn_table_thaw() */
	bool cooling;  /* on the cooling list */
	uint8_t queue; /* which finalisation queue */
	bool closed, tw_enter, tw_exit;
	/* The body: b while thawed; NULL while frozen, when enc holds it
	 * encoded (conn_table_freeze()). */
	struct conn_body *b;
	unsigned char *enc;
};

/* Table of live endpoints. */
struct conn_table;

struct conn_table *conn_table_new(void);
void conn_table_free(struct conn_table *t);

/* Finds the endpoint of (file, serial); NULL if none is live. */
struct conn *conn_table_lookup(struct conn_table *t, uint32_t file, uint64_t serial);

/* Creates and inserts an endpoint for decl.  Returns NULL with errno. */
struct conn *conn_table_add(struct conn_table *t, uint32_t file, const struct trc_conn *decl);

/* Creates the mirrored endpoint of a segment-only flow (local and remote
 * swapped), linked both ways; not in the serial hash. */
struct conn *conn_table_add_mirror(struct conn_table *t, struct conn *c);

/* Removes c from every index and queue and cuts every link another live
 * endpoint holds to it (peer, flow/socket join); the caller frees it with
 * conn_free() after output.  Records c in the lookaside for late peer
 * linking.  Only the mirror of a segment-only flow stays: c owns it. */
void conn_table_remove(struct conn_table *t, struct conn *c);
void conn_free(struct conn *c);
/* Frees c, or keeps it for reuse by conn_table_add() (bounded). */
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
 * period (see analyzer_state.h). */
#define CONN_QUEUES 3
void conn_table_queue(struct conn_table *t, struct conn *c, unsigned int q);
void conn_table_unqueue(struct conn_table *t, struct conn *c);
struct conn *conn_table_queue_head(struct conn_table *t, unsigned int q);

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
/* What one conn_table_foreach() costs: the slots it reads (at least
 * twice the live endpoints; the index does not shrink). */
uint64_t conn_table_foreach_cost(const struct conn_table *t);

/* Some live endpoint, or NULL when empty (trace end); peek leaves it in
 * the table, pop removes it. */
struct conn *conn_table_peek(struct conn_table *t);
struct conn *conn_table_pop(struct conn_table *t);

uint64_t conn_table_live(const struct conn_table *t);

/* conn_key of an endpoint's declaration; swapped = remote first. */
void conn_key_from_decl(struct conn_key *k, const struct trc_conn *d, bool swapped);

#endif /* ANALYZE_CONN_H */
