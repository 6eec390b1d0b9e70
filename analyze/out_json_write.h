/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * out_json_write.h - one connection's JSON object (and its endpoints'), written directly into
 * a string buffer (the hot path of --json and --jsonl).
 */
#ifndef ANALYZE_OUT_JSON_WRITE_H
#define ANALYZE_OUT_JSON_WRITE_H

#include <stdbool.h>

#include "outputs.h"
#include "strbuf.h"

/* One connection's object (docs/JSON.md) appended to sb, compact, with
 * its endpoints' objects in it.  False when a string in it is not valid
 * UTF-8 (JSON cannot carry it) or memory ran out (sb_failed()). */
bool out_json_connection_sb(struct strbuf *sb, const struct connection_view *cv, bool list);
/* One endpoint's object, as it appears in its connection's. */
bool out_json_endpoint_sb(struct strbuf *sb, const struct conn_view *v, bool list);

#endif /* ANALYZE_OUT_JSON_WRITE_H */
