// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_json_write.c - one connection's JSON written straight into a buffer:
 * the members, order and bytes that jansson's json_dumpf(JSON_COMPACT)
 * prints for the same object (docs/JSON.md), without allocating a tree of
 * some hundred values per connection, which was nearly all of the time of
 * --json.  tests/unit/analyze/json_ref.c builds that object with jansson;
 * a field added here is added there, and test-fastpath compares them.
 */
#include "divergence.h"
#include "json_sb.h"
#include "out_json.h"
#include "timefmt.h"

/* Separators and keys: "," before every member but the first.  Keys are
 * literals, appended with their quotes and colon in one copy of a
 * length known at compile time. */
struct obj {
	struct strbuf *sb;
	bool more;
};

#define KEY(k) "\"" k "\":", sizeof("\"" k "\":") - 1

static struct obj obj_open(struct strbuf *sb)
{
	sb_ch(sb, '{');
	return (struct obj){ .sb = sb };
}

static inline struct strbuf *member(struct obj *o, const char *quoted_key, size_t n)
{
	if (o->more)
		sb_ch(o->sb, ',');
	o->more = true;
	sb_mem(o->sb, quoted_key, n);
	return o->sb;
}

/* A member whose key is computed (flag and state names). */
static struct strbuf *member_named(struct obj *o, const char *key)
{
	if (o->more)
		sb_ch(o->sb, ',');
	o->more = true;
	json_sb_key(o->sb, key);
	return o->sb;
}

static void obj_close(struct obj *o)
{
	sb_ch(o->sb, '}');
}

/* A string that needs no escape (names, addresses, flag letters). */
static void plain_str(struct strbuf *sb, const char *s)
{
	sb_ch(sb, '"');
	sb_str(sb, s);
	sb_ch(sb, '"');
}

#define m_int(o, k, v)	json_sb_int(member(o, KEY(k)), v)
#define m_str(o, k, s)	plain_str(member(o, KEY(k)), s)
#define m_null(o, k)	json_sb_null(member(o, KEY(k)))
#define m_bool(o, k, v) json_sb_bool(member(o, KEY(k)), v)

static void ns_or_null(struct strbuf *sb, uint64_t v)
{
	if (v == DUR_NONE)
		json_sb_null(sb);
	else
		json_sb_int(sb, v);
}
#define m_ns_or_null(o, k, v) ns_or_null(member(o, KEY(k)), v)

static void iso_time(struct strbuf *sb, const struct trc_header *h, uint64_t t)
{
	char b[TIMEFMT_ISO_LEN];

	sb_ch(sb, '"');
	sb_mem(sb, b, timefmt_iso_raw(analyzer_realtime(h, t), b));
	sb_ch(sb, '"');
}
#define m_time(o, k, h, t) iso_time(member(o, KEY(k)), h, t)

static void endpoint(struct strbuf *sb, uint8_t fam, const uint8_t *a, uint16_t port)
{
	char b[64];
	struct obj e = obj_open(sb);

	m_str(&e, "addr", outfmt_addr(fam, a, b, sizeof(b)));
	m_int(&e, "port", port);
	obj_close(&e);
}

static void cause(struct obj *o, const struct cause *cs)
{
	struct obj c = obj_open(member(o, KEY("cause")));
	char fl[16];

	switch (cs->kind) {
	case CAUSE_SEGMENT:
		m_str(&c, "kind", "segment");
		m_str(&c, "dir", cs->dir == TRC_DIR_RX ? "rx" : "tx");
		m_str(&c, "flags", trc_tcp_flags_str(cs->tcp_flags, fl, sizeof(fl)));
		m_int(&c, "t_ns", cs->t_ns);
		break;
	case CAUSE_APP:
		m_str(&c, "kind", "app");
		m_str(&c, "action", rfc9293_input_name(cs->input));
		break;
	case CAUSE_TIMER:
		m_str(&c, "kind", "timer");
		m_str(&c, "timer", cs->input == RFC_IN_TIMER_2MSL ? "2msl" : "giveup");
		break;
	default:
		m_str(&c, "kind", cause_kind_name(cs->kind));
	}
	obj_close(&c);
}

