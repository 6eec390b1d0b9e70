// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_json_write.c - one connection's JSON written straight into a buffer
 * (docs/JSON.md), without allocating a tree of some hundred values per
 * connection, which was nearly all of the time of --json.  Its bytes are
 * what jansson's json_dumpf(JSON_COMPACT) would print for the same object;
 * test-fastpath reads one back with jansson, test-json-schema validates
 * every output mode against docs/json-schema.json.
 */
#include "divergence.h"
#include "json_sb.h"
#include "out_json_write.h"
#include "trace_id.h"

static void ns_or_null(struct strbuf *sb, uint64_t v)
{
	if (v == DUR_NONE)
		json_sb_null(sb);
	else
		json_sb_int(sb, v);
}
#define m_ns_or_null(o, k, v) ns_or_null(json_member(o, JKEY(k)), v)

#define m_time(o, k, h, t) json_sb_iso(json_member(o, JKEY(k)), trc_realtime(h, t))

static void endpoint(struct strbuf *sb, uint8_t fam, const uint8_t *a, uint16_t port)
{
	char b[64];
	struct json_obj e = json_obj_open(sb);

	jm_str(&e, "addr", outfmt_addr(fam, a, b, sizeof(b)));
	jm_int(&e, "port", port);
	json_obj_close(&e);
}

static void cause(struct json_obj *o, const struct cause *cs)
{
	struct json_obj c = json_obj_open(json_member(o, JKEY("cause")));
	char fl[16];

	switch (cs->kind) {
	case CAUSE_SEGMENT:
		jm_str(&c, "kind", "segment");
		jm_str(&c, "dir", cs->dir == TRC_DIR_RX ? "rx" : "tx");
		jm_str(&c, "flags", trc_tcp_flags_str(cs->tcp_flags, fl, sizeof(fl)));
		jm_int(&c, "t_ns", cs->t_ns);
		break;
	case CAUSE_APP:
		jm_str(&c, "kind", "app");
		jm_str(&c, "action", rfc9293_input_name(cs->input));
		break;
	case CAUSE_TIMER:
		jm_str(&c, "kind", "timer");
		jm_str(&c, "timer", cs->input == RFC_IN_TIMER_2MSL ? "2msl" : "giveup");
		break;
	default:
		jm_str(&c, "kind", cause_kind_name(cs->kind));
	}
	json_obj_close(&c);
}

static void transition(struct strbuf *sb, const struct conn_view *v, uint16_t i)
{
	const struct transition *t = &v->c->b->replay.trans[i];
	struct json_obj o = json_obj_open(sb);

	jm_int(&o, "t_ns", t->t_ns);
	m_time(&o, "time", v->hdr, t->t_ns);
	jm_str(&o, "from", tcp_state_name(t->from));
	jm_str(&o, "to", tcp_state_name(t->to));
	cause(&o, &t->cause);
	jm_int(&o, "dwell_ns", v->dur.dwell[i]);
	jm_str(&o, "judgement", judgement_name((enum judgement)t->judge));
	if (t->judge == JUDGE_LINUX)
		jm_str(&o, "divergence", lx_divergence_name((enum lx_divergence)t->divergence));
	else
		jm_null(&o, "divergence");
	jm_bool(&o, "inferred", t->inferred);
	json_obj_close(&o);
}

static void transitions(struct json_obj *o, const struct conn_view *v)
{
	struct strbuf *sb = json_member(o, JKEY("transitions"));

	sb_ch(sb, '[');
	for (uint16_t i = 0; i < v->c->b->replay.n_trans; i++) {
		if (i)
			sb_ch(sb, ',');
		transition(sb, v, i);
	}
	sb_ch(sb, ']');
}

static void seg_entry(struct strbuf *sb, const struct seg_rec *s)
{
	struct json_obj o = json_obj_open(sb);
	char fl[16];

	jm_int(&o, "t_ns", s->t_ns);
	jm_str(&o, "dir", s->dir == TRC_DIR_RX ? "rx" : "tx");
	jm_str(&o, "flags", trc_tcp_flags_str(s->tcp_flags, fl, sizeof(fl)));
	if (s->flags & TRC_SEG_F_SEQ) {
		jm_int(&o, "seq", s->seq);
		jm_int(&o, "ack", s->ack);
		jm_int(&o, "window", s->window);
		jm_int(&o, "payload_len", s->payload_len);
	}
	json_obj_close(&o);
}

