// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz-trace-reader - feeds arbitrary bytes to the trace reader through its
 * memory medium, reads every event until a final status, and checks the
 * reader's promises: no crash or leak, values within their documented
 * ranges, a connection with every event but "lost", times never going
 * back, a bounded number of damage reports, a final status that sticks.
 *
 * Each input is read twice: as given, and with the CRC of every block
 * whose framing is walkable recomputed, so that mutations reach the record
 * decoder instead of stopping at the checksum.  Each is read again with
 * only the odd serials wanted (trc_reader_want_conns()): the same
 * statuses, events and times, the others' as runs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "crc32c.h"
#include "trc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_event(const struct trc_event *ev, const struct trc_conn *c)
{
	REQUIRE(trc_event_type_name(ev->type) != NULL);
	REQUIRE((ev->type == TRC_EV_LOST) == (c == NULL));
	if (c)
		REQUIRE((c->family == TRC_FAMILY_IPV4 || c->family == TRC_FAMILY_IPV6) &&
			c->serial == ev->conn_serial && c->serial != 0);
	switch (ev->type) {
	case TRC_EV_STATE:
		REQUIRE(trc_tcp_state_name(ev->state.old_state) &&
			trc_tcp_state_name(ev->state.new_state));
		REQUIRE(memchr(ev->state.comm, 0, sizeof(ev->state.comm)) != NULL);
		break;
	case TRC_EV_SEGMENT:
		REQUIRE(ev->seg.dir <= TRC_DIR_TX);
		break;
	case TRC_EV_TIMEWAIT:
		REQUIRE(ev->tw.phase <= TRC_TW_EXIT && ev->tw.precision <= TRC_TW_POLLED);
		break;
	case TRC_EV_RETRANSMIT:
		REQUIRE(trc_tcp_state_name(ev->retrans.old_state) != NULL);
		break;
	case TRC_EV_RESET:
		REQUIRE(ev->reset.dir <= TRC_DIR_TX);
		break;
	case TRC_EV_LOST:
		REQUIRE(ev->lost.reason <= TRC_LOST_CAPTURE && ev->lost.t_end_ns >= ev->t_ns);
		break;
	case TRC_EV_SOCK:
		REQUIRE(ev->sock.kind >= 1 && ev->sock.n_fields <= TRC_SOCK_MAX_FIELDS);
		REQUIRE(trc_tcp_state_name(ev->sock.state) != NULL);
		for (unsigned int i = 0; i < ev->sock.n_fields; i++)
			REQUIRE(ev->sock.key[i] >= 1);
		break;
	}
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Rewrites block CRCs in place along the chain of length fields; returns
 * whether anything changed. */
static int fix_crcs(uint8_t *p, size_t n)
{
	int changed = 0;
	for (size_t off = 0; n - off >= 20;) {
		uint32_t total = get_u32(p + off + 4);
		if (total < 20 || total % 4 || total > n - off)
			break;
		uint32_t crc = trc_crc32c(0, p + off, total - 8);
		uint8_t *c = p + off + total - 8;
		if (get_u32(c) != crc) {
			for (int i = 0; i < 4; i++)
				c[i] = (uint8_t)(crc >> (8 * i));
			changed = 1;
		}
		off += total;
	}
	return changed;
}

/* What a read gave, folded: every damage report, every event's time and
 * type (the skipped ones' included), and the final status. */
struct digest {
	uint64_t hash, events;
};

static void fold(struct digest *d, uint64_t v)
{
	d->hash = (d->hash ^ v) * 0x100000001b3ull;
}

static bool want_odd(void *arg, const struct trc_conn *decl)
{
	REQUIRE(decl && arg == NULL);
	return decl->serial & 1;
}

/* The run of skipped events before this read's event, if any. */
static void fold_run(struct trc_reader *r, struct digest *d, uint64_t *t_prev)
{
	const struct trc_skipped_run *run = trc_reader_skipped(r);

	if (!run)
		return;
	REQUIRE(run->n >= 1);
	for (uint32_t i = 0; i < run->n; i++) {
		REQUIRE(run->t_ns[i] >= *t_prev && run->type[i] != TRC_EV_LOST);
		*t_prev = run->t_ns[i];
		fold(d, run->t_ns[i]);
		fold(d, run->type[i]);
		d->events++;
	}
}

static struct digest read_all(const uint8_t *data, size_t size, bool filter)
{
	struct digest d = { 0xcbf29ce484222325ull, 0 };
	struct trc_error err;
	struct trc_reader *r = trc_reader_open_mem(data, size, &err);
	if (!r) {
		REQUIRE(err.code == TRC_UNSUPPORTED || err.code == TRC_TRUNCATED);
		REQUIRE(err.msg[0] != '\0');
		return d;
	}
	if (filter)
		trc_reader_want_conns(r, want_odd, NULL);
	const struct trc_header *h = trc_reader_header(r);
	REQUIRE(memchr(h->hostname, 0, sizeof(h->hostname)) &&
		memchr(h->probes, 0, sizeof(h->probes)));

	struct trc_event ev;
	const struct trc_conn *c;
	enum trc_status st;
	uint64_t corrupt = 0, t_prev = 0;
	while ((st = trc_reader_next(r, &ev, &c, &err)) == TRC_OK || st == TRC_CORRUPT ||
	       st == TRC_SKIPPED) {
		if (st == TRC_CORRUPT) {
			/* Each report skips at least one byte, or reports one
			 * sequence gap per chunk. */
			REQUIRE(++corrupt <= 2 * size + 4 && err.msg[0]);
			REQUIRE(trc_reader_skipped(r) == NULL);
			fold(&d, TRC_CORRUPT);
			fold(&d, err.offset);
			continue;
		}
		REQUIRE(filter || st == TRC_OK);
		fold_run(r, &d, &t_prev);
		if (st == TRC_SKIPPED) {
			REQUIRE(trc_reader_skipped(r) && c == NULL && ev.conn_serial == 0);
			continue;
		}
		check_event(&ev, c);
		REQUIRE(!filter || !c || (c->serial & 1));
		REQUIRE(ev.t_ns >= t_prev);
		t_prev = ev.t_ns;
		fold(&d, ev.t_ns);
		fold(&d, ev.type);
		d.events++;
	}
	REQUIRE(d.events <= size);
	REQUIRE(st == TRC_EOF || st == TRC_TRUNCATED);
	REQUIRE(trc_reader_next(r, &ev, &c, &err) == st && trc_reader_skipped(r) == NULL);
	fold(&d, st);
	struct trc_reader_stats s;
	trc_reader_get_stats(r, &s);
	REQUIRE(s.events == d.events && s.bytes_read <= size);
	REQUIRE((trc_reader_trailer(r) != NULL) == (s.has_trailer != 0));
	REQUIRE(st != TRC_EOF || s.has_trailer);
	trc_reader_close(r);
	return d;
}

/* Read alike with and without the filter. */
static void read_both(const uint8_t *data, size_t size)
{
	struct digest all = read_all(data, size, false), some = read_all(data, size, true);

	REQUIRE(all.hash == some.hash && all.events == some.events);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_both(data, size);
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (fix_crcs(copy, size))
		read_both(copy, size);
	free(copy);
	return 0;
}
