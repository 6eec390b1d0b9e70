// SPDX-License-Identifier: BSD-2-Clause
/*
 * json_ref.c - the reference for tcpana's connection object: the same
 * members built with jansson's json_pack(), whose json_dumps() output the
 * direct writer (analyze/out_json_write.c) must match byte for byte
 * (test-fastpath.c).  Schema in docs/json-schema.json, fields in
 * docs/JSON.md.  Key order is insertion order; times are integer ns plus
 * ISO 8601 strings.
 */
#include <jansson.h>

#include "divergence.h"
#include "json_ref.h"
#include "out_json.h"
#include "timefmt.h"

static json_t *json_time(const struct trc_header *h, uint64_t t)
{
	char b[TIMEFMT_ISO_LEN];

	return json_string(timefmt_iso(analyzer_realtime(h, t), b, sizeof(b)));
}

static json_t *ns_or_null(uint64_t v)
{
	return v == DUR_NONE ? json_null() : json_integer((json_int_t)v);
}

static json_t *endpoint(uint8_t fam, const uint8_t *a, uint16_t port)
{
	char b[64];

	return JPACK("{s:s, s:i}", "addr", outfmt_addr(fam, a, b, sizeof(b)), "port", port);
}

static json_t *cause(const struct cause *cs)
{
	char fl[16];

	switch (cs->kind) {
	case CAUSE_SEGMENT:
		return JPACK("{s:s, s:s, s:s, s:I}", "kind", "segment", "dir",
			     cs->dir == TRC_DIR_RX ? "rx" : "tx", "flags",
			     trc_tcp_flags_str(cs->tcp_flags, fl, sizeof(fl)), "t_ns",
			     (json_int_t)cs->t_ns);
	case CAUSE_APP:
		return JPACK("{s:s, s:s}", "kind", "app", "action", rfc9293_input_name(cs->input));
	case CAUSE_TIMER:
		return JPACK("{s:s, s:s}", "kind", "timer", "timer",
			     cs->input == RFC_IN_TIMER_2MSL ? "2msl" : "giveup");
	default:
		return JPACK("{s:s}", "kind", cause_kind_name(cs->kind));
	}
}

static json_t *transitions(const struct conn_view *v)
{
	json_t *a = json_array();

	for (uint16_t i = 0; a && i < v->c->n_trans; i++) {
		const struct transition *t = &v->c->trans[i];

		json_array_append_new(
			a,
			JPACK("{s:I, s:o, s:s, s:s, s:o, s:I, s:s, s:o, s:b}", "t_ns",
			      (json_int_t)t->t_ns, "time", json_time(v->hdr, t->t_ns), "from",
			      tcp_state_name(t->from), "to", tcp_state_name(t->to), "cause",
			      cause(&t->cause), "dwell_ns", (json_int_t)v->dur.dwell[i],
			      "judgement", judgement_name((enum judgement)t->judge), "divergence",
			      t->judge == JUDGE_LINUX ? json_string(lx_divergence_name(
								(enum lx_divergence)t->divergence))
						      : json_null(),
			      "inferred", (int)t->inferred));
	}
	return a;
}

