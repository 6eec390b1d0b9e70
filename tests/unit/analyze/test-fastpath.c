// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-fastpath.c - the structures and writers added for speed: strbuf,
 * the direct JSON writer (its strings against jansson's, its objects
 * read back by jansson),
 * the printf-free time, duration and address formatting (against libc),
 * the id radix sort, the open-addressing serial index under heavy
 * removal, and frozen endpoints (lossless round trip, every link kept).
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conn.h"
#include "idsort.h"
#include "json_sb.h"
#include "out_json_write.h"
#include "strbuf.h"
#include "timefmt.h"
#include "tracegen.h"

/* A deterministic generator, so failures reproduce. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Appends and NUL-terminates for comparison. */
static const char *sb_cstr(struct strbuf *sb)
{
	sb_ch(sb, '\0');
	sb->len--;
	return sb->buf;
}

/* v through sb_u64() and sb_u64_digits(), against snprintf(). */
static void check_u64(uint64_t v)
{
	struct strbuf sb = { 0 };
	char ref[32], d[SB_U64_LEN], *p = sb_u64_digits(v, d);

	snprintf(ref, sizeof(ref), "%llu", (unsigned long long)v);
	sb_u64(&sb, v);
	CHECK_STR(sb_cstr(&sb), ref);
	CHECK_EQ((size_t)(d + SB_U64_LEN - p), strlen(ref));
	CHECK(!memcmp(p, ref, strlen(ref)));
	sb_free(&sb);
}

/* Every digit count's edges: the length comes from the bit length. */
static void u64_edges(void)
{
	uint64_t p10 = 1;

	for (int k = 0; k < 20; k++, p10 *= 10) {
		check_u64(p10 - 1);
		check_u64(p10);
		check_u64(p10 + 1);
	}
	for (int b = 0; b < 64; b++) {
		check_u64((1ull << b) - 1);
		check_u64(1ull << b);
	}
	check_u64(UINT64_MAX);
}

static void strbuf_basics(void)
{
	struct strbuf sb = { 0 };
	char small[8];
	struct strbuf fx = sb_fixed(small, sizeof(small));
	char ref[64];
	static const uint64_t nums[] = {
		0, 9, 10, 99, 100, 101, 12345, 4294967295ull, 1795324497308001733ull, UINT64_MAX
	};

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		sb_reset(&sb);
		sb_u64(&sb, nums[i]);
		snprintf(ref, sizeof(ref), "%llu", (unsigned long long)nums[i]);
		CHECK_STR(sb_cstr(&sb), ref);
		sb_reset(&sb);
		sb_i64(&sb, (int64_t)nums[i]);
		snprintf(ref, sizeof(ref), "%lld", (long long)nums[i]);
		CHECK_STR(sb_cstr(&sb), ref);
	}
	sb_reset(&sb);
	sb_pad(&sb, "ab", 5, true);
	sb_pad(&sb, "cd", 4, false);
	sb_pad(&sb, "toolong", 3, true);
	sb_pad_u64(&sb, 42, 5, true);
	sb_u64_zero(&sb, 7, 3);
	snprintf(ref, sizeof(ref), "%-5s%4s%-3s%-5llu%03u", "ab", "cd", "toolong", 42ull, 7u);
	CHECK_STR(sb_cstr(&sb), ref);
	/* Growth far past the first allocation. */
	sb_reset(&sb);
	for (int i = 0; i < 10000; i++)
		sb_str(&sb, "0123456789");
	CHECK_EQ(sb.len, 100000);
	CHECK(!sb_failed(&sb));
	sb_free(&sb);
	/* A fixed buffer fails instead of growing, and stays failed. */
	sb_str(&fx, "1234567");
	CHECK(!sb_failed(&fx));
	sb_str(&fx, "89");
	CHECK(sb_failed(&fx));
	CHECK_EQ(fx.len, 7);
	sb_free(&fx); /* must not free the caller's storage */
}

