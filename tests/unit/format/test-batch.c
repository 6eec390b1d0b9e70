// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-batch - a chunk of up to DEC_BATCH_MAX events is decoded once and
 * its events kept between validation and delivery; a bigger one is
 * decoded twice.  Both must hand out the same events, byte for byte (what
 * the reader leaves of the caller's event included), with the same
 * declarations, and a corrupt record at the end of either must cost the
 * whole chunk and nothing else, with the same report.
 */
#include <string.h>

#include "decode.h"
#include "tutil.h"
#include "wire.h"

#define EVENTS	     120000
#define SMALL_CHUNKS 0		/* the writer's default, 64 KiB */
#define BIG_CHUNKS   (1u << 20) /* ~55,000 events each, over DEC_BATCH_MAX */

/* Events of the trace's chunks: how many are bigger than the batch and
 * how many fit. */
static void chunk_sizes(const struct tbuf *b, size_t *over, size_t *under)
{
	static struct tu_blk blk[256];
	size_t n = tu_blocks(b, blk, 256);

	*over = *under = 0;
	for (size_t i = 0; i < n; i++)
		if (blk[i].type == WIRE_MAGIC_CHUNK && blk[i].events)
			++*(blk[i].events > DEC_BATCH_MAX ? over : under);
}

/* The random workload on 300 connections: without new ones, the address
 * table does not end a big chunk early. */
static struct tbuf trace(uint32_t chunk_bytes, struct tu_model *m)
{
	int fd;
	struct trc_writer *w = tu_writer(&fd, chunk_bytes);

	tu_model_init(m, w, 7);
	m->conns_max = 300;
	for (size_t i = 0; i < EVENTS; i++)
		tu_model_step(m);
	return tu_finish(w, fd);
}

static struct trc_reader *open_trace(const struct tbuf *b)
{
	struct trc_error err;
	struct trc_reader *r = trc_reader_open_mem(b->p, b->len, &err);
	REQUIRE(r);
	return r;
}

/* The same random workload written with small and with big chunks, read
 * side by side: every event equals the written one field for field and
 * the other reader's byte for byte, given the same bytes beforehand. */
static void same_events(void)
{
	struct tu_model ms, mb;
	struct tbuf s = trace(SMALL_CHUNKS, &ms);
	struct tbuf b = trace(BIG_CHUNKS, &mb);
	size_t over, under, socks = 0;

	REQUIRE(ms.nev == EVENTS && mb.nev == EVENTS);
	chunk_sizes(&s, &over, &under);
	REQUIRE(over == 0 && under > 2);
	chunk_sizes(&b, &over, &under);
	REQUIRE(over >= 1 && under >= 1); /* the last chunk fits: both paths in one reader */

	struct trc_reader *rs = open_trace(&s), *rb = open_trace(&b);
	struct trc_event es, eb;
	const struct trc_conn *cs, *cb;
	struct trc_error err;
	for (size_t i = 0; i < EVENTS; i++) {
		memset(&es, 0xa5, sizeof(es));
		memset(&eb, 0xa5, sizeof(eb));
		REQUIRE(trc_reader_next(rs, &es, &cs, &err) == TRC_OK);
		REQUIRE(trc_reader_next(rb, &eb, &cb, &err) == TRC_OK);
		REQUIRE(tu_event_equal(&es, &ms.evs[i]) && tu_event_equal(&eb, &mb.evs[i]));
		REQUIRE(!memcmp(&es, &eb, sizeof(es)));
		if (es.type == TRC_EV_LOST) {
			REQUIRE(!cs && !cb);
			continue;
		}
		REQUIRE(cs && cb && tu_conn_equal(cs, &ms.decl[es.conn_serial]));
		REQUIRE(tu_conn_equal(cb, &mb.decl[eb.conn_serial]));
		socks += es.type == TRC_EV_SOCK;
	}
	REQUIRE(socks > 0);
	REQUIRE(trc_reader_next(rs, &es, &cs, &err) == TRC_EOF);
	REQUIRE(trc_reader_next(rb, &eb, &cb, &err) == TRC_EOF);
	trc_reader_close(rs);
	trc_reader_close(rb);
	printf("same events: %d events, %zu bytes in small chunks, %zu in big ones\n", EVENTS,
	       s.len, b.len);
	tu_model_free(&ms);
	tu_model_free(&mb);
	free(s.p);
	free(b.p);
}

/* A chunk of n segments on one connection at t0, t0 + 1, ...; with
 * bad_last, an unknown core record type after them. */
static size_t seg_chunk(uint8_t *out, uint32_t seq, uint64_t t0, uint32_t n, int bad_last)
{
	/* CONN serial 1, IPv4 192.0.2.1:12345 -> 192.0.2.2:80 (as crafted.c) */
	static const uint8_t conn[] = { 0x00, 0x02, WIRE_CF_NETNS_SAME | WIRE_CF_CGROUP_SAME,
					0x00, 192,  0,
					2,    1,    0x01,
					192,  0,    2,
					2,    0x39, 0x30,
					80,   0 };
	size_t k = sizeof(conn), plen;
	uint8_t *recs = malloc(k + 3 * (size_t)n + 1), *p = malloc(WIRE_CHUNK_HDR + k + 3 * n + 1);

	REQUIRE(recs && p);
	memcpy(recs, conn, k);
	for (uint32_t i = 0; i < n; i++) {
		recs[k++] = WIRE_TAG(WIRE_REC_SEG_RX, i % WIRE_SEG_FLAGS_EXPLICIT);
		recs[k++] = i ? 0 : 1; /* ref: the same connection, or id 0 */
		recs[k++] = i ? 1 : 0; /* time delta */
	}
	if (bad_last)
		recs[k++] = 12;
	plen = tu_chunk_payload(p, seq, n, n + 1 + !!bad_last, 1, t0, t0 + n - 1, recs, k);
	size_t len = tu_block(out, WIRE_MAGIC_CHUNK, p, plen);
	free(recs);
	free(p);
	return len;
}

static void read_segs(struct trc_reader *r, uint64_t t0, uint32_t n)
{
	struct trc_event ev;
	const struct trc_conn *c;
	struct trc_error err;

	for (uint32_t i = 0; i < n; i++) {
		REQUIRE(trc_reader_next(r, &ev, &c, &err) == TRC_OK);
		REQUIRE(ev.type == TRC_EV_SEGMENT && ev.t_ns == t0 + i && ev.conn_serial == 1);
		REQUIRE(ev.seg.dir == TRC_DIR_RX && ev.seg.flags == 0);
		REQUIRE(ev.seg.tcp_flags == wire_seg_flags[i % WIRE_SEG_FLAGS_EXPLICIT]);
		REQUIRE(c && c->serial == 1 && c->lport == 12345 && c->rport == 80);
	}
}

/* A good chunk, one with a corrupt last record (bad events in it), and a
 * bigger good one (the batch grows), in that order. */
static void corrupt_late(uint32_t bad)
{
	uint32_t n0 = 100, n2 = 30000;
	size_t cap = 4096 + 3 * ((size_t)n0 + bad + n2), n, off1;
	uint8_t *f = malloc(cap);
	static const uint8_t tlv[] = { WIRE_HK_HOSTNAME, 4, 'h', 'o', 's', 't' };
	struct trc_event ev;
	const struct trc_conn *c;
	struct trc_error err;
	char want[160];

	REQUIRE(f);
	n = tu_header_block(f, TRC_VERSION_MAJOR, TRC_VERSION_MINOR, tlv, sizeof(tlv));
	n += seg_chunk(f + n, 0, 1000, n0, 0);
	off1 = n;
	n += seg_chunk(f + n, 1, 100000, bad, 1);
	n += seg_chunk(f + n, 2, 200000, n2, 0);
	REQUIRE(n <= cap);

	struct trc_reader *r = open_trace(&(struct tbuf){ .p = f, .len = n });
	read_segs(r, 1000, n0);
	REQUIRE(trc_reader_next(r, &ev, &c, &err) == TRC_CORRUPT);
	snprintf(want, sizeof(want), "chunk 1 at offset %zu: unknown core record type (record %u)",
		 off1, bad + 2);
	REQUIRE(err.offset == off1 && err.chunk == 1 && !strcmp(err.msg, want));
	read_segs(r, 200000, n2);
	REQUIRE(trc_reader_next(r, &ev, &c, &err) == TRC_TRUNCATED);
	struct trc_reader_stats st;
	trc_reader_get_stats(r, &st);
	REQUIRE(st.events == n0 + n2 && st.chunks_ok == 2 && st.chunks_corrupt == 1);
	trc_reader_close(r);
	free(f);
	printf("corrupt last record after %u events: %s\n", bad, want);
}

int main(void)
{
	same_events();
	corrupt_late(DEC_BATCH_MAX - 1); /* with its bad record: the batch's last slot */
	corrupt_late(DEC_BATCH_MAX + 1000);
	return 0;
}
