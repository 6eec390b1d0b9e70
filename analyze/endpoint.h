/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * endpoint.h - one analysed endpoint (struct conn): a fixed head that the
 * table's modules read, and a body of analysis state that may be frozen
 * while the endpoint is held.  Types only: the table of endpoints is
 * conn.h, and each of its parts (conn_index.h, conn_queue.h,
 * conn_freeze.h) works on endpoints through these types alone.
 */
#ifndef ANALYZE_ENDPOINT_H
#define ANALYZE_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "figures.h"
#include "hchain.h"
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

/* The body's parts, one per analysis module that keeps it.  Small
 * fields are grouped in each to leave little padding. */

/* Replay against the RFC 9293 model (replay.c, replay_flow.c). */
struct ep_replay {
	struct rfc9293_model model;
	uint8_t kstate; /* last state the kernel (or inference) reported */
	bool inferred;
	bool kernel_states; /* the kernel reported at least one transition */
	bool tw_expected, tw_trans_pending;
	/* The trace's TIME_WAIT walk watched another namespace (header
	 * tw_netns): no TIME_WAIT enter is to be waited for. */
	bool tw_unwatched;
	bool rst_rx_event; /* a RESET rx event since the last transition */
	uint8_t recent_head, n_recent;
	uint8_t tw_precision;
	bool has_pending_syn, has_pending_fin;
	bool fin_sent_seq_valid;
	uint32_t fin_sent_seq;	/* seq of our FIN (segment-only replay) */
	uint64_t last_trans_ns; /* candidate segments for the next transition start here */
	uint64_t backlog_ns;	/* and unused received ones here (replay_add_transition()) */
	struct transition trans[CONN_MAX_TRANS];
	uint16_t n_trans;
	uint32_t trans_dropped;
	struct seg_rec recent[CONN_RECENT]; /* ring of recent segments */
	struct seg_rec pending_syn;	    /* segment-only responder: SYN not yet judged */
	struct seg_rec pending_fin;	    /* segment-only: a FIN that may have crossed ours */
	uint64_t tw_enter_ns, tw_exit_ns, tw_precision_ns;
};

/* What reached the endpoint (dispatch.c): segments, retransmissions and
 * resets, the --segments list and a flow's segments kept for adoption. */
struct ep_traffic {
	uint64_t seg_total, seg_rx, seg_tx;
	uint64_t by_flag[9];  /* SYN SYN-ACK ACK PSH FIN RST URG ECE CWR */
	struct seg_rec *list; /* --segments */
	uint32_t n_list, cap_list;
	uint64_t list_dropped;
	struct seg_rec *flowbuf; /* flow_only: CONN_FLOW_BUF kept for adoption */
	uint8_t n_flowbuf;
	uint64_t retransmits, resets_sent, resets_received;
};

/* The process that owned the socket (dispatch.c). */
struct ep_owner {
	uint32_t pid, tgid;
	bool has_owner;
	char comm[TRC_COMM_LEN]; /* printable UTF-8 (safestr.h) */
};

/* Classification inputs and the Zeek-style history (classify.c,
 * history.c). */
struct ep_classify {
	int8_t originator; /* 0 unknown, 1 local, -1 remote */
	bool orig_syn, resp_synack, orig_fin, resp_fin, orig_rst, resp_rst;
	bool orig_ack, resp_ack, syn_seen, first_seg_not_syn;
	bool rx_rst, tx_rst, rx_fin, tx_fin;
	uint8_t hist_len;
	char history[CONN_HISTORY_MAX + 1];
	struct hist_dir hist[2]; /* [0] originator, [1] responder */
};

/* Verdict inputs (verdict.c). */
struct ep_verdict {
	uint32_t n_violations, n_unexplained;
	uint32_t n_viol_seg;		   /* violations that need a recorded segment */
	uint32_t divergences;		   /* bit (1 << enum lx_divergence) */
	uint8_t viol_needs_seg;		   /* bit i: violations[i] needs a segment */
	char (*violations)[CONN_VIOL_LEN]; /* CONN_MAX_VIOL, allocated on the first */
};

