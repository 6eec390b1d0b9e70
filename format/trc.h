/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * trc.h - public API of the tcprec trace format library (libtrcformat).
 *
 * The library writes and reads .trc files as described in format/SPEC.md.
 * It knows nothing about BPF or about analysis: the recorder (record/),
 * the analyser (analyze/), the tests and the fuzzers all link it.
 *
 * Conventions (ABI of this header):
 *  - Functions that can fail return int: >= 0 on success, -errno on failure.
 *    Constructors return NULL and set errno.  Destructors accept NULL.
 *  - The library never prints.  Failures fill a caller-owned
 *    struct trc_error with a one-line message that names expected and found
 *    values and the byte offset / chunk where it happened.
 *  - All times are nanoseconds.  Event times use the clock named in the
 *    header (trc_header.clock); the header's anchors convert them to
 *    wall-clock time.
 */
#ifndef TRC_H
#define TRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "trc_sock.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Format version written by this library.  Readers refuse another major and
 * accept any minor (unknown extension records and header fields are
 * skipped). */
#define TRC_VERSION_MAJOR 1
#define TRC_VERSION_MINOR 4

/* Documented bounds; the reader rejects anything beyond them before it
 * allocates. */
#define TRC_MAX_CHUNK	     (4u << 20)	 /* bytes in one chunk payload */
#define TRC_MAX_CHUNK_EVENTS (1u << 20)	 /* events in one chunk */
#define TRC_MAX_CHUNK_CONNS  (1u << 16)	 /* connection declarations per chunk */
#define TRC_MAX_HEADER	     (64u << 10) /* bytes in the file header payload */
#define TRC_COMM_LEN	     64		 /* bytes incl. NUL; kernel uses 16 */
#define TRC_STR_MAX	     256	 /* header strings incl. NUL */
#define TRC_LONG_STR_MAX     1024	 /* probe plan / filters / options */
#define TRC_RECORDING_ID_LEN 16		 /* bytes of trc_header.recording_id */

/* ---------------------------------------------------------------------
 * Values stored in the file.  Numbers are part of the format contract.
 * ------------------------------------------------------------------- */

/* TCP states, numbered as Linux numbers them (include/net/tcp_states.h),
 * which is also what the kernel's tracepoints report.  0 means unknown
 * (e.g. the "old" state of a start-up snapshot). */
enum trc_tcp_state {
	TRC_TCP_UNKNOWN = 0,
	TRC_TCP_ESTABLISHED = 1,
	TRC_TCP_SYN_SENT = 2,
	TRC_TCP_SYN_RECV = 3,
	TRC_TCP_FIN_WAIT1 = 4,
	TRC_TCP_FIN_WAIT2 = 5,
	TRC_TCP_TIME_WAIT = 6,
	TRC_TCP_CLOSE = 7,
	TRC_TCP_CLOSE_WAIT = 8,
	TRC_TCP_LAST_ACK = 9,
	TRC_TCP_LISTEN = 10,
	TRC_TCP_CLOSING = 11,
	TRC_TCP_NEW_SYN_RECV = 12,
	TRC_TCP_BOUND_INACTIVE = 13,
	TRC_TCP_STATE_MAX = 13, /* largest value a reader accepts */
};

/* Upper-case kernel-style name ("SYN_SENT"), or NULL when out of range. */
const char *trc_tcp_state_name(unsigned int state);

/* TCP header flag bits, as on the wire (byte 13 of the TCP header). */
enum trc_tcp_flag {
	TRC_TCP_FIN = 0x01,
	TRC_TCP_SYN = 0x02,
	TRC_TCP_RST = 0x04,
	TRC_TCP_PSH = 0x08,
	TRC_TCP_ACK = 0x10,
	TRC_TCP_URG = 0x20,
	TRC_TCP_ECE = 0x40,
	TRC_TCP_CWR = 0x80,
};

