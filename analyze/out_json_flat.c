// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_json_flat.c - one connection as a flat JSON line (--jsonl=flat):
 * scalar members only, so that engines that map a JSON object's members
 * to columns one by one (ClickHouse's JSONEachRow, docs/clickhouse.sql)
 * can load it.  Every member is taken from the value its nested
 * counterpart (out_json_write.c) prints; docs/JSON.md lists the pairs.
 */
#include "out_json_flat.h"
#include "json_sb.h"
#include "out_json_write.h"

/* Member names of one side's endpoint, "orig_..." or "resp_...". */
struct side_keys {
	const char *host, *pid, *comm, *netns, *resets_sent, *resets_received;
};

static const struct side_keys side_keys[SIDE_COUNT] = {
	[SIDE_ORIG] = { "orig_host", "orig_pid", "orig_comm", "orig_netns", "orig_resets_sent",
			"orig_resets_received" },
	[SIDE_RESP] = { "resp_host", "resp_pid", "resp_comm", "resp_netns", "resp_resets_sent",
			"resp_resets_received" },
};

/* "2026-11-22 03:40:59": the ISO 8601 time to the second, in the form
 * SQL engines parse as a date-time (UTC), then the whole instant as
 * integer nanoseconds since the epoch. */
static void moment(struct json_obj *o, const char *time_key, const char *ns_key, uint64_t rt)
{
	char iso[TIMEFMT_ISO_LEN];
	struct strbuf *sb = json_member_named(o, time_key);

	(void)timefmt_iso_raw(rt, iso);
	iso[10] = ' ';
	sb_ch(sb, '"');
	sb_mem(sb, iso, 19);
	sb_ch(sb, '"');
	json_sb_int(json_member_named(o, ns_key), rt);
}

/* The endpoints' incomplete reasons together, comma-separated. */
static void incomplete(struct json_obj *o, const struct connection_view *cv)
{
	struct strbuf *sb = json_member(o, JKEY("incomplete"));
	uint32_t bits = 0;

	for (int s = 0; s < SIDE_COUNT; s++)
		if (cv->half[s])
			bits |= cv->half[s]->c->incomplete;
	sb_ch(sb, '"');
	out_json_incomplete_names(sb, bits, false);
	sb_ch(sb, '"');
}

/* The originator's handshake time, else the responder's. */
static void handshake(struct json_obj *o, const struct connection_view *cv)
{
	uint64_t ns = DUR_NONE;

	for (int s = 0; s < SIDE_COUNT && ns == DUR_NONE; s++)
		if (cv->half[s])
			ns = cv->half[s]->dur.handshake_ns;
	json_sb_int_or_null(json_member(o, JKEY("handshake_ns")), ns != DUR_NONE, ns);
}

/* One side's endpoint: its trace's host, owner, netns and reset records;
 * every member null when the side was not seen. */
static bool side(struct json_obj *o, const struct conn_view *v, const struct side_keys *k)
{
	const struct conn *c = v ? v->c : NULL;
	bool owner = c && c->b->owner.has_owner;
	bool ok = true;

	if (v)
		ok = out_json_host_sb(json_member_named(o, k->host), v);
	else
		json_sb_null(json_member_named(o, k->host));
	json_sb_int_or_null(json_member_named(o, k->pid), owner, owner ? c->b->owner.tgid : 0);
	if (owner)
		ok &= json_sb_str(json_member_named(o, k->comm), c->b->owner.comm);
	else
		json_sb_null(json_member_named(o, k->comm));
	json_sb_int_or_null(json_member_named(o, k->netns), c, c ? c->b->decl.netns : 0);
	json_sb_int_or_null(json_member_named(o, k->resets_sent), c,
			    c ? c->b->traffic.resets_sent : 0);
	json_sb_int_or_null(json_member_named(o, k->resets_received), c,
			    c ? c->b->traffic.resets_received : 0);
	return ok;
}

bool out_json_flat_sb(struct strbuf *sb, const struct connection_view *cv)
{
	const struct conn_view *home = connection_home(cv);
	struct json_obj o = json_obj_open(sb);
	char addr[64];
	bool ok;

	ok = out_json_host_sb(json_member(&o, JKEY("host")), home);
	out_json_trace_id_sb(json_member(&o, JKEY("trace_id")), home);
	jm_int(&o, "id", cv->id);
	jm_int(&o, "family", cv->family);
	jm_str(&o, "orig_addr", outfmt_addr(cv->family, cv->addr[SIDE_ORIG], addr, sizeof(addr)));
	jm_int(&o, "orig_port", cv->port[SIDE_ORIG]);
	jm_str(&o, "resp_addr", outfmt_addr(cv->family, cv->addr[SIDE_RESP], addr, sizeof(addr)));
	jm_int(&o, "resp_port", cv->port[SIDE_RESP]);
	jm_str(&o, "seen", connection_seen_name(cv));
	jm_bool(&o, "direction_known", cv->direction_known);
	moment(&o, "start_time", "start_unix_ns", cv->start_rt);
	moment(&o, "end_time", "end_unix_ns", cv->end_rt);
	ok &= out_json_outcome_members(&o, cv);
	incomplete(&o, cv);
	out_json_traffic_members(&o, cv);
	handshake(&o, cv);
	for (int s = 0; s < SIDE_COUNT; s++)
		ok &= side(&o, cv->half[s], &side_keys[s]);
	json_obj_close(&o);
	return ok;
}