/* json_sb_str() against jansson's json_string() + json_dumps(). */
static void json_string_matches(const char *s)
{
	struct strbuf sb = { 0 };
	json_t *j = json_string(s);
	bool ok = json_sb_str(&sb, s);

	CHECK(ok == (j != NULL));
	CHECK(json_utf8_valid(s) == (j != NULL));
	if (j && ok) {
		json_t *arr = json_array();
		char *dump;

		json_array_append(arr, j);
		dump = json_dumps(arr, JSON_COMPACT);
		/* The array brackets keep jansson from refusing a bare string. */
		CHECK(dump && strlen(dump) == sb.len + 2 && !memcmp(dump + 1, sb.buf, sb.len));
		free(dump);
		json_decref(arr);
	}
	json_decref(j);
	sb_free(&sb);
}

static void json_strings(void)
{
	static const char *const fixed[] = {
		"",
		"plain",
		"quote\" back\\slash /slash",
		"\b\f\n\r\t\x01\x1f\x7f",
		"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", /* 2-, 3- and 4-byte UTF-8 */
		"\xc3",
		"\xc0\xaf",
		"\xe0\x80\xaf",
		"\xed\xa0\x80",
		"\xf4\x90\x80\x80",
		"\xf5\x80\x80\x80",
		"\x80",
		"ok\xff",
		"\xe2\x82",
		"a\xc3\xa9\xc3",
	};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	char s[12];

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		json_string_matches(fixed[i]);
	/* Random bytes: mostly invalid UTF-8, some escapes. */
	for (int n = 0; n < 20000; n++) {
		size_t len = next_rand(&seed) % (sizeof(s) - 1);

		for (size_t i = 0; i < len; i++)
			s[i] = (char)(next_rand(&seed) % 255 + 1);
		s[len] = '\0';
		json_string_matches(s);
	}
}

