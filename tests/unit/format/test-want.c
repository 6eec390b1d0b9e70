// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-want - a reader that wants only some connections
 * (trc_reader_want_conns()) must read a file as one that wants all: read
 * side by side, the filtered reader's runs of skipped events expand to
 * the plain reader's events in between (time and type), its wanted events
 * equal the plain reader's field for field, and damage is reported at the
 * same place in the same words.  Chunks kept whole in the batch and
 * chunks over DEC_BATCH_MAX events, decoded twice, take different paths
 * through the library; both are read, with filters that want no, some
 * and all connections, and with one that only its memo keeps consistent
 * over the chunks that declare a connection again.
 */
#include <string.h>

#include "crafted.h"
#include "decode.h"
#include "tutil.h"
#include "wire.h"

#define EVENTS	     100000
#define CONNS	     300
#define SMALL_CHUNKS 0		/* the writer's default, 64 KiB */
#define BIG_CHUNKS   (1u << 20) /* ~48,000 events each, over DEC_BATCH_MAX */
#define MAX_BLOCKS   1024

enum want_mode {
	WANT_NULL, /* trc_reader_want_conns(r, NULL, ...): as without the call */
	WANT_NONE,
	WANT_EVEN, /* the connections of even serial */
	WANT_ALL,  /* a predicate that always says yes */
	WANT_MEMO, /* every other connection, in the order first declared */
	WANT_MODES,
};
static const char *const mode_name[] = { "NULL fn", "none", "even", "all", "memo" };

struct want {
	enum want_mode mode;
	const struct tu_model *m; /* the declarations written; NULL: unknown */
	uint8_t *memo;		  /* WANT_MEMO, by serial: 0 not asked, 1 no, 2 yes */
	size_t calls, first_seen, asked_again;
};

/* What the predicate says about serial; WANT_MEMO's was asked before
 * any event of it. */
static bool wanted(const struct want *w, uint64_t serial)
{
	if (w->mode == WANT_MEMO) {
		REQUIRE(serial <= w->m->ndecl && w->memo[serial]);
		return w->memo[serial] == 2;
	}
	return w->mode == WANT_EVEN ? serial % 2 == 0 : w->mode != WANT_NONE;
}

static bool want_decl(void *arg, const struct trc_conn *decl)
{
	struct want *w = arg;

	w->calls++;
	REQUIRE(decl && decl->serial >= 1);
	/* Asked about a declaration as written, never a half-decoded one. */
	if (w->m)
		REQUIRE(decl->serial <= w->m->ndecl &&
			tu_conn_equal(decl, &w->m->decl[decl->serial]));
	if (w->mode == WANT_MEMO) {
		/* The answer depends on the order connections turn up in,
		 * not on the declaration: only the memo keeps it the same in
		 * every chunk that declares the connection again. */
		uint8_t *a = &w->memo[decl->serial];
		if (*a)
			w->asked_again++;
		else
			*a = (uint8_t)(1 + (w->first_seen++ & 1));
	}
	return wanted(w, decl->serial);
}

struct side {
	struct trc_reader *r;
	enum trc_status st;
	struct trc_event ev;
	const struct trc_conn *c;
	struct trc_error err;
};

static void side_open(struct side *s, const struct tbuf *b)
{
	struct trc_error err;

	memset(s, 0, sizeof(*s));
	s->r = trc_reader_open_mem(b->p, b->len, &err);
	REQUIRE(s->r, "%s", err.msg);
}

static enum trc_status side_next(struct side *s)
{
	return s->st = trc_reader_next(s->r, &s->ev, &s->c, &s->err);
}

/* What one filtered read returned. */
struct tally {
	size_t ok, ok_after_run, skipped, runs, run_events, corrupt;
	enum trc_status final;
};

/* A run expands to the plain reader's next events, in times and types,
 * each of a connection the predicate did not want: a LOST event, which
 * has none, is never skipped. */
