/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap_build.h - writes pcap and pcapng capture files into memory for the
 * import unit tests: file headers, packet records, interface description
 * and interface statistics blocks.  Header-only, little-endian output.
 */
#ifndef TCPREC_TEST_PCAP_BUILD_H
#define TCPREC_TEST_PCAP_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct capbuf {
	uint8_t *b;
	size_t n, cap;
};

static inline void cb_put(struct capbuf *c, const void *p, size_t n)
{
	if (c->n + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		while (cap < c->n + n)
			cap *= 2;
		uint8_t *b = realloc(c->b, cap);
		if (!b)
			abort();
		c->b = b;
		c->cap = cap;
	}
	memcpy(c->b + c->n, p, n);
	c->n += n;
}

static inline void cb_le16(struct capbuf *c, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
	cb_put(c, b, 2);
}

static inline void cb_le32(struct capbuf *c, uint32_t v)
{
	cb_le16(c, (uint16_t)v);
	cb_le16(c, (uint16_t)(v >> 16));
}

static inline void cb_le64(struct capbuf *c, uint64_t v)
{
	cb_le32(c, (uint32_t)v);
	cb_le32(c, (uint32_t)(v >> 32));
}

/* Classic pcap, microsecond or nanosecond magic. */
static inline void pcap_hdr(struct capbuf *c, uint32_t linktype, uint32_t snaplen, int nano)
{
	cb_le32(c, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	cb_le16(c, 2);
	cb_le16(c, 4);
	cb_le32(c, 0);
	cb_le32(c, 0);
	cb_le32(c, snaplen);
	cb_le32(c, linktype);
}

static inline void pcap_rec(struct capbuf *c, uint64_t t_ns, int nano, const void *data,
			    uint32_t caplen, uint32_t wirelen)
{
	cb_le32(c, (uint32_t)(t_ns / 1000000000u));
	cb_le32(c, (uint32_t)(nano ? t_ns % 1000000000u : t_ns % 1000000000u / 1000));
	cb_le32(c, caplen);
	cb_le32(c, wirelen);
	cb_put(c, data, caplen);
}

static inline void ng_block_end(struct capbuf *c, size_t start)
{
	while ((c->n - start) % 4)
		cb_put(c, "", 1);
	uint32_t len = (uint32_t)(c->n - start + 4);
	memcpy(c->b + start + 4, &len, 4); /* little-endian host assumed */
	cb_le32(c, len);
}

static inline size_t ng_block_start(struct capbuf *c, uint32_t type)
{
	size_t start = c->n;
	cb_le32(c, type);
	cb_le32(c, 0); /* patched by ng_block_end */
	return start;
}

static inline void ng_shb(struct capbuf *c)
{
	size_t s = ng_block_start(c, 0x0a0d0d0a);
	cb_le32(c, 0x1a2b3c4d);
	cb_le16(c, 1);
	cb_le16(c, 0);
	cb_le64(c, UINT64_MAX); /* section length unknown */
	ng_block_end(c, s);
}

/* Interface with nanosecond resolution (if_tsresol = 9). */
static inline void ng_idb(struct capbuf *c, uint16_t linktype, uint32_t snaplen)
{
	size_t s = ng_block_start(c, 1);
	cb_le16(c, linktype);
	cb_le16(c, 0);
	cb_le32(c, snaplen);
	cb_le16(c, 9);
	cb_le16(c, 1);
	cb_put(c, "\x09\0\0\0", 4);
	cb_le32(c, 0); /* opt_endofopt */
	ng_block_end(c, s);
}

static inline void ng_epb(struct capbuf *c, uint32_t ifid, uint64_t t_ns, const void *data,
			  uint32_t len)
{
	size_t s = ng_block_start(c, 6);
	cb_le32(c, ifid);
	cb_le32(c, (uint32_t)(t_ns >> 32));
	cb_le32(c, (uint32_t)t_ns);
	cb_le32(c, len);
	cb_le32(c, len);
	cb_put(c, data, len);
	ng_block_end(c, s);
}

/* Interface statistics with isb_ifdrop (and isb_osdrop when osdrop != 0). */
static inline void ng_isb(struct capbuf *c, uint32_t ifid, uint64_t t_ns, uint64_t ifdrop,
			  uint64_t osdrop)
{
	size_t s = ng_block_start(c, 5);
	cb_le32(c, ifid);
	cb_le32(c, (uint32_t)(t_ns >> 32));
	cb_le32(c, (uint32_t)t_ns);
	cb_le16(c, 5);
	cb_le16(c, 8);
	cb_le64(c, ifdrop);
	if (osdrop) {
		cb_le16(c, 7);
		cb_le16(c, 8);
		cb_le64(c, osdrop);
	}
	cb_le32(c, 0);
	ng_block_end(c, s);
}

#endif /* TCPREC_TEST_PCAP_BUILD_H */
