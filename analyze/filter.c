// SPDX-License-Identifier: BSD-2-Clause
/*
 * filter.c - which connections (and, for --replay, which events) are
 * reported: --port, --host, --filter, --outcome, --verdict, --since,
 * --until.
 * Time filters keep a connection whose lifetime overlaps the interval.
 */
#include <string.h>

#include "filter.h"
#include "filterexpr_eval.h"

static bool port_listed(const struct analyzer_filter *f, uint16_t port)
{
	for (unsigned int i = 0; i < f->n_ports; i++)
		if (f->ports[i] == port)
			return true;
	return false;
}

static bool addr_listed(const struct analyzer_filter *f, uint8_t family, const uint8_t *addr)
{
	size_t len = family == TRC_FAMILY_IPV4 ? 4 : 16;

	for (unsigned int i = 0; i < f->n_hosts; i++)
		if (f->hosts[i].family == family && !memcmp(f->hosts[i].addr, addr, len))
			return true;
	return false;
}

/* The expression on the endpoint's tuple: either endpoint of a
 * connection gets the same answer (lib/filterexpr.h). */
static bool expr_match(const struct fx_prog *expr, const struct trc_conn *d)
{
	struct fx_tuple t = { .family = d->family, .lport = d->lport, .rport = d->rport };

	memcpy(t.laddr, d->laddr, sizeof(t.laddr));
	memcpy(t.raddr, d->raddr, sizeof(t.raddr));
	return fx_match(expr, &t);
}

bool analyzer_filter_decl(const struct analyzer_filter *f, const struct trc_conn *d)
{
	if (f->n_ports && !port_listed(f, d->lport) && !port_listed(f, d->rport))
		return false;
	if (f->n_hosts && !addr_listed(f, d->family, d->laddr) &&
	    !addr_listed(f, d->family, d->raddr))
		return false;
	return !f->expr.n_ops || expr_match(&f->expr, d);
}

static uint64_t bound(bool rel, uint64_t v, uint64_t first_rt)
{
	return rel ? first_rt + v : v;
}

static bool outcome_wanted(const struct analyzer_filter *f, const struct connection_view *cv)
{
	if (!f->outcomes || (f->outcomes & (1u << cv->outcome)))
		return true;
	for (int s = 0; s < SIDE_COUNT; s++)
		if (cv->half[s] && (f->outcomes & (1u << cv->half[s]->outcome)))
			return true;
	return false;
}

bool analyzer_filter_connection(const struct analyzer_filter *f, const struct connection_view *cv,
				uint64_t first_rt)
{
	const struct conn_view *v = cv->half[SIDE_ORIG] ? cv->half[SIDE_ORIG] : cv->half[SIDE_RESP];

	if (!analyzer_filter_decl(f, &v->c->b->decl))
		return false;
	if (!outcome_wanted(f, cv))
		return false;
	if (f->verdicts && !(f->verdicts & (1u << cv->verdict)))
		return false;
	if (f->since_set && cv->end_rt < bound(f->since_rel, f->since_ns, first_rt))
		return false;
	if (f->until_set && cv->start_rt > bound(f->until_rel, f->until_ns, first_rt))
		return false;
	return true;
}
