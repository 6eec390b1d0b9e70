/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * figures.h - an endpoint's kernel figures: what its latest tcp_figures
 * socket event said (format/trc_sock.h), the counters tcplife and
 * `ss -ti` read from struct tcp_sock.  Counters only grow over a socket's
 * life, so the latest record holds the totals.
 */
#ifndef ANALYZE_FIGURES_H
#define ANALYZE_FIGURES_H

#include <stdbool.h>
#include <stdint.h>

#include "trc.h"

/* Highest key this analyser names; later keys are shown by --replay. */
#define FIG_COUNT_(value, name, text) +1
enum { FIG_KEY_MAX = 0 TRC_SOCK_FIELDS(FIG_COUNT_) };

struct figures {
	bool seen;			 /* a tcp_figures record came */
	uint8_t state;			 /* the socket's state at the latest one */
	uint32_t known;			 /* TRC_SOCK_FIELD_BIT(key): the kernel has it */
	uint64_t value[FIG_KEY_MAX + 1]; /* by key; [0] unused */
};

/* Takes a socket event; kinds other than tcp_figures are left alone. */
void figures_apply(struct figures *f, const struct trc_ev_sock *s);

/* The figure of key when the kernel gave it. */
static inline bool figures_get(const struct figures *f, unsigned int key, uint64_t *v)
{
	if (!f->seen || key < 1 || key > FIG_KEY_MAX || !(f->known & TRC_SOCK_FIELD_BIT(key)))
		return false;
	*v = f->value[key];
	return true;
}

#endif /* ANALYZE_FIGURES_H */