enum trc_family {
	TRC_FAMILY_IPV4 = 4,
	TRC_FAMILY_IPV6 = 6,
};

/* Direction of a segment or reset relative to the connection's local
 * endpoint (trc_conn.laddr/lport). */
enum trc_direction {
	TRC_DIR_RX = 0, /* received by the local endpoint */
	TRC_DIR_TX = 1, /* sent by the local endpoint */
};

/* Clock that event timestamps use. */
enum trc_clock {
	TRC_CLOCK_MONOTONIC = 1, /* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	TRC_CLOCK_BOOTTIME = 2,	 /* CLOCK_BOOTTIME (bpf_ktime_get_boot_ns) */
	TRC_CLOCK_REALTIME = 3,	 /* wall clock (pcap imports) */
};

/* ---------------------------------------------------------------------
 * File header: who recorded what, where, how.  Strings are NUL-terminated;
 * the writer truncates longer ones, the reader guarantees termination.
 * ------------------------------------------------------------------- */
struct trc_header {
	uint16_t version_major; /* filled by the reader; ignored by the writer */
	uint16_t version_minor;
	char tool_version[64]; /* "tcprec 0.1.0" */
	char hostname[TRC_STR_MAX];
	char kernel_release[TRC_STR_MAX]; /* uname -r */
	char machine[64];		  /* uname -m, e.g. "x86_64" */
	uint32_t clock;			  /* enum trc_clock */
	/* Clock anchors: the same instant read on both clocks, so that
	 * realtime = anchor_realtime_ns + (t - anchor_clock_ns). */
	uint64_t anchor_clock_ns;
	uint64_t anchor_realtime_ns;
	char source[TRC_STR_MAX];	/* "ebpf", "pcap-file:NAME", "pcap-live:IFACE" */
	char probes[TRC_LONG_STR_MAX];	/* probe plan, "event=flavour/hook,..." */
	char filters[TRC_LONG_STR_MAX]; /* filters as given, canonical text */
	char options[TRC_LONG_STR_MAX]; /* other options ("seq,segments") */
	uint32_t pcap_linktype;		/* DLT_* of an import/live source; 0 if none */
	uint32_t pcap_snaplen;		/* 0 if none */
	/* Since 1.1 (0 in older files, and when the recorder could not
	 * update the header, e.g. writing to a pipe): when the recorder was
	 * ready (every probe attached, its ring buffer drained), on the
	 * header's clock, and how long it took to get there from its start.
	 * Events before ready_ns may be missing. */
	uint64_t ready_ns;
	uint64_t startup_ns;
	/* Since 1.3 (zero in older files): the recording's identity, shared
	 * by every file of one recording when it was rotated into several
	 * (tcprec -C/-G), and the file's place in it.  All-zero recording_id:
	 * the file belongs to no known set.  file_index counts the files of
	 * the recording 0, 1, 2, ... and keeps counting when a ring of files
	 * overwrites old ones (it is not the number in the file's name).  The
	 * writer writes the given file_index (normally 0) into the first
	 * file and one more into each next one. */
	uint8_t recording_id[TRC_RECORDING_ID_LEN];
	uint64_t file_index;
	/* Since 1.4 (0 in older files): the network namespace (its inode
	 * number, as CONN records give it) whose TIME_WAIT sockets a polled
	 * walk watched (tcprec(8), POLLED TIME_WAIT).  A connection of any
	 * other namespace has no TIME_WAIT events in the trace, whatever
	 * its socket did.  0: TIME_WAIT came from hooks that see every
	 * namespace, was not recorded, or the file is older. */
	uint32_t tw_netns;
};

/* The wall-clock time of a trace time t, by the header's clock anchors. */
static inline uint64_t trc_realtime(const struct trc_header *hdr, uint64_t t_ns)
{
	return hdr->anchor_realtime_ns + (t_ns - hdr->anchor_clock_ns);
}

