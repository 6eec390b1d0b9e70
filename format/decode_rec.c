// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode_rec.c - one record of a chunk (SPEC.md "Records"): connection
 * declarations into the chunk's table, events with their connection
 * reference and time; the payloads are decode_ev.c's.  Every value from
 * the file is range-checked before it indexes a table.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "decode_ev.h"
#include "decode_rec.h"
#include "varint.h"

#define FAIL(what)                                                                                 \
	do {                                                                                       \
		*why = (what);                                                                     \
		return -1;                                                                         \
	} while (0)

/* An address: index into the chunk's address table, the address itself
 * following when the index is the table's size (a new entry). */
static int addr_field(struct trc_reader *r, struct dec *d, int v6, uint8_t *dst, const char **why)
{
	uint32_t idx;
	unsigned int n = v6 ? 16 : 4;
	if (cur_varint32(&d->c, &idx) || idx > d->addrs)
		FAIL("CONN address index beyond the chunk's address table");
	if (idx == d->addrs) {
		if (idx >= WIRE_MAX_CHUNK_ADDRS)
			FAIL("more addresses than a chunk may hold");
		struct raddr *na = rd_grow(r->addrs, &r->addrs_cap, idx + 1, sizeof(*na));
		if (!na)
			FAIL("out of memory for the address table");
		r->addrs = na;
		memset(&r->addrs[idx], 0, sizeof(r->addrs[idx]));
		r->addrs[idx].v6 = (uint8_t)v6;
		if (cur_copy(&d->c, r->addrs[idx].a, n))
			FAIL("CONN address cut short");
		d->addrs++;
	}
	if (r->addrs[idx].v6 != v6)
		FAIL("CONN address of the other family");
	memcpy(dst, r->addrs[idx].a, 16);
	return 0;
}

static int dec_conn(struct trc_reader *r, struct dec *d, const char **why)
{
	uint64_t zs, v;
	uint8_t bm;

	if (d->conns >= d->n_conns)
		FAIL("more connection declarations than the chunk header says");
	struct rconn *rc = &r->conns[d->conns];
	/* Delivering a chunk decoded twice: the checking pass asked.  (Not
	 * read before it: the table may hold garbage then.) */
	bool unwanted = !d->dry && rc->unwanted;
	memset(rc, 0, sizeof(*rc));
	if (cur_varint(&d->c, &zs) || cur_u8(&d->c, &bm))
		FAIL("CONN record cut short");
	if (bm & ~WIRE_CF_KNOWN)
		FAIL("CONN record has unknown field bits");
	d->dp_serial += (uint64_t)zigzag_dec(zs);
	if (d->dp_serial == 0)
		FAIL("CONN record declares serial 0");
	rc->c.serial = d->dp_serial;
	int v6 = !!(bm & WIRE_CF_IPV6);
	rc->c.family = v6 ? TRC_FAMILY_IPV6 : TRC_FAMILY_IPV4;
	if (addr_field(r, d, v6, rc->c.laddr, why) || addr_field(r, d, v6, rc->c.raddr, why))
		return -1;
	if (cur_u16(&d->c, &rc->c.lport) ||
	    (!(bm & WIRE_CF_RPORT_SAME) && cur_u16(&d->c, &d->dp_rport)))
		FAIL("CONN ports cut short");
	rc->c.rport = d->dp_rport;
	if (!(bm & WIRE_CF_NETNS_SAME) && cur_varint32(&d->c, &d->dp_netns))
		FAIL("CONN netns is not a 32-bit varint");
	if (!(bm & WIRE_CF_CGROUP_SAME) && cur_varint(&d->c, &d->dp_cgroup))
		FAIL("CONN cgroup is not a varint");
	rc->c.netns = d->dp_netns;
	rc->c.cgroup_id = d->dp_cgroup;
	if (bm & WIRE_CF_COOKIE) {
		if (cur_varint(&d->c, &v))
			FAIL("CONN cookie is not a varint");
		d->dp_cookie += (uint64_t)zigzag_dec(v);
		rc->c.cookie = d->dp_cookie;
	}
	if ((bm & WIRE_CF_FLAGS) && cur_varint32(&d->c, &rc->c.flags))
		FAIL("CONN flags are not a 32-bit varint");
	rc->unwanted = d->dry ? r->want && !r->want(r->want_arg, &rc->c) : unwanted;
	d->conns++;
	return 0;
}

static int dec_conn_ref(struct dec *d, uint32_t *cid, const char **why)
{
	uint64_t ref;
	if (cur_varint(&d->c, &ref))
		FAIL("connection reference cut short");
	if (ref == 0) {
		if (d->prev_cid == UINT32_MAX)
			FAIL("'same connection' reference before any event");
		*cid = d->prev_cid;
	} else {
		if (ref > d->conns)
			FAIL("connection reference to an undeclared id");
		*cid = d->conns - (uint32_t)ref;
	}
	d->prev_cid = *cid;
	return 0;
}

static int dec_time(struct dec *d, struct trc_event *ev, const char **why)
{
	uint64_t delta;
	if (cur_varint(&d->c, &delta) || __builtin_add_overflow(d->t_prev, delta, &ev->t_ns))
		FAIL("time delta cut short or overflows");
	if (ev->t_ns > d->t_last)
		FAIL("event time beyond the chunk's last time");
	if (ev->t_ns < d->ext_max)
		FAIL("event time before an earlier socket event's");
	if (++d->events > d->n_events)
		FAIL("more events than the chunk header says");
	d->t_prev = ev->t_ns;
	return 0;
}

