// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-roundtrip - every record type with boundary values is written and
 * read back field for field: ports 0 and 65535, IPv4 and IPv6, times near
 * 2^64, empty and over-long comm, all 8 TCP flag bits, seq/ack wrapping,
 * lost records on CPU UINT32_MAX; the header and trailer too.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "tutil.h"

static struct trc_event evs[8192];
static size_t nev;

static void add(struct trc_writer *w, const struct trc_event *ev)
{
	REQUIRE(trc_writer_append(w, ev) == 0);
	evs[nev++] = *ev;
}

static uint64_t open_conn(struct trc_writer *w, int v6, uint16_t lport, uint16_t rport,
			  uint64_t cookie)
{
	struct trc_conn c = { .family = v6 ? TRC_FAMILY_IPV6 : TRC_FAMILY_IPV4,
			      .lport = lport,
			      .rport = rport,
			      .netns = UINT32_MAX,
			      .cgroup_id = UINT64_MAX,
			      .cookie = cookie,
			      .flags = UINT32_MAX };
	uint64_t s;
	memset(c.laddr, 0xff, sizeof(c.laddr));
	memset(c.raddr, 0x00, sizeof(c.raddr));
	c.raddr[0] = 0x20;
	c.raddr[15] = 1;
	REQUIRE(trc_writer_conn_open(w, &c, &s) == 0);
	return s;
}

static void states(struct trc_writer *w, uint64_t s, uint64_t *t)
{
	struct trc_event ev = { .type = TRC_EV_STATE, .conn_serial = s };
	for (unsigned int o = 0; o <= TRC_TCP_STATE_MAX; o++)
		for (unsigned int n = 0; n <= TRC_TCP_STATE_MAX; n++) {
			ev.t_ns = (*t)++;
			ev.state.old_state = (uint8_t)o;
			ev.state.new_state = (uint8_t)n;
			ev.state.flags = (uint8_t)((o + n) % 4);
			ev.state.pid = (o * n) % 3 ? UINT32_MAX : 0;
			ev.state.tgid = o % 2 ? UINT32_MAX : 1;
			memset(ev.state.comm, 0, sizeof(ev.state.comm));
			if (n % 3 == 1)
				memset(ev.state.comm, 'x', sizeof(ev.state.comm)); /* no NUL */
			else if (n % 3 == 2)
				strcpy(ev.state.comm, "curl");
			add(w, &ev);
		}
}

static void segments(struct trc_writer *w, uint64_t s, uint64_t *t)
{
	struct trc_event ev = { .type = TRC_EV_SEGMENT, .conn_serial = s };
	for (unsigned int f = 0; f < 256; f++)
		for (unsigned int k = 0; k < 8; k++) {
			ev.t_ns = (*t)++;
			ev.seg.dir = (uint8_t)(k & 1);
			ev.seg.tcp_flags = (uint8_t)f;
			ev.seg.flags = (uint8_t)(k >> 1);
			ev.seg.seq = k & 2 ? UINT32_MAX - f : f * 1000u;
			ev.seg.ack = k & 4 ? 0 : UINT32_MAX;
			ev.seg.window = f % 2 ? UINT32_MAX : 0;
			ev.seg.payload_len = f * 7u;
			add(w, &ev);
		}
}

static void others(struct trc_writer *w, uint64_t s, uint64_t *t)
{
	struct trc_event ev = { .conn_serial = s };
	for (unsigned int i = 0; i < 8; i++) {
		memset(&ev.tw, 0, sizeof(ev.tw));
		ev.type = TRC_EV_TIMEWAIT;
		ev.t_ns = (*t)++;
		ev.tw.phase = i & 1;
		ev.tw.precision = (i >> 1) & 1;
		ev.tw.precision_ns = i & 4 ? UINT64_MAX : 0;
		add(w, &ev);
	}
	for (unsigned int i = 0; i <= TRC_TCP_STATE_MAX; i++) {
		ev.type = TRC_EV_RETRANSMIT;
		ev.t_ns = (*t)++;
		ev.retrans.old_state = (uint8_t)i;
		ev.retrans.tcp_flags = (uint8_t)(0xff - i);
		add(w, &ev);
	}
	for (unsigned int i = 0; i < 2; i++) {
		ev.type = TRC_EV_RESET;
		ev.t_ns = (*t)++;
		ev.reset.dir = (uint8_t)i;
		add(w, &ev);
	}
}

static void lost(struct trc_writer *w, uint64_t *t)
{
	struct trc_event ev = { .type = TRC_EV_LOST };
	uint32_t cpus[] = { 0, 1, UINT32_MAX, UINT32_MAX - 1 };
	for (unsigned int i = 0; i < 4; i++) {
		ev.t_ns = (*t)++;
		ev.lost.count = i == 3 ? UINT64_MAX : i;
		ev.lost.t_end_ns = i == 2 ? UINT64_MAX : ev.t_ns + i;
		ev.lost.t_begin_ns = ev.t_ns - i; /* i == 0: the record's own time */
		ev.lost.cpu = cpus[i];
		ev.lost.reason = (uint8_t)(i % 3);
		add(w, &ev);
	}
}