/* ---------------------------------------------------------------------
 * Connections.  One declaration per socket (endpoint), seen from that
 * endpoint: laddr/lport is the local side.  The file-wide identity is
 * `serial`; the on-disk chunk-local ids are invisible to users of this API.
 * ------------------------------------------------------------------- */
enum trc_conn_flags {
	/* No socket behind it: a flow known only from segments (pcap imports,
	 * or BPF segments the recorder could not join to a socket).  The
	 * analyser joins such flows to sockets by 4-tuple + netns + time. */
	TRC_CONN_F_FLOW_ONLY = 1u << 0,
	/* Import: first segment seen was not a SYN (capture started mid-way). */
	TRC_CONN_F_MIDSTREAM = 1u << 1,
	/* Import: local side chosen by --local (otherwise: the first SYN's
	 * sender, or the first packet's sender). */
	TRC_CONN_F_LOCAL_BY_NET = 1u << 2,
};

struct trc_conn {
	uint64_t serial;   /* file-wide identity, assigned by the writer */
	uint8_t family;	   /* enum trc_family */
	uint8_t laddr[16]; /* IPv4 in the first 4 bytes, network order */
	uint8_t raddr[16];
	uint16_t lport; /* host order */
	uint16_t rport;
	uint32_t netns;	    /* netns inode, 0 unknown */
	uint64_t cgroup_id; /* 0 unknown */
	uint64_t cookie;    /* socket cookie, 0 unknown/none */
	uint32_t flags;	    /* enum trc_conn_flags */
};

/* ---------------------------------------------------------------------
 * Events.
 * ------------------------------------------------------------------- */
enum trc_event_type {
	TRC_EV_STATE = 1,
	TRC_EV_SEGMENT = 2,
	TRC_EV_TIMEWAIT = 3,
	TRC_EV_RETRANSMIT = 4,
	TRC_EV_RESET = 5,
	TRC_EV_LOST = 6,
	TRC_EV_SOCK = 7, /* a socket event of a kind, with a typed field list (1.2) */
	TRC_EV_TYPE_MAX = 7,
};

/* tcpdump-style flag string into buf ("S", "S.", "F.", "R.", "P.", "none"):
 * letters in bit order F S R P . U E W, '.' for ACK.  len >= 10.  Returns buf. */
const char *trc_tcp_flags_str(uint8_t flags, char *buf, size_t len);

/* Short lower-case name ("state", "segment", ...), or NULL. */
const char *trc_event_type_name(unsigned int type);

enum trc_state_flags {
	TRC_STATE_F_SNAPSHOT = 1u << 0, /* start-up snapshot, not a transition */
	TRC_STATE_F_OWNER = 1u << 1,	/* pid/tgid/comm are valid (process context) */
};

struct trc_ev_state {
	uint8_t old_state; /* enum trc_tcp_state */
	uint8_t new_state;
	uint8_t flags; /* enum trc_state_flags */
	uint32_t pid;  /* thread id; valid with TRC_STATE_F_OWNER */
	uint32_t tgid; /* process id */
	char comm[TRC_COMM_LEN];
};

enum trc_segment_flags {
	TRC_SEG_F_SEQ = 1u << 0,	/* seq/ack/window/payload_len valid */
	TRC_SEG_F_SNAP_SHORT = 1u << 1, /* import: packet cut by snap length */
};

struct trc_ev_segment {
	uint8_t dir;	   /* enum trc_direction */
	uint8_t tcp_flags; /* enum trc_tcp_flag bits, all 8 */
	uint8_t flags;	   /* enum trc_segment_flags */
	uint32_t seq;
	uint32_t ack;
	uint32_t window; /* raw window field, unscaled */
	uint32_t payload_len;
};

enum trc_tw_phase {
	TRC_TW_ENTER = 0,
	TRC_TW_EXIT = 1,
};

