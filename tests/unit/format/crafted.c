// SPDX-License-Identifier: BSD-2-Clause
/*
 * crafted.c - the hand-made trace files of crafted.h.  Records are spelled
 * out byte by byte from SPEC.md, so these files also pin the encoding: a
 * change of the wire format breaks them.
 */
#include <string.h>

#include "crafted.h"
#include "tutil.h"
#include "varint.h"
#include "wire.h"

/* CONN serial 1, IPv4 192.0.2.1:12345 -> 192.0.2.2:80, netns/cgroup 0. */
static const uint8_t conn1[] = { 0x00, 0x02, WIRE_CF_NETNS_SAME | WIRE_CF_CGROUP_SAME,
				 0x00, 192,  0,
				 2,    1,    0x01,
				 192,  0,    2,
				 2,    0x39, 0x30,
				 80,   0 };
/* STATE CLOSE -> SYN_SENT on id 0 (ref 1), delta 0 */
static const uint8_t st1[] = { WIRE_TAG(WIRE_REC_STATE, TRC_TCP_SYN_SENT), 0x01, 0x00,
			       TRC_TCP_CLOSE << 4 };
/* SEG_RX "." on the same conn, +5 ns; STATE_NEXT -> ESTABLISHED, +5 ns */
static const uint8_t seg1[] = { WIRE_TAG(WIRE_REC_SEG_RX, 0), 0x00, 0x05 };
static const uint8_t st2[] = { WIRE_TAG(WIRE_REC_STATE_NEXT, TRC_TCP_ESTABLISHED), 0x00, 0x05 };

static size_t cat(uint8_t *dst, const void *a, size_t n)
{
	memcpy(dst, a, n);
	return n;
}

/* conn1, st1, seg1, st2 at t = 1000, 1005, 1010 */
static size_t recs_basic(uint8_t *r)
{
	size_t n = 0;
	n += cat(r + n, conn1, sizeof(conn1));
	n += cat(r + n, st1, sizeof(st1));
	n += cat(r + n, seg1, sizeof(seg1));
	n += cat(r + n, st2, sizeof(st2));
	return n;
}

static size_t chunk(uint8_t *out, uint32_t seq, uint32_t ev, uint32_t rec, uint32_t conns,
		    uint64_t t0, uint64_t t1, const uint8_t *recs, size_t rlen)
{
	uint8_t p[4096];
	size_t n = tu_chunk_payload(p, seq, ev, rec, conns, t0, t1, recs, rlen);
	return tu_block(out, WIRE_MAGIC_CHUNK, p, n);
}

static size_t basic_chunk(uint8_t *out, uint32_t seq, uint64_t t0)
{
	uint8_t r[256];
	size_t n = recs_basic(r);
	return chunk(out, seq, 3, 4, 1, t0, t0 + 10, r, n);
}

static size_t trailer(uint8_t *out, uint64_t events, uint64_t chunks)
{
	uint8_t p[64], *q = p;
	*q++ = WIRE_TK_EVENTS, *q++ = 8;
	wire_put_u64(q, events), q += 8;
	*q++ = WIRE_TK_CHUNKS, *q++ = 8;
	wire_put_u64(q, chunks), q += 8;
	return tu_block(out, WIRE_MAGIC_TRAILER, p, (size_t)(q - p));
}

static size_t hdr(uint8_t *out)
{
	static const uint8_t tlv[] = { WIRE_HK_HOSTNAME, 4, 'h', 'o', 's', 't' };
	return tu_header_block(out, TRC_VERSION_MAJOR, TRC_VERSION_MINOR, tlv, sizeof(tlv));
}

static size_t mk_valid(uint8_t *o)
{
	size_t n = hdr(o);
	n += basic_chunk(o + n, 0, 1000);
	n += basic_chunk(o + n, 1, 2000);
	return n + trailer(o + n, 6, 2);
}

static size_t mk_no_trailer(uint8_t *o)
{
	size_t n = hdr(o);
	n += basic_chunk(o + n, 0, 1000);
	return n + basic_chunk(o + n, 1, 2000);
}

static size_t mk_cut_mid_block(uint8_t *o)
{
	size_t n = mk_no_trailer(o);
	return n - 17;
}

