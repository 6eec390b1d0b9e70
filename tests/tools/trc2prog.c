// SPDX-License-Identifier: BSD-2-Clause
/*
 * trc2prog - translates a trace into the input language of the analyser
 * fuzz target (tests/fuzz/analyzer-prog.h), so that recorded traces seed
 * it: the program, when run, writes the same connections and events at
 * the same times.  Each connection gets a slot when its first event is
 * read; with more than PROG_SLOTS connections live, the least recently
 * used slot is reused.
 *   trc2prog IN.trc OUT.prog
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer-prog.h"
#include "trc.h"

struct slots {
	uint64_t serial[PROG_SLOTS];
	uint64_t used[PROG_SLOTS]; /* event number of last use */
};

static void put_le(FILE *f, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

static void put_varint(FILE *f, uint64_t v)
{
	do {
		uint8_t b = v & 0x7f;
		v >>= 7;
		fputc(b | (v ? 0x80 : 0), f);
	} while (v);
}

static void put_open(FILE *f, unsigned int slot, const struct trc_conn *c)
{
	size_t alen = c->family == TRC_FAMILY_IPV6 ? 16 : 4;

	fputc(PROG_OP_OPEN, f);
	fputc((int)slot, f);
	fputc((c->family == TRC_FAMILY_IPV6) | (int)(c->flags & 7) << 1, f);
	fwrite(c->laddr, 1, alen, f);
	fwrite(c->raddr, 1, alen, f);
	put_le(f, c->lport, 2);
	put_le(f, c->rport, 2);
	put_le(f, c->netns, 4);
	put_le(f, c->cookie, 8);
}

/* The slot of conn c, opening it first when it has none. */
static unsigned int slot_of(FILE *f, struct slots *s, const struct trc_conn *c, uint64_t now)
{
	unsigned int lru = 0;

	for (unsigned int i = 0; i < PROG_SLOTS; i++) {
		if (s->serial[i] == c->serial) {
			s->used[i] = now;
			return i;
		}
		if (s->used[i] < s->used[lru])
			lru = i;
	}
	put_open(f, lru, c);
	s->serial[lru] = c->serial;
	s->used[lru] = now;
	return lru;
}

static void put_event(FILE *f, const struct trc_event *ev, unsigned int slot)
{
	static const uint8_t ops[] = {
		[TRC_EV_STATE] = PROG_OP_STATE,	      [TRC_EV_SEGMENT] = PROG_OP_SEGMENT,
		[TRC_EV_TIMEWAIT] = PROG_OP_TIMEWAIT, [TRC_EV_RETRANSMIT] = PROG_OP_RETRANS,
		[TRC_EV_RESET] = PROG_OP_RESET,	      [TRC_EV_LOST] = PROG_OP_LOST,
	};

	fputc(ops[ev->type], f);
	if (ev->type != TRC_EV_LOST)
		fputc((int)slot, f);
	switch (ev->type) {
	case TRC_EV_STATE: {
		size_t n = strnlen(ev->state.comm, 15);
		fputc(ev->state.old_state, f);
		fputc(ev->state.new_state, f);
		fputc(ev->state.flags, f);
		if (ev->state.flags & TRC_STATE_F_OWNER) {
			put_le(f, ev->state.pid, 4);
			put_le(f, ev->state.tgid, 4);
			fputc((int)n, f);
			fwrite(ev->state.comm, 1, n, f);
		}
		break;
	}
	case TRC_EV_SEGMENT:
		fputc(ev->seg.dir | ev->seg.flags << 1, f);
		fputc(ev->seg.tcp_flags, f);
		if (ev->seg.flags & TRC_SEG_F_SEQ) {
			put_le(f, ev->seg.seq, 4);
			put_le(f, ev->seg.ack, 4);
			put_le(f, ev->seg.window, 4);
			put_le(f, ev->seg.payload_len, 4);
		}
		break;
	case TRC_EV_TIMEWAIT:
		fputc(ev->tw.phase | ev->tw.precision << 1, f);
		put_varint(f, ev->tw.precision_ns);
		break;
	case TRC_EV_RETRANSMIT:
		fputc(ev->retrans.tcp_flags, f);
		fputc(ev->retrans.old_state, f);
		break;
	case TRC_EV_RESET:
		fputc(ev->reset.dir, f);
		break;
	default:
		put_varint(f, ev->t_ns - ev->lost.t_begin_ns);
		put_varint(f, ev->lost.t_end_ns - ev->t_ns);
		fputc(ev->lost.cpu > 0xfe ? 0xff : (int)ev->lost.cpu, f);
		put_varint(f, ev->lost.count);
		fputc(ev->lost.reason, f);
	}
}

static int translate(struct trc_reader *r, FILE *f)
{
	const struct trc_header *h = trc_reader_header(r);
	struct slots s = { 0 };
	uint64_t now = PROG_T0_NS, n = 0;
	const struct trc_conn *c;
	struct trc_event ev;
	struct trc_error e;
	enum trc_status st;

	fputc(!strncmp(h->source, "pcap", 4) ? PROG_CFG_PCAP : 0, f);
	while ((st = trc_reader_next(r, &ev, &c, &e)) == TRC_OK) {
		if (ev.t_ns != now) {
			fputc(ev.t_ns > now ? PROG_OP_TIME : PROG_OP_TIME_BACK, f);
			put_varint(f, ev.t_ns > now ? ev.t_ns - now : now - ev.t_ns);
			now = ev.t_ns;
		}
		n++;
		put_event(f, &ev, c ? slot_of(f, &s, c, n) : 0);
	}
	if (st != TRC_EOF && st != TRC_TRUNCATED) {
		fprintf(stderr, "trc2prog: %s: %s\n", trc_status_name(st), e.msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct trc_error e;

	if (argc != 3) {
		fprintf(stderr, "usage: trc2prog IN.trc OUT.prog\n");
		return 2;
	}
	struct trc_reader *r = trc_reader_open_file(argv[1], &e);
	if (!r) {
		fprintf(stderr, "trc2prog: %s: %s\n", argv[1], e.msg);
		return 1;
	}
	FILE *f = fopen(argv[2], "wb");
	int rc = f ? translate(r, f) : -1;
	if (f && (fclose(f) != 0))
		rc = -1;
	if (!f)
		perror(argv[2]);
	trc_reader_close(r);
	return rc < 0 ? 1 : 0;
}