static void check_run(const struct trc_skipped_run *run, struct side *p, const struct want *w,
		      struct tally *t)
{
	REQUIRE(run->n >= 1 && run->t_ns && run->type);
	for (uint32_t i = 0; i < run->n; i++) {
		REQUIRE(side_next(p) == TRC_OK, "run event %u of %u", i, run->n);
		REQUIRE(p->ev.t_ns == run->t_ns[i] && p->ev.type == run->type[i],
			"run event %u of %u: %llu/%u, plain %llu/%u", i, run->n,
			(unsigned long long)run->t_ns[i], run->type[i],
			(unsigned long long)p->ev.t_ns, p->ev.type);
		REQUIRE(i == 0 || run->t_ns[i] >= run->t_ns[i - 1]);
		REQUIRE(p->ev.type != TRC_EV_LOST && p->c && !wanted(w, p->ev.conn_serial));
	}
	t->runs++;
	t->run_events += run->n;
}

/* A wanted event is the plain reader's next, field for field, with an
 * equal declaration. */
static void check_event(const struct side *f, struct side *p, const struct want *w)
{
	REQUIRE(side_next(p) == TRC_OK);
	REQUIRE(tu_event_equal(&f->ev, &p->ev), "filtered %llu/%u, plain %llu/%u",
		(unsigned long long)f->ev.t_ns, f->ev.type, (unsigned long long)p->ev.t_ns,
		p->ev.type);
	if (f->ev.type == TRC_EV_LOST) {
		REQUIRE(!f->c && !p->c);
		return;
	}
	REQUIRE(f->c && p->c && tu_conn_equal(f->c, p->c));
	REQUIRE(wanted(w, f->ev.conn_serial), "serial %llu", (unsigned long long)f->ev.conn_serial);
}

/* Damage or the end: no run, and the plain reader's next report, word
 * for word. */
static void check_report(const struct side *f, struct side *p)
{
	REQUIRE(trc_reader_skipped(f->r) == NULL);
	REQUIRE(side_next(p) == f->st, "filtered %s, plain %s", trc_status_name(f->st),
		trc_status_name(p->st));
	REQUIRE(f->err.code == p->err.code && f->err.offset == p->err.offset &&
			f->err.chunk == p->err.chunk && !strcmp(f->err.msg, p->err.msg),
		"filtered \"%s\", plain \"%s\"", f->err.msg, p->err.msg);
}

static void step(struct side *f, struct side *p, const struct want *w, struct tally *t)
{
	const struct trc_skipped_run *run = trc_reader_skipped(f->r);

	if (f->st == TRC_CORRUPT) {
		check_report(f, p);
		t->corrupt++;
		return;
	}
	if (run)
		check_run(run, p, w, t);
	if (f->st == TRC_SKIPPED) {
		/* *ev names the run's first event, which has no declaration
		 * to point at. */
		REQUIRE(run && !f->c && f->ev.conn_serial == 0);
		REQUIRE(f->ev.type == run->type[0] && f->ev.t_ns == run->t_ns[0]);
		t->skipped++;
		return;
	}
	check_event(f, p, w);
	t->ok++;
	t->ok_after_run += run != NULL;
}

/* Skipped events count as read: every counter matches the plain reader. */
static void same_stats(const struct trc_reader *f, const struct trc_reader *p)
{
	struct trc_reader_stats a, b;

	trc_reader_get_stats(f, &a);
	trc_reader_get_stats(p, &b);
	REQUIRE(a.events == b.events, "events: filtered %llu, plain %llu",
		(unsigned long long)a.events, (unsigned long long)b.events);
	REQUIRE(a.chunks_ok == b.chunks_ok && a.chunks_corrupt == b.chunks_corrupt &&
		a.bytes_skipped == b.bytes_skipped && a.records_unknown == b.records_unknown &&
		a.bytes_read == b.bytes_read && a.truncated == b.truncated &&
		a.has_trailer == b.has_trailer);
}

/* Reads b with w's filter and without, side by side, to the end. */
static struct tally compare(const struct tbuf *b, struct want *w)
{
	struct side f, p;
	struct tally t = { 0 };

