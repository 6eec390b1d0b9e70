/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * verdict.h - an endpoint's verdict once it is over (verdict.c), and the
 * names of verdicts, judgements and incomplete reasons every output uses.
 */
#ifndef ANALYZE_VERDICT_H
#define ANALYZE_VERDICT_H

#include "conn.h"

enum verdict {
	VERDICT_CONFORMANT = 0,
	VERDICT_LINUX,
	VERDICT_VIOLATION,
	VERDICT_INCOMPLETE,
	VERDICT_COUNT,
};
const char *verdict_name(enum verdict v); /* "conformant", "linux-specific", ... */
const char *judgement_name(enum judgement j);
const char *incomplete_reason_name(enum incomplete_reason r);

/* Called once before output: settles judgements that depend on the whole
 * connection (e.g. transitions needing a segment when none were recorded). */
void replay_finish(struct conn *c);

enum verdict replay_verdict(const struct conn *c);

#endif
