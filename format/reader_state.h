/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reader_state.h - the reader's private state, shared by reader.c (open,
 * next, media), reader_block.c (buffering, block framing, resync),
 * decode.c and decode_ev.c (chunk records -> events).  Types only; each
 * module declares its functions in its own header.  Not installed; users
 * see trc.h.
 */
#ifndef TRC_READER_STATE_H
#define TRC_READER_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "cursor.h"
#include "trc.h"
#include "wire.h"

/* A connection declared in the current chunk, with the chunk-local coding
 * context that STATE_NEXT and sequence deltas refer to. */
struct rconn {
	/* Its events are skipped (trc_reader_want_conns()).  Next to
	 * c.serial, which every event of the connection reads: on the same
	 * cache line. */
	bool unwanted;
	struct trc_conn c;
	struct wire_conn_ctx ctx; /* what its records are coded against */
};

struct raddr {
	uint8_t v6;
	uint8_t a[16];
};

struct rowner {
	uint32_t tgid;
	uint32_t pid;
	char comm[TRC_COMM_LEN];
};

/* Decoding position inside one chunk. */
struct dec {
	struct cur c;
	uint64_t block_off;
	uint32_t seq;
	uint32_t n_events, n_records, n_conns;
	uint64_t t_first, t_last, t_prev;
	uint32_t events, records, conns, owners;
	uint32_t prev_cid; /* UINT32_MAX: none yet */
	bool dry;	   /* validation pass: count nothing user-visible */
	/* SOCK extension events: how many, and the latest time among them
	 * (they do not move t_prev; the core events after one must not go
	 * back before it) */
	uint32_t ext_events;
	uint64_t ext_max;
	uint32_t ext_count;  /* ext_events and ext_max of the whole chunk, */
	uint64_t ext_latest; /* kept from its validation pass */
	/* The validation pass kept the chunk's events in the reader's batch:
	 * n_batched of them, handed out from index next on. */
	bool batch;
	uint32_t n_batched, next;
	/* Events of unwanted connections: n_skipped of them in the reader's
	 * skip arrays, handed out in runs from skip_next on.  Batch entry i
	 * comes after the first batch_skips[i] of them. */
	uint32_t n_skipped, skip_next;
	/* previous-declaration context (SPEC.md "CONN") */
	uint32_t addrs;
	uint64_t dp_serial, dp_cookie, dp_cgroup;
	uint32_t dp_netns;
	uint16_t dp_rport;
};

/* A framed, checksummed block found by blk_next(). */
struct blk {
	char type;	 /* 'H', 'C', 'T', or another letter (unknown) */
	uint64_t offset; /* file offset of its magic */
	uint32_t total;
	struct cur payload;
};

enum rd_state {
	RD_BLOCK, /* expecting a block at pos */
	RD_CHUNK, /* returning the events of a validated chunk */
	RD_DONE,  /* final status reached */
};

struct mem_ctx {
	const uint8_t *p;
	size_t left;
};

struct trc_reader {
	struct trc_medium m;
	struct mem_ctx mem; /* for trc_reader_open_mem() */
	int fd;		    /* for trc_reader_open_file(); -1 otherwise */
	int own_fd;

	uint8_t *buf;
	size_t cap, pos, end;
	uint64_t buf_off; /* file offset of buf[0] */
	bool in_eof;	  /* the medium reported end of input */
	int io_err;	  /* -errno of the failed read */

	enum rd_state state;
	enum trc_status final;
	struct trc_error final_err;
	bool pending; /* a report to return before anything else */
	struct trc_error pending_err;

	struct trc_header hdr;
	struct trc_trailer trl;
	struct trc_reader_stats st;

	struct dec d;
	struct blk cur_blk;
	uint32_t expect_seq;
	bool damage_since_chunk; /* a gap in sequence numbers is explained */
	bool any_chunk;
	uint64_t prev_t_last;

	struct rconn *conns;
	uint32_t conns_cap;
	struct rowner *owners;
	uint32_t owners_cap;
	struct raddr *addrs;
	uint32_t addrs_cap;
	/* Events of the current chunk as its validation pass decoded them,
	 * each with the index of its connection in conns (UINT32_MAX: none),
	 * not a pointer into a table that rd_grow() moves.  At most
	 * DEC_BATCH_MAX entries (decode.h). */
	struct trc_event *batch;
	uint32_t *batch_cid;
	uint32_t *batch_skips;
	uint32_t batch_cap;
	/* trc_reader_want_conns(), and the skipped events of the current
	 * chunk (times and types; at most DEC_BATCH_MAX), of which run is
	 * the last one handed out */
	trc_want_conn_fn want;
	void *want_arg;
	uint64_t *skip_t;
	uint8_t *skip_type;
	uint32_t skip_cap;
	struct trc_skipped_run run;
	bool run_valid;
	uint64_t one_t; /* the run of one of a chunk decoded twice */
	uint8_t one_type;
};

/* Room for need entries of elem bytes in the chunk table tab of *cap
 * entries (doubling, from 64; need > 0): the table, moved or not, with
 * *cap updated; NULL, with tab and *cap left as they were, when memory is
 * short.  Every table is bounded by a chunk limit before it grows. */
static inline void *rd_grow(void *tab, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t ncap = *cap ? *cap : 64;
	void *n;

	if (need <= *cap)
		return tab;
	while (ncap < need)
		ncap *= 2;
	n = realloc(tab, (size_t)ncap * elem);
	if (n)
		*cap = ncap;
	return n;
}

#endif /* TRC_READER_STATE_H */
