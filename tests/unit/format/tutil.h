/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tutil.h - helpers shared by the format unit tests: an in-memory trace
 * (memfd) behind a real writer, a random event model that opens and closes
 * connections, field-by-field event comparison, hand-framed blocks for
 * crafted inputs, and tests/check.h, whose REQUIRE() the format tests use:
 * each stops at its first failure.
 */
#ifndef TUTIL_H
#define TUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "trc.h"

struct tbuf {
	uint8_t *p;
	size_t len;
};

/* Writer on a fresh memfd; tu_finish() closes the writer and returns the
 * file's bytes. */
struct trc_writer *tu_writer(int *fd, uint32_t chunk_bytes);
void tu_header(struct trc_header *h);
struct tbuf tu_finish(struct trc_writer *w, int fd);
struct tbuf tu_slurp(int fd);

/* xorshift64* */
uint64_t tu_rand(uint64_t *s);
/* A value of random magnitude.  Its two draws are separate statements:
 * in one expression their order is the compiler's, and a seed gave
 * another trace in another build (the sanitizer's). */
uint64_t tu_rand_magnitude(uint64_t *rng);

/* A random workload: open connections, events on them, closes. */
struct tu_model {
	struct trc_writer *w;
	uint64_t rng;
	uint64_t t;
	uint64_t *open;
	size_t nopen, cap;
	struct trc_conn *decl; /* by serial */
	size_t ndecl, decl_cap;
	/* 0, or: once this many connections were opened, none is opened or
	 * closed any more (chunks then hold many events on few addresses) */
	size_t conns_max;
	struct trc_event *evs; /* expected, in order */
	size_t nev, ev_cap;
};
void tu_model_init(struct tu_model *m, struct trc_writer *w, uint64_t seed);
/* Appends one random event (opening/closing connections as it goes). */
void tu_model_step(struct tu_model *m);
void tu_model_free(struct tu_model *m);
void tu_random_conn(uint64_t *rng, struct trc_conn *c);

int tu_conn_equal(const struct trc_conn *a, const struct trc_conn *b);
int tu_event_equal(const struct trc_event *a, const struct trc_event *b);

/* Reads a whole trace from memory; returns the final status and fills
 * counters.  evs/conns (may be NULL) receive copies of what was read. */
struct tu_read {
	size_t events, corrupt;
	enum trc_status final;
	struct trc_event *evs;
	struct trc_conn *conns;
	size_t cap;
	struct trc_error last_err;
	struct trc_reader_stats st;
};
enum trc_status tu_read_all(const void *buf, size_t len, struct tu_read *out, size_t keep);
void tu_read_free(struct tu_read *out);

/* Frames a block the way the writer does (for crafted inputs). */
size_t tu_block(uint8_t *dst, char type, const void *payload, size_t len);
/* A chunk payload: fixed header + records. */
size_t tu_chunk_payload(uint8_t *dst, uint32_t seq, uint32_t events, uint32_t records,
			uint32_t conns, uint64_t t_first, uint64_t t_last, const void *recs,
			size_t rlen);
/* A minimal valid file header block for version major.minor. */
size_t tu_header_block(uint8_t *dst, uint16_t major, uint16_t minor, const void *tlv,
		       size_t tlv_len);

/* The block layout of a valid file, by walking its length fields. */
struct tu_blk {
	size_t off, total;
	char type;
	uint32_t events; /* chunks: events in it */
	size_t ev_first; /* index of its first event in the file */
};
size_t tu_blocks(const struct tbuf *b, struct tu_blk *out, size_t max);
/* A small multi-chunk trace and its events. */
struct tbuf tu_small_trace(uint64_t seed, size_t events, uint32_t chunk_bytes, struct tu_model *m);
#endif /* TUTIL_H */