static void segments(struct json_obj *parent, const struct conn *c, bool list)
{
	struct json_obj o = json_obj_open(json_member(parent, JKEY("segments")));
	struct json_obj by;

	jm_int(&o, "total", c->b->traffic.seg_total);
	jm_int(&o, "rx", c->b->traffic.seg_rx);
	jm_int(&o, "tx", c->b->traffic.seg_tx);
	by = json_obj_open(json_member(&o, JKEY("by_flag")));
	for (unsigned int i = 0; i < CLASSIFY_NFLAGS; i++)
		json_sb_int(json_member_named(&by, classify_flag_name(i)),
			    c->b->traffic.by_flag[i]);
	json_obj_close(&by);
	if (list) {
		struct strbuf *sb = json_member(&o, JKEY("list"));

		sb_ch(sb, '[');
		for (uint32_t i = 0; i < c->b->traffic.n_list; i++) {
			if (i)
				sb_ch(sb, ',');
			seg_entry(sb, &c->b->traffic.list[i]);
		}
		sb_ch(sb, ']');
		jm_int(&o, "list_dropped", c->b->traffic.list_dropped);
	}
	json_obj_close(&o);
}

static void timewait(struct json_obj *parent, const struct conn_view *v)
{
	const struct conn *c = v->c;
	struct json_obj o;

	if (!c->tw_enter) {
		jm_null(parent, "timewait");
		return;
	}
	o = json_obj_open(json_member(parent, JKEY("timewait")));
	jm_int(&o, "enter_ns", c->b->replay.tw_enter_ns);
	m_time(&o, "enter_time", v->hdr, c->b->replay.tw_enter_ns);
	if (c->tw_exit) {
		jm_int(&o, "exit_ns", c->b->replay.tw_exit_ns);
		m_time(&o, "exit_time", v->hdr, c->b->replay.tw_exit_ns);
	} else {
		jm_null(&o, "exit_ns");
		jm_null(&o, "exit_time");
	}
	jm_str(&o, "precision", c->b->replay.tw_precision == TRC_TW_EXACT ? "exact" : "polled");
	jm_int(&o, "precision_ns", c->b->replay.tw_precision_ns);
	m_ns_or_null(&o, "duration_ns", v->dur.timewait_ns);
	json_obj_close(&o);
}

static void durations(struct json_obj *parent, const struct durations *d)
{
	struct json_obj o = json_obj_open(json_member(parent, JKEY("durations")));
	struct json_obj st;

	m_ns_or_null(&o, "connect_ns", d->connect_ns);
	m_ns_or_null(&o, "handshake_ns", d->handshake_ns);
	jm_int(&o, "lifetime_ns", d->lifetime_ns);
	m_ns_or_null(&o, "timewait_ns", d->timewait_ns);
	st = json_obj_open(json_member(&o, JKEY("states")));
	for (int i = 0; i < TCP_ST_COUNT; i++)
		if (d->states[i] != DUR_NONE)
			json_sb_int(json_member_named(&st, tcp_state_name((unsigned int)i)),
				    d->states[i]);
	json_obj_close(&st);
	json_obj_close(&o);
}

/* Array of strings; false when one is not valid UTF-8. */
static bool violations(struct json_obj *o, const struct conn *c)
{
	struct strbuf *sb = json_member(o, JKEY("violations"));
	bool ok = true;

	sb_ch(sb, '[');
	for (uint32_t i = 0;
	     c->b->verdict.violations && i < c->b->verdict.n_violations && i < CONN_MAX_VIOL; i++) {
		if (i)
			sb_ch(sb, ',');
		ok &= json_sb_str(sb, c->b->verdict.violations[i]);
	}
	sb_ch(sb, ']');
	return ok;
}

