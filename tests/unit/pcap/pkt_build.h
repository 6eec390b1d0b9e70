/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_build.h - builds test frames byte by byte (link headers, IPv4 with
 * options and fragment bits, IPv6 with extension headers, TCP) for the
 * parser and import unit tests.  Header-only: each test is one executable.
 */
#ifndef TCPREC_TEST_PKT_BUILD_H
#define TCPREC_TEST_PKT_BUILD_H

#include <stdint.h>
#include <string.h>

struct frame {
	uint8_t b[2048];
	size_t n;
};

static inline void fr_put(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static inline void fr_u8(struct frame *f, uint8_t v)
{
	f->b[f->n++] = v;
}

static inline void fr_be16(struct frame *f, uint16_t v)
{
	fr_u8(f, (uint8_t)(v >> 8));
	fr_u8(f, (uint8_t)v);
}

static inline void fr_be32(struct frame *f, uint32_t v)
{
	fr_be16(f, (uint16_t)(v >> 16));
	fr_be16(f, (uint16_t)v);
}

static inline void fr_zero(struct frame *f, size_t n)
{
	memset(f->b + f->n, 0, n);
	f->n += n;
}

/* Ethernet header with optional VLAN tags (tpids[i] each followed by a TCI). */
static inline void fr_eth(struct frame *f, const uint16_t *tpids, int ntags, uint16_t type)
{
	fr_zero(f, 12);
	for (int i = 0; i < ntags; i++) {
		fr_be16(f, tpids[i]);
		fr_be16(f, (uint16_t)(100 + i)); /* TCI */
	}
	fr_be16(f, type);
}

struct tcp_spec {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t window;
	uint8_t doff_words; /* 0 = 5 */
	size_t payload;
};

static inline size_t tcp_len(const struct tcp_spec *t)
{
	return (size_t)(t->doff_words ? t->doff_words : 5) * 4 + t->payload;
}

static inline void fr_tcp(struct frame *f, const struct tcp_spec *t)
{
	unsigned int doff = t->doff_words ? t->doff_words : 5;

	fr_be16(f, t->sport);
	fr_be16(f, t->dport);
	fr_be32(f, t->seq);
	fr_be32(f, t->ack);
	fr_u8(f, (uint8_t)(doff << 4));
	fr_u8(f, t->flags);
	fr_be16(f, t->window);
	fr_zero(f, 4); /* checksum, urgent pointer */
	/* Options: NOPs, so a too-large doff still leaves bytes to read. */
	for (unsigned int i = 20; i < doff * 4 && i < 60; i++)
		fr_u8(f, 1);
	for (size_t i = 0; i < t->payload; i++)
		fr_u8(f, (uint8_t)('a' + i % 26));
}

struct ip4_spec {
	uint8_t src[4], dst[4];
	uint8_t ihl_words; /* 0 = 5 */
	uint16_t frag;	   /* flags + offset field */
	uint8_t proto;	   /* 0 = TCP */
	int tot_len;	   /* 0 = computed, -1 = write 0 */
	uint8_t version;   /* 0 = 4 */
};

static inline void fr_ipv4(struct frame *f, const struct ip4_spec *s, size_t l4_len)
{
	unsigned int ihl = s->ihl_words ? s->ihl_words : 5;
	size_t tot = (size_t)(ihl < 5 ? 5 : ihl) * 4 + l4_len;

	if (s->tot_len > 0)
		tot = (size_t)s->tot_len;
	else if (s->tot_len < 0)
		tot = 0;
	fr_u8(f, (uint8_t)((s->version ? s->version : 4) << 4 | ihl));
	fr_u8(f, 0);
	fr_be16(f, (uint16_t)tot);
	fr_be16(f, 0x1234);
	fr_be16(f, s->frag);
	fr_u8(f, 64);
	fr_u8(f, s->proto ? s->proto : 6);
	fr_be16(f, 0);
	fr_put(f, s->src, 4);
	fr_put(f, s->dst, 4);
	for (unsigned int i = 5; i < ihl; i++)
		fr_be32(f, 0x01010101); /* NOP options */
}

/* IPv6 header; exts is a list of extension header types, each emitted
 * with one 8-byte unit (AH: 12 bytes) and chained, ending with final. */
static inline void fr_ipv6(struct frame *f, const uint8_t *src, const uint8_t *dst,
			   const uint8_t *exts, int n_ext, uint8_t final, size_t l4_len, int plen)
{
	size_t ext_bytes = 0;

	for (int i = 0; i < n_ext; i++)
		ext_bytes += exts[i] == 51 ? 16 : 8;
	fr_be32(f, 0x60000000);
	fr_be16(f, (uint16_t)(plen >= 0 ? (size_t)plen : ext_bytes + l4_len));
	fr_u8(f, n_ext ? exts[0] : final);
	fr_u8(f, 64);
	fr_put(f, src, 16);
	fr_put(f, dst, 16);
	for (int i = 0; i < n_ext; i++) {
		uint8_t next = i + 1 < n_ext ? exts[i + 1] : final;
		if (exts[i] == 51) { /* AH: (len + 2) * 4 = 16 bytes */
			fr_u8(f, next);
			fr_u8(f, 2);
			fr_zero(f, 14);
		} else {
			fr_u8(f, next);
			fr_u8(f, 0);
			fr_zero(f, 6);
		}
	}
}

#endif /* TCPREC_TEST_PKT_BUILD_H */