static size_t mk_extension(uint8_t *o)
{
	uint8_t r[256];
	size_t k = recs_basic(r);
	/* EXTENSION type 300, 5 bytes, between the events */
	static const uint8_t ext[] = {
		WIRE_TAG(WIRE_REC_EXTENSION, 0), 0xac, 0x02, 5, 1, 2, 3, 4, 5
	};
	k += cat(r + k, ext, sizeof(ext));
	k += cat(r + k, seg1, sizeof(seg1));
	size_t n = hdr(o);
	n += chunk(o + n, 0, 4, 6, 1, 1000, 1015, r, k);
	return n + trailer(o + n, 4, 1);
}

/* recs_basic (t_prev 1010), a SOCK extension (SPEC.md 5.4) with the given
 * body, then seg1: ref 0 and dt 5 still count from st2, as for a reader
 * that skips the extension, so seg1 is at 1015. */
static size_t sock_chunk(uint8_t *o, const uint8_t *body, size_t blen)
{
	uint8_t r[256];
	size_t k = recs_basic(r);

	r[k++] = WIRE_TAG(WIRE_REC_EXTENSION, 0);
	r[k++] = WIRE_EXT_SOCK;
	r[k++] = (uint8_t)blen;
	k += cat(r + k, body, blen);
	k += cat(r + k, seg1, sizeof(seg1));
	size_t n = hdr(o);
	n += chunk(o + n, 0, 4, 6, 1, 1000, 1015, r, k);
	return n + trailer(o + n, 5, 1);
}

/* ref 1, +2 ns (1012), tcp_figures in ESTABLISHED, no flags, 2 fields:
 * srtt_us 35, bytes_acked 1200; then 2 bytes a later minor might add. */
static size_t mk_sock_event(uint8_t *o)
{
	static const uint8_t body[] = { 0x01, 0x02, 0x01, TRC_TCP_ESTABLISHED,
					0x00, 0x02, 0x06, 0x23,
					0x01, 0xb0, 0x09, 0xaa,
					0xbb };
	return sock_chunk(o, body, sizeof(body));
}

/* A kind and a key not allocated yet: kept, shown by number. */
static size_t mk_sock_unknown_kind(uint8_t *o)
{
	static const uint8_t body[] = { 0x01, 0x02, 0x07, TRC_TCP_ESTABLISHED, 0x00, 0x01,
					0xac, 0x02, 0x05 };
	return sock_chunk(o, body, sizeof(body));
}

/* ref 0 ("same connection") is not allowed in a SOCK record. */
static size_t mk_sock_ref_zero(uint8_t *o)
{
	static const uint8_t body[] = { 0x00, 0x02, 0x01, TRC_TCP_ESTABLISHED, 0x00, 0x00 };
	return sock_chunk(o, body, sizeof(body));
}

/* 11 fields: one more than TRC_SOCK_MAX_FIELDS. */
static size_t mk_sock_too_many(uint8_t *o)
{
	uint8_t body[64], *b = body;

	*b++ = 0x01, *b++ = 0x02, *b++ = 0x01, *b++ = TRC_TCP_ESTABLISHED, *b++ = 0x00;
	*b++ = TRC_SOCK_MAX_FIELDS + 1;
	for (int i = 0; i <= TRC_SOCK_MAX_FIELDS; i++)
		*b++ = 0x01, *b++ = 0x00;
	return sock_chunk(o, body, (size_t)(b - body));
}

/* Two SOCK events, at 1013 and then 1011: time goes back between them. */
static size_t mk_sock_backwards(uint8_t *o)
{
	static const uint8_t body[] = { 0x01, 0x03, 0x01, TRC_TCP_ESTABLISHED, 0x00, 0x00 };
	static const uint8_t second[] = { WIRE_TAG(WIRE_REC_EXTENSION, 0),
					  WIRE_EXT_SOCK,
					  6,
					  0x01,
					  0x01,
					  0x01,
					  TRC_TCP_ESTABLISHED,
					  0x00,
					  0x00 };
	uint8_t r[256];
	size_t k = recs_basic(r);

	r[k++] = WIRE_TAG(WIRE_REC_EXTENSION, 0);
	r[k++] = WIRE_EXT_SOCK;
	r[k++] = (uint8_t)sizeof(body);
	k += cat(r + k, body, sizeof(body));
	k += cat(r + k, second, sizeof(second));
	k += cat(r + k, seg1, sizeof(seg1));
	size_t n = hdr(o);
	n += chunk(o + n, 0, 4, 7, 1, 1000, 1015, r, k);
	return n + trailer(o + n, 6, 1);
}

