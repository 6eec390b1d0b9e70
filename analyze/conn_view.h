/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conn_view.h - a finalised endpoint as the filters and the outputs see
 * it: the endpoint and what was concluded about it.
 */
#ifndef ANALYZE_CONN_VIEW_H
#define ANALYZE_CONN_VIEW_H

#include "classify.h"
#include "conn.h"
#include "durations.h"
#include "trc.h"
#include "verdict.h"

/* A finalised endpoint with everything outputs print. */
struct conn_view {
	const struct conn *c;
	const struct trc_header *hdr; /* header of the file it came from */
	const char *file;
	struct durations dur;
	enum outcome outcome;
	enum zeek_state zstate;
	enum verdict verdict;
};

#endif /* ANALYZE_CONN_VIEW_H */
