/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tracegen.h - builds synthetic traces with the format writer and runs the
 * analyser on them, for the analyser's unit tests, the JSON schema test
 * and the benchmark.
 */
#ifndef TESTS_ANALYZE_TRACEGEN_H
#define TESTS_ANALYZE_TRACEGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "check.h"
#include "trc.h"

#define MS  1000000ull
#define SEC 1000000000ull

struct tg;

/* A writer on an anonymous temporary file; source "ebpf" or "pcap-file:x". */
struct tg *tg_new(const char *source);
/* The same with a small chunk size, so that a trace has many chunks. */
struct tg *tg_new_chunked(const char *source, uint32_t chunk_bytes);
/* A connection declaration; addresses in text. */
uint64_t tg_conn(struct tg *g, const char *laddr, uint16_t lport, const char *raddr, uint16_t rport,
		 uint32_t netns, uint32_t flags);
void tg_close_conn(struct tg *g, uint64_t serial);
/* owner: 0 = softirq, else pid (comm "app<pid>"). */
void tg_state(struct tg *g, uint64_t serial, uint64_t t, int old, int nw, uint32_t owner);
void tg_snapshot(struct tg *g, uint64_t serial, uint64_t t, int st);
/* flags in tcpdump letters ("S", "S.", ".", "P.", "F.", "R", "R."); tx = sent. */
void tg_seg(struct tg *g, uint64_t serial, uint64_t t, bool tx, const char *flags);
void tg_seg_seq(struct tg *g, uint64_t serial, uint64_t t, bool tx, const char *flags, uint32_t seq,
		uint32_t ack, uint32_t win, uint32_t len);
void tg_tw(struct tg *g, uint64_t serial, uint64_t t, bool enter);
void tg_retrans(struct tg *g, uint64_t serial, uint64_t t, const char *flags, int st);
void tg_reset(struct tg *g, uint64_t serial, uint64_t t, bool tx);
/* A socket event: kind, state, flags and n (key, value) fields. */
void tg_sock(struct tg *g, uint64_t serial, uint64_t t, unsigned int kind, int st, uint32_t flags,
	     unsigned int n, const uint16_t *keys, const uint64_t *values);
/* A LOST record at t for losses in [t_begin, t_end]. */
void tg_lost(struct tg *g, uint64_t t, uint64_t t_begin, uint64_t t_end, uint64_t count);
/* Closes the writer; returns the file bytes (malloc'd). */
uint8_t *tg_finish(struct tg *g, size_t *len);
/* The same, with a trailer saying the recording stopped at trace time
 * stop_t (by a signal). */
uint8_t *tg_finish_stopped(struct tg *g, uint64_t stop_t, size_t *len);
/* Writes the file bytes to path; 0 or -errno. */
int tg_save(const uint8_t *buf, size_t len, const char *path);

uint8_t tg_flags(const char *s);

/* Analysis results, copied out of the sink. */
struct tg_conn_res {
	uint64_t id, peer_id;
	char local[64], remote[64];
	enum outcome outcome;
	enum verdict verdict;
	enum zeek_state zstate;
	char history[CONN_HISTORY_MAX + 1];
	char path[512];
	uint32_t n_violations;
	char violation[CONN_VIOL_LEN];
	uint32_t incomplete, divergences;
	bool inferred, has_owner;
	uint32_t pid;
	struct transition trans[CONN_MAX_TRANS];
	uint16_t n_trans;
	struct durations dur;
	uint64_t seg_total, retransmits;
	struct figures fig;
	/* Its connection (connection.h) and which side of it it is. */
	uint64_t conn_id;
	enum conn_side side;
	bool conn_both;
	bool conn_direction_known;
	enum outcome conn_outcome;
	enum verdict conn_verdict;
	bool conn_bytes_known[SIDE_COUNT];
	uint64_t conn_bytes[SIDE_COUNT];
};

struct tg_result {
	struct tg_conn_res conn[256]; /* endpoints */
	int n;
	int n_connections;
	struct analyzer_summary sum;
	int rc;
};

/* Runs the analyser over the buffer (opts may be NULL). */
void tg_analyze(const uint8_t *buf, size_t len, const struct analyzer_opts *opts,
		struct tg_result *res);
/* Endpoint by "addr:port > addr:port" text of local and remote; fails the test if absent. */
const struct tg_conn_res *tg_find(const struct tg_result *res, const char *local,
				  const char *remote);

#endif /* TESTS_ANALYZE_TRACEGEN_H */
