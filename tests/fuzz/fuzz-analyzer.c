// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz-analyzer - structure-aware fuzzing of tcpana's analyser.  The input
 * is a program of trace-writer calls (analyzer-prog.h); the trace it
 * writes is valid to the format, strange to the analyser (states in any
 * order, reused tuples and cookies, connections left open, every event
 * type mixed).  The whole analyser then runs on it in every output mode:
 * once for all modes without per-segment lists, their sinks fed side by
 * side, and once for --json --segments.
 *
 * Besides crashes, hangs and sanitizer reports it checks the analyser's
 * promises on a well-formed trace: it reads clean (no damage reported),
 * counts every event the writer accepted, and writes --json and --jsonl
 * output that parses as JSON.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer-prog.h"
#include "check.h"
#include "sinks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct prog {
	const uint8_t *p;
	size_t left;
};

static uint8_t u8(struct prog *g)
{
	if (!g->left)
		return 0;
	g->left--;
	return *g->p++;
}

static uint64_t uint_le(struct prog *g, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)u8(g) << (8 * i);
	return v;
}

static uint64_t varint(struct prog *g)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		uint8_t b = u8(g);
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	return v;
}

/* The interpreter's state: the writer, "now", the slots. */
struct run {
	struct trc_writer *w;
	uint64_t now;
	uint64_t serial[PROG_SLOTS];
	struct trc_conn decl[PROG_SLOTS];
	unsigned int opens;
	uint64_t accepted; /* events the writer took */
};

static void open_decl(struct run *r, unsigned int slot, const struct trc_conn *c)
{
	uint64_t serial;

	if (r->opens >= PROG_MAX_OPENS)
		return;
	r->opens++;
	REQUIRE(trc_writer_conn_open(r->w, c, &serial) == 0);
	r->serial[slot] = serial;
	r->decl[slot] = *c;
}

static void op_open(struct run *r, struct prog *g)
{
	unsigned int slot = u8(g) % PROG_SLOTS, ff = u8(g);
	struct trc_conn c = { 0 };
	size_t alen = ff & 1 ? 16 : 4;

	c.family = ff & 1 ? TRC_FAMILY_IPV6 : TRC_FAMILY_IPV4;
	c.flags = (ff >> 1) & 7;
	for (size_t i = 0; i < alen; i++)
		c.laddr[i] = u8(g);
	for (size_t i = 0; i < alen; i++)
		c.raddr[i] = u8(g);
	c.lport = (uint16_t)uint_le(g, 2);
	c.rport = (uint16_t)uint_le(g, 2);
	c.netns = (uint32_t)uint_le(g, 4);
	c.cookie = uint_le(g, 8);
	open_decl(r, slot, &c);
}

static void op_open_like(struct run *r, struct prog *g)
{
	unsigned int slot = u8(g) % PROG_SLOTS, src = u8(g) % PROG_SLOTS, how = u8(g);
	struct trc_conn c = r->decl[src];

	if (!c.family)
		c.family = TRC_FAMILY_IPV4; /* a slot never opened: all zero */
	if (how & 1) {
		uint8_t a[16];
		uint16_t p = c.lport;
		memcpy(a, c.laddr, 16);
		memcpy(c.laddr, c.raddr, 16);
		memcpy(c.raddr, a, 16);
		c.lport = c.rport;
		c.rport = p;
	}
	c.cookie += !!(how & 2);
	c.flags ^= how & 4 ? TRC_CONN_F_FLOW_ONLY : 0;
	c.lport += !!(how & 8);
	c.netns += !!(how & 16);
	open_decl(r, slot, &c);
}

static uint64_t conn_operand(const struct run *r, struct prog *g)
{
	uint8_t b = u8(g);
	return b & 0x80 ? (uint64_t)(b & 0x7f) : r->serial[b % PROG_SLOTS];
}

static uint8_t state_operand(struct prog *g)
{
	return (uint8_t)(u8(g) % (TRC_TCP_STATE_MAX + 1));
}

static void ev_state(struct prog *g, struct trc_event *ev)
{
	ev->state.old_state = state_operand(g);
	ev->state.new_state = state_operand(g);
	ev->state.flags = u8(g) & (TRC_STATE_F_SNAPSHOT | TRC_STATE_F_OWNER);
	if (ev->state.flags & TRC_STATE_F_OWNER) {
		ev->state.pid = (uint32_t)uint_le(g, 4);
		ev->state.tgid = (uint32_t)uint_le(g, 4);
		unsigned int n = u8(g) & 15;
		for (unsigned int i = 0; i < n; i++)
			ev->state.comm[i] = (char)u8(g);
	}
}

