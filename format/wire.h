/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * wire.h - the on-disk layout of a .trc file: block magics, framing sizes,
 * fixed chunk header offsets, record tags and TLV keys.  Every name here is
 * the name format/SPEC.md uses for the same thing; the writer and the
 * reader take all layout facts from this one header.
 */
#ifndef TRC_WIRE_H
#define TRC_WIRE_H

#include <stdint.h>

#include "trc.h"

/* ---- Block framing (SPEC.md "Blocks") ---------------------------------- */

/* Every block starts with 'T' 'r' 'c' and a type letter. */
#define WIRE_MAGIC_PREFIX  "Trc"
#define WIRE_MAGIC_HEADER  'H'
#define WIRE_MAGIC_CHUNK   'C'
#define WIRE_MAGIC_TRAILER 'T'

/* magic(4) total_length(4) payload_length(4) */
#define WIRE_BLOCK_HEAD 12u
/* crc32c(4) total_length(4) */
#define WIRE_BLOCK_TAIL	   8u
#define WIRE_BLOCK_FRAMING (WIRE_BLOCK_HEAD + WIRE_BLOCK_TAIL)
#define WIRE_BLOCK_ALIGN   4u

/* Largest payload per block type; the reader refuses larger blocks before
 * it allocates anything for them. */
#define WIRE_CHUNK_HDR		 36u
#define WIRE_MAX_CHUNK_PAYLOAD	 (WIRE_CHUNK_HDR + TRC_MAX_CHUNK)
#define WIRE_MAX_TRAILER_PAYLOAD 4096u
#define WIRE_MAX_OTHER_PAYLOAD	 WIRE_MAX_CHUNK_PAYLOAD
#define WIRE_MAX_BLOCK		 (WIRE_MAX_CHUNK_PAYLOAD + WIRE_BLOCK_FRAMING + WIRE_BLOCK_ALIGN)

/* ---- Fixed chunk header (payload offsets) ------------------------------ */
#define WIRE_CH_SEQ	0  /* u32 chunk sequence number, 0,1,2,... */
#define WIRE_CH_EVENTS	4  /* u32 events in the chunk */
#define WIRE_CH_RECORDS 8  /* u32 records (events + decls + extensions) */
#define WIRE_CH_CONNS	12 /* u32 CONN declarations in the chunk */
#define WIRE_CH_T_FIRST 16 /* u64 time of the first event */
#define WIRE_CH_T_LAST	24 /* u64 time of the last event */
#define WIRE_CH_FLAGS	32 /* u32 reserved, written 0, ignored */

/* Chunk-local owner table (process identities); not in trc.h because it
 * is a property of the encoding only. */
#define WIRE_MAX_CHUNK_OWNERS 4096u
/* Chunk-local address table (both families, local and remote). */
#define WIRE_MAX_CHUNK_ADDRS 4096u

/* ---- Records (SPEC.md "Records") --------------------------------------- */

/* Low nibble of the tag byte. */
enum wire_rec {
	WIRE_REC_CONN = 0,
	WIRE_REC_STATE = 1,	  /* explicit old state + flags byte */
	WIRE_REC_STATE_NEXT = 2,  /* old = conn's previous new state in chunk */
	WIRE_REC_STATE_OWNER = 3, /* as STATE_NEXT, plus owner reference */
	WIRE_REC_SEG_RX = 4,
	WIRE_REC_SEG_TX = 5,
	WIRE_REC_SEG_RX_EXT = 6, /* + segment flags byte (seq, snap_short) */
	WIRE_REC_SEG_TX_EXT = 7,
	WIRE_REC_TIMEWAIT = 8,
	WIRE_REC_RETRANSMIT = 9,
	WIRE_REC_RESET = 10,
	WIRE_REC_LOST = 11,
	/* 12..14 reserved core types: a chunk containing one is corrupt */
	WIRE_REC_EXTENSION = 15,
};

#define WIRE_TAG(type, hi) ((uint8_t)((type) | ((hi) << 4)))

/* Extension record types (SPEC.md 5.4), the ext_type of an EXTENSION. */
enum wire_ext {
	WIRE_EXT_SOCK = 1, /* a socket event: TRC_EV_SOCK (1.2) */
};

/* Largest body of a SOCK extension the writer makes: ref, dt, kind,
 * state, flags, count and TRC_SOCK_MAX_FIELDS (key, value) varints. */
