// SPDX-License-Identifier: BSD-2-Clause
/*
 * tlv.c - the TLV fields of the file header and trailer blocks, both
 * directions.  Each field is `varint key, varint length, bytes`; unknown
 * keys are skipped (a newer minor may add them), known keys must appear at
 * most once and fixed-size ones must have exactly their size.
 */
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "tlv.h"
#include "varint.h"

static uint8_t *put_str(uint8_t *p, unsigned int key, const char *s, size_t size)
{
	size_t n = strnlen(s, size - 1);
	p = varint_put(p, key);
	p = varint_put(p, n);
	memcpy(p, s, n);
	return p + n;
}

static uint8_t *put_u32(uint8_t *p, unsigned int key, uint32_t v)
{
	p = varint_put(p, key);
	*p++ = 4;
	wire_put_u32(p, v);
	return p + 4;
}

static uint8_t *put_u64(uint8_t *p, unsigned int key, uint64_t v)
{
	p = varint_put(p, key);
	*p++ = 8;
	wire_put_u64(p, v);
	return p + 8;
}

static uint8_t *put_bytes(uint8_t *p, unsigned int key, const uint8_t *v, size_t n)
{
	p = varint_put(p, key);
	p = varint_put(p, n);
	memcpy(p, v, n);
	return p + n;
}

size_t tlv_put_header(uint8_t *p, const struct trc_header *h)
{
	uint8_t *s = p;
	wire_put_u16(p, TRC_VERSION_MAJOR);
	wire_put_u16(p + 2, TRC_VERSION_MINOR);
	p += WIRE_HDR_FIXED;
	p = put_str(p, WIRE_HK_TOOL_VERSION, h->tool_version, sizeof(h->tool_version));
	p = put_str(p, WIRE_HK_HOSTNAME, h->hostname, sizeof(h->hostname));
	p = put_str(p, WIRE_HK_KERNEL_RELEASE, h->kernel_release, sizeof(h->kernel_release));
	p = put_str(p, WIRE_HK_MACHINE, h->machine, sizeof(h->machine));
	p = put_u32(p, WIRE_HK_CLOCK, h->clock);
	p = put_u64(p, WIRE_HK_ANCHOR_CLOCK_NS, h->anchor_clock_ns);
	p = put_u64(p, WIRE_HK_ANCHOR_REALTIME_NS, h->anchor_realtime_ns);
	p = put_str(p, WIRE_HK_SOURCE, h->source, sizeof(h->source));
	p = put_str(p, WIRE_HK_PROBES, h->probes, sizeof(h->probes));
	p = put_str(p, WIRE_HK_FILTERS, h->filters, sizeof(h->filters));
	p = put_str(p, WIRE_HK_OPTIONS, h->options, sizeof(h->options));
	p = put_u32(p, WIRE_HK_PCAP_LINKTYPE, h->pcap_linktype);
	p = put_u32(p, WIRE_HK_PCAP_SNAPLEN, h->pcap_snaplen);
	p = put_u64(p, WIRE_HK_READY_NS, h->ready_ns);
	p = put_u64(p, WIRE_HK_STARTUP_NS, h->startup_ns);
	p = put_bytes(p, WIRE_HK_RECORDING_ID, h->recording_id, sizeof(h->recording_id));
	p = put_u64(p, WIRE_HK_FILE_INDEX, h->file_index);
	p = put_u32(p, WIRE_HK_TW_NETNS, h->tw_netns);
	return (size_t)(p - s);
}

size_t tlv_put_trailer(uint8_t *p, const struct trc_trailer *t)
{
	uint8_t *s = p;
	p = put_u64(p, WIRE_TK_EVENTS, t->events);
	p = put_u64(p, WIRE_TK_CONNECTIONS, t->connections);
	p = put_u64(p, WIRE_TK_CHUNKS, t->chunks);
	p = put_u64(p, WIRE_TK_LOST_EVENTS, t->lost_events);
	p = put_u64(p, WIRE_TK_MALFORMED, t->malformed);
	p = put_u64(p, WIRE_TK_T_FIRST_NS, t->t_first_ns);
	p = put_u64(p, WIRE_TK_T_LAST_NS, t->t_last_ns);
	p = put_u64(p, WIRE_TK_END_REALTIME_NS, t->end_realtime_ns);
	p = put_u32(p, WIRE_TK_END_REASON, t->end_reason);
	return (size_t)(p - s);
}

/* Where a known key lands: a string buffer, a fixed-size integer, or a
 * fixed-size byte string. */
struct tlv_field {
	void *dst;
	uint8_t kind; /* 0 unused, 's' string, 4 u32, 8 u64, 'b' bytes */
	size_t size;  /* string buffer size incl. NUL; bytes: their exact count */
};