static void ev_segment(struct prog *g, struct trc_event *ev)
{
	uint8_t bits = u8(g);

	ev->seg.dir = bits & 1 ? TRC_DIR_TX : TRC_DIR_RX;
	ev->seg.tcp_flags = u8(g);
	ev->seg.flags = (bits >> 1) & (TRC_SEG_F_SEQ | TRC_SEG_F_SNAP_SHORT);
	if (ev->seg.flags & TRC_SEG_F_SEQ) {
		ev->seg.seq = (uint32_t)uint_le(g, 4);
		ev->seg.ack = (uint32_t)uint_le(g, 4);
		ev->seg.window = (uint32_t)uint_le(g, 4);
		ev->seg.payload_len = (uint32_t)uint_le(g, 4);
	}
}

static void ev_lost(const struct run *r, struct prog *g, struct trc_event *ev)
{
	uint64_t before = varint(g), after = varint(g);
	uint8_t cpu = u8(g);

	ev->lost.count = varint(g);
	ev->lost.t_begin_ns = before > r->now ? 0 : r->now - before;
	ev->lost.t_end_ns = after > UINT64_MAX - r->now ? UINT64_MAX : r->now + after;
	ev->lost.cpu = cpu == 0xff ? UINT32_MAX : cpu;
	ev->lost.reason = u8(g) % (TRC_LOST_CAPTURE + 1);
}

/* Decodes one event instruction and offers it to the writer, which either
 * takes it or refuses an unknown serial. */
static void op_event(struct run *r, struct prog *g, unsigned int op)
{
	struct trc_event ev = { .t_ns = r->now };

	if (op != PROG_OP_LOST)
		ev.conn_serial = conn_operand(r, g);
	switch (op) {
	case PROG_OP_STATE:
		ev.type = TRC_EV_STATE;
		ev_state(g, &ev);
		break;
	case PROG_OP_SEGMENT:
		ev.type = TRC_EV_SEGMENT;
		ev_segment(g, &ev);
		break;
	case PROG_OP_TIMEWAIT:
		ev.type = TRC_EV_TIMEWAIT;
		ev.tw.phase = u8(g);
		ev.tw.precision = (ev.tw.phase >> 1) & 1;
		ev.tw.phase &= 1;
		ev.tw.precision_ns = varint(g);
		break;
	case PROG_OP_RETRANS:
		ev.type = TRC_EV_RETRANSMIT;
		ev.retrans.tcp_flags = u8(g);
		ev.retrans.old_state = state_operand(g);
		break;
	case PROG_OP_RESET:
		ev.type = TRC_EV_RESET;
		ev.reset.dir = u8(g) & 1;
		break;
	default:
		ev.type = TRC_EV_LOST;
		ev_lost(r, g, &ev);
	}
	int rc = trc_writer_append(r->w, &ev);
	REQUIRE(rc == 0 || rc == -ENOENT);
	r->accepted += rc == 0;
}

static void step(struct run *r, struct prog *g, unsigned int op)
{
	uint64_t d;

	switch (op) {
	case PROG_OP_OPEN:
		op_open(r, g);
		break;
	case PROG_OP_OPEN_LIKE:
		op_open_like(r, g);
		break;
	case PROG_OP_CLOSE: {
		int rc = trc_writer_conn_close(r->w, r->serial[u8(g) % PROG_SLOTS]);
		REQUIRE(rc == 0 || rc == -ENOENT);
		break;
	}
	case PROG_OP_TIME:
		d = varint(g);
		r->now = d > UINT64_MAX - r->now ? UINT64_MAX : r->now + d;
		break;
	case PROG_OP_TIME_BACK:
		d = varint(g);
		r->now = d > r->now ? 0 : r->now - d;
		break;
	case PROG_OP_FLUSH:
		REQUIRE(trc_writer_flush(r->w) == 0);
		break;
	case PROG_OP_TICK:
		d = varint(g);
		REQUIRE(trc_writer_tick(r->w, d > UINT64_MAX - r->now ? UINT64_MAX : r->now + d) ==
			0);
		break;
	default:
		op_event(r, g, op);
	}
}