/* The SOCK event at 1019, then seg1 at 1015: time goes back. */
static size_t mk_sock_then_older(uint8_t *o)
{
	static const uint8_t body[] = { 0x01, 0x09, 0x01, TRC_TCP_ESTABLISHED, 0x00, 0x00 };
	return sock_chunk(o, body, sizeof(body));
}

/* SEG_TX_EXT "S" seq 1000 ack 0 win 64240, then SEG_RX_EXT "S." coded
 * against the other direction: seq 5000 (delta to ack 0), ack 1001 (delta
 * +1 to seq 1000), window 65535. */
static size_t mk_seq_coding(uint8_t *o)
{
	static const uint8_t seg[] = {
		WIRE_TAG(WIRE_REC_SEG_TX_EXT, 2),
		0x01,
		0x00,
		WIRE_SGF_SEQ,
		0xe8,
		0x07,
		0x00,
		0xf0,
		0xf5,
		0x03,
		0x00,
		WIRE_TAG(WIRE_REC_SEG_RX_EXT, 3),
		0x00,
		0x05,
		WIRE_SGF_SEQ,
		0x90,
		0x4e,
		0x02,
		0xff,
		0xff,
		0x03,
		0x00,
	};
	uint8_t r[256];
	size_t k = cat(r, conn1, sizeof(conn1));
	k += cat(r + k, seg, sizeof(seg));
	size_t n = hdr(o);
	n += chunk(o + n, 0, 2, 3, 1, 1000, 1005, r, k);
	return n + trailer(o + n, 2, 1);
}

static size_t mk_newer_minor(uint8_t *o)
{
	/* minor 7, an unknown key 99 with 3 bytes, and a known one after it */
	static const uint8_t tlv[] = { 99, 3, 'x', 'y', 'z', WIRE_HK_MACHINE, 3, 'a', 'r', 'm' };
	size_t n = tu_header_block(o, TRC_VERSION_MAJOR, 7, tlv, sizeof(tlv));
	n += basic_chunk(o + n, 0, 1000);
	/* an unknown block type 'Q' from the future, skipped whole */
	n += tu_block(o + n, 'Q', "future", 6);
	return n + trailer(o + n, 3, 1);
}

static size_t mk_major2(uint8_t *o)
{
	size_t n = tu_header_block(o, 2, 0, NULL, 0);
	return n + basic_chunk(o + n, 0, 1000);
}

static size_t mk_dup_key(uint8_t *o)
{
	static const uint8_t tlv[] = { WIRE_HK_HOSTNAME, 1, 'a', WIRE_HK_HOSTNAME, 1, 'b' };
	size_t n = tu_header_block(o, TRC_VERSION_MAJOR, 0, tlv, sizeof(tlv));
	n += basic_chunk(o + n, 0, 1000);
	return n + trailer(o + n, 3, 1);
}

static size_t mk_bad_fixed_size(uint8_t *o)
{
	static const uint8_t tlv[] = { WIRE_HK_CLOCK, 2, 1, 0 };
	size_t n = tu_header_block(o, TRC_VERSION_MAJOR, 0, tlv, sizeof(tlv));
	n += basic_chunk(o + n, 0, 1000);
	return n + trailer(o + n, 3, 1);
}

/* A chunk with one hostile record after the declaration. */
static size_t bad_record_file(uint8_t *o, const uint8_t *rec, size_t len, uint64_t t0, uint64_t t1)
{
	uint8_t r[512];
	size_t k = cat(r, conn1, sizeof(conn1));
	k += cat(r + k, rec, len);
	size_t n = hdr(o);
	n += chunk(o + n, 0, 1, 2, 1, t0, t1, r, k);
	return n + trailer(o + n, 1, 1);
}

