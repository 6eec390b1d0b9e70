/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * writer_state.h - the writer's private state, shared by writer.c (chunk
 * and file life cycle), writer_conn.c (connection and owner tables) and
 * encode.c (records).  Types only; each module declares its functions in
 * its own header.  Not installed; users see only trc.h.
 */
#ifndef TRC_WRITER_STATE_H
#define TRC_WRITER_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "trc.h"
#include "wire.h"

/* An open connection.  Fields after `c` describe it within the chunk whose
 * generation is `gen`; a different generation means "not declared in the
 * current chunk yet". */
struct wconn {
	struct trc_conn c;
	uint32_t gen;
	uint32_t cid;
	uint64_t file;		  /* 1 + index of the last file whose trailer counts it */
	struct wire_conn_ctx ctx; /* what its records are coded against */
};

/* Open-addressing (linear probing, backward-shift deletion) keyed by
 * serial; grows at 50% load, so lookups stay O(1) without tombstones.
 * The table holds only keys and pool indices; the connections live in a
 * pool that never moves them on a table grow (see writer_conn.c). */
struct conn_table {
	uint64_t *keys;	    /* slot's serial, 0 = empty */
	uint32_t *idx;	    /* slot's connection in pool */
	size_t cap;	    /* slots, a power of two */
	size_t count;	    /* connections open */
	struct wconn *pool; /* connections, reused through free_idx */
	uint32_t *free_idx; /* freed pool entries, last freed last */
	size_t pool_cap, pool_used, n_free;
};

/* Chunk-local owners (tgid, pid, comm), found by hash; an entry counts only
 * when its generation is the current chunk's. */
#define OWNER_SLOTS	    4096u
#define OWNER_MAX_PER_CHUNK (OWNER_SLOTS / 2)
struct owner_slot {
	uint32_t gen;
	uint32_t idx;
	uint32_t tgid;
	uint32_t pid;
	uint8_t comm_len;
	char comm[TRC_COMM_LEN - 1];
};

/* Chunk-local addresses, found by hash like the owners. */
#define ADDR_SLOTS	   8192u
#define ADDR_MAX_PER_CHUNK (WIRE_MAX_CHUNK_ADDRS - 2)
struct addr_slot {
	uint32_t gen;
	uint32_t idx;
	uint8_t v6;
	uint8_t a[16];
};

/* Previous-declaration context that CONN records are coded against. */
struct decl_prev {
	uint64_t serial;
	uint64_t cookie;
	uint64_t cgroup_id;
	uint32_t netns;
	uint16_t rport;
};

/* Largest encoding of one append (a CONN declaration plus the event with
 * a new owner), with margin; the chunk buffer always has this much room. */
#define WRITER_MAX_APPEND 512u
/* Smallest chunk target the writer accepts, and the smallest it makes
 * for the last chunk of a file that max_file_bytes bounds. */
#define WRITER_MIN_CHUNK	1024u
#define WRITER_DEFAULT_CHUNK	(64u << 10)
#define WRITER_DEFAULT_FLUSH_NS 1000000000ull

/* Counters of the current file, for its trailer: a rotated recording's
 * files are traces of their own. */
struct wfile {
	uint64_t events;
	uint64_t connections; /* opened in it, or declared in it after an earlier file */
	uint64_t lost_events;
	uint64_t bytes;
	uint64_t t_first, t_last; /* event times; valid when events > 0 */
};

struct trc_writer {
	int fd;
	int error; /* first write error, sticky */
	struct trc_error first_err;
	uint32_t chunk_target;
	uint64_t flush_interval_ns;
	int fsync_on_flush;

	off_t hdr_off;	       /* file offset of the header block; -1: fd cannot seek */
	size_t hdr_payload;    /* its payload length */
	struct trc_header hdr; /* as last written; file_index is the current file's */

	/* rotation (trc_writer_opts) */
	uint64_t max_file_bytes;
	int (*next_file)(void *ctx, int done_fd);
	void (*end_file)(void *ctx, struct trc_trailer *extra);
	void *file_ctx;
	struct wfile file;

	uint8_t *buf; /* block head + chunk header + records + tail room */
	size_t cap;
	size_t len; /* bytes used, from the start of buf */

	/* current chunk */
	uint32_t seq;	    /* also: chunks written to the current file */
	uint32_t ch_target; /* this chunk's target: chunk_target, less near max_file_bytes */
	uint32_t gen;
	uint32_t ch_events; /* core event records */
	uint32_t ch_ext;    /* SOCK extension events (records, not events) */
	uint32_t ch_records;
	uint32_t ch_conns;
	uint32_t ch_owners;
	uint32_t ch_addrs;
	uint32_t prev_cid; /* UINT32_MAX: no event yet */
	uint64_t t_first;
	uint64_t t_prev;
	uint64_t tick_start; /* first tick that saw this chunk open, 0 none */
	struct decl_prev dp;

	/* file-wide */
	uint64_t next_serial;
	uint64_t t_last_file;
	struct trc_writer_stats st;

	struct conn_table conns;
	struct owner_slot *owners; /* OWNER_SLOTS */
	struct addr_slot *addrs;   /* ADDR_SLOTS */
};

#endif /* TRC_WRITER_STATE_H */