static void header_for(uint8_t cfg, struct trc_header *h)
{
	memset(h, 0, sizeof(*h));
	snprintf(h->tool_version, sizeof(h->tool_version), "fuzz-analyzer");
	snprintf(h->hostname, sizeof(h->hostname), "fuzzhost");
	snprintf(h->kernel_release, sizeof(h->kernel_release), "6.18.0");
	snprintf(h->machine, sizeof(h->machine), "x86_64");
	snprintf(h->source, sizeof(h->source), cfg & PROG_CFG_PCAP ? "pcap-file:fuzz" : "ebpf");
	h->clock = TRC_CLOCK_MONOTONIC;
	h->anchor_realtime_ns = 1763782800000000000ull;
	h->anchor_clock_ns = cfg & PROG_CFG_ANCHOR ? UINT64_MAX / 2 : 0;
}

/* Runs the program into a trace in memfd fd; returns the events written. */
static uint64_t write_trace(int fd, const uint8_t *data, size_t size)
{
	static const uint32_t chunk[4] = { 0, 1024, 4096, 16384 };
	struct prog g = { data, size };
	uint8_t cfg = u8(&g);
	struct trc_writer_opts o = { .sz = sizeof(o),
				     .chunk_bytes = chunk[cfg & PROG_CFG_CHUNK_MASK] };
	struct run r = { .now = PROG_T0_NS };
	struct trc_header h;
	struct trc_error e;

	header_for(cfg, &h);
	REQUIRE(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
	r.w = trc_writer_open_fd(fd, &h, &o, &e);
	REQUIRE(r.w != NULL);
	while (g.left && r.accepted < PROG_MAX_EVENTS)
		step(&r, &g, u8(&g) % PROG_OP_COUNT);
	REQUIRE(trc_writer_close(r.w, NULL, &e) == 0);
	return r.accepted;
}

/* JSON output: --json --segments (a superset of --json) must parse; a
 * full parse of every mode would double the time per execution, so the
 * others get a cheap shape check: one document, or one object per
 * reported connection and one for the summary. */
static void check_json(const char *buf, size_t len, enum output_mode mode, bool segs,
		       uint64_t conns)
{
	json_error_t je;
	json_t *j;
	uint64_t lines = 0;

	REQUIRE(len >= 3 && buf[0] == '{' && buf[len - 2] == '}' && buf[len - 1] == '\n');
	if (mode == MODE_JSON && segs) {
		REQUIRE((j = json_loadb(buf, len, 0, &je)) != NULL);
		json_decref(j);
	}
	if (mode != MODE_JSONL)
		return;
	for (const char *p = buf, *end = buf + len; p < end; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		REQUIRE(nl != NULL && nl - p >= 2 && p[0] == '{' && nl[-1] == '}');
		p = nl + 1;
	}
	REQUIRE(lines == conns + 1);
}

/* One output mode as tcpana's command line selects it, writing to a
 * null sink, or to memory for the JSON checks. */
struct mode_out {
	struct config cfg;
	struct out_ctx o;
	struct analyzer_sink sink;
	char *buf;
	size_t len;
};

/* All modes of one pass: the analyser runs once and every mode's sink
 * sees each callback in turn, exactly as it would in its own run. */
struct fan {
	struct mode_out *m;
	int n;
};

static int fan_header(void *arg, const char *path, const struct trc_header *hdr)
{
	struct fan *f = arg;
	int rc = 0;
	for (int i = 0; i < f->n && rc >= 0; i++)
		if (f->m[i].sink.header)
			rc = f->m[i].sink.header(f->m[i].sink.arg, path, hdr);
	return rc;
}

static int fan_event(void *arg, const struct trc_header *hdr, const struct trc_event *ev,
		     const struct trc_conn *conn)
{
	struct fan *f = arg;
	int rc = 0;
	for (int i = 0; i < f->n && rc >= 0; i++)
		if (f->m[i].sink.event)
			rc = f->m[i].sink.event(f->m[i].sink.arg, hdr, ev, conn);
	return rc;
}

static int fan_conn(void *arg, const struct connection_view *v)
{
	struct fan *f = arg;
	int rc = 0;
	for (int i = 0; i < f->n && rc >= 0; i++)
		if (f->m[i].sink.conn)
			rc = f->m[i].sink.conn(f->m[i].sink.arg, v);
	return rc;
}

static int fan_summary(void *arg, const struct analyzer_summary *sum)
{
	struct fan *f = arg;
	int rc = 0;
	for (int i = 0; i < f->n && rc >= 0; i++)
		if (f->m[i].sink.summary)
			rc = f->m[i].sink.summary(f->m[i].sink.arg, sum);
	return rc;
}

static void mode_open(struct mode_out *m, enum output_mode mode, bool segs, int n, FILE *devnull)
{
	static const char *const names[2] = { "fuzz-a.trc", "fuzz-b.trc" };

	memset(m, 0, sizeof(*m));
	m->cfg.mode = mode;
	m->cfg.segments = segs;
	m->o.segments = segs;
	m->o.paths = names;
	m->o.npaths = n;
	m->o.fp = mode == MODE_JSON || mode == MODE_JSONL ? open_memstream(&m->buf, &m->len)
							  : devnull;
	REQUIRE(m->o.fp != NULL);
	REQUIRE(sink_make(&m->cfg, &m->sink, &m->o) == 0);
}

static void mode_close(struct mode_out *m, uint64_t conns)
{
	out_ctx_free(&m->o);
	if (!m->buf && m->cfg.mode != MODE_JSON && m->cfg.mode != MODE_JSONL)
		return;
	REQUIRE(fclose(m->o.fp) == 0);
	check_json(m->buf, m->len, m->cfg.mode, m->cfg.segments, conns);
	free(m->buf);
}

/* Runs the whole analyser once on n copies of the trace, for every mode
 * in modes[0..nm). */
static void analyse(const uint8_t *buf, size_t len, int n, struct mode_out *modes, int nm,
		    bool keep_segments, uint64_t events)
{
	static const char *const names[2] = { "fuzz-a.trc", "fuzz-b.trc" };
	struct fan f = { modes, nm };
	struct analyzer_sink sink = { fan_header, fan_event, fan_conn, fan_summary, &f };
	struct analyzer_opts aopts = { .keep_segments = keep_segments };
	struct analyzer_summary sum;
	struct trc_reader *r[2] = { NULL, NULL };
	struct trc_error e;

	for (int i = 0; i < n; i++)
		REQUIRE((r[i] = trc_reader_open_mem(buf, len, &e)) != NULL);
	int rc = analyzer_run_readers(r, names, n, &aopts, &sink, NULL, &sum);
	/* The writer made this file: it must read clean and whole. */
	REQUIRE(rc == 0 && sum.truncated == 0 && sum.corrupt_blocks == 0);
	REQUIRE(sum.events == events * (uint64_t)n);
	for (int i = 0; i < n; i++)
		trc_reader_close(r[i]);
	for (int i = 0; i < nm; i++)
		mode_close(&modes[i], sum.connections + sum.listeners);
}

/* Every output mode: one pass without the per-segment lists (text sorted
 * and limited, --json,
 * --jsonl, --timeline, --replay, --stats), one with them (--json
 * --segments), as tcpana builds them only for that option. */
static void analyse_all_modes(const uint8_t *buf, size_t len, int n, uint64_t events, FILE *devnull)
{
	static const enum output_mode plain[] = { MODE_TEXT,	 MODE_JSON,   MODE_JSONL,
						  MODE_TIMELINE, MODE_REPLAY, MODE_STATS };
	struct mode_out m[6];

	for (int i = 0; i < 6; i++)
		mode_open(&m[i], plain[i], false, n, devnull);
	/* The table as --sort bytes --limit 4 writes it: rows kept, replaced
	 * and written at the end. */
	m[0].o.rows.sort = SORT_BYTES;
	m[0].o.rows.limit = 4;
	analyse(buf, len, n, m, 6, false, events);
	mode_open(&m[0], MODE_JSON, true, n, devnull);
	analyse(buf, len, n, m, 1, true, events);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static FILE *devnull;

	if (fd < 0) {
		/* The writer and the analyser allocate tables of a few hundred
		 * KiB per trace; keep freed memory mapped, or each execution
		 * pays for mapping and faulting them in again (most of the
		 * time per execution on small inputs). */
		(void)mallopt(M_MMAP_THRESHOLD, 64 << 20);
		(void)mallopt(M_TRIM_THRESHOLD, 256 << 20);
		fd = memfd_create("fuzz-analyzer", MFD_CLOEXEC);
		devnull = fopen("/dev/null", "w");
		REQUIRE(fd >= 0 && devnull != NULL);
	}
	uint64_t events = write_trace(fd, data, size);
	off_t len = lseek(fd, 0, SEEK_CUR);
	REQUIRE(len > 0);
	/* An exact-size copy, so that ASan sees any read past the end. */
	uint8_t *buf = malloc((size_t)len);
	REQUIRE(buf != NULL && pread(fd, buf, (size_t)len, 0) == len);
	analyse_all_modes(buf, (size_t)len, size && data[0] & PROG_CFG_TWICE ? 2 : 1, events,
			  devnull);
	free(buf);
	return 0;
}
