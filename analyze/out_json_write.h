/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * out_json_write.h - one connection's JSON object (and its endpoints'), written directly into
 * a string buffer (the hot path of --json and --jsonl).
 */
#ifndef ANALYZE_OUT_JSON_WRITE_H
#define ANALYZE_OUT_JSON_WRITE_H

#include <stdbool.h>

#include "json_sb.h"
#include "outputs.h"
#include "strbuf.h"

/* One connection's object (docs/JSON.md) appended to sb, compact, with
 * its endpoints' objects in it.  False when a string in it is not valid
 * UTF-8 (JSON cannot carry it) or memory ran out (sb_failed()). */
bool out_json_connection_sb(struct strbuf *sb, const struct connection_view *cv, bool list);
/* One endpoint's object, as it appears in its connection's. */
bool out_json_endpoint_sb(struct strbuf *sb, const struct conn_view *v, bool list);

/* duration_ns, open, outcome, conn_state, history and verdict: members of
 * both shapes.  False when history is not UTF-8. */
bool out_json_outcome_members(struct json_obj *o, const struct connection_view *cv);
/* orig_bytes, resp_bytes, rtt_us and retransmits: members of the nested
 * and the flat shape (out_json_flat.h). */
void out_json_traffic_members(struct json_obj *o, const struct connection_view *cv);

/* The names of the incomplete reasons in bits (enum incomplete_reason),
 * comma-separated, each a JSON string when quote. */
void out_json_incomplete_names(struct strbuf *sb, uint32_t bits, bool quote);

/* The host name of the trace v came from, as a JSON string value; false
 * when it is not UTF-8. */
bool out_json_host_sb(struct strbuf *sb, const struct conn_view *v);
/* The id of the trace v came from (trace_id.h), as a JSON string value. */
void out_json_trace_id_sb(struct strbuf *sb, const struct conn_view *v);

#endif /* ANALYZE_OUT_JSON_WRITE_H */