/* Body: all an endpoint's analysis state but what its head holds.  A
 * held endpoint's body may be frozen (stored encoded, conn_freeze.c) and
 * thawed again; the endpoint itself never moves. */
struct conn_body {
	struct trc_conn decl;
	uint64_t first_ns;
	struct ep_replay replay;
	struct ep_traffic traffic;
	struct figures fig; /* the kernel's counters, tcp_figures */
	struct ep_owner owner;
	struct ep_classify classify;
	struct ep_verdict verdict;
};

/* One endpoint.  Its address is fixed from conn_table_add() to its
 * release, so every link to it stays valid while its body is frozen. */
struct conn {
	/* Head: what the table, the finalisation queues and loss marking
	 * read, frozen or not.  Its first cache line holds what a walk of
	 * a tuple's chain (conn.c) reads of every endpoint it passes: the
	 * link with its hash, the pairing and the flags.  Most endpoints a
	 * walk passes are another tuple's or an earlier incarnation's, and
	 * are passed over on that line alone. */
	struct hchain_link tlink; /* the tuple index (conn.c) */
	uint64_t peer_id;	  /* 0 = none */
	bool flow_only, is_mirror, in_tuple_index, queued, adopted;
	bool indexed;  /* in the serial hash (added, not yet removed) */
	bool frozen;   /* the body is encoded; conn_table_thaw() */
	bool cooling;  /* on the cooling list */
	uint8_t queue; /* which finalisation queue */
	bool closed, tw_enter, tw_exit;
	uint8_t enc_class; /* enc's size class (conn_freeze.h) */
	/* Assigned in order of first appearance, within the table (id: what
	 * the analysis compares and orders by) and across the whole analysis
	 * (gid: what outputs print).  They are equal unless the analysis is
	 * one shard of several (shard.h): a shard learns gid later, and
	 * orders its endpoints as the whole analysis would by id alone. */
	uint64_t id;
	uint64_t gid; /* 0 until known */
	/* The second line: the tuple, compared once the hash matched. */
	struct conn_key key;
	uint32_t file;		 /* index of the input file */
	uint32_t incomplete;	 /* enum incomplete_reason bits (verdict input) */
	uint64_t serial;	 /* trc serial within that file */
	TAILQ_ENTRY(conn) qlink; /* finalisation queue (conn_queue.h) */
	TAILQ_ENTRY(conn) clink; /* cooling list: closed, not yet frozen (conn_freeze.h) */
	struct conn *mirror;	 /* segment-only: the other endpoint of the flow */
	struct conn *flow;	 /* socket: the flow whose segments it receives */
	struct conn *sock;	 /* flow: the socket its segments go to */
	struct conn *peer;
	uint64_t peer_gid; /* the gid of a peer already finalised (else peer->gid) */
	uint64_t qpos;	   /* place in the finalisation queues (dispatch.c) */
	/* The other half of its connection, finalised first and out of the
	 * table, waiting to be reported with this one (finalise.c).  Owned
	 * by this endpoint: freeing it frees the parked one. */
	struct conn *parked;
	uint64_t close_ns, last_ns;
	uint64_t born_mark; /* the analyzer's mark_seq when it was created */
	/* The body: b while thawed; NULL while frozen, when enc holds it
	 * encoded (conn_table_freeze()). */
	struct conn_body *b;
	unsigned char *enc;
};

/* The gid of c's peer, 0 when it has none. */
static inline uint64_t conn_peer_gid(const struct conn *c)
{
	return c->peer ? c->peer->gid : c->peer_id ? c->peer_gid : 0;
}

/* A list of endpoints (the queues, the cooling list). */
TAILQ_HEAD(conn_list, conn);

#endif /* ANALYZE_ENDPOINT_H */
