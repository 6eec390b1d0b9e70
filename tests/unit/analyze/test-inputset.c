// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-inputset.c - a rotated recording's files read as one trace: the
 * reading order (files of one recording together in file_index order,
 * duplicates dropped, other files alone), and a set analysed from files
 * given in any order: connections spanning files stay one connection; a
 * missing middle file is a gap that marks the connections alive across it
 * and those that begin right after it, like a LOST record; missing first
 * files are only a note.
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer.h"
#include "check.h"
#include "inputset.h"

static void set_id(struct trc_header *h, uint8_t id, uint64_t index)
{
	memset(h, 0, sizeof(*h));
	memset(h->recording_id, id, id ? TRC_RECORDING_ID_LEN : 0);
	h->file_index = index;
}

static void test_order(void)
{
	/* Arguments: A2 B1 Z A0 B0 A1 A1 */
	struct trc_header h[7];
	const struct trc_header *hp[7];
	static const int want_order[7] = { 3, 5, 6, 0, 4, 1, 2 };
	static const bool want_lead[7] = { 1, 0, 0, 0, 1, 0, 1 };
	static const bool want_dup[7] = { 0, 0, 1, 0, 0, 0, 0 };
	int order[7];
	bool lead[7], dup[7];

	set_id(&h[0], 0xa, 2);
	set_id(&h[1], 0xb, 1);
	set_id(&h[2], 0, 0);
	set_id(&h[3], 0xa, 0);
	set_id(&h[4], 0xb, 0);
	set_id(&h[5], 0xa, 1);
	set_id(&h[6], 0xa, 1);
	for (int i = 0; i < 7; i++)
		hp[i] = &h[i];
	CHECK_EQ(inputset_order(hp, 7, order, lead, dup), 3);
	for (int i = 0; i < 7; i++) {
		CHECK_EQ(order[i], want_order[i]);
		CHECK_EQ(lead[i], want_lead[i]);
		CHECK_EQ(dup[i], want_dup[i]);
	}
	/* Files without an id are never grouped. */
	set_id(&h[0], 0, 0);
	set_id(&h[1], 0, 0);
	CHECK_EQ(inputset_order(hp, 2, order, lead, dup), 2);
	CHECK(lead[0] && lead[1] && order[0] == 0 && order[1] == 1);
}

/* ---- A set written by the format writer ------------------------------- */

#define SEC	   1000000000ull
#define NCONN	   30
#define ROTATE_1   (5 * SEC)
#define ROTATE_2   (10 * SEC)
#define OPEN_AT(k) ((uint64_t)(k)*SEC / 2)
#define LIFE	   (12 * SEC / 10)

struct files {
	int fd[3];
	int n;
};

static int next_file(void *ctx, int done_fd)
{
	struct files *f = ctx;

	(void)done_fd; /* kept open: read back below */
	f->fd[f->n] = memfd_create("trc", MFD_CLOEXEC);
	return f->fd[f->n++];
}

struct ev {
	uint64_t t;
	int k, old, nw;
};

static int by_time(const void *x, const void *y)
{
	const struct ev *a = x, *b = y;

	return a->t < b->t ? -1 : a->t > b->t ? 1 : a->k - b->k;
}

/* Connection k: a client opening at OPEN_AT(k) and closing LIFE later;
 * the writer rotates at 5 s and 10 s, so some span two files. */
static void write_set(struct files *f)
{
	static const int path[6] = { TRC_TCP_CLOSE,	TRC_TCP_SYN_SENT,  TRC_TCP_ESTABLISHED,
				     TRC_TCP_FIN_WAIT1, TRC_TCP_FIN_WAIT2, TRC_TCP_CLOSE };
	struct trc_writer_opts o = { .sz = sizeof(o), .next_file = next_file, .file_ctx = f };
	struct ev evs[NCONN * 5];
	struct trc_header h;
	struct trc_error err;
	uint64_t serial[NCONN];
	struct trc_writer *w;
	int n = 0, rotated = 0;

	set_id(&h, 0x5e, 0);
	h.clock = TRC_CLOCK_MONOTONIC;
	h.anchor_realtime_ns = 1700000000ull * SEC;
	strcpy(h.source, "ebpf");
	f->n = 1;
	f->fd[0] = memfd_create("trc", MFD_CLOEXEC);
	w = trc_writer_open_fd(f->fd[0], &h, &o, &err);
	REQUIRE(w);
	for (int k = 0; k < NCONN; k++) {
		struct trc_conn c = { .family = TRC_FAMILY_IPV4,
				      .lport = (uint16_t)(40000 + k),
				      .rport = 80,
				      .cookie = (uint64_t)k + 1 };

		memcpy(c.laddr, "\xc0\x00\x02\x01", 4);
		memcpy(c.raddr, "\xc0\x00\x02\x02", 4);
		REQUIRE(trc_writer_conn_open(w, &c, &serial[k]) == 0);
		for (int s = 0; s < 5; s++)
			evs[n++] = (struct ev){ OPEN_AT(k) + (uint64_t)s * LIFE / 4, k, path[s],
						path[s + 1] };
	}
	qsort(evs, (size_t)n, sizeof(evs[0]), by_time);
	for (int i = 0; i < n; i++) {
		struct trc_event e = { .type = TRC_EV_STATE, .t_ns = evs[i].t };

		if ((rotated == 0 && e.t_ns >= ROTATE_1) || (rotated == 1 && e.t_ns >= ROTATE_2)) {
			REQUIRE(trc_writer_rotate(w) == 0);
			rotated++;
		}
		e.conn_serial = serial[evs[i].k];
		e.state.old_state = (uint8_t)evs[i].old;
		e.state.new_state = (uint8_t)evs[i].nw;
		REQUIRE(trc_writer_append(w, &e) == 0);
	}
	REQUIRE(trc_writer_close(w, NULL, &err) == 0);
	REQUIRE(f->n == 3);
}