static json_t *seg_list(const struct conn *c)
{
	json_t *a = json_array();
	char fl[16];

	for (uint32_t i = 0; a && i < c->n_list; i++) {
		const struct seg_rec *s = &c->list[i];
		json_t *o = JPACK("{s:I, s:s, s:s}", "t_ns", (json_int_t)s->t_ns, "dir",
				  s->dir == TRC_DIR_RX ? "rx" : "tx", "flags",
				  trc_tcp_flags_str(s->tcp_flags, fl, sizeof(fl)));

		if (o && (s->flags & TRC_SEG_F_SEQ)) {
			json_object_set_new(o, "seq", json_integer(s->seq));
			json_object_set_new(o, "ack", json_integer(s->ack));
			json_object_set_new(o, "window", json_integer(s->window));
			json_object_set_new(o, "payload_len", json_integer(s->payload_len));
		}
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *segments(const struct conn *c, bool list)
{
	json_t *by = json_object(), *o;

	for (unsigned int i = 0; by && i < CLASSIFY_NFLAGS; i++)
		json_object_set_new(by, classify_flag_name(i),
				    json_integer((json_int_t)c->by_flag[i]));
	o = JPACK("{s:I, s:I, s:I, s:o}", "total", (json_int_t)c->seg_total, "rx",
		  (json_int_t)c->seg_rx, "tx", (json_int_t)c->seg_tx, "by_flag", by);
	if (o && list) {
		json_object_set_new(o, "list", seg_list(c));
		json_object_set_new(o, "list_dropped", json_integer((json_int_t)c->list_dropped));
	}
	return o;
}

static json_t *timewait(const struct conn_view *v)
{
	const struct conn *c = v->c;

	if (!c->tw_enter)
		return json_null();
	return JPACK("{s:I, s:o, s:o, s:o, s:s, s:I, s:o}", "enter_ns", (json_int_t)c->tw_enter_ns,
		     "enter_time", json_time(v->hdr, c->tw_enter_ns), "exit_ns",
		     c->tw_exit ? json_integer((json_int_t)c->tw_exit_ns) : json_null(),
		     "exit_time", c->tw_exit ? json_time(v->hdr, c->tw_exit_ns) : json_null(),
		     "precision", c->tw_precision == TRC_TW_EXACT ? "exact" : "polled",
		     "precision_ns", (json_int_t)c->tw_precision_ns, "duration_ns",
		     ns_or_null(v->dur.timewait_ns));
}

static json_t *durations(const struct durations *d)
{
	json_t *st = json_object();

	for (int i = 0; st && i < TCP_ST_COUNT; i++)
		if (d->states[i] != DUR_NONE)
			json_object_set_new(st, tcp_state_name((unsigned int)i),
					    json_integer((json_int_t)d->states[i]));
	return JPACK("{s:o, s:o, s:I, s:o, s:o}", "connect_ns", ns_or_null(d->connect_ns),
		     "handshake_ns", ns_or_null(d->handshake_ns), "lifetime_ns",
		     (json_int_t)d->lifetime_ns, "timewait_ns", ns_or_null(d->timewait_ns),
		     "states", st);
}

static json_t *strings_violations(const struct conn *c)
{
	json_t *a = json_array();

	for (uint32_t i = 0; a && c->violations && i < c->n_violations && i < CONN_MAX_VIOL; i++)
		json_array_append_new(a, json_string(c->violations[i]));
	return a;
}

static json_t *strings_flags(const struct conn *c, bool divergences)
{
	json_t *a = json_array();

	for (unsigned int i = 0; a && i < 32; i++) {
		if (divergences && i < LX_COUNT && (c->divergences & (1u << i)))
			json_array_append_new(
				a, json_string(lx_divergence_name((enum lx_divergence)i)));
		if (!divergences && (c->incomplete & (1u << i)))
			json_array_append_new(a, json_string(incomplete_reason_name(
							 (enum incomplete_reason)(1u << i))));
	}
	return a;
}

json_t *json_ref_conn(const struct conn_view *v, bool list)
{
	const struct conn *c = v->c;
	json_t *o;

	o = JPACK("{s:I, s:i, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "id",
		  (json_int_t)c->id, "family", c->decl.family, "local",
		  endpoint(c->decl.family, c->decl.laddr, c->decl.lport), "remote",
		  endpoint(c->decl.family, c->decl.raddr, c->decl.rport), "netns",
		  (json_int_t)c->decl.netns, "cgroup_id", (json_int_t)c->decl.cgroup_id, "cookie",
		  (json_int_t)c->decl.cookie, "peer",
		  c->peer_id ? json_integer((json_int_t)c->peer_id) : json_null(), "pid",
		  c->has_owner ? json_integer(c->tgid) : json_null(), "tid",
		  c->has_owner ? json_integer(c->pid) : json_null(), "comm",
		  c->has_owner ? json_string(c->comm) : json_null());
	if (!o)
		return NULL;
	json_object_update_new(
		o, JPACK("{s:I, s:o, s:I, s:o, s:I, s:o, s:o, s:o, s:I, s:{s:I, s:I}}", "start_ns",
			 (json_int_t)v->dur.start_ns, "start_time",
			 json_time(v->hdr, v->dur.start_ns), "end_ns", (json_int_t)v->dur.end_ns,
			 "end_time", json_time(v->hdr, v->dur.end_ns), "duration_ns",
			 (json_int_t)v->dur.lifetime_ns, "transitions", transitions(v), "segments",
			 segments(c, list), "timewait", timewait(v), "retransmits",
			 (json_int_t)c->retransmits, "resets", "sent", (json_int_t)c->resets_sent,
			 "received", (json_int_t)c->resets_received));
	json_object_update_new(
		o, JPACK("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:b}", "outcome",
			 outcome_name(v->outcome), "conn_state", zeek_state_name(v->zstate),
			 "history", c->history, "verdict", verdict_name(v->verdict), "violations",
			 strings_violations(c), "divergences", strings_flags(c, true), "incomplete",
			 strings_flags(c, false), "durations", durations(&v->dur), "inferred",
			 (int)c->inferred, "flow_only", (int)c->flow_only));
	return o;
}