static void divergence_names(struct json_obj *o, const struct conn *c)
{
	struct strbuf *sb = json_member(o, JKEY("divergences"));
	bool first = true;

	sb_ch(sb, '[');
	for (unsigned int i = 0; i < LX_COUNT; i++) {
		if (!(c->b->verdict.divergences & (1u << i)))
			continue;
		if (!first)
			sb_ch(sb, ',');
		first = false;
		json_plain_str(sb, lx_divergence_name((enum lx_divergence)i));
	}
	sb_ch(sb, ']');
}

void out_json_incomplete_names(struct strbuf *sb, uint32_t bits, bool quote)
{
	bool first = true;

	for (unsigned int i = 0; i < 32; i++) {
		const char *name =
			bits & (1u << i) ? incomplete_reason_name((enum incomplete_reason)(1u << i))
					 : NULL;

		if (!name)
			continue;
		if (!first)
			sb_ch(sb, ',');
		first = false;
		if (quote)
			json_plain_str(sb, name);
		else
			sb_str(sb, name);
	}
}

/* id ... comm: who the endpoint is.  False when comm is not UTF-8. */
static bool identity(struct json_obj *o, const struct conn *c)
{
	bool ok = true;

	jm_int(o, "id", c->gid);
	jm_int(o, "family", c->b->decl.family);
	endpoint(json_member(o, JKEY("local")), c->b->decl.family, c->b->decl.laddr,
		 c->b->decl.lport);
	endpoint(json_member(o, JKEY("remote")), c->b->decl.family, c->b->decl.raddr,
		 c->b->decl.rport);
	jm_int(o, "netns", c->b->decl.netns);
	jm_int(o, "cgroup_id", c->b->decl.cgroup_id);
	jm_int(o, "cookie", c->b->decl.cookie);
	if (c->peer_id)
		jm_int(o, "peer", conn_peer_gid(c));
	else
		jm_null(o, "peer");
	if (c->b->owner.has_owner) {
		jm_int(o, "pid", c->b->owner.tgid);
		jm_int(o, "tid", c->b->owner.pid);
		ok = json_sb_str(json_member(o, JKEY("comm")), c->b->owner.comm);
	} else {
		jm_null(o, "pid");
		jm_null(o, "tid");
		jm_null(o, "comm");
	}
	return ok;
}

/* The kernel's counters from the latest tcp_figures record: null when
 * none was recorded; a figure the kernel lacks is null. */
static void figures(struct json_obj *o, const struct conn *c)
{
	struct json_obj f;
	uint64_t v;

	if (!c->b->fig.seen) {
		jm_null(o, "figures");
		return;
	}
	f = json_obj_open(json_member(o, JKEY("figures")));
	jm_str(&f, "state", tcp_state_name(c->b->fig.state));
#define FIG_MEMBER_(key, name, text)                                                               \
	if (figures_get(&c->b->fig, key, &v))                                                      \
		jm_int(&f, text, v);                                                               \
	else                                                                                       \
		jm_null(&f, text);
	TRC_SOCK_FIELDS(FIG_MEMBER_)
#undef FIG_MEMBER_
	json_obj_close(&f);
}

bool out_json_endpoint_sb(struct strbuf *sb, const struct conn_view *v, bool list)
{
	const struct conn *c = v->c;
	struct json_obj o = json_obj_open(sb);
	bool ok = identity(&o, c);
	struct json_obj r;

	jm_int(&o, "start_ns", v->dur.start_ns);
	m_time(&o, "start_time", v->hdr, v->dur.start_ns);
	jm_int(&o, "end_ns", v->dur.end_ns);
	m_time(&o, "end_time", v->hdr, v->dur.end_ns);
	jm_int(&o, "duration_ns", v->dur.lifetime_ns);
	transitions(&o, v);
	segments(&o, c, list);
	timewait(&o, v);
	jm_int(&o, "retransmits", c->b->traffic.retransmits);
	r = json_obj_open(json_member(&o, JKEY("resets")));
	jm_int(&r, "sent", c->b->traffic.resets_sent);
	jm_int(&r, "received", c->b->traffic.resets_received);
	json_obj_close(&r);
	figures(&o, c);
	jm_str(&o, "outcome", outcome_name(v->outcome));
	jm_str(&o, "conn_state", zeek_state_name(v->zstate));
	ok &= json_sb_str(json_member(&o, JKEY("history")), c->b->classify.history);
	jm_str(&o, "verdict", verdict_name(v->verdict));
	ok &= violations(&o, c);
	divergence_names(&o, c);
	sb_ch(json_member(&o, JKEY("incomplete")), '[');
	out_json_incomplete_names(o.sb, c->incomplete, true);
	sb_ch(o.sb, ']');
	durations(&o, &v->dur);
	jm_bool(&o, "inferred", c->b->replay.inferred);
	jm_bool(&o, "flow_only", c->flow_only);
	json_obj_close(&o);
	return ok;
}