static int tlv_store(const struct tlv_field *f, struct cur *v, size_t len, uint64_t key, char *why,
		     size_t why_len)
{
	if (f->kind == 's') {
		/* Longer than our buffer: keep the prefix (a newer writer may
		 * allow more), always NUL-terminated. */
		size_t n = len < f->size - 1 ? len : f->size - 1;
		memset(f->dst, 0, f->size);
		return cur_copy(v, f->dst, n);
	}
	if (f->kind == 'b') {
		if (len != f->size) {
			snprintf(why, why_len, "field %llu has %zu bytes, expected %zu",
				 (unsigned long long)key, len, f->size);
			return -1;
		}
		return cur_copy(v, f->dst, len);
	}
	if (len != f->kind) {
		snprintf(why, why_len, "field %llu has %zu bytes, expected %u",
			 (unsigned long long)key, len, f->kind);
		return -1;
	}
	if (f->kind == 4)
		return cur_u32(v, f->dst);
	return cur_u64(v, f->dst);
}

/* Parses TLVs from c until it is empty; fields[key] describes key. */
static int tlv_parse(struct cur *c, const struct tlv_field *fields, unsigned int nfields,
		     uint64_t *unknown, char *why, size_t why_len)
{
	uint32_t seen = 0;
	while (c->left) {
		uint64_t key, len;
		const uint8_t *val;
		if (cur_varint(c, &key) || cur_varint(c, &len) || cur_take(c, len, &val)) {
			snprintf(why, why_len, "field list runs past the block end");
			return -1;
		}
		if (key >= nfields || !fields[key].kind) {
			(*unknown)++;
			continue;
		}
		if (seen & (1u << key)) {
			snprintf(why, why_len, "field %llu appears twice", (unsigned long long)key);
			return -1;
		}
		seen |= 1u << key;
		struct cur v = cur_make(val, len);
		if (tlv_store(&fields[key], &v, len, key, why, why_len))
			return -1;
	}
	return 0;
}

#define S(k, m) [k] = { h->m, 's', sizeof(h->m) }
#define I(k, m) [k] = { &h->m, sizeof(h->m), 0 }
#define B(k, m) [k] = { h->m, 'b', sizeof(h->m) }

int tlv_parse_header(struct cur *c, struct trc_header *h, uint64_t *unknown, char *why,
		     size_t why_len)
{
	const struct tlv_field f[WIRE_HK_MAX + 1] = {
		S(WIRE_HK_TOOL_VERSION, tool_version),
		S(WIRE_HK_HOSTNAME, hostname),
		S(WIRE_HK_KERNEL_RELEASE, kernel_release),
		S(WIRE_HK_MACHINE, machine),
		I(WIRE_HK_CLOCK, clock),
		I(WIRE_HK_ANCHOR_CLOCK_NS, anchor_clock_ns),
		I(WIRE_HK_ANCHOR_REALTIME_NS, anchor_realtime_ns),
		S(WIRE_HK_SOURCE, source),
		S(WIRE_HK_PROBES, probes),
		S(WIRE_HK_FILTERS, filters),
		S(WIRE_HK_OPTIONS, options),
		I(WIRE_HK_PCAP_LINKTYPE, pcap_linktype),
		I(WIRE_HK_PCAP_SNAPLEN, pcap_snaplen),
		I(WIRE_HK_READY_NS, ready_ns),
		I(WIRE_HK_STARTUP_NS, startup_ns),
		B(WIRE_HK_RECORDING_ID, recording_id),
		I(WIRE_HK_FILE_INDEX, file_index),
		I(WIRE_HK_TW_NETNS, tw_netns),
	};
	return tlv_parse(c, f, WIRE_HK_MAX + 1, unknown, why, why_len);
}

#undef S
#undef B
#define T(k, m) [k] = { &t->m, sizeof(t->m), 0 }

int tlv_parse_trailer(struct cur *c, struct trc_trailer *t, uint64_t *unknown, char *why,
		      size_t why_len)
{
	const struct tlv_field f[WIRE_TK_MAX + 1] = {
		T(WIRE_TK_EVENTS, events),	   T(WIRE_TK_CONNECTIONS, connections),
		T(WIRE_TK_CHUNKS, chunks),	   T(WIRE_TK_LOST_EVENTS, lost_events),
		T(WIRE_TK_MALFORMED, malformed),   T(WIRE_TK_T_FIRST_NS, t_first_ns),
		T(WIRE_TK_T_LAST_NS, t_last_ns),   T(WIRE_TK_END_REALTIME_NS, end_realtime_ns),
		T(WIRE_TK_END_REASON, end_reason),
	};
	return tlv_parse(c, f, WIRE_TK_MAX + 1, unknown, why, why_len);
}
