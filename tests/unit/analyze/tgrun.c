// SPDX-License-Identifier: BSD-2-Clause
/*
 * tgrun.c - runs the analyser on a synthetic trace and copies each
 * endpoint of every reported connection into a tg_result; plus the check harness.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs.h"
#include "tracegen.h"

static void collect_endpoint(struct tg_result *r, const struct connection_view *cv,
			     enum conn_side side)
{
	const struct conn_view *v = cv->half[side];
	struct tg_conn_res *o;
	const struct conn *c = v->c;
	struct strbuf path;

	if (r->n >= (int)(sizeof(r->conn) / sizeof(r->conn[0])))
		return;
	o = &r->conn[r->n++];
	memset(o, 0, sizeof(*o));
	o->conn_id = cv->id;
	o->side = side;
	o->conn_both = cv->half[SIDE_ORIG] && cv->half[SIDE_RESP];
	o->conn_direction_known = cv->direction_known;
	o->conn_outcome = cv->outcome;
	o->conn_verdict = cv->verdict;
	memcpy(o->conn_bytes_known, cv->bytes_known, sizeof(o->conn_bytes_known));
	memcpy(o->conn_bytes, cv->bytes, sizeof(o->conn_bytes));
	o->id = c->id;
	o->peer_id = c->peer_id;
	outfmt_endpoint(c->b->decl.family, c->b->decl.laddr, c->b->decl.lport, o->local,
			sizeof(o->local));
	outfmt_endpoint(c->b->decl.family, c->b->decl.raddr, c->b->decl.rport, o->remote,
			sizeof(o->remote));
	o->outcome = v->outcome;
	o->verdict = v->verdict;
	o->zstate = v->zstate;
	memcpy(o->history, c->b->classify.history, sizeof(o->history));
	path = sb_fixed_str(o->path, sizeof(o->path));
	outfmt_path_sb(&path, c);
	sb_fixed_cstr(&path);
	o->n_violations = c->b->verdict.n_violations;
	if (c->b->verdict.n_violations && c->b->verdict.violations)
		memcpy(o->violation, c->b->verdict.violations[0], sizeof(o->violation));
	o->incomplete = c->incomplete;
	o->divergences = c->b->verdict.divergences;
	o->inferred = c->b->replay.inferred;
	o->has_owner = c->b->owner.has_owner;
	o->pid = c->b->owner.tgid;
	memcpy(o->trans, c->b->replay.trans, sizeof(o->trans));
	o->n_trans = c->b->replay.n_trans;
	o->dur = v->dur;
	o->seg_total = c->b->traffic.seg_total;
	o->retransmits = c->b->traffic.retransmits;
	o->fig = c->b->fig;
}

static int collect(void *arg, const struct connection_view *cv)
{
	struct tg_result *r = arg;

	r->n_connections++;
	for (int s = 0; s < SIDE_COUNT; s++)
		if (cv->half[s])
			collect_endpoint(r, cv, (enum conn_side)s);
	return 0;
}

void tg_analyze(const uint8_t *buf, size_t len, const struct analyzer_opts *opts,
		struct tg_result *res)
{
	static const struct analyzer_opts none;
	struct analyzer_sink sink = { .conn = collect, .arg = res };
	struct trc_error e = { 0 };
	struct trc_reader *r = trc_reader_open_mem(buf, len, &e);
	const char *name = "mem";

	memset(res, 0, sizeof(*res));
	if (!r) {
		res->rc = -1;
		return;
	}
	res->rc = analyzer_run_readers(&r, &name, 1, opts ? opts : &none, &sink, NULL, &res->sum);
	trc_reader_close(r);
}

const struct tg_conn_res *tg_find(const struct tg_result *res, const char *local,
				  const char *remote)
{
	for (int i = 0; i < res->n; i++)
		if (!strcmp(res->conn[i].local, local) && !strcmp(res->conn[i].remote, remote))
			return &res->conn[i];
	check_fail(__FILE__, __LINE__, "no endpoint %s > %s among %d:", local, remote, res->n);
	for (int i = 0; i < res->n; i++)
		fprintf(stderr, "  %s > %s %s\n", res->conn[i].local, res->conn[i].remote,
			res->conn[i].path);
	return NULL;
}
