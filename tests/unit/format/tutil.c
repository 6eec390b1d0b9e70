// SPDX-License-Identifier: BSD-2-Clause
/*
 * tutil.c - shared helpers of the format unit tests (see tutil.h).
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crc32c.h"
#include "tutil.h"
#include "wire.h"

void tu_header(struct trc_header *h)
{
	memset(h, 0, sizeof(*h));
	strcpy(h->tool_version, "tcprec-test 0.1.0");
	strcpy(h->hostname, "unit");
	strcpy(h->kernel_release, "6.18.0");
	strcpy(h->machine, "x86_64");
	h->clock = TRC_CLOCK_MONOTONIC;
	h->anchor_clock_ns = 123456789;
	h->anchor_realtime_ns = 1700000000000000000ull;
	strcpy(h->source, "ebpf");
	strcpy(h->probes, "state=tp_btf/inet_sock_set_state");
	strcpy(h->filters, "port 80");
	strcpy(h->options, "seq");
}

struct trc_writer *tu_writer(int *fd, uint32_t chunk_bytes)
{
	struct trc_header h;
	struct trc_writer_opts o = { .sz = sizeof(o), .chunk_bytes = chunk_bytes };
	struct trc_error err;

	tu_header(&h);
	*fd = memfd_create("trc", MFD_CLOEXEC);
	REQUIRE(*fd >= 0);
	struct trc_writer *w = trc_writer_open_fd(*fd, &h, &o, &err);
	REQUIRE(w);
	return w;
}

struct tbuf tu_slurp(int fd)
{
	struct tbuf b = { 0 };
	off_t end = lseek(fd, 0, SEEK_END);
	REQUIRE(end >= 0);
	b.len = (size_t)end;
	b.p = malloc(b.len ? b.len : 1);
	REQUIRE(b.p);
	REQUIRE(pread(fd, b.p, b.len, 0) == (ssize_t)b.len);
	return b;
}

struct tbuf tu_finish(struct trc_writer *w, int fd)
{
	struct trc_error err;
	struct trc_trailer extra = { .malformed = 3,
				     .end_realtime_ns = 42,
				     .end_reason = TRC_END_SIGNAL };
	REQUIRE(trc_writer_close(w, &extra, &err) == 0);
	struct tbuf b = tu_slurp(fd);
	close(fd);
	return b;
}

uint64_t tu_rand(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

uint64_t tu_rand_magnitude(uint64_t *rng)
{
	unsigned int shift = (unsigned int)(tu_rand(rng) % 64);

	return tu_rand(rng) >> shift;
}

void tu_random_conn(uint64_t *rng, struct trc_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->family = tu_rand(rng) & 1 ? TRC_FAMILY_IPV6 : TRC_FAMILY_IPV4;
	unsigned int n = c->family == TRC_FAMILY_IPV6 ? 16 : 4;
	for (unsigned int i = 0; i < n; i++) {
		c->laddr[i] = (uint8_t)(tu_rand(rng) % 3);
		c->raddr[i] = (uint8_t)tu_rand(rng);
	}
	c->lport = (uint16_t)tu_rand(rng);
	c->rport = tu_rand(rng) & 1 ? 80 : (uint16_t)tu_rand(rng);
	c->netns = tu_rand(rng) % 4 ? 4026531840u : (uint32_t)tu_rand(rng);
	c->cgroup_id = tu_rand(rng) % 4 ? 0 : tu_rand(rng);
	c->cookie = tu_rand(rng) % 8 ? tu_rand_magnitude(rng) : 0;
	c->flags = (uint32_t)(tu_rand(rng) % 8);
}

void tu_model_init(struct tu_model *m, struct trc_writer *w, uint64_t seed)
{
	memset(m, 0, sizeof(*m));
	m->w = w;
	m->rng = seed | 1;
	m->t = 1000;
}

static void model_open(struct tu_model *m)
{
	struct trc_conn c;
	uint64_t serial;
	tu_random_conn(&m->rng, &c);
	REQUIRE(trc_writer_conn_open(m->w, &c, &serial) == 0);
	if (serial >= m->decl_cap) {
		m->decl_cap = (serial + 1) * 2;
		m->decl = realloc(m->decl, m->decl_cap * sizeof(*m->decl));
		REQUIRE(m->decl);
	}
	m->decl[serial] = *trc_writer_conn_get(m->w, serial);
	m->ndecl++;
	if (m->nopen == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->open = realloc(m->open, m->cap * sizeof(*m->open));
		REQUIRE(m->open);
	}
	m->open[m->nopen++] = serial;
}

static void random_payload(struct tu_model *m, struct trc_event *ev)
{
	uint64_t *r = &m->rng;
	switch (ev->type) {
	case TRC_EV_STATE:
		ev->state.old_state = (uint8_t)(tu_rand(r) % (TRC_TCP_STATE_MAX + 1));
		ev->state.new_state = (uint8_t)(tu_rand(r) % (TRC_TCP_STATE_MAX + 1));
		ev->state.flags = (uint8_t)(tu_rand(r) % 4);
		if (ev->state.flags & TRC_STATE_F_OWNER) {
			ev->state.tgid = (uint32_t)(tu_rand(r) % 50);
			ev->state.pid = ev->state.tgid + (uint32_t)(tu_rand(r) % 3);
			snprintf(ev->state.comm, sizeof(ev->state.comm), "proc%u",
				 (unsigned int)(tu_rand(r) % 20));
		}
		break;
	case TRC_EV_SEGMENT:
		ev->seg.dir = (uint8_t)(tu_rand(r) & 1);
		ev->seg.tcp_flags = (uint8_t)tu_rand(r);
		ev->seg.flags = (uint8_t)(tu_rand(r) % 4);
		if (ev->seg.flags & TRC_SEG_F_SEQ) {
			ev->seg.seq = (uint32_t)tu_rand(r);
			ev->seg.ack = (uint32_t)tu_rand(r);
			ev->seg.window = (uint32_t)(tu_rand(r) % 70000);
			ev->seg.payload_len = (uint32_t)(tu_rand(r) % 1500);
		}
		break;
	case TRC_EV_TIMEWAIT:
		ev->tw.phase = (uint8_t)(tu_rand(r) & 1);
		ev->tw.precision = (uint8_t)(tu_rand(r) & 1);
		ev->tw.precision_ns = ev->tw.precision ? 100000000 : 0;
		break;
	case TRC_EV_RETRANSMIT:
		ev->retrans.tcp_flags = (uint8_t)tu_rand(r);
		ev->retrans.old_state = (uint8_t)(tu_rand(r) % (TRC_TCP_STATE_MAX + 1));
		break;
	case TRC_EV_RESET:
		ev->reset.dir = (uint8_t)(tu_rand(r) & 1);
		break;
	case TRC_EV_SOCK:
		ev->sock.kind = (uint16_t)(1 + tu_rand(r) % 3); /* 2, 3: kinds not allocated yet */
		ev->sock.state = (uint8_t)(tu_rand(r) % (TRC_TCP_STATE_MAX + 1));
		ev->sock.n_fields = (uint8_t)(tu_rand(r) % (TRC_SOCK_MAX_FIELDS + 1));
		for (unsigned int i = 0; i < ev->sock.n_fields; i++) {
			ev->sock.key[i] = (uint16_t)(1 + tu_rand(r) % 12);
			ev->sock.value[i] = tu_rand_magnitude(r);
		}
		break;
	default:
		ev->lost.count = tu_rand(r) % 1000;
		ev->lost.t_end_ns = ev->t_ns + tu_rand(r) % 100000;
		/* Non-zero (0 would mean "t_ns") and never after t_ns. */
		ev->lost.t_begin_ns = ev->t_ns - tu_rand(r) % (ev->t_ns ? ev->t_ns : 1);
		ev->lost.cpu = tu_rand(r) % 5 ? (uint32_t)(tu_rand(r) % 64) : UINT32_MAX;
		ev->lost.reason = (uint8_t)(tu_rand(r) % 3);
	}
}