enum trc_tw_precision {
	TRC_TW_EXACT = 0,  /* from a kernel hook at the moment it happened */
	TRC_TW_POLLED = 1, /* seen by a periodic walk; happened within precision_ns before t_ns */
};

struct trc_ev_timewait {
	uint8_t phase;	       /* enum trc_tw_phase */
	uint8_t precision;     /* enum trc_tw_precision */
	uint64_t precision_ns; /* polling interval for TRC_TW_POLLED, else 0 */
};

struct trc_ev_retransmit {
	uint8_t tcp_flags;
	uint8_t old_state; /* state of the socket when it retransmitted; 0 unknown */
};

struct trc_ev_reset {
	uint8_t dir; /* TRC_DIR_TX: we sent a RST; TRC_DIR_RX: we received one */
};

enum trc_lost_reason {
	TRC_LOST_RINGBUF = 0,	/* failed ring-buffer reservations in BPF */
	TRC_LOST_MALFORMED = 1, /* records the recorder could not parse */
	TRC_LOST_CAPTURE = 2,	/* packets dropped by the capture (pcap stats) */
};

struct trc_ev_lost {
	uint64_t count; /* events lost */
	/* Losses happened in [t_begin_ns, t_end_ns].  The record itself sits
	 * in time order at t_ns, the moment the loss was noticed (a recorder
	 * reads its loss counters periodically), so the range may begin
	 * before t_ns: t_begin_ns <= t_ns <= t_end_ns.  Writer: 0, or a value
	 * after t_ns, means t_ns. */
	uint64_t t_begin_ns;
	uint64_t t_end_ns;
	uint32_t cpu;	/* CPU, or UINT32_MAX for all/unknown */
	uint8_t reason; /* enum trc_lost_reason */
};

/* Socket events (TRC_EV_SOCK, format 1.2): one generic record for what
 * the kernel says about a socket besides its state, segments and
 * TIME_WAIT.  Kinds, keys and their numbers: trc_sock.h. */

struct trc_ev_sock {
	uint16_t kind;	  /* enum trc_sock_kind, or a later one (>= 1) */
	uint8_t state;	  /* enum trc_tcp_state of the socket when it happened */
	uint8_t n_fields; /* <= TRC_SOCK_MAX_FIELDS */
	uint32_t flags;	  /* per kind; none defined yet */
	/* Entries [0, n_fields) are the fields; a reader leaves the rest as
	 * they were. */
	uint16_t key[TRC_SOCK_MAX_FIELDS]; /* enum trc_sock_field, or a later one (>= 1) */
	uint64_t value[TRC_SOCK_MAX_FIELDS];
};

/* "tcp_figures", "bytes_acked", ...; NULL for a number not allocated. */
const char *trc_sock_kind_name(unsigned int kind);
const char *trc_sock_field_name(unsigned int key);

struct trc_event {
	uint32_t type; /* enum trc_event_type */
	uint64_t t_ns;
	/* Writer: serial of the connection (from trc_writer_conn_open()).
	 * Reader: the same.  Unused (0) for TRC_EV_LOST. */
	uint64_t conn_serial;
	union {
		struct trc_ev_state state;
		struct trc_ev_segment seg;
		struct trc_ev_timewait tw;
		struct trc_ev_retransmit retrans;
		struct trc_ev_reset reset;
		struct trc_ev_lost lost;
		struct trc_ev_sock sock;
	};
};

/* ---------------------------------------------------------------------
 * Trailer: totals.  Its absence in a file means "truncated".
 * ------------------------------------------------------------------- */
enum trc_end_reason {
	TRC_END_UNKNOWN = 0,
	TRC_END_SIGNAL = 1,   /* SIGINT / SIGTERM */
	TRC_END_COUNT = 2,    /* -c COUNT reached */
	TRC_END_DURATION = 3, /* --duration elapsed */
	TRC_END_EOF = 4,      /* import source exhausted */
	TRC_END_ERROR = 5,    /* stopped by an error (disk full, ...) */
	TRC_END_ROTATED = 6,  /* the recording went on in the next file of its set (1.3) */
};

