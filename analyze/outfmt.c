// SPDX-License-Identifier: BSD-2-Clause
/*
 * outfmt.c - text pieces shared by every output: addresses, endpoints,
 * state paths, causes and the summary block.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "outputs.h"
#include "timefmt.h"

/* Dotted quad, as inet_ntop(AF_INET) writes it; returns the length. */
static size_t ipv4_raw(const uint8_t *a, char *out)
{
	char *p = out;

	for (int i = 0; i < 4; i++) {
		unsigned int v = a[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
	return (size_t)(p - out);
}

const char *outfmt_addr(uint8_t family, const uint8_t *addr, char *buf, size_t len)
{
	if (family != TRC_FAMILY_IPV6 && len >= INET_ADDRSTRLEN) {
		ipv4_raw(addr, buf); /* the common case, without inet_ntop's sprintf */
		return buf;
	}
	if (!inet_ntop(family == TRC_FAMILY_IPV6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

void outfmt_endpoint_sb(struct strbuf *sb, uint8_t family, const uint8_t *addr, uint16_t port)
{
	char a[64];

	if (family == TRC_FAMILY_IPV6) {
		sb_ch(sb, '[');
		sb_str(sb, outfmt_addr(family, addr, a, sizeof(a)));
		sb_ch(sb, ']');
	} else {
		sb_mem(sb, a, ipv4_raw(addr, a));
	}
	sb_ch(sb, ':');
	sb_u64(sb, port);
}

const char *outfmt_endpoint(uint8_t family, const uint8_t *addr, uint16_t port, char *buf,
			    size_t len)
{
	struct strbuf sb = sb_fixed_str(buf, len);

	outfmt_endpoint_sb(&sb, family, addr, port);
	return sb_fixed_cstr(&sb);
}

void outfmt_path_sb(struct strbuf *sb, const struct conn *c)
{
	/* The states entered, in order: where an endpoint started (CLOSE,
	 * or LISTEN for an accepted child) is implied by its first state. */
	if (!c->b->replay.n_trans) {
		sb_ch(sb, '-');
		return;
	}
	for (uint16_t i = 0; i < c->b->replay.n_trans; i++) {
		if (i)
			sb_ch(sb, '>');
		sb_str(sb, tcp_state_name(c->b->replay.trans[i].to));
	}
	if (c->b->replay.trans_dropped)
		sb_str(sb, ">...");
}

const char *outfmt_cause(const struct cause *cs, char *buf, size_t len)
{
	char fl[16];

	switch (cs->kind) {
	case CAUSE_SEGMENT:
		snprintf(buf, len, "%s %s", cs->dir == TRC_DIR_RX ? "rx" : "tx",
			 trc_tcp_flags_str(cs->tcp_flags, fl, sizeof(fl)));
		break;
	case CAUSE_APP:
		snprintf(buf, len, "app %s", rfc9293_input_name(cs->input));
		break;
	case CAUSE_TIMER:
		snprintf(buf, len, "timer %s", cs->input == RFC_IN_TIMER_2MSL ? "2msl" : "giveup");
		break;
	default:
		snprintf(buf, len, "%s", cause_kind_name(cs->kind));
	}
	return buf;
}

const char *cause_kind_name(enum cause_kind k)
{
	static const char *const n[CAUSE_COUNT] = {
		"unknown", "segment", "app", "timer", "snapshot", "timewait",
	};
	return (unsigned int)k < CAUSE_COUNT ? n[k] : "unknown";
}

int out_row_take(struct out_ctx *o, const struct out_row *row)
{
	int rc;

	if (row->violation)
		o->violations++;
	o->n_conns++;
	rc = out_rows_add(&o->rows, o->fp, &row->key, row->bytes, row->len);
	sb_reset(&o->sb);
	return rc < 0 ? rc : ferror(o->fp) ? -EIO : 0;
}

int outfmt_summary(FILE *fp, const struct analyzer_summary *s)
{
	fprintf(fp,
		"\n%llu connection(s) (%llu analysed), %llu listener(s), %llu endpoint(s)\n"
		"%llu events, %llu lost events, %llu truncated file(s), %llu corrupt block(s) "
		"skipped\n",
		(unsigned long long)s->connections, (unsigned long long)s->connections_total,
		(unsigned long long)s->listeners, (unsigned long long)s->endpoints,
		(unsigned long long)s->events, (unsigned long long)s->lost_events,
		(unsigned long long)s->truncated, (unsigned long long)s->corrupt_blocks);
	fprintf(fp, "outcomes:");
	for (int i = 0; i < OUT_COUNT; i++)
		if (s->by_outcome[i] && connection_outcome_ok((enum outcome)i))
			fprintf(fp, " %s=%llu", outcome_name((enum outcome)i),
				(unsigned long long)s->by_outcome[i]);
	fprintf(fp, "\nverdicts:");
	for (int i = 0; i < VERDICT_COUNT; i++)
		if (s->by_verdict[i])
			fprintf(fp, " %s=%llu", verdict_name((enum verdict)i),
				(unsigned long long)s->by_verdict[i]);
	fprintf(fp, "\n");
	return ferror(fp) ? -EIO : 0;
}

void outfmt_owner_sb(struct strbuf *sb, const struct conn *c)
{
	if (!c->b->owner.has_owner) {
		sb_ch(sb, '-');
		return;
	}
	sb_u64(sb, c->b->owner.tgid);
	sb_ch(sb, '/');
	sb_str(sb, c->b->owner.comm);
}

const char *outfmt_owner(const struct conn *c, char *buf, size_t len)
{
	struct strbuf sb = sb_fixed_str(buf, len);

	outfmt_owner_sb(&sb, c);
	return sb_fixed_cstr(&sb);
}

const char *outfmt_duration_short(uint64_t ns, char *buf, size_t len)
{
	static const struct {
		uint64_t ns;
		const char *unit;
	} units[] = { { 1000000000ull, "s" }, { 1000000, "ms" }, { 1000, "us" } };

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		double x = (double)ns / (double)units[i].ns;

		if (ns < units[i].ns)
			continue;
		/* Rounding may carry into the next width: 9.995 -> "10.0". */
		snprintf(buf, len,
			 x < 9.995   ? "%.2f%s"
			 : x < 99.95 ? "%.1f%s"
				     : "%.0f%s",
			 x, units[i].unit);
		return buf;
	}
	snprintf(buf, len, "%lluns", (unsigned long long)ns);
	return buf;
}

const char *outfmt_endpoint_fit(const char *s, size_t width, char *out)
{
	size_t len = strlen(s);
	const char *colon = strrchr(s, ':');
	const char *tailp = colon && colon > s && colon[-1] == ']' ? colon - 1 : colon;
	size_t tail = tailp ? (size_t)(s + len - tailp) : 0;
	size_t keep, back;

	if (len <= width) {
		memcpy(out, s, len + 1);
		return out;
	}
	if (tail + 4 > width) { /* no room for both ends of the address: cut */
		memcpy(out, s, width);
		out[width] = '\0';
		return out;
	}
	keep = width - tail - 2;
	back = keep / 2;
	memcpy(out, s, keep - back);
	memcpy(out + keep - back, "..", 2);
	memcpy(out + keep + 2 - back, tailp - back, back + tail);
	out[width] = '\0';
	return out;
}

void outfmt_side_sb(struct strbuf *sb, const struct connection_view *cv, enum conn_side side)
{
	outfmt_endpoint_sb(sb, cv->family, cv->addr[side], cv->port[side]);
}

const char *outfmt_bytes(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double x = (double)v;
	int u = -1;

	if (v < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return buf;
	}
	while (x >= 1024 && u < 5) {
		x /= 1024;
		u++;
	}
	/* One decimal while it fits in two digits, as ls -h; never "10.0K". */
	if (x < 9.95)
		snprintf(buf, len, "%.1f%c", x, units[u]);
	else
		snprintf(buf, len, "%.0f%c", x < 1023.5 ? x : 1023.0, units[u]);
	return buf;
}

void outfmt_figure_sb(struct strbuf *sb, const struct conn *c, unsigned int key)
{
	char b[32], d[TIMEFMT_DUR_LEN];
	uint64_t v;

	if (!figures_get(&c->b->fig, key, &v)) {
		sb_ch(sb, '-');
		return;
	}
	if (key == TRC_SOCKF_SRTT_US || key == TRC_SOCKF_RTTVAR_US) {
		sb_mem(sb, d, timefmt_duration_raw(v * 1000, d));
		return;
	}
	if (key == TRC_SOCKF_BYTES_ACKED || key == TRC_SOCKF_BYTES_RECEIVED) {
		sb_str(sb, outfmt_bytes(v, b, sizeof(b)));
		return;
	}
	sb_u64(sb, v);
}

void out_ctx_free(struct out_ctx *o)
{
	out_rows_free(&o->rows);
	out_json_free(o);
	out_stats_free(o);
	sb_free(&o->sb);
}