void tu_model_step(struct tu_model *m)
{
	uint64_t x = tu_rand(&m->rng);
	int churn = !m->conns_max || m->ndecl < m->conns_max;
	if (m->nopen < 5 || (churn && m->nopen < 400 && x % 10 == 0))
		model_open(m);
	struct trc_event ev;
	memset(&ev, 0, sizeof(ev));
	uint64_t scale = tu_rand(&m->rng) % 8 ? 5000 : 50000000;
	m->t += tu_rand(&m->rng) % scale;
	ev.t_ns = m->t;
	ev.type = 1 + (uint32_t)(tu_rand(&m->rng) % TRC_EV_TYPE_MAX);
	if (ev.type != TRC_EV_LOST)
		ev.conn_serial = m->open[tu_rand(&m->rng) % m->nopen];
	random_payload(m, &ev);
	REQUIRE(trc_writer_append(m->w, &ev) == 0);
	if (m->nev == m->ev_cap) {
		m->ev_cap = m->ev_cap ? m->ev_cap * 2 : 1024;
		m->evs = realloc(m->evs, m->ev_cap * sizeof(*m->evs));
		REQUIRE(m->evs);
	}
	m->evs[m->nev++] = ev;
	if (churn && m->nopen > 5 && tu_rand(&m->rng) % 12 == 0) {
		size_t i = tu_rand(&m->rng) % m->nopen;
		REQUIRE(trc_writer_conn_close(m->w, m->open[i]) == 0);
		m->open[i] = m->open[--m->nopen];
	}
}

void tu_model_free(struct tu_model *m)
{
	free(m->open);
	free(m->decl);
	free(m->evs);
}
