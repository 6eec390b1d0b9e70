/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json_sb.h - JSON pieces appended to a strbuf, byte for byte as jansson's
 * json_dumpf(JSON_COMPACT) writes them (same escapes, "%lld" integers), so
 * the hot per-connection path can skip building a jansson tree while the
 * document stays identical.  Strings must be valid UTF-8, as json_string()
 * demands: json_sb_str() reports whether one was, and callers fall back
 * to jansson (and its error) when not.
 */
#ifndef ANALYZE_JSON_SB_H
#define ANALYZE_JSON_SB_H

#include "strbuf.h"

/* Whether s is UTF-8 that json_string() accepts (no overlong forms,
 * surrogates or code points above U+10FFFF). */
bool json_utf8_valid(const char *s);

/* "s" with jansson's escapes; false (nothing appended) when s is not
 * valid UTF-8. */
bool json_sb_str(struct strbuf *sb, const char *s);

/* "key": for an object member; key is ASCII without escapes. */
static inline void json_sb_key(struct strbuf *sb, const char *key)
{
	sb_ch(sb, '"');
	sb_str(sb, key);
	sb_mem(sb, "\":", 2);
}

/* A json_int_t: the unsigned counters are cast as the jansson path does. */
static inline void json_sb_int(struct strbuf *sb, uint64_t v)
{
	sb_i64(sb, (int64_t)v);
}

static inline void json_sb_bool(struct strbuf *sb, bool v)
{
	if (v)
		sb_mem(sb, "true", 4);
	else
		sb_mem(sb, "false", 5);
}

static inline void json_sb_null(struct strbuf *sb)
{
	sb_mem(sb, "null", 4);
}

#endif /* ANALYZE_JSON_SB_H */