/* Counters are those of the file they end, also in a rotated set (each
 * file of a set is a trace of its own). */
struct trc_trailer {
	uint64_t events;      /* events written (all types) */
	uint64_t connections; /* distinct connections declared */
	uint64_t chunks;
	uint64_t lost_events; /* sum of all TRC_EV_LOST counts */
	uint64_t malformed;   /* records the recorder dropped as malformed */
	uint64_t t_first_ns;  /* first and last event time (0/0 when empty) */
	uint64_t t_last_ns;
	uint64_t end_realtime_ns; /* wall clock when the file was closed */
	uint32_t end_reason;	  /* enum trc_end_reason */
};

/* ---------------------------------------------------------------------
 * Errors.
 * ------------------------------------------------------------------- */
struct trc_error {
	int code;	 /* -errno, or enum trc_status for reader results */
	uint64_t offset; /* byte offset in the file where it happened */
	uint32_t chunk;	 /* chunk sequence number, UINT32_MAX when none */
	char msg[256];	 /* one line, no trailing newline */
};

/* ---------------------------------------------------------------------
 * Writer.
 *
 * Events are buffered into a chunk that is written when it is full, when
 * trc_writer_tick() finds it older than the flush interval (1 s by
 * default), on trc_writer_flush(), and on close.  Each chunk is complete on
 * disk before the next begins, so a crash loses at most the unflushed
 * chunk.  Events must be appended in non-decreasing time; an event older
 * than the previous one is clamped to it and counted (stats).
 * ------------------------------------------------------------------- */
struct trc_writer;

struct trc_writer_opts {
	size_t sz;		    /* sizeof(struct trc_writer_opts) */
	uint32_t chunk_bytes;	    /* target chunk payload size; 0 = default (64 KiB) */
	uint64_t flush_interval_ns; /* 0 = default (1 s) */
	int fsync_on_flush;	    /* fdatasync() after every chunk */
	/* Rotation (since 1.3): the recording continues in a new file when
	 * trc_writer_rotate() is called or, with max_file_bytes, before a
	 * file would grow beyond that many bytes (a file always holds at
	 * least one chunk).  0 = no size limit. */
	uint64_t max_file_bytes;
	/* The next file, once the current one is complete on disk (its open
	 * chunk and a trailer with end reason TRC_END_ROTATED written, then
	 * fdatasync()ed): returns the new file's descriptor, on which the
	 * writer writes the header with file_index one higher, or -errno, on
	 * which the writer fails with that error (the files written so far
	 * stay complete).  done_fd, the finished file, is the callback's to
	 * close.  NULL: the writer never rotates. */
	int (*next_file)(void *ctx, int done_fd);
	/* Optional: fills what the writer cannot know about the file being
	 * finished for its trailer (malformed, end_realtime_ns); without it
	 * both are 0. */
	void (*end_file)(void *ctx, struct trc_trailer *extra);
	void *file_ctx; /* passed to next_file and end_file */
};

/* Opens a writer on fd (not owned: the caller closes it after
 * trc_writer_close()).  Writes and flushes the file header immediately.
 * Returns NULL and sets errno (and err) on failure. */
struct trc_writer *trc_writer_open_fd(int fd, const struct trc_header *hdr,
				      const struct trc_writer_opts *opts, struct trc_error *err);

/* Rewrites the file header in place with hdr (which must encode to the
 * same length as the header written at open: only fixed-size fields such
 * as ready_ns and startup_ns may differ).  The header block is written
 * whole with one pwrite(), so the file has the old or the new header,
 * each complete.  Returns 0, -ESPIPE when fd is not seekable (a pipe: the
 * header keeps its first values), -EINVAL when the length differs, or
 * -errno of the write. */
int trc_writer_update_header(struct trc_writer *w, const struct trc_header *hdr);

