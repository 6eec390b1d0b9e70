// SPDX-License-Identifier: BSD-2-Clause
/*
 * figures.c - the latest tcp_figures record of an endpoint.  The record's
 * flags name the figures the kernel lacks; any other it leaves out is 0
 * (format/SPEC.md 5.4).
 */
#include "figures.h"

#include <string.h>

/* Keys are numbered 1..FIG_KEY_MAX without gaps: value[] is by key. */
#define FIG_CHECK_(value, name, text)                                                              \
	_Static_assert(value <= FIG_KEY_MAX, "key " text " beyond value[]");
TRC_SOCK_FIELDS(FIG_CHECK_)

void figures_apply(struct figures *f, const struct trc_ev_sock *s)
{
	unsigned int n = s->n_fields < TRC_SOCK_MAX_FIELDS ? s->n_fields : TRC_SOCK_MAX_FIELDS;

	if (s->kind != TRC_SOCK_TCP_FIGURES)
		return;
	memset(f->value, 0, sizeof(f->value));
	for (unsigned int i = 0; i < n; i++)
		if (s->key[i] >= 1 && s->key[i] <= FIG_KEY_MAX)
			f->value[s->key[i]] = s->value[i];
	f->seen = true;
	f->state = s->state;
	f->known = ~s->flags & ((1u << FIG_KEY_MAX) - 1);
}