static int dec_event(struct trc_reader *r, struct dec *d, unsigned int type, unsigned int hi,
		     struct trc_event *ev, uint32_t *cid, const char **why)
{
	if (dec_conn_ref(d, cid, why) || dec_time(d, ev, why))
		return -1;
	struct rconn *rc = &r->conns[*cid];
	ev->conn_serial = rc->c.serial;
	switch (type) {
	case WIRE_REC_STATE:
	case WIRE_REC_STATE_NEXT:
	case WIRE_REC_STATE_OWNER:
		ev->type = TRC_EV_STATE;
		return dec_state(r, d, type, hi, rc, &ev->state, why);
	case WIRE_REC_SEG_RX:
	case WIRE_REC_SEG_TX:
	case WIRE_REC_SEG_RX_EXT:
	case WIRE_REC_SEG_TX_EXT:
		ev->type = TRC_EV_SEGMENT;
		return dec_seg(d, type, hi, rc, &ev->seg, why);
	default:
		return dec_simple(d, type, hi, ev, why);
	}
}

/* A SOCK extension's body (SPEC.md 5.4), within its length: an event of
 * its own connection and time that leaves prev_conn and t_prev as they
 * were, so a reader that skips it decodes the rest the same.  Bytes after
 * the fields are a later minor's and are skipped. */
static int dec_sock(struct trc_reader *r, struct dec *d, struct cur body, struct trc_event *ev,
		    uint32_t *cid, const char **why)
{
	struct trc_ev_sock *s = &ev->sock;
	uint64_t ref, dt, kind, key;
	uint32_t flags;
	uint8_t n;

	if (cur_varint(&body, &ref) || cur_varint(&body, &dt))
		FAIL("socket event cut short");
	if (ref == 0 || ref > d->conns)
		FAIL("socket event names no declared connection");
	if (__builtin_add_overflow(d->t_prev, dt, &ev->t_ns))
		FAIL("socket event time overflows");
	/* Two of them in a row are both coded against t_prev: the later
	 * must not be older. */
	if (ev->t_ns < d->ext_max)
		FAIL("socket event older than the one before it");
	if (cur_varint(&body, &kind) || cur_u8(&body, &s->state) || cur_varint32(&body, &flags) ||
	    cur_u8(&body, &n))
		FAIL("socket event cut short");
	if (kind == 0 || kind > UINT16_MAX || s->state > TRC_TCP_STATE_MAX ||
	    n > TRC_SOCK_MAX_FIELDS)
		FAIL("socket event kind, state or field count out of range");
	for (uint8_t i = 0; i < n; i++) {
		if (cur_varint(&body, &key) || cur_varint(&body, &s->value[i]))
			FAIL("socket event field cut short");
		if (key == 0 || key > UINT16_MAX)
			FAIL("socket event field key out of range");
		s->key[i] = (uint16_t)key;
	}
	ev->type = TRC_EV_SOCK;
	s->kind = (uint16_t)kind;
	s->flags = flags;
	s->n_fields = n;
	*cid = d->conns - (uint32_t)ref;
	ev->conn_serial = r->conns[*cid].c.serial;
	if (ev->t_ns > d->ext_max)
		d->ext_max = ev->t_ns;
	d->ext_events++;
	return 1;
}

static int dec_extension(struct trc_reader *r, struct dec *d, struct trc_event *ev, uint32_t *cid,
			 const char **why)
{
	uint64_t ext_type, len;
	const uint8_t *p;

	if (cur_varint(&d->c, &ext_type) || cur_varint(&d->c, &len) || cur_take(&d->c, len, &p))
		FAIL("extension record malformed or longer than the chunk");
	if (ext_type == WIRE_EXT_SOCK)
		return dec_sock(r, d, cur_make(p, len), ev, cid, why);
	if (!d->dry)
		r->st.records_unknown++;
	/* Counted as they are passed over in delivery; rare as they are, the
	 * chunk is simply decoded again for that. */
	d->batch = false;
	return 0;
}

int dec_record(struct trc_reader *r, struct dec *d, struct trc_event *ev, uint32_t *cid,
	       const char **why)
{
	uint8_t tag;

	if (cur_u8(&d->c, &tag))
		FAIL("record cut short");
	if (++d->records > d->n_records)
		FAIL("more records than the chunk header says");
	unsigned int type = tag & 0xf, hi = tag >> 4;
	ev_clear(ev);
	*cid = UINT32_MAX;
	switch (type) {
	case WIRE_REC_CONN:
		if (hi)
			FAIL("CONN tag with nonzero high bits");
		return dec_conn(r, d, why);
	case WIRE_REC_EXTENSION:
		if (hi)
			FAIL("extension tag with nonzero high bits");
		return dec_extension(r, d, ev, cid, why);
	case WIRE_REC_LOST:
		if (hi)
			FAIL("LOST tag with nonzero high bits");
		if (dec_time(d, ev, why) || dec_simple(d, type, hi, ev, why))
			return -1;
		return 1;
	case 12:
	case 13:
	case 14:
		FAIL("unknown core record type");
	default:
		return dec_event(r, d, type, hi, ev, cid, why) ? -1 : 1;
	}
}
