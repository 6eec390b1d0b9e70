// SPDX-License-Identifier: BSD-2-Clause
/*
 * tracegen.c - synthetic traces through the real format writer, the
 * analyser run on them through the real reader, and a tiny check harness.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs.h"
#include "tracegen.h"

struct tg {
	struct trc_writer *w;
	FILE *f;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "tracegen: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(99);
}

struct tg *tg_new(const char *source)
{
	return tg_new_chunked(source, 0);
}

struct tg *tg_new_chunked(const char *source, uint32_t chunk_bytes)
{
	struct trc_writer_opts o = { .sz = sizeof(o), .chunk_bytes = chunk_bytes };
	struct trc_header h = { 0 };
	struct trc_error e = { 0 };
	struct tg *g = calloc(1, sizeof(*g));

	if (!g || !(g->f = tmpfile()))
		die("tmpfile", errno);
	snprintf(h.tool_version, sizeof(h.tool_version), "tracegen 1");
	snprintf(h.hostname, sizeof(h.hostname), "testhost");
	snprintf(h.kernel_release, sizeof(h.kernel_release), "6.18.0-test");
	snprintf(h.machine, sizeof(h.machine), "x86_64");
	snprintf(h.source, sizeof(h.source), "%s", source);
	h.clock = TRC_CLOCK_MONOTONIC;
	h.anchor_clock_ns = 0;
	h.anchor_realtime_ns = 1763782800ull * SEC; /* 2025-11-22T03:40:00Z */
	g->w = trc_writer_open_fd(fileno(g->f), &h, &o, &e);
	if (!g->w)
		die(e.msg, errno);
	return g;
}

uint64_t tg_conn(struct tg *g, const char *la, uint16_t lp, const char *ra, uint16_t rp,
		 uint32_t netns, uint32_t flags)
{
	struct trc_conn c = { 0 };
	uint64_t serial;
	int rc;

	c.family = strchr(la, ':') ? TRC_FAMILY_IPV6 : TRC_FAMILY_IPV4;
	inet_pton(c.family == TRC_FAMILY_IPV6 ? AF_INET6 : AF_INET, la, c.laddr);
	inet_pton(c.family == TRC_FAMILY_IPV6 ? AF_INET6 : AF_INET, ra, c.raddr);
	c.lport = lp;
	c.rport = rp;
	c.netns = netns;
	c.flags = flags;
	c.cookie = flags & TRC_CONN_F_FLOW_ONLY ? 0 : 1000 + lp;
	rc = trc_writer_conn_open(g->w, &c, &serial);
	if (rc < 0)
		die("conn_open", rc);
	return serial;
}

void tg_close_conn(struct tg *g, uint64_t serial)
{
	(void)trc_writer_conn_close(g->w, serial);
}

static void append(struct tg *g, const struct trc_event *ev)
{
	int rc = trc_writer_append(g->w, ev);

	if (rc < 0)
		die("append", rc);
}

void tg_state(struct tg *g, uint64_t serial, uint64_t t, int old, int nw, uint32_t owner)
{
	struct trc_event ev = { .type = TRC_EV_STATE, .t_ns = t, .conn_serial = serial };

	ev.state.old_state = (uint8_t)old;
	ev.state.new_state = (uint8_t)nw;
	if (owner) {
		ev.state.flags = TRC_STATE_F_OWNER;
		ev.state.pid = owner;
		ev.state.tgid = owner;
		snprintf(ev.state.comm, sizeof(ev.state.comm), "app%u", owner);
	}
	append(g, &ev);
}

void tg_snapshot(struct tg *g, uint64_t serial, uint64_t t, int st)
{
	struct trc_event ev = { .type = TRC_EV_STATE, .t_ns = t, .conn_serial = serial };

	ev.state.new_state = (uint8_t)st;
	ev.state.flags = TRC_STATE_F_SNAPSHOT;
	append(g, &ev);
}

uint8_t tg_flags(const char *s)
{
	static const char letters[] = "FSRP.UEW";
	uint8_t f = 0;

	for (; *s; s++) {
		const char *p = strchr(letters, *s);

		if (p)
			f |= (uint8_t)(1u << (p - letters));
	}
	return f;
}