/* Finishes the current file now (open chunk, trailer with end reason
 * TRC_END_ROTATED, fdatasync) and continues in the file opts->next_file
 * returns.  Serials stay valid: a connection open across the rotation is
 * declared again in the new file's chunks.  Returns 0, -EINVAL when the
 * writer has no next_file, or the error of a write or of next_file
 * (sticky, as for appends). */
int trc_writer_rotate(struct trc_writer *w);

/* Declares a connection and returns its serial (>= 1) in *serial.  The
 * writer keeps the declaration until trc_writer_conn_close() and emits it
 * in each chunk that references it.  c->serial is ignored. */
int trc_writer_conn_open(struct trc_writer *w, const struct trc_conn *c, uint64_t *serial);

/* Forgets a connection: no more events may reference it.  Keeps writer
 * memory proportional to open connections.  -ENOENT if unknown. */
int trc_writer_conn_close(struct trc_writer *w, uint64_t serial);

/* Looks up an open connection's declaration; NULL if unknown. */
const struct trc_conn *trc_writer_conn_get(const struct trc_writer *w, uint64_t serial);

/* Appends one event.  -ENOENT for an unknown conn_serial, -EINVAL for a
 * malformed event (out-of-range state/type), -EIO/-ENOSPC/... when a chunk
 * write failed (the file stays readable up to the last complete chunk; the
 * writer is then unusable except for trc_writer_close()). */
int trc_writer_append(struct trc_writer *w, const struct trc_event *ev);

/* Lets the writer flush a chunk that has been open for longer than the
 * flush interval.  now_ns is on the header's clock.  Call at least once a
 * second. */
int trc_writer_tick(struct trc_writer *w, uint64_t now_ns);

/* Writes the open chunk now (no-op when empty). */
int trc_writer_flush(struct trc_writer *w);

/* Flushes, writes the trailer (totals computed by the writer; the caller
 * supplies malformed, end_realtime_ns and end_reason in *extra, may be
 * NULL), optionally fdatasync()s, frees the writer.  Returns the first
 * error seen over the writer's life, or 0.  Accepts NULL. */
int trc_writer_close(struct trc_writer *w, const struct trc_trailer *extra, struct trc_error *err);

struct trc_writer_stats {
	uint64_t events;
	uint64_t chunks;
	uint64_t bytes_written; /* header + chunks so far */
	uint64_t connections;	/* declared so far */
	uint64_t open_connections;
	uint64_t lost_events;
	uint64_t clamped_times; /* events whose time went backwards */
	/* Since 1.3 */
	uint64_t files;	     /* files begun: 1 + rotations */
	uint64_t file_bytes; /* bytes of the current file so far */
};
void trc_writer_get_stats(const struct trc_writer *w, struct trc_writer_stats *st);

/* ---------------------------------------------------------------------
 * Reader.
 * ------------------------------------------------------------------- */

/* Reader results.  A file without a trailer (recording interrupted) ends
 * with TRC_TRUNCATED even when it ends at a block boundary, so TRC_EOF
 * always means "trailer read" (format/SPEC.md section 8). */
enum trc_status {
	TRC_OK = 0,
	TRC_EOF = 1,	     /* clean end: trailer read, or end at a block boundary */
	TRC_TRUNCATED = 2,   /* file ends inside a block; everything before was returned */
	TRC_CORRUPT = 3,     /* a damaged block was skipped (err says where); call next again */
	TRC_UNSUPPORTED = 4, /* not a trace file, or another major version; fatal */
	TRC_IOERR = 5,	     /* read error from the medium; fatal */
	TRC_SKIPPED = 6,     /* only events of unwanted connections (trc_reader_want_conns()) */
};
const char *trc_status_name(enum trc_status st);

/* Where the reader gets bytes: read() returns bytes read (0 at end of
 * input) or -errno.  Tests and fuzzers feed memory directly. */