bool out_json_host_sb(struct strbuf *sb, const struct conn_view *v)
{
	return json_sb_str(sb, v->hdr->hostname);
}

void out_json_trace_id_sb(struct strbuf *sb, const struct conn_view *v)
{
	char id[TRACE_ID_HEX_LEN];

	json_plain_str(sb, trace_id_hex(v->hdr, id));
}

static bool half(struct json_obj *o, const char *quoted_key, size_t n, const struct conn_view *v,
		 bool list)
{
	if (!v) {
		json_sb_null(json_member(o, quoted_key, n));
		return true;
	}
	return out_json_endpoint_sb(json_member(o, quoted_key, n), v, list);
}

bool out_json_outcome_members(struct json_obj *o, const struct connection_view *cv)
{
	bool ok;

	jm_int(o, "duration_ns", cv->end_rt - cv->start_rt);
	jm_bool(o, "open", cv->open);
	jm_str(o, "outcome", outcome_name(cv->outcome));
	jm_str(o, "conn_state", zeek_state_name(cv->zstate));
	ok = json_sb_str(json_member(o, JKEY("history")), cv->history);
	jm_str(o, "verdict", verdict_name(cv->verdict));
	return ok;
}

void out_json_traffic_members(struct json_obj *o, const struct connection_view *cv)
{
	json_sb_int_or_null(json_member(o, JKEY("orig_bytes")), cv->bytes_known[SIDE_ORIG],
			    cv->bytes[SIDE_ORIG]);
	json_sb_int_or_null(json_member(o, JKEY("resp_bytes")), cv->bytes_known[SIDE_RESP],
			    cv->bytes[SIDE_RESP]);
	json_sb_int_or_null(json_member(o, JKEY("rtt_us")), cv->rtt_known, cv->rtt_us);
	jm_int(o, "retransmits", cv->retransmits);
}

bool out_json_connection_sb(struct strbuf *sb, const struct connection_view *cv, bool list)
{
	struct json_obj o = json_obj_open(sb), e;
	bool ok;

	jm_int(&o, "id", cv->id);
	ok = out_json_host_sb(json_member(&o, JKEY("host")), connection_home(cv));
	out_json_trace_id_sb(json_member(&o, JKEY("trace_id")), connection_home(cv));
	jm_int(&o, "family", cv->family);
	endpoint(json_member(&o, JKEY("orig")), cv->family, cv->addr[SIDE_ORIG],
		 cv->port[SIDE_ORIG]);
	endpoint(json_member(&o, JKEY("resp")), cv->family, cv->addr[SIDE_RESP],
		 cv->port[SIDE_RESP]);
	jm_str(&o, "seen", connection_seen_name(cv));
	jm_bool(&o, "direction_known", cv->direction_known);
	json_sb_iso(json_member(&o, JKEY("start_time")), cv->start_rt);
	json_sb_iso(json_member(&o, JKEY("end_time")), cv->end_rt);
	ok &= out_json_outcome_members(&o, cv);
	out_json_traffic_members(&o, cv);
	e = json_obj_open(json_member(&o, JKEY("endpoints")));
	ok &= half(&e, JKEY("orig"), cv->half[SIDE_ORIG], list);
	ok &= half(&e, JKEY("resp"), cv->half[SIDE_RESP], list);
	json_obj_close(&e);
	json_obj_close(&o);
	return ok;
}