static size_t mk_conn_id_range(uint8_t *o)
{
	static const uint8_t rec[] = { WIRE_TAG(WIRE_REC_RESET, 0), 0x05, 0x00 };
	return bad_record_file(o, rec, sizeof(rec), 1000, 1000);
}

static size_t mk_state_range(uint8_t *o)
{
	static const uint8_t rec[] = { WIRE_TAG(WIRE_REC_STATE, 14), 0x01, 0x00, 0x70 };
	return bad_record_file(o, rec, sizeof(rec), 1000, 1000);
}

static size_t mk_old_state_range(uint8_t *o)
{
	static const uint8_t rec[] = { WIRE_TAG(WIRE_REC_STATE, 1), 0x01, 0x00, 0xf0 };
	return bad_record_file(o, rec, sizeof(rec), 1000, 1000);
}

static size_t mk_time_wrap(uint8_t *o)
{
	/* delta 16 from t_first = 2^64 - 6 wraps past zero */
	static const uint8_t rec[] = { WIRE_TAG(WIRE_REC_RESET, 0), 0x01, 0x10 };
	return bad_record_file(o, rec, sizeof(rec), UINT64_MAX - 5, UINT64_MAX);
}

static size_t mk_unknown_core(uint8_t *o)
{
	static const uint8_t rec[] = { 12, 0x01, 0x00 };
	return bad_record_file(o, rec, sizeof(rec), 1000, 1000);
}

static size_t mk_same_before_any(uint8_t *o)
{
	static const uint8_t rec[] = { WIRE_TAG(WIRE_REC_RESET, 0), 0x00, 0x00 };
	return bad_record_file(o, rec, sizeof(rec), 1000, 1000);
}

static size_t mk_next_without_state(uint8_t *o)
{
	static const uint8_t rec[] = { WIRE_TAG(WIRE_REC_STATE_NEXT, 1), 0x01, 0x00 };
	return bad_record_file(o, rec, sizeof(rec), 1000, 1000);
}

static size_t mk_comm_too_long(uint8_t *o)
{
	uint8_t rec[128] = { WIRE_TAG(WIRE_REC_STATE, 2), 0x01, 0x00, 0x72, 0x00, 0x05, 0x00, 64 };
	memset(rec + 8, 'a', 64);
	return bad_record_file(o, rec, 8 + 64, 1000, 1000);
}

static size_t mk_huge_length(uint8_t *o)
{
	size_t n = hdr(o);
	memcpy(o + n, "TrcC\xf0\xff\xff\xff\xe0\xff\xff\xff", 12);
	n += 12;
	n += basic_chunk(o + n, 0, 1000);
	return n + trailer(o + n, 3, 1);
}

static size_t mk_huge_counts(uint8_t *o)
{
	uint8_t r[256];
	size_t k = recs_basic(r);
	size_t n = hdr(o);
	n += chunk(o + n, 0, UINT32_MAX, UINT32_MAX, UINT32_MAX, 1000, 1010, r, k);
	n += basic_chunk(o + n, 1, 2000);
	return n + trailer(o + n, 6, 2);
}

static size_t mk_time_backwards(uint8_t *o)
{
	size_t n = hdr(o);
	n += basic_chunk(o + n, 0, 2000);
	n += basic_chunk(o + n, 1, 1000);
	return n + trailer(o + n, 6, 2);
}

static size_t mk_garbage_tail(uint8_t *o)
{
	size_t n = mk_no_trailer(o);
	uint64_t rng = 99;
	for (int i = 0; i < 3000; i++)
		o[n++] = (uint8_t)tu_rand(&rng);
	return n;
}

static size_t mk_seq_gap(uint8_t *o)
{
	size_t n = hdr(o);
	n += basic_chunk(o + n, 0, 1000);
	n += basic_chunk(o + n, 2, 2000);
	return n + trailer(o + n, 9, 3);
}

static size_t mk_bad_crc(uint8_t *o)
{
	size_t n = hdr(o);
	size_t c0 = n;
	n += basic_chunk(o + n, 0, 1000);
	n += basic_chunk(o + n, 1, 2000);
	o[c0 + 60] ^= 0x10;
	return n + trailer(o + n, 6, 2);
}

static size_t mk_header_cut(uint8_t *o)
{
	hdr(o);
	return 10;
}