struct trc_medium {
	ssize_t (*read)(void *ctx, void *buf, size_t len);
	void *ctx;
};

struct trc_reader;

/* Opens a reader and reads the header.  On failure returns NULL, sets errno
 * and fills err (err->code is a trc_status: TRC_UNSUPPORTED for a non-trace
 * file or another major version, TRC_TRUNCATED for a file too short for a
 * header, TRC_IOERR).  The medium must outlive the reader. */
struct trc_reader *trc_reader_open(const struct trc_medium *m, struct trc_error *err);

/* Convenience: opens a file by path ("-" = stdin) / a memory buffer (not
 * copied, must outlive the reader). */
struct trc_reader *trc_reader_open_file(const char *path, struct trc_error *err);
struct trc_reader *trc_reader_open_mem(const void *buf, size_t len, struct trc_error *err);

const struct trc_header *trc_reader_header(const struct trc_reader *r);

/* Returns the next event in file order.  TRC_OK: *ev is filled and, for
 * events with a connection, *conn points at its declaration (valid until
 * the next call).  TRC_CORRUPT: err says what was skipped (offset, chunk);
 * calling again continues with the next intact block.  TRC_EOF,
 * TRC_TRUNCATED, TRC_UNSUPPORTED, TRC_IOERR are final. */
enum trc_status trc_reader_next(struct trc_reader *r, struct trc_event *ev,
				const struct trc_conn **conn, struct trc_error *err);

/* The trailer, once trc_reader_next() returned TRC_EOF after reading it;
 * NULL otherwise (file truncated or not read to the end). */
const struct trc_trailer *trc_reader_trailer(const struct trc_reader *r);

/* Leaving out the connections a consumer has no use for, e.g. one of
 * several workers that each analyse a share of the connections.  fn is
 * asked once about every declaration of a connection (a connection is
 * declared again in every chunk it has events in) and must answer alike
 * for the same connection; a NULL fn wants every connection, as without
 * the call.  The events of an unwanted connection are checked like any
 * other, so a chunk is delivered or reported damaged exactly as without
 * the call, but they are not handed out as struct trc_event: they come
 * in runs, of which trc_reader_skipped() gives the times and types.
 * After TRC_OK, the run is the one right before *ev (NULL: none).
 * TRC_SKIPPED returns a run after which the chunk has no wanted event
 * (nor a LOST one, which has no connection); *ev then holds the run's
 * first type and t_ns, conn_serial 0, and *conn is NULL.  Call before the
 * first trc_reader_next(). */
typedef bool (*trc_want_conn_fn)(void *arg, const struct trc_conn *decl);
void trc_reader_want_conns(struct trc_reader *r, trc_want_conn_fn fn, void *arg);

/* A run of skipped events, in file order; valid until the next
 * trc_reader_next() on the same reader. */
struct trc_skipped_run {
	uint32_t n;	      /* events, >= 1 */
	const uint64_t *t_ns; /* their times, non-decreasing */
	const uint8_t *type;  /* their enum trc_event_type */
};
/* The run of skipped events of the last TRC_SKIPPED, or the one before
 * the event of the last TRC_OK; NULL otherwise. */
const struct trc_skipped_run *trc_reader_skipped(const struct trc_reader *r);

struct trc_reader_stats {
	uint64_t events; /* events returned, skipped ones included */
	uint64_t chunks_ok;
	uint64_t chunks_corrupt;  /* blocks skipped because of damage */
	uint64_t bytes_skipped;	  /* bytes passed over while resynchronising */
	uint64_t records_unknown; /* unknown extension records skipped */
	uint64_t bytes_read;
	int truncated; /* file ended inside a block */
	int has_trailer;
};
void trc_reader_get_stats(const struct trc_reader *r, struct trc_reader_stats *st);

void trc_reader_close(struct trc_reader *r);

#ifdef __cplusplus
}
#endif
#endif /* TRC_H */