#define WIRE_EXT_SOCK_MAX (10u + 10u + 3u + 1u + 5u + 1u + TRC_SOCK_MAX_FIELDS * (3u + 10u))

/* STATE flags byte */
#define WIRE_STF_SNAPSHOT 0x01u
#define WIRE_STF_OWNER	  0x02u
#define WIRE_STF_KNOWN	  0x03u

/* SEG_*_EXT flags byte */
#define WIRE_SGF_SEQ	    0x01u
#define WIRE_SGF_SNAP_SHORT 0x02u
#define WIRE_SGF_KNOWN	    0x03u

/* Segment tag high nibble: index into wire_seg_flags[], or this value for
 * "explicit TCP flags byte follows". */
#define WIRE_SEG_FLAGS_EXPLICIT 15u
extern const uint8_t wire_seg_flags[15];

/* TIMEWAIT tag high nibble */
#define WIRE_TW_EXIT   0x1u
#define WIRE_TW_POLLED 0x2u

/* CONN field bitmap */
#define WIRE_CF_IPV6	    0x01u
#define WIRE_CF_NETNS_SAME  0x02u
#define WIRE_CF_CGROUP_SAME 0x04u
#define WIRE_CF_RPORT_SAME  0x08u
#define WIRE_CF_COOKIE	    0x10u
#define WIRE_CF_FLAGS	    0x20u
#define WIRE_CF_KNOWN	    0x3fu

/* ---- TLV keys ---------------------------------------------------------- */
enum wire_hdr_key {
	WIRE_HK_TOOL_VERSION = 1,
	WIRE_HK_HOSTNAME = 2,
	WIRE_HK_KERNEL_RELEASE = 3,
	WIRE_HK_MACHINE = 4,
	WIRE_HK_CLOCK = 5,		/* u32 */
	WIRE_HK_ANCHOR_CLOCK_NS = 6,	/* u64 */
	WIRE_HK_ANCHOR_REALTIME_NS = 7, /* u64 */
	WIRE_HK_SOURCE = 8,
	WIRE_HK_PROBES = 9,
	WIRE_HK_FILTERS = 10,
	WIRE_HK_OPTIONS = 11,
	WIRE_HK_PCAP_LINKTYPE = 12, /* u32 */
	WIRE_HK_PCAP_SNAPLEN = 13,  /* u32 */
	WIRE_HK_READY_NS = 14,	    /* u64, since 1.1 */
	WIRE_HK_STARTUP_NS = 15,    /* u64, since 1.1 */
	WIRE_HK_RECORDING_ID = 16,  /* 16 bytes, since 1.3 */
	WIRE_HK_FILE_INDEX = 17,    /* u64, since 1.3 */
	WIRE_HK_TW_NETNS = 18,	    /* u32, since 1.4 */
	WIRE_HK_MAX = 18,
};

enum wire_trl_key {
	WIRE_TK_EVENTS = 1, /* all u64 except END_REASON (u32) */
	WIRE_TK_CONNECTIONS = 2,
	WIRE_TK_CHUNKS = 3,
	WIRE_TK_LOST_EVENTS = 4,
	WIRE_TK_MALFORMED = 5,
	WIRE_TK_T_FIRST_NS = 6,
	WIRE_TK_T_LAST_NS = 7,
	WIRE_TK_END_REALTIME_NS = 8,
	WIRE_TK_END_REASON = 9,
	WIRE_TK_MAX = 9,
};

/* File header payload: u16 major, u16 minor, then TLVs. */
#define WIRE_HDR_FIXED 4u

/* Little-endian stores, used by the writer only. */
static inline void wire_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void wire_put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void wire_put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t wire_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t wire_get_u64(const uint8_t *p)
{
	return (uint64_t)wire_get_u32(p) | (uint64_t)wire_get_u32(p + 4) << 32;
}

/* What a connection's event records are coded against within a chunk
 * (SPEC.md 5.2): its last new state (STATE_NEXT), and per direction the
 * seq, ack and window of its last SEQ segment.  The writer and the reader
 * each keep one per connection and update it the same way; a new chunk
 * starts from none. */
struct wire_conn_ctx {
	uint8_t last_state;
	uint8_t have_state;
	uint8_t have_seq[2];
	uint32_t seq[2];
	uint32_t ack[2];
	uint32_t win[2];
};

#endif /* TRC_WIRE_H */