static void transition(struct strbuf *sb, const struct conn_view *v, uint16_t i)
{
	const struct transition *t = &v->c->trans[i];
	struct obj o = obj_open(sb);

	m_int(&o, "t_ns", t->t_ns);
	m_time(&o, "time", v->hdr, t->t_ns);
	m_str(&o, "from", tcp_state_name(t->from));
	m_str(&o, "to", tcp_state_name(t->to));
	cause(&o, &t->cause);
	m_int(&o, "dwell_ns", v->dur.dwell[i]);
	m_str(&o, "judgement", judgement_name((enum judgement)t->judge));
	if (t->judge == JUDGE_LINUX)
		m_str(&o, "divergence", lx_divergence_name((enum lx_divergence)t->divergence));
	else
		m_null(&o, "divergence");
	m_bool(&o, "inferred", t->inferred);
	obj_close(&o);
}

static void transitions(struct obj *o, const struct conn_view *v)
{
	struct strbuf *sb = member(o, KEY("transitions"));

	sb_ch(sb, '[');
	for (uint16_t i = 0; i < v->c->n_trans; i++) {
		if (i)
			sb_ch(sb, ',');
		transition(sb, v, i);
	}
	sb_ch(sb, ']');
}

static void seg_entry(struct strbuf *sb, const struct seg_rec *s)
{
	struct obj o = obj_open(sb);
	char fl[16];

	m_int(&o, "t_ns", s->t_ns);
	m_str(&o, "dir", s->dir == TRC_DIR_RX ? "rx" : "tx");
	m_str(&o, "flags", trc_tcp_flags_str(s->tcp_flags, fl, sizeof(fl)));
	if (s->flags & TRC_SEG_F_SEQ) {
		m_int(&o, "seq", s->seq);
		m_int(&o, "ack", s->ack);
		m_int(&o, "window", s->window);
		m_int(&o, "payload_len", s->payload_len);
	}
	obj_close(&o);
}

static void segments(struct obj *parent, const struct conn *c, bool list)
{
	struct obj o = obj_open(member(parent, KEY("segments")));
	struct obj by;

	m_int(&o, "total", c->seg_total);
	m_int(&o, "rx", c->seg_rx);
	m_int(&o, "tx", c->seg_tx);
	by = obj_open(member(&o, KEY("by_flag")));
	for (unsigned int i = 0; i < CLASSIFY_NFLAGS; i++)
		json_sb_int(member_named(&by, classify_flag_name(i)), c->by_flag[i]);
	obj_close(&by);
	if (list) {
		struct strbuf *sb = member(&o, KEY("list"));

		sb_ch(sb, '[');
		for (uint32_t i = 0; i < c->n_list; i++) {
			if (i)
				sb_ch(sb, ',');
			seg_entry(sb, &c->list[i]);
		}
		sb_ch(sb, ']');
		m_int(&o, "list_dropped", c->list_dropped);
	}
	obj_close(&o);
}

static void timewait(struct obj *parent, const struct conn_view *v)
{
	const struct conn *c = v->c;
	struct obj o;

	if (!c->tw_enter) {
		m_null(parent, "timewait");
		return;
	}
	o = obj_open(member(parent, KEY("timewait")));
	m_int(&o, "enter_ns", c->tw_enter_ns);
	m_time(&o, "enter_time", v->hdr, c->tw_enter_ns);
	if (c->tw_exit) {
		m_int(&o, "exit_ns", c->tw_exit_ns);
		m_time(&o, "exit_time", v->hdr, c->tw_exit_ns);
	} else {
		m_null(&o, "exit_ns");
		m_null(&o, "exit_time");
	}
	m_str(&o, "precision", c->tw_precision == TRC_TW_EXACT ? "exact" : "polled");
	m_int(&o, "precision_ns", c->tw_precision_ns);
	m_ns_or_null(&o, "duration_ns", v->dur.timewait_ns);
	obj_close(&o);
}

static void durations(struct obj *parent, const struct durations *d)
{
	struct obj o = obj_open(member(parent, KEY("durations")));
	struct obj st;

	m_ns_or_null(&o, "connect_ns", d->connect_ns);
	m_ns_or_null(&o, "handshake_ns", d->handshake_ns);
	m_int(&o, "lifetime_ns", d->lifetime_ns);
	m_ns_or_null(&o, "timewait_ns", d->timewait_ns);
	st = obj_open(member(&o, KEY("states")));
	for (int i = 0; i < TCP_ST_COUNT; i++)
		if (d->states[i] != DUR_NONE)
			json_sb_int(member_named(&st, tcp_state_name((unsigned int)i)),
				    d->states[i]);
	obj_close(&st);
	obj_close(&o);
}

