/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * out_json_flat.h - one connection as a flat JSON line (--jsonl=flat).
 */
#ifndef ANALYZE_OUT_JSON_FLAT_H
#define ANALYZE_OUT_JSON_FLAT_H

#include <stdbool.h>

#include "outputs.h"
#include "strbuf.h"

/* One connection as a flat line (docs/JSON.md, "Flat lines") appended to
 * sb: scalar members only, each from the same value as its member of the
 * nested object (out_json_write.h).  False when a string in it is not
 * valid UTF-8 or memory ran out (sb_failed()). */
bool out_json_flat_sb(struct strbuf *sb, const struct connection_view *cv);

#endif /* ANALYZE_OUT_JSON_FLAT_H */