static size_t mk_pcap(uint8_t *o)
{
	static const uint8_t g[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2,    0,	   4, 0, 0, 0, 0, 0,
				       0,    0,	   0,	 0,    0xff, 0xff, 0, 0, 1, 0, 0, 0 };
	return cat(o, g, sizeof(g));
}

static size_t mk_pcapng(uint8_t *o)
{
	static const uint8_t shb[28] = { 0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0,    0,    0x4d, 0x3c,
					 0x2b, 0x1a, 1,	   0,	 0,  0, 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff, 28, 0, 0,    0 };
	return cat(o, shb, sizeof(shb));
}

static size_t mk_random(uint8_t *o)
{
	uint64_t rng = 5;
	for (int i = 0; i < 512; i++)
		o[i] = (uint8_t)tu_rand(&rng);
	return 512;
}

static size_t mk_empty(uint8_t *o)
{
	(void)o;
	return 0;
}

#define OK(n, f, ev, cor)                                                                          \
	{                                                                                          \
		n, f, 0, TRC_EOF, ev, cor, NULL                                                    \
	}
#define BAD1(n, f)                                                                                 \
	{                                                                                          \
		n, f, 0, TRC_EOF, 0, 1, NULL                                                       \
	}
const struct crafted crafted_cases[] = {
	OK("valid", mk_valid, 6, 0),
	{ "no-trailer", mk_no_trailer, 0, TRC_TRUNCATED, 6, 0, "no trailer" },
	{ "cut-mid-block", mk_cut_mid_block, 0, TRC_TRUNCATED, 3, 0, "inside a block" },
	OK("extension-record", mk_extension, 4, 0),
	OK("sock-event", mk_sock_event, 5, 0),
	OK("sock-unknown-kind", mk_sock_unknown_kind, 5, 0),
	BAD1("sock-ref-zero", mk_sock_ref_zero),
	BAD1("sock-too-many", mk_sock_too_many),
	BAD1("sock-then-older", mk_sock_then_older),
	BAD1("sock-backwards", mk_sock_backwards),
	OK("newer-minor", mk_newer_minor, 3, 0),
	OK("seq-coding", mk_seq_coding, 2, 0),
	{ "major-2", mk_major2, 1, TRC_UNSUPPORTED, 0, 0, "version 2.0 is not supported" },
	{ "dup-header-key", mk_dup_key, 0, TRC_EOF, 3, 1, "appears twice" },
	{ "bad-fixed-size", mk_bad_fixed_size, 0, TRC_EOF, 3, 1, "expected 4" },
	BAD1("conn-id-range", mk_conn_id_range),
	BAD1("state-range", mk_state_range),
	BAD1("old-state-range", mk_old_state_range),
	BAD1("time-wrap", mk_time_wrap),
	BAD1("unknown-core-type", mk_unknown_core),
	BAD1("same-conn-first", mk_same_before_any),
	BAD1("next-without-state", mk_next_without_state),
	BAD1("comm-too-long", mk_comm_too_long),
	OK("huge-length", mk_huge_length, 3, 1),
	OK("huge-counts", mk_huge_counts, 3, 1),
	OK("time-backwards", mk_time_backwards, 3, 1),
	{ "garbage-tail", mk_garbage_tail, 0, TRC_TRUNCATED, 6, 1, NULL },
	{ "seq-gap", mk_seq_gap, 0, TRC_EOF, 6, 1, "chunks 1..1 missing" },
	OK("bad-crc", mk_bad_crc, 3, 1),
	{ "header-cut", mk_header_cut, 1, TRC_TRUNCATED, 0, 0, "inside the file header" },
	{ "pcap", mk_pcap, 1, TRC_UNSUPPORTED, 0, 0, "import it with tcprec -r" },
	{ "pcapng", mk_pcapng, 1, TRC_UNSUPPORTED, 0, 0, "import it with tcprec -r" },
	{ "random", mk_random, 1, TRC_UNSUPPORTED, 0, 0, "not a tcprec trace (magic" },
	{ "empty", mk_empty, 1, TRC_UNSUPPORTED, 0, 0, "not a tcprec trace" },
};
const size_t crafted_count = sizeof(crafted_cases) / sizeof(crafted_cases[0]);
