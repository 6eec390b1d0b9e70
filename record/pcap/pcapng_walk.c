// SPDX-License-Identifier: BSD-2-Clause
/*
 * pcapng_walk.c - bounded pcapng block walker (see pcapng_walk.h).  Reads
 * block headers, the fixed part of interface descriptions, the interface
 * id of packet blocks and the options of statistics blocks; everything
 * else is skipped by seeking.  Every block length is validated before it
 * is used; anything odd ends the walk as damaged.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng_walk.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 1u
#define BT_PB  2u
#define BT_SPB 3u
#define BT_ISB 5u
#define BT_EPB 6u
#define BOM    0x1a2b3c4du

#define ISB_OPT_END    0
#define ISB_OPT_IFDROP 5
#define ISB_OPT_OSDROP 7

struct walk {
	FILE *fp;
	struct pcapng_summary *s;
	int big; /* this section is big-endian */
	uint32_t first_snaplen;
	uint32_t n_if; /* interfaces in this section */
	uint64_t drops[PCAPNG_WALK_MAX_IFACES];
	uint8_t has_drops[PCAPNG_WALK_MAX_IFACES];
	uint8_t buf[PCAPNG_WALK_MAX_READ];     /* the block part being looked at */
	uint8_t scratch[PCAPNG_WALK_MAX_READ]; /* bytes skipped */
};

static uint32_t rd16(const struct walk *w, const uint8_t *p)
{
	return w->big ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]);
}

static uint32_t rd32(const struct walk *w, const uint8_t *p)
{
	return w->big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		      : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint64_t rd64(const struct walk *w, const uint8_t *p)
{
	uint64_t a = rd32(w, p), b = rd32(w, p + 4);

	return w->big ? a << 32 | b : b << 32 | a;
}

/* 1 when all n bytes were read, 0 on a short read, -errno on error. */
static int read_exact(FILE *fp, void *buf, size_t n)
{
	size_t got = fread(buf, 1, n, fp);

	if (got == n)
		return 1;
	return ferror(fp) ? -EIO : 0;
}

/* Skips n bytes.  Small skips are read through the stdio buffer: a seek
 * drops the buffer, and one read(2) per packet block made the walk of a
 * large file slower than the import itself. */
static int skip(struct walk *w, uint64_t n)
{
	if (n <= sizeof(w->scratch))
		return n == 0 || read_exact(w->fp, w->scratch, (size_t)n) == 1;
	return fseeko(w->fp, (off_t)n, SEEK_CUR) == 0;
}

static void end_section(struct walk *w)
{
	for (uint32_t i = 0; i < w->n_if && i < PCAPNG_WALK_MAX_IFACES; i++)
		if (w->has_drops[i])
			w->s->drops += w->drops[i];
	memset(w->has_drops, 0, sizeof(w->has_drops));
	w->n_if = 0;
}

static void on_idb(struct walk *w, const uint8_t *b)
{
	struct pcapng_summary *s = w->s;
	uint32_t linktype = rd16(w, b), snaplen = rd32(w, b + 4);

	if (s->interfaces == 0) {
		s->first_linktype = linktype;
		w->first_snaplen = snaplen;
	} else if (!s->mismatch && (linktype != s->first_linktype || snaplen != w->first_snaplen)) {
		s->mismatch = 1;
		s->mismatch_linktype = linktype;
		s->mismatch_snaplen = snaplen;
		s->packets_before_mismatch = s->packets;
	}
	s->interfaces++;
	w->n_if++;
}

/* Statistics counters are cumulative since the capture started: the last
 * ISB of an interface holds its totals. */
static void on_isb(struct walk *w, const uint8_t *b, uint32_t len)
{
	uint32_t ifid = rd32(w, b), off = 12;
	uint64_t drops = 0;
	int found = 0;

	while (len - off >= 4) {
		uint32_t code = rd16(w, b + off), olen = rd16(w, b + off + 2);
		uint32_t padded = (olen + 3) & ~3u;
		off += 4;
		if (code == ISB_OPT_END || padded > len - off)
			break;
		if ((code == ISB_OPT_IFDROP || code == ISB_OPT_OSDROP) && olen == 8) {
			drops += rd64(w, b + off);
			found = 1;
		}
		off += padded;
	}
	if (found && ifid < w->n_if && ifid < PCAPNG_WALK_MAX_IFACES) {
		w->drops[ifid] = drops;
		w->has_drops[ifid] = 1;
		w->s->have_isb = 1;
	}
}

/* Reads the part of a block body this walker needs; returns what it read
 * (0..body) or -1 when the body is too short for the block type. */
static int64_t read_body(struct walk *w, uint32_t type, uint32_t body)
{
	uint32_t want = 0, need = 0;

	switch (type) {
	case BT_IDB:
		need = want = 8;
		break;
	case BT_EPB:
		need = 20;
		break;
	case BT_PB:
		need = 20;
		break;
	case BT_SPB:
		need = 4;
		break;
	case BT_ISB:
		need = 12;
		want = body <= PCAPNG_WALK_MAX_READ ? body : 0;
		break;
	default:
		break;
	}
	if (body < need)
		return -1;
	if (want && read_exact(w->fp, w->buf, want) != 1)
		return -1;
	return want;
}

static void on_block(struct walk *w, uint32_t type, uint32_t got)
{
	switch (type) {
	case BT_IDB:
		on_idb(w, w->buf);
		break;
	case BT_ISB:
		if (got)
			on_isb(w, w->buf, got);
		break;
	case BT_EPB:
	case BT_PB:
	case BT_SPB:
		w->s->packets++;
		break;
	default:
		break;
	}
}

/* One block; 1 to go on, 0 at the end or on damage. */
static int next_block(struct walk *w)
{
	uint8_t h[12];
	int first = w->s->sections == 0;
	size_t got_hdr = fread(h, 1, 8, w->fp);

	if (got_hdr != 8) {
		/* A clean end is at a block boundary; anything else is cut. */
		w->s->damaged = got_hdr != 0 || ferror(w->fp);
		return 0;
	}
	uint32_t type = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	if (type == BT_SHB) {
		if (read_exact(w->fp, h + 8, 4) != 1)
			return w->s->damaged = 1, 0;
		w->big = h[8] == 0x1a;
		if (rd32(w, h + 8) != BOM)
			return w->s->damaged = 1, 0;
		end_section(w);
		w->s->is_pcapng = 1;
		w->s->sections++;
	} else if (first) {
		return 0; /* not pcapng */
	} else {
		type = rd32(w, h);
	}
	uint32_t len = rd32(w, h + 4);
	uint32_t hdr = type == BT_SHB ? 12 : 8;
	if (len < 12 + (hdr - 8) || len % 4 || len > PCAPNG_WALK_MAX_BLOCK)
		return w->s->damaged = 1, 0;
	uint32_t body = len - 12 - (hdr - 8);
	int64_t got = type == BT_SHB ? 0 : read_body(w, type, body);
	if (got < 0 || !skip(w, body - (uint64_t)got) || read_exact(w->fp, h, 4) != 1 ||
	    rd32(w, h) != len)
		return w->s->damaged = 1, 0;
	on_block(w, type, (uint32_t)got);
	return 1;
}

int pcapng_walk(FILE *fp, struct pcapng_summary *s)
{
	struct walk *w = calloc(1, sizeof(*w));

	memset(s, 0, sizeof(*s));
	if (!w)
		return -ENOMEM;
	w->fp = fp;
	w->s = s;
	while (next_block(w))
		;
	end_section(w);
	int rc = ferror(fp) ? -EIO : 0;
	free(w);
	return rc;
}