struct seen {
	int conns;
	uint32_t incomplete[NCONN];
	bool found[NCONN];
	int gaps, notes;
};

static int on_conn(void *arg, const struct connection_view *cv)
{
	struct seen *s = arg;

	for (int i = 0; i < SIDE_COUNT; i++) {
		const struct conn *c = cv->half[i] ? cv->half[i]->c : NULL;
		int k = c ? c->key.lport - 40000 : -1;

		if (k < 0 || k >= NCONN)
			continue;
		CHECK(!s->found[k], "connection %d reported twice", k);
		s->found[k] = true;
		s->incomplete[k] = c->incomplete;
		s->conns++;
	}
	return 0;
}

static void on_warn(void *arg, const char *path, const struct trc_error *e, int st)
{
	struct seen *s = arg;

	(void)path;
	(void)e;
	s->gaps += st == ANALYZER_DIAG_SET_GAP;
	s->notes += st == ANALYZER_DIAG_NOTE;
}

/* Analyses the files of f at the positions in which[], in that order. */
static struct analyzer_summary analyse(const struct files *f, const int *which, int n,
				       struct seen *s)
{
	struct trc_reader *r[3];
	const char *names[3] = { "f?", "f?", "f?" };
	struct analyzer_opts opts = { 0 };
	struct analyzer_sink sink = { .conn = on_conn, .arg = s };
	struct analyzer_diag diag = { .warn = on_warn, .arg = s };
	struct analyzer_summary sum;
	struct trc_error err;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < n; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", f->fd[which[i]]);
		r[i] = trc_reader_open_file(path, &err);
		REQUIRE(r[i], "%s", err.msg);
	}
	CHECK_EQ(analyzer_run_readers(r, names, n, &opts, &sink, &diag, &sum), 0);
	for (int i = 0; i < n; i++)
		trc_reader_close(r[i]);
	return sum;
}

static void test_set(void)
{
	struct files f;
	struct seen s;
	struct analyzer_summary sum;

	write_set(&f);
	/* All three, in any order: one trace, every connection once, no gap. */
	sum = analyse(&f, (const int[]){ 2, 0, 1 }, 3, &s);
	CHECK_EQ(s.conns, NCONN);
	CHECK_EQ(sum.files_missing, 0);
	CHECK_EQ(s.gaps + s.notes, 0);
	for (int k = 0; k < NCONN; k++)
		CHECK(!(s.incomplete[k] & INC_LOST), "connection %d marked lost", k);
	/* The middle file missing: a gap between 5 s and 10 s. */
	sum = analyse(&f, (const int[]){ 2, 0 }, 2, &s);
	CHECK_EQ(sum.files_missing, 1);
	CHECK_EQ(s.gaps, 1);
	for (int k = 0; k < NCONN; k++) {
		bool whole_before = OPEN_AT(k) + LIFE < ROTATE_1;
		bool inside = OPEN_AT(k) >= ROTATE_1 && OPEN_AT(k) + LIFE < ROTATE_2;
		bool across = OPEN_AT(k) < ROTATE_1 && OPEN_AT(k) + LIFE >= ROTATE_1;
		bool late = OPEN_AT(k) > ROTATE_2 + SEC; /* past the slack after the gap */

		CHECK_EQ(s.found[k], !inside);
		if (whole_before || late)
			CHECK(!(s.incomplete[k] & INC_LOST), "connection %d marked lost", k);
		else if (across)
			CHECK(s.incomplete[k] & INC_LOST, "connection %d (across) not marked", k);
		else if (!inside) /* ended or began right after the gap */
			CHECK(s.incomplete[k] & INC_LOST, "connection %d (after) not marked", k);
	}
	/* The first file missing (a ring overwrote it): a note, no gap. */
	sum = analyse(&f, (const int[]){ 1, 2 }, 2, &s);
	CHECK_EQ(sum.files_missing, 0);
	CHECK_EQ(s.gaps, 0);
	CHECK_EQ(s.notes, 1);
	for (int k = 0; k < NCONN; k++)
		CHECK_EQ(s.found[k], OPEN_AT(k) + LIFE >= ROTATE_1);
	for (int i = 0; i < f.n; i++)
		close(f.fd[i]);
}

int main(void)
{
	test_order();
	test_set();
	return check_exit_status();
}