	side_open(&f, b);
	side_open(&p, b);
	trc_reader_want_conns(f.r, w->mode == WANT_NULL ? NULL : want_decl, w);
	while (side_next(&f) == TRC_OK || f.st == TRC_SKIPPED || f.st == TRC_CORRUPT)
		step(&f, &p, w, &t);
	check_report(&f, &p);
	t.final = f.st;
	/* A final status stays, still without a run. */
	REQUIRE(side_next(&f) == t.final && !trc_reader_skipped(f.r));
	same_stats(f.r, p.r);
	trc_reader_close(f.r);
	trc_reader_close(p.r);
	return t;
}

/* The random workload on CONNS connections (as test-batch: without new
 * ones, the address table does not end a big chunk early). */
static struct tbuf trace(uint32_t chunk_bytes, struct tu_model *m)
{
	int fd;
	struct trc_writer *w = tu_writer(&fd, chunk_bytes);

	tu_model_init(m, w, 21);
	m->conns_max = CONNS;
	for (size_t i = 0; i < EVENTS; i++)
		tu_model_step(m);
	return tu_finish(w, fd);
}

/* The trace's CONN declarations, from its chunk headers, and how many
 * of them are in chunks over the batch (decoded twice). */
struct decls {
	size_t all, twice, big_chunks, chunks;
};

static struct decls count_decls(const struct tbuf *b)
{
	static struct tu_blk blk[MAX_BLOCKS];
	size_t n = tu_blocks(b, blk, MAX_BLOCKS);
	struct decls d = { 0 };

	REQUIRE(n < MAX_BLOCKS);
	for (size_t i = 0; i < n; i++) {
		if (blk[i].type != WIRE_MAGIC_CHUNK)
			continue;
		uint32_t c = wire_get_u32(b->p + blk[i].off + WIRE_BLOCK_HEAD + WIRE_CH_CONNS);
		bool big = blk[i].events > DEC_BATCH_MAX;
		d.all += c;
		d.twice += big ? c : 0;
		d.big_chunks += big;
		d.chunks++;
	}
	return d;
}

/* The expectations of each filter beyond the side-by-side comparison. */
static void check_mode(const struct want *w, const struct tally *t, const struct decls *d,
		       size_t lost, size_t odd)
{
	size_t nev = w->m->nev;

	REQUIRE(t->final == TRC_EOF && t->corrupt == 0 && t->ok + t->run_events == nev);
	/* Once per declaration, also in a chunk decoded twice. */
	if (w->mode == WANT_NULL)
		REQUIRE(w->calls == 0);
	else
		REQUIRE(w->calls == d->all, "%zu calls for %zu declarations (%zu in big chunks)",
			w->calls, d->all, d->twice);
	if (w->mode == WANT_NULL || w->mode == WANT_ALL)
		REQUIRE(t->run_events == 0 && t->skipped == 0);
	if (w->mode == WANT_NONE)
		REQUIRE(t->ok == lost && t->run_events == nev - lost);
	if (w->mode == WANT_EVEN)
		REQUIRE(t->run_events == odd && t->skipped > 0 && t->ok_after_run > 0);
	if (w->mode == WANT_MEMO)
		REQUIRE(w->asked_again > 0 && t->run_events > 0 && t->ok > lost);
}

static void equivalence(const struct tbuf *b, const struct tu_model *m, const char *name)
{
	struct decls d = count_decls(b);
	size_t lost = 0, odd = 0;

	for (size_t i = 0; i < m->nev; i++) {
		lost += m->evs[i].type == TRC_EV_LOST;
		odd += m->evs[i].type != TRC_EV_LOST && m->evs[i].conn_serial % 2;
	}
	for (int mode = 0; mode < WANT_MODES; mode++) {
		struct want w = { .mode = (enum want_mode)mode, .m = m };

		w.memo = calloc(m->ndecl + 1, 1);
		REQUIRE(w.memo);
		struct tally t = compare(b, &w);
		printf("%s, want %s: %zu ok (%zu after a run), %zu skipped, %zu runs of %zu "
		       "events, %zu predicate calls for %zu declarations\n",
		       name, mode_name[mode], t.ok, t.ok_after_run, t.skipped, t.runs, t.run_events,
		       w.calls, d.all);
		check_mode(&w, &t, &d, lost, odd);
		free(w.memo);
	}
}