void tg_seg_seq(struct tg *g, uint64_t serial, uint64_t t, bool tx, const char *flags, uint32_t seq,
		uint32_t ack, uint32_t win, uint32_t len)
{
	struct trc_event ev = { .type = TRC_EV_SEGMENT, .t_ns = t, .conn_serial = serial };

	ev.seg.dir = tx ? TRC_DIR_TX : TRC_DIR_RX;
	ev.seg.tcp_flags = tg_flags(flags);
	ev.seg.flags = TRC_SEG_F_SEQ;
	ev.seg.seq = seq;
	ev.seg.ack = ack;
	ev.seg.window = win;
	ev.seg.payload_len = len;
	append(g, &ev);
}

void tg_seg(struct tg *g, uint64_t serial, uint64_t t, bool tx, const char *flags)
{
	struct trc_event ev = { .type = TRC_EV_SEGMENT, .t_ns = t, .conn_serial = serial };

	ev.seg.dir = tx ? TRC_DIR_TX : TRC_DIR_RX;
	ev.seg.tcp_flags = tg_flags(flags);
	append(g, &ev);
}

void tg_tw(struct tg *g, uint64_t serial, uint64_t t, bool enter)
{
	struct trc_event ev = { .type = TRC_EV_TIMEWAIT, .t_ns = t, .conn_serial = serial };

	ev.tw.phase = enter ? TRC_TW_ENTER : TRC_TW_EXIT;
	ev.tw.precision = TRC_TW_POLLED;
	ev.tw.precision_ns = 100 * MS;
	append(g, &ev);
}

void tg_retrans(struct tg *g, uint64_t serial, uint64_t t, const char *flags, int st)
{
	struct trc_event ev = { .type = TRC_EV_RETRANSMIT, .t_ns = t, .conn_serial = serial };

	ev.retrans.tcp_flags = tg_flags(flags);
	ev.retrans.old_state = (uint8_t)st;
	append(g, &ev);
}

void tg_reset(struct tg *g, uint64_t serial, uint64_t t, bool tx)
{
	struct trc_event ev = { .type = TRC_EV_RESET, .t_ns = t, .conn_serial = serial };

	ev.reset.dir = tx ? TRC_DIR_TX : TRC_DIR_RX;
	append(g, &ev);
}

void tg_sock(struct tg *g, uint64_t serial, uint64_t t, unsigned int kind, int st, uint32_t flags,
	     unsigned int n, const uint16_t *keys, const uint64_t *values)
{
	struct trc_event ev = { .type = TRC_EV_SOCK, .t_ns = t, .conn_serial = serial };

	ev.sock.kind = (uint16_t)kind;
	ev.sock.state = (uint8_t)st;
	ev.sock.flags = flags;
	ev.sock.n_fields = (uint8_t)n;
	memcpy(ev.sock.key, keys, n * sizeof(*keys));
	memcpy(ev.sock.value, values, n * sizeof(*values));
	append(g, &ev);
}

void tg_lost(struct tg *g, uint64_t t, uint64_t t_begin, uint64_t t_end, uint64_t count)
{
	struct trc_event ev = { .type = TRC_EV_LOST, .t_ns = t };

	ev.lost.t_begin_ns = t_begin;
	ev.lost.count = count;
	ev.lost.t_end_ns = t_end;
	ev.lost.cpu = 0;
	ev.lost.reason = TRC_LOST_RINGBUF;
	append(g, &ev);
}

uint8_t *tg_finish(struct tg *g, size_t *len)
{
	return tg_finish_stopped(g, 0, len);
}

uint8_t *tg_finish_stopped(struct tg *g, uint64_t stop_t, size_t *len)
{
	struct trc_trailer stop = {
		.end_realtime_ns = 1763782800ull * SEC + stop_t,
		.end_reason = TRC_END_SIGNAL,
	};
	struct trc_error e = { 0 };
	struct stat st;
	uint8_t *buf;
	int rc = trc_writer_close(g->w, stop_t ? &stop : NULL, &e);

	if (rc < 0)
		die(e.msg, rc);
	if (fstat(fileno(g->f), &st) < 0)
		die("fstat", errno);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf || pread(fileno(g->f), buf, (size_t)st.st_size, 0) != st.st_size)
		die("read back", errno);
	*len = (size_t)st.st_size;
	fclose(g->f);
	free(g);
	return buf;
}

int tg_save(const uint8_t *buf, size_t len, const char *path)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -errno;
	if (fwrite(buf, 1, len, f) != len)
		rc = -EIO;
	if (fclose(f))
		rc = -EIO;
	return rc;
}