static void times_and_addresses(void)
{
	uint64_t seed = 12345;
	char a[TIMEFMT_ISO_LEN], b[128], d[TIMEFMT_DUR_LEN], r[64];

	for (int n = 0; n < 20000; n++) {
		uint64_t ns = next_rand(&seed) >> (n % 40);
		time_t secs = (time_t)(ns / 1000000000ull);
		struct tm tm;

		gmtime_r(&secs, &tm);
		snprintf(b, sizeof(b), "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned int)(ns % 1000000000ull));
		CHECK_EQ(timefmt_iso_raw(ns, a), strlen(b));
		CHECK_STR(a, b);
		timefmt_duration_raw(ns, d);
		if (ns >= 1000000000ull)
			snprintf(r, sizeof(r), "%llu.%03llus",
				 (unsigned long long)(ns / 1000000000ull),
				 (unsigned long long)(ns % 1000000000ull / 1000000ull));
		else if (ns >= 1000000ull)
			snprintf(r, sizeof(r), "%llu.%03llums",
				 (unsigned long long)(ns / 1000000ull),
				 (unsigned long long)(ns % 1000000ull / 1000ull));
		else if (ns >= 1000ull)
			snprintf(r, sizeof(r), "%lluus", (unsigned long long)(ns / 1000ull));
		else
			snprintf(r, sizeof(r), "%lluns", (unsigned long long)ns);
		CHECK_STR(d, r);
	}
	/* Times within a few seconds, as a row's are: the text of the last
	 * second is kept, and must follow the second that changes. */
	for (int n = 0; n < 3000; n++) {
		uint64_t ns = 1796480245ull * 1000000000ull + next_rand(&seed) % 3000000000ull;
		time_t secs = (time_t)(ns / 1000000000ull);
		struct strbuf sb = { 0 };
		struct tm tm;

		gmtime_r(&secs, &tm);
		snprintf(b, sizeof(b), "\"%04d-%02d-%02dT%02d:%02d:%02d.%09uZ\"", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (unsigned int)(ns % 1000000000ull));
		json_sb_iso(&sb, ns);
		CHECK_STR(sb_cstr(&sb), b);
		sb_free(&sb);
	}
	/* Truncation like snprintf's. */
	CHECK_STR(timefmt_iso(0, a, 5), "1970");
	for (int n = 0; n < 5000; n++) {
		uint32_t v4 = (uint32_t)next_rand(&seed) >> (n % 32);
		uint8_t addr[16] = { 0 };

		memcpy(addr, &v4, 4);
		inet_ntop(AF_INET, addr, r, sizeof(r));
		CHECK_STR(outfmt_addr(TRC_FAMILY_IPV4, addr, a, sizeof(a)), r);
	}
}

static void id_sort(void)
{
	enum { N = 5000 };
	struct conn *c = calloc(N, sizeof(*c));
	struct conn **v = calloc(N, sizeof(*v));
	uint64_t seed = 99;

	if (!c || !v) {
		CHECK(false);
		free(c);
		free(v);
		return;
	}
	for (int round = 0; round < 3; round++) {
		/* Dense ids, sparse ids, ids near the top of the range. */
		for (size_t i = 0; i < N; i++) {
			c[i].id = round == 0   ? i + 1
				  : round == 1 ? next_rand(&seed)
					       : UINT64_MAX - i * 7;
			v[i] = &c[i];
		}
		for (size_t i = N - 1; i > 0; i--) {
			size_t k = next_rand(&seed) % (i + 1);
			struct conn *t = v[i];

			v[i] = v[k];
			v[k] = t;
		}
		CHECK(idsort_conns(v, N) == 0);
		for (size_t i = 1; i < N; i++)
			CHECK(v[i - 1]->id < v[i]->id);
	}
	free(c);
	free(v);
}

static struct trc_conn decl(uint64_t serial, uint16_t lport, uint16_t rport)
{
	struct trc_conn d = { .serial = serial,
			      .family = TRC_FAMILY_IPV4,
			      .lport = lport,
			      .rport = rport,
			      .netns = 7 };

	inet_pton(AF_INET, "192.0.2.1", d.laddr);
	inet_pton(AF_INET, "192.0.2.2", d.raddr);
	return d;
}

/* Adds and removes in a random order: backward-shift deletion must keep
 * every remaining endpoint findable. */
static void serial_index_churn(void)
{
	enum { N = 20000 };
	struct conn_table *t = conn_table_new();
	struct conn **live = calloc(N, sizeof(*live));
	uint64_t seed = 7;
	size_t n = 0;

	for (uint64_t serial = 1; serial <= N; serial++) {
		struct trc_conn d = decl(serial * 1000003ull, (uint16_t)serial, 80);

		live[n++] = conn_table_add(t, (uint32_t)(serial % 3), &d);
		if (next_rand(&seed) % 3 == 0) {
			size_t k = next_rand(&seed) % n;

			conn_table_remove(t, live[k]);
			conn_table_release(t, live[k]);
			live[k] = live[--n];
		}
	}
	CHECK_EQ(conn_table_live(t), n);
	for (size_t i = 0; i < n; i++)
		CHECK(conn_table_lookup(t, live[i]->file, live[i]->serial) == live[i]);
	CHECK(!conn_table_lookup(t, 0, 5));
	free(live);
	conn_table_free(t);
}

/* Freezing stores the body encoded and thawing restores it byte for
 * byte; the endpoint never moves, so the table, the queues and its peer
 * reach it throughout. */
static void freeze_round_trip(void)
{
	struct conn_table *t = conn_table_new();
	struct trc_conn d1 = decl(1, 40000, 80), d2 = decl(2, 80, 40000), d3 = decl(3, 40001, 80);
	struct conn *a = conn_table_add(t, 0, &d1), *b, *x = conn_table_add(t, 0, &d3);
	struct conn_body *copy = malloc(sizeof(*copy));

	memcpy(d2.laddr, d1.raddr, 16);
	memcpy(d2.raddr, d1.laddr, 16);
	b = conn_table_add(t, 0, &d2);
	CHECK(conn_table_link_peer(t, b) == a->id);
	/* Body contents: transitions, counters, owned allocations. */
	a->closed = true;
	a->close_ns = 123456789;
	a->b->replay.n_trans = 3;
	a->b->replay.trans[2].t_ns = 0x0102030405060708ull;
	a->b->replay.trans[2].to = TCP_ST_CLOSE;
	a->b->traffic.by_flag[4] = 2;
	a->b->traffic.seg_total = 1ull << 40;
	snprintf(a->b->owner.comm, sizeof(a->b->owner.comm), "client");
	a->b->traffic.list = malloc(4 * sizeof(*a->b->traffic.list));
	a->b->verdict.violations = calloc(CONN_MAX_VIOL, sizeof(*a->b->verdict.violations));
	a->incomplete = INC_LOST;
	conn_table_queue(t, x, 0);
	conn_table_queue(t, a, 0);
	memcpy(copy, a->b, sizeof(*copy));
	CHECK(!conn_table_freeze(t, b)); /* still open: stays */
	CHECK(!b->frozen && b->b);
	CHECK(conn_table_freeze(t, a));
	CHECK(a->frozen && !a->b && a->enc);
	CHECK(conn_table_lookup(t, 0, 1) == a);
	CHECK(b->peer == a && a->peer == b);
	CHECK(conn_table_queue_head(t, 0) == x && TAILQ_NEXT(x, qlink) == a);
	CHECK(a->closed && a->close_ns == 123456789 && a->incomplete == INC_LOST);
	CHECK(conn_table_thaw(t, a));
	CHECK(!a->frozen && a->b && !a->enc);
	CHECK(!memcmp(a->b, copy, sizeof(*copy)));
	/* Frozen endpoints freed with the table release what they own (the
	 * sanitizer build would report a leak). */
	CHECK(conn_table_freeze(t, a));
	free(copy);
	conn_table_free(t);
}

/* The object's members in the order docs/JSON.md lists them. */
static const char *const conn_keys[] = {
	"id",	      "family",	     "local",	   "remote",	  "netns",	 "cgroup_id",
	"cookie",     "peer",	     "pid",	   "tid",	  "comm",	 "start_ns",
	"start_time", "end_ns",	     "end_time",   "duration_ns", "transitions", "segments",
	"timewait",   "retransmits", "resets",	   "figures",	  "outcome",	 "conn_state",
	"history",    "verdict",     "violations", "divergences", "incomplete",	 "durations",
	"inferred",   "flow_only",
};

static json_int_t jint(json_t *o, const char *path)
{
	json_t *v = json_object_get(o, path);

	CHECK(json_is_integer(v), "%s is not an integer", path);
	return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	CHECK(json_is_string(v), "%s is not a string", key);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* What json_writer() wrote, parsed by jansson and held to the endpoint it
 * was given: every member, in order, with its value. */
/* Fills c's body with words of the kinds a body holds: zero, small
 * counters, boot-clock times after the first event, before it and equal
 * to it, and arbitrary 64-bit values; what the body owns stays NULL. */
static void random_body(struct conn *c, uint64_t base, uint64_t *seed)
{
	uint64_t *w = (uint64_t *)c->b;

	for (size_t i = 0; i < sizeof(*c->b) / 8; i++) {
		uint64_t r = next_rand(seed);

		switch (r % 6) {
		case 0:
			w[i] = 0;
			break;
		case 1:
			w[i] = r >> 56;
			break;
		case 2:
			w[i] = base + (r >> 40);
			break;
		case 3:
			w[i] = base - (r >> 44);
			break;
		case 4:
			w[i] = base;
			break;
		default:
			w[i] = next_rand(seed);
			break;
		}
	}
	c->b->first_ns = base;
	c->b->traffic.list = NULL;
	c->b->traffic.flowbuf = NULL;
	c->b->verdict.violations = NULL;
}

/* Times are kept as differences from the endpoint's first event: any
 * word, above, below or equal to it, comes back exactly, and a body of
 * times close to its first event is kept in less room than the same body
 * whose first event says nothing (0). */
static void freeze_times_as_differences(void)
{
	struct conn_table *t = conn_table_new();
	struct conn_body *copy = malloc(sizeof(*copy));
	uint64_t seed = 11, base = 40199557928035ull;

	for (int round = 0; round < 300; round++) {
		struct trc_conn d = decl(100 + (uint64_t)round, (uint16_t)(1000 + round), 80);
		struct conn *c = conn_table_add(t, 0, &d);

		random_body(c, round % 10 ? base : 0, &seed);
		c->closed = true;
		memcpy(copy, c->b, sizeof(*copy));
		CHECK(conn_table_freeze(t, c));
		CHECK(conn_table_thaw(t, c));
		CHECK(!memcmp(c->b, copy, sizeof(*copy)));
		conn_table_remove(t, c);
		conn_table_release(t, c);
	}
	/* Twenty times a millisecond apart: three bytes each, not six. */
	uint8_t with_base, without;
	for (int k = 0; k < 2; k++) {
		struct trc_conn d = decl(1000 + (uint64_t)k, 2000, 80);
		struct conn *c = conn_table_add(t, 0, &d);

		c->closed = true;
		c->b->first_ns = k ? 0 : base;
		for (int i = 0; i < 16; i++)
			c->b->replay.trans[i].t_ns = base + (uint64_t)i * 1000000;
		for (int i = 0; i < CONN_RECENT; i++)
			c->b->replay.recent[i].t_ns = base + 5000;
		CHECK(conn_table_freeze(t, c));
		*(k ? &without : &with_base) = c->enc_class;
		CHECK(conn_table_thaw(t, c));
		CHECK_EQ(c->b->replay.trans[15].t_ns, base + 15 * 1000000ull);
	}
	CHECK(with_base + 1 < without);
	free(copy);
	conn_table_free(t);
}

static void check_conn_json(const char *text, bool list)
{
	json_error_t e;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &e), *t, *g, *tw, *d;
	size_t i = 0;
	const char *key;
	json_t *val;

	CHECK(o && json_is_object(o), "not a JSON object: %s", o ? "" : e.text);
	if (!o)
		return;
	json_object_foreach(o, key, val)
	{
		CHECK(i < sizeof(conn_keys) / sizeof(conn_keys[0]) && !strcmp(key, conn_keys[i]),
		      "member %zu is %s", i, key);
		i++;
	}
	CHECK(i == sizeof(conn_keys) / sizeof(conn_keys[0]));
	CHECK(jint(o, "id") == 9 && jint(o, "family") == TRC_FAMILY_IPV6);
	CHECK(!strcmp(jstr(json_object_get(o, "local"), "addr"), "c000:201::"));
	CHECK(jint(json_object_get(o, "local"), "port") == 40000);
	CHECK(jint(json_object_get(o, "remote"), "port") == 80);
	CHECK(jint(o, "netns") == 7 && jint(o, "cookie") == -1); /* UINT64_MAX, signed */
	CHECK(jint(o, "peer") == 10 && jint(o, "pid") == 4242 && jint(o, "tid") == 0);
	CHECK(!strcmp(jstr(o, "comm"), "a\"b\\c\td\xc3\xa9"));
	CHECK(!strcmp(jstr(o, "start_time"), "2026-11-22T05:14:57.308001733Z"));
	t = json_object_get(o, "transitions");
	CHECK(json_array_size(t) == 2);
	g = json_array_get(t, 0);
	CHECK(!strcmp(jstr(g, "from"), "CLOSE") && !strcmp(jstr(g, "to"), "SYN_SENT"));
	CHECK(!strcmp(jstr(json_object_get(g, "cause"), "kind"), "app"));
	CHECK(!strcmp(jstr(json_object_get(g, "cause"), "action"), "active-open"));
	CHECK(!strcmp(jstr(g, "judgement"), "conformant"));
	CHECK(json_is_null(json_object_get(g, "divergence")));
	CHECK(json_is_false(json_object_get(g, "inferred")));
	g = json_array_get(t, 1);
	CHECK(jint(g, "t_ns") == 6590622059999ll);
	CHECK(!strcmp(jstr(json_object_get(g, "cause"), "flags"), "R"));
	CHECK(!strcmp(jstr(json_object_get(g, "cause"), "dir"), "rx"));
	CHECK(!strcmp(jstr(g, "judgement"), "linux-specific"));
	CHECK(json_is_string(json_object_get(g, "divergence")));
	CHECK(json_is_true(json_object_get(g, "inferred")));
	g = json_object_get(o, "segments");
	CHECK(jint(g, "total") == 2);
	CHECK(json_is_object(json_object_get(g, "by_flag")));
	CHECK(list == (json_object_get(g, "list") != NULL));
	if (list) {
		json_t *l = json_object_get(g, "list");

		CHECK(json_array_size(l) == 2 && jint(g, "list_dropped") == 0);
		CHECK(!strcmp(jstr(json_array_get(l, 0), "flags"), "S"));
		CHECK(!json_object_get(json_array_get(l, 0), "seq"));
		CHECK(jint(json_array_get(l, 1), "seq") == 4000000000ll);
		CHECK(jint(json_array_get(l, 1), "window") == 65535);
	}
	tw = json_object_get(o, "timewait");
	CHECK(jint(tw, "enter_ns") == 6590622060000ll);
	CHECK(json_is_null(json_object_get(tw, "exit_ns")));
	CHECK(!strcmp(jstr(tw, "precision"), "polled") && jint(tw, "precision_ns") == 100000000);
	g = json_object_get(o, "figures");
	CHECK(!strcmp(jstr(g, "state"), "SYN_SENT"));
	CHECK(jint(g, "segs_out") == 2 && jint(g, "srtt_us") == 0); /* left out: 0 */
	CHECK(jint(g, "bytes_acked") == -1);			    /* UINT64_MAX, signed */
	CHECK(json_is_null(json_object_get(g, "delivery_rate")));   /* the kernel lacks it */
	CHECK(json_object_size(g) == 1 + FIG_KEY_MAX);
	CHECK(!strcmp(jstr(o, "outcome"), "reset_remote"));
	CHECK(!strcmp(jstr(o, "conn_state"), "RSTR"));
	CHECK(!strcmp(jstr(o, "history"), "ShR"));
	CHECK(!strcmp(jstr(o, "verdict"), "violation"));
	CHECK(json_array_size(json_object_get(o, "violations")) == 1);
	CHECK(!strcmp(json_string_value(json_array_get(json_object_get(o, "violations"), 0)),
		      "SYN_SENT -> CLOSE without a RST received"));
	CHECK(json_array_size(json_object_get(o, "divergences")) == 1);
	CHECK(json_array_size(json_object_get(o, "incomplete")) == 2);
	d = json_object_get(o, "durations");
	CHECK(jint(d, "lifetime_ns") == jint(o, "duration_ns"));
	CHECK(json_is_object(json_object_get(d, "states")));
	CHECK(json_is_false(json_object_get(o, "flow_only")));
	json_decref(o);
}

/* The direct JSON writer, on an endpoint that uses every part of the
 * object, read back by jansson. */
static void json_writer(void)
{
	struct trc_header h = { .anchor_realtime_ns = 1795324497308001733ull,
				.anchor_clock_ns = 6590622052853ull };
	struct conn *c = calloc(1, sizeof(*c));
	struct conn_body *body = calloc(1, sizeof(*body));
	struct seg_rec segs[2] = {
		{ .t_ns = 6590622052999ull, .dir = TRC_DIR_TX, .tcp_flags = TRC_TCP_SYN },
		{ .t_ns = 6590622053999ull,
		  .dir = TRC_DIR_RX,
		  .tcp_flags = TRC_TCP_SYN | TRC_TCP_ACK,
		  .flags = TRC_SEG_F_SEQ,
		  .seq = 4000000000u,
		  .ack = 1,
		  .window = 65535 },
	};
	struct conn_view v = { .c = c,
			       .hdr = &h,
			       .outcome = OUT_RESET_REMOTE,
			       .zstate = ZS_RSTR,
			       .verdict = VERDICT_VIOLATION };
	struct strbuf sb = { 0 };

	if (!c || !body) {
		CHECK(false);
		free(c);
		free(body);
		return;
	}
	c->b = body;
	c->id = c->gid = 9;
	c->b->decl = decl(1, 40000, 80);
	c->b->decl.family = TRC_FAMILY_IPV6;
	c->b->decl.cookie = UINT64_MAX; /* printed as json_int_t, negative */
	c->peer_id = 10;
	c->peer_gid = 10; /* a peer already finalised */
	c->b->owner.has_owner = true;
	c->b->owner.tgid = 4242;
	snprintf(c->b->owner.comm, sizeof(c->b->owner.comm), "a\"b\\c\td\xc3\xa9");
	c->b->replay.n_trans = 2;
	c->b->replay.trans[0] = (struct transition){ .t_ns = 6590622052853ull,
						     .from = TCP_ST_CLOSE,
						     .to = TCP_ST_SYN_SENT,
						     .cause = { .kind = CAUSE_APP,
								.input = RFC_IN_APP_ACTIVE_OPEN } };
	c->b->replay.trans[1] = (struct transition){
		.t_ns = 6590622059999ull,
		.from = TCP_ST_SYN_SENT,
		.to = TCP_ST_CLOSE,
		.judge = JUDGE_LINUX,
		.divergence = 1,
		.inferred = 1,
		.cause = { .kind = CAUSE_SEGMENT, .dir = TRC_DIR_RX, .tcp_flags = TRC_TCP_RST }
	};
	c->b->fig = (struct figures){
		.seen = true,
		.state = TCP_ST_SYN_SENT,
		.known = 0xff, /* all but delivery_rate */
		.value = { [TRC_SOCKF_SEGS_OUT] = 2, [TRC_SOCKF_BYTES_ACKED] = UINT64_MAX }
	};
	c->b->traffic.seg_total = 2;
	c->b->traffic.list = segs;
	c->b->traffic.n_list = 2;
	c->tw_enter = true;
	c->b->replay.tw_enter_ns = 6590622060000ull;
	c->b->replay.tw_precision = TRC_TW_POLLED;
	c->b->replay.tw_precision_ns = 100000000;
	c->b->verdict.violations = calloc(CONN_MAX_VIOL, sizeof(*c->b->verdict.violations));
	c->b->verdict.n_violations = 1;
	snprintf(c->b->verdict.violations[0], CONN_VIOL_LEN,
		 "SYN_SENT -> CLOSE without a RST received");
	c->b->verdict.divergences = 1u << 1;
	c->incomplete = INC_LOST | INC_TRACE_END;
	snprintf(c->b->classify.history, sizeof(c->b->classify.history), "ShR");
	durations_compute(c, 6590622070000ull, &v.dur);
	for (int list = 0; list < 2; list++) {
		sb_reset(&sb);
		CHECK(out_json_endpoint_sb(&sb, &v, list));
		check_conn_json(sb_cstr(&sb), list);
	}
	/* A comm that is not UTF-8 (safestr.h keeps such names out of
	 * struct conn): the writer declines, as jansson would. */
	c->b->owner.comm[0] = (char)0xff;
	sb_reset(&sb);
	CHECK(!out_json_endpoint_sb(&sb, &v, false));
	sb_free(&sb);
	free(c->b->verdict.violations);
	free(c->b);
	free(c);
}

int main(void)
{
	strbuf_basics();
	u64_edges();
	json_strings();
	times_and_addresses();
	id_sort();
	serial_index_churn();
	freeze_round_trip();
	freeze_times_as_differences();
	json_writer();
	return check_exit_status();
}