/* Array of strings; false when one is not valid UTF-8. */
static bool violations(struct obj *o, const struct conn *c)
{
	struct strbuf *sb = member(o, KEY("violations"));
	bool ok = true;

	sb_ch(sb, '[');
	for (uint32_t i = 0; c->violations && i < c->n_violations && i < CONN_MAX_VIOL; i++) {
		if (i)
			sb_ch(sb, ',');
		ok &= json_sb_str(sb, c->violations[i]);
	}
	sb_ch(sb, ']');
	return ok;
}

static void flag_names(struct obj *o, const struct conn *c, bool divergences)
{
	struct strbuf *sb =
		divergences ? member(o, KEY("divergences")) : member(o, KEY("incomplete"));
	bool first = true;

	sb_ch(sb, '[');
	for (unsigned int i = 0; i < 32; i++) {
		const char *name = NULL;

		if (divergences && i < LX_COUNT && (c->divergences & (1u << i)))
			name = lx_divergence_name((enum lx_divergence)i);
		if (!divergences && (c->incomplete & (1u << i)))
			name = incomplete_reason_name((enum incomplete_reason)(1u << i));
		if (!name)
			continue;
		if (!first)
			sb_ch(sb, ',');
		first = false;
		plain_str(sb, name);
	}
	sb_ch(sb, ']');
}

/* id ... comm: who the endpoint is.  False when comm is not UTF-8. */
static bool identity(struct obj *o, const struct conn *c)
{
	bool ok = true;

	m_int(o, "id", c->id);
	m_int(o, "family", c->decl.family);
	endpoint(member(o, KEY("local")), c->decl.family, c->decl.laddr, c->decl.lport);
	endpoint(member(o, KEY("remote")), c->decl.family, c->decl.raddr, c->decl.rport);
	m_int(o, "netns", c->decl.netns);
	m_int(o, "cgroup_id", c->decl.cgroup_id);
	m_int(o, "cookie", c->decl.cookie);
	if (c->peer_id)
		m_int(o, "peer", c->peer_id);
	else
		m_null(o, "peer");
	if (c->has_owner) {
		m_int(o, "pid", c->tgid);
		m_int(o, "tid", c->pid);
		ok = json_sb_str(member(o, KEY("comm")), c->comm);
	} else {
		m_null(o, "pid");
		m_null(o, "tid");
		m_null(o, "comm");
	}
	return ok;
}

bool out_json_conn_sb(struct strbuf *sb, const struct conn_view *v, bool list)
{
	const struct conn *c = v->c;
	struct obj o = obj_open(sb);
	bool ok = identity(&o, c);
	struct obj r;

	m_int(&o, "start_ns", v->dur.start_ns);
	m_time(&o, "start_time", v->hdr, v->dur.start_ns);
	m_int(&o, "end_ns", v->dur.end_ns);
	m_time(&o, "end_time", v->hdr, v->dur.end_ns);
	m_int(&o, "duration_ns", v->dur.lifetime_ns);
	transitions(&o, v);
	segments(&o, c, list);
	timewait(&o, v);
	m_int(&o, "retransmits", c->retransmits);
	r = obj_open(member(&o, KEY("resets")));
	m_int(&r, "sent", c->resets_sent);
	m_int(&r, "received", c->resets_received);
	obj_close(&r);
	m_str(&o, "outcome", outcome_name(v->outcome));
	m_str(&o, "conn_state", zeek_state_name(v->zstate));
	ok &= json_sb_str(member(&o, KEY("history")), c->history);
	m_str(&o, "verdict", verdict_name(v->verdict));
	ok &= violations(&o, c);
	flag_names(&o, c, true);
	flag_names(&o, c, false);
	durations(&o, &v->dur);
	m_bool(&o, "inferred", c->inferred);
	m_bool(&o, "flow_only", c->flow_only);
	obj_close(&o);
	return ok;
}
