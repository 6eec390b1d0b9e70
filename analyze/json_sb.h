/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json_sb.h - JSON appended to a strbuf: the one JSON writer of tcpana
 * (the document, its summary and each connection).  Bytes are what
 * jansson's json_dumpf(JSON_COMPACT) writes (same escapes, "%lld"
 * integers), so output stayed identical when the jansson trees went.
 * Strings must be valid UTF-8: json_sb_str() reports whether one was.
 */
#ifndef ANALYZE_JSON_SB_H
#define ANALYZE_JSON_SB_H

#include "strbuf.h"
#include "timefmt.h"

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

/* v, or null when it was not measured or recorded. */
static inline void json_sb_int_or_null(struct strbuf *sb, bool known, uint64_t v)
{
	if (known)
		json_sb_int(sb, v);
	else
		json_sb_null(sb);
}

/* "2026-11-22T03:40:59.123456789Z" (timefmt.h), quoted. */
static inline void json_sb_iso(struct strbuf *sb, uint64_t realtime_ns)
{
	/* Straight into the buffer: no copy of bytes just stored. */
	char *d = sb_room(sb, TIMEFMT_ISO_UTC_LEN + 2);

	if (!d)
		return;
	d[0] = '"';
	timefmt_iso_put(realtime_ns, d + 1);
	d[TIMEFMT_ISO_UTC_LEN + 1] = '"';
	sb->len += TIMEFMT_ISO_UTC_LEN + 2;
}

/* Separators and keys: "," before every member but the first.  Keys are
 * literals, appended with their quotes and colon in one copy of a
 * length known at compile time. */
struct json_obj {
	struct strbuf *sb;
	bool more;
};

#define JKEY(k) "\"" k "\":", sizeof("\"" k "\":") - 1

static inline struct json_obj json_obj_open(struct strbuf *sb)
{
	sb_ch(sb, '{');
	return (struct json_obj){ .sb = sb };
}

static inline struct strbuf *json_member(struct json_obj *o, const char *quoted_key, size_t n)
{
	if (o->more)
		sb_ch(o->sb, ',');
	o->more = true;
	sb_mem(o->sb, quoted_key, n);
	return o->sb;
}

/* A member whose key is computed (flag and state names). */
static inline struct strbuf *json_member_named(struct json_obj *o, const char *key)
{
	if (o->more)
		sb_ch(o->sb, ',');
	o->more = true;
	json_sb_key(o->sb, key);
	return o->sb;
}

static inline void json_obj_close(struct json_obj *o)
{
	sb_ch(o->sb, '}');
}

/* A string that needs no escape (names, addresses, flag letters). */
static inline void json_plain_str(struct strbuf *sb, const char *s)
{
	sb_ch(sb, '"');
	sb_str(sb, s);
	sb_ch(sb, '"');
}

#define jm_int(o, k, v)	 json_sb_int(json_member(o, JKEY(k)), v)
#define jm_str(o, k, s)	 json_plain_str(json_member(o, JKEY(k)), s)
#define jm_null(o, k)	 json_sb_null(json_member(o, JKEY(k)))
#define jm_bool(o, k, v) json_sb_bool(json_member(o, JKEY(k)), v)

#endif /* ANALYZE_JSON_SB_H */