static void check_read(const struct tbuf *b, const struct trc_conn *decl, size_t ndecl)
{
	struct trc_error err;
	struct trc_reader *r = trc_reader_open_mem(b->p, b->len, &err);
	REQUIRE(r);
	struct trc_header h;
	tu_header(&h);
	const struct trc_header *rh = trc_reader_header(r);
	REQUIRE(rh->version_major == TRC_VERSION_MAJOR && rh->version_minor == TRC_VERSION_MINOR);
	REQUIRE(!strcmp(rh->tool_version, h.tool_version) && !strcmp(rh->probes, h.probes));
	REQUIRE(rh->anchor_realtime_ns == h.anchor_realtime_ns && rh->clock == h.clock);

	struct trc_event ev;
	const struct trc_conn *c;
	for (size_t i = 0; i < nev; i++) {
		REQUIRE(trc_reader_next(r, &ev, &c, &err) == TRC_OK);
		REQUIRE(tu_event_equal(&ev, &evs[i]));
		if (ev.type == TRC_EV_STATE && (ev.state.flags & TRC_STATE_F_OWNER))
			REQUIRE(strlen(ev.state.comm) <= TRC_COMM_LEN - 1);
		if (ev.type != TRC_EV_LOST) {
			REQUIRE(c && c->serial >= 1 && c->serial <= ndecl);
			REQUIRE(tu_conn_equal(c, &decl[c->serial - 1]));
		}
	}
	REQUIRE(trc_reader_next(r, &ev, &c, &err) == TRC_EOF);
	REQUIRE(trc_reader_next(r, &ev, &c, &err) == TRC_EOF);
	const struct trc_trailer *t = trc_reader_trailer(r);
	REQUIRE(t && t->events == nev && t->connections == ndecl && t->malformed == 3);
	REQUIRE(t->end_reason == TRC_END_SIGNAL && t->end_realtime_ns == 42);
	REQUIRE(t->t_last_ns == evs[nev - 1].t_ns && t->t_first_ns == evs[0].t_ns);
	trc_reader_close(r);
}

int main(void)
{
	int fd;
	struct trc_writer *w = tu_writer(&fd, 2048); /* small chunks: many of them */
	struct trc_conn decl[4];
	uint64_t s[4], t = 5;

	s[0] = open_conn(w, 0, 0, 65535, 0);
	s[1] = open_conn(w, 1, 65535, 0, UINT64_MAX);
	s[2] = open_conn(w, 0, 1, 1, 1);
	s[3] = open_conn(w, 1, 443, 443, 0x8000000000000000ull);
	for (int i = 0; i < 4; i++)
		decl[i] = *trc_writer_conn_get(w, s[i]);
	REQUIRE(decl[0].family == TRC_FAMILY_IPV4 && decl[0].laddr[4] == 0); /* v4 tail zeroed */
	states(w, s[0], &t);
	segments(w, s[1], &t);
	segments(w, s[0], &t);
	others(w, s[2], &t);
	others(w, s[3], &t);
	lost(w, &t);
	t = UINT64_MAX - 300; /* times near 2^64 */
	states(w, s[3], &t);
	/* Backwards time is clamped and counted. */
	struct trc_writer_stats st;
	struct trc_event back = evs[nev - 1];
	back.t_ns = 7;
	REQUIRE(trc_writer_append(w, &back) == 0);
	back.t_ns = evs[nev - 1].t_ns;
	evs[nev++] = back;
	trc_writer_get_stats(w, &st);
	REQUIRE(st.clamped_times >= 1 && st.events == nev && st.chunks > 3);
	/* Invalid events are refused without side effects. */
	struct trc_event bad = { .type = TRC_EV_STATE, .conn_serial = s[0] };
	bad.state.new_state = TRC_TCP_STATE_MAX + 1;
	REQUIRE(trc_writer_append(w, &bad) == -EINVAL);
	bad.type = 99;
	REQUIRE(trc_writer_append(w, &bad) == -EINVAL);
	bad.type = TRC_EV_RESET;
	bad.conn_serial = 12345;
	REQUIRE(trc_writer_append(w, &bad) == -ENOENT);
	REQUIRE(trc_writer_conn_close(w, 12345) == -ENOENT);
	REQUIRE(trc_writer_conn_close(w, s[2]) == 0);
	REQUIRE(trc_writer_conn_get(w, s[2]) == NULL);

	struct tbuf b = tu_finish(w, fd);
	check_read(&b, decl, 4);
	printf("round trip: %zu events, %zu bytes\n", nev, b.len);
	free(b.p);
	return 0;
}
