/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * out_json.h - helpers of the JSON output modules (out_json.c writes the
 * document, out_json_write.c one connection).
 */
#ifndef ANALYZE_OUT_JSON_H
#define ANALYZE_OUT_JSON_H

#include <jansson.h>

#include "outputs.h"

/* json_pack() that names the failing line (a format/argument mismatch is
 * a bug; it is reported once and the value is left out). */
json_t *out_json_pack_at(int line, const char *fmt, ...);
#define JPACK(...) out_json_pack_at(__LINE__, __VA_ARGS__)

/* One connection's object (docs/JSON.md) appended to sb exactly as
 * jansson's json_dumpf(JSON_COMPACT) would print it (the unit tests hold
 * it to a jansson-built reference).  False when a string in it is not
 * valid UTF-8 (jansson refuses those) or memory ran out (sb_failed()). */
bool out_json_conn_sb(struct strbuf *sb, const struct conn_view *v, bool list);

#endif /* ANALYZE_OUT_JSON_H */
