/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filter.h - tcpana's filters on reported connections (--port, --host,
 * --filter, --outcome, --verdict, --since, --until).
 */
#ifndef ANALYZE_FILTER_H
#define ANALYZE_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "connection.h"
#include "filterexpr.h"
#include "filterspec.h"
#include "trc.h"

/* Filters on reported connections; zero values mean "no filter".  A
 * connection passes a list when it matches any of its values
 * (lib/filterspec.h, the grammar tcprec uses too). */
struct analyzer_filter {
	uint16_t ports[FILTERSPEC_MAX]; /* local or remote port */
	unsigned int n_ports;
	struct filterspec_addr hosts[FILTERSPEC_MAX]; /* local or remote address */
	unsigned int n_hosts;
	struct fx_prog expr; /* --filter; n_ops 0 = none */
	uint32_t outcomes;   /* bit (1 << enum outcome); 0 = all */
	uint32_t verdicts;   /* bit (1 << enum verdict); 0 = all */
	bool since_set, until_set;
	bool since_rel, until_rel;   /* seconds after the first event */
	uint64_t since_ns, until_ns; /* realtime ns, or relative ns */
};

/* Whether a connection passes every filter; trace_first_rt is the
 * realtime of the first event (relative --since/--until).  --outcome
 * matches the connection's outcome or either endpoint's (reset_local
 * names an endpoint, reset_orig a connection); --verdict the
 * connection's, the worst of its endpoints'. */
bool analyzer_filter_connection(const struct analyzer_filter *f, const struct connection_view *cv,
				uint64_t trace_first_rt);
bool analyzer_filter_decl(const struct analyzer_filter *f, const struct trc_conn *decl);

#endif /* ANALYZE_FILTER_H */