/* Reads damaged bytes with each filter that skips something: some events
 * come before the damage, some are lost to it. */
static void read_damaged(const struct tbuf *d, const struct tu_model *m, enum trc_status final,
			 size_t corrupt_min)
{
	static const enum want_mode modes[] = { WANT_NONE, WANT_EVEN, WANT_MEMO };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct want w = { .mode = modes[i], .m = m };

		w.memo = calloc(m->ndecl + 1, 1);
		REQUIRE(w.memo);
		struct tally t = compare(d, &w);
		REQUIRE(t.final == final && t.corrupt >= corrupt_min, "%s, %zu reports",
			trc_status_name(t.final), t.corrupt);
		REQUIRE(w.calls > 0 && t.ok + t.run_events > 0 && t.ok + t.run_events < m->nev);
		free(w.memo);
	}
}

/* Bytes flipped in the middle of the file cost the chunk they hit (its
 * CRC fails), a cut ends the file inside a block: the filtered reader
 * reports both where the plain one does and reads the same around them. */
static void damage(const struct tbuf *b, const struct tu_model *m, const char *name)
{
	struct tbuf d = { malloc(b->len), b->len };

	REQUIRE(d.p);
	memcpy(d.p, b->p, b->len);
	for (size_t k = 0; k < 4; k++)
		d.p[d.len / 2 + k] ^= 0xa5;
	read_damaged(&d, m, TRC_EOF, 1);
	memcpy(d.p, b->p, b->len);
	d.len = b->len - b->len / 10;
	read_damaged(&d, m, TRC_TRUNCATED, 0);
	printf("%s: flipped or cut, the same reports and events\n", name);
	free(d.p);
}

/* crafted.c's hand-made files: among them an unknown extension record
 * (that chunk is decoded twice) and bad records after good ones. */
static void crafted(void)
{
	uint8_t *buf = malloc(CRAFTED_MAX);
	size_t n = 0;

	REQUIRE(buf);
	for (size_t i = 0; i < crafted_count; i++) {
		const struct crafted *c = &crafted_cases[i];
		struct tbuf b = { buf, 0 };

		if (c->open_fails)
			continue;
		b.len = c->make(buf);
		for (int mode = WANT_NONE; mode <= WANT_EVEN; mode++) {
			struct want w = { .mode = (enum want_mode)mode };
			struct tally t = compare(&b, &w);

			REQUIRE(t.final == c->final && t.corrupt == c->corrupt &&
					t.ok + t.run_events == c->events,
				"%s", c->name);
		}
		n++;
	}
	printf("%zu crafted files: the same reports and events\n", n);
	free(buf);
}

int main(void)
{
	struct tu_model ms, mb;
	struct tbuf s = trace(SMALL_CHUNKS, &ms);
	struct tbuf b = trace(BIG_CHUNKS, &mb);
	struct decls ds = count_decls(&s), db = count_decls(&b);

	REQUIRE(ms.nev == EVENTS && mb.nev == EVENTS);
	REQUIRE(ds.big_chunks == 0 && ds.chunks > 2);
	/* The last chunk fits: both paths in one reader. */
	REQUIRE(db.big_chunks >= 1 && db.chunks > db.big_chunks);
	equivalence(&s, &ms, "default chunks");
	equivalence(&b, &mb, "1 MiB chunks");
	damage(&s, &ms, "default chunks");
	damage(&b, &mb, "1 MiB chunks");
	crafted();
	tu_model_free(&ms);
	tu_model_free(&mb);
	free(s.p);
	free(b.p);
	return check_exit_status();
}
