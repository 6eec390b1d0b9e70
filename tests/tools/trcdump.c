// SPDX-License-Identifier: BSD-2-Clause
/*
 * trcdump - dumps a tcprec trace as JSON lines: the header, one line per
 * event, one line per damaged block skipped, and an end line with the
 * final status, trailer and reader statistics.  Tests compare this output,
 * so field names and order are fixed.  Unsigned 64-bit values above
 * INT64_MAX (JSON integers in jansson are signed) are written as decimal
 * strings.
 *
 * Exit status: 0 clean end, 1 truncated or any damaged block, 2 not a
 * trace / unsupported version / read error / usage.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "trc.h"

static json_t *ju64(uint64_t v)
{
	char buf[24];
	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static int emit(json_t *o)
{
	int rc = o ? json_dumpf(o, stdout, JSON_COMPACT) : -1;
	json_decref(o);
	if (rc == 0 && fputc('\n', stdout) == EOF)
		rc = -1;
	return rc;
}

static json_t *header_json(const struct trc_header *h)
{
	char ver[16], id[2 * TRC_RECORDING_ID_LEN + 1];
	snprintf(ver, sizeof(ver), "%u.%u", h->version_major, h->version_minor);
	for (int i = 0; i < TRC_RECORDING_ID_LEN; i++)
		snprintf(id + 2 * i, 3, "%02x", h->recording_id[i]);
	return json_pack("{s:{s:s,s:s,s:s,s:s,s:I,s:o,s:o,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:s,s:s,"
			 "s:o,s:I}}",
			 "header", "tool_version", h->tool_version, "hostname", h->hostname,
			 "kernel_release", h->kernel_release, "machine", h->machine, "clock",
			 (json_int_t)h->clock, "anchor_clock_ns", ju64(h->anchor_clock_ns),
			 "anchor_realtime_ns", ju64(h->anchor_realtime_ns), "source", h->source,
			 "probes", h->probes, "filters", h->filters, "options", h->options,
			 "pcap_linktype", (json_int_t)h->pcap_linktype, "pcap_snaplen",
			 (json_int_t)h->pcap_snaplen, "ready_ns", ju64(h->ready_ns), "startup_ns",
			 ju64(h->startup_ns), "version", ver, "recording_id", id, "file_index",
			 ju64(h->file_index), "tw_netns", (json_int_t)h->tw_netns);
}

static json_t *conn_json(const struct trc_conn *c)
{
	char la[INET6_ADDRSTRLEN] = "?", ra[INET6_ADDRSTRLEN] = "?";
	int af = c->family == TRC_FAMILY_IPV6 ? AF_INET6 : AF_INET;
	(void)inet_ntop(af, c->laddr, la, sizeof(la));
	(void)inet_ntop(af, c->raddr, ra, sizeof(ra));
	return json_pack("{s:o,s:i,s:s,s:i,s:s,s:i,s:I,s:o,s:o,s:I}", "serial", ju64(c->serial),
			 "family", c->family, "laddr", la, "lport", c->lport, "raddr", ra, "rport",
			 c->rport, "netns", (json_int_t)c->netns, "cgroup_id", ju64(c->cgroup_id),
			 "cookie", ju64(c->cookie), "flags", (json_int_t)c->flags);
}

static const char *state_name(unsigned int s)
{
	const char *n = trc_tcp_state_name(s);
	return n ? n : "?";
}

static void add_state(json_t *o, const struct trc_ev_state *s)
{
	json_object_set_new(o, "old", json_string(state_name(s->old_state)));
	json_object_set_new(o, "new", json_string(state_name(s->new_state)));
	json_object_set_new(o, "snapshot", json_boolean(s->flags & TRC_STATE_F_SNAPSHOT));
	if (!(s->flags & TRC_STATE_F_OWNER))
		return;
	json_object_set_new(o, "pid", json_integer(s->pid));
	json_object_set_new(o, "tgid", json_integer(s->tgid));
	json_object_set_new(o, "comm", json_string(s->comm));
}

static void add_seg(json_t *o, const struct trc_ev_segment *g)
{
	char fl[16];
	json_object_set_new(o, "dir", json_string(g->dir == TRC_DIR_TX ? "tx" : "rx"));
	json_object_set_new(o, "flags",
			    json_string(trc_tcp_flags_str(g->tcp_flags, fl, sizeof(fl))));
	json_object_set_new(o, "tcp_flags", json_integer(g->tcp_flags));
	if (g->flags & TRC_SEG_F_SEQ) {
		json_object_set_new(o, "seq", json_integer(g->seq));
		json_object_set_new(o, "ack", json_integer(g->ack));
		json_object_set_new(o, "window", json_integer(g->window));
		json_object_set_new(o, "payload_len", json_integer(g->payload_len));
	}
	json_object_set_new(o, "snap_short", json_boolean(g->flags & TRC_SEG_F_SNAP_SHORT));
}

static const char *lost_reason(unsigned int r)
{
	static const char *const names[] = { "ringbuf", "malformed", "capture" };
	return r < 3 ? names[r] : "?";
}

/* kind and fields by name; a number this trcdump does not know stays a
 * number ("field_12"). */
static void add_sock(json_t *o, const struct trc_ev_sock *s)
{
	const char *kind = trc_sock_kind_name(s->kind);
	json_t *f = json_object();
	char key[32];

	json_object_set_new(o, "kind", kind ? json_string(kind) : json_integer(s->kind));
	json_object_set_new(o, "state", json_string(state_name(s->state)));
	json_object_set_new(o, "flags", json_integer(s->flags));
	for (unsigned int i = 0; f && i < s->n_fields; i++) {
		const char *name = trc_sock_field_name(s->key[i]);

		snprintf(key, sizeof(key), "field_%u", s->key[i]);
		json_object_set_new(f, name ? name : key, ju64(s->value[i]));
	}
	json_object_set_new(o, "fields", f);
}

static void add_fields(json_t *o, const struct trc_event *ev)
{
	char fl[16];
	switch (ev->type) {
	case TRC_EV_STATE:
		add_state(o, &ev->state);
		break;
	case TRC_EV_SEGMENT:
		add_seg(o, &ev->seg);
		break;
	case TRC_EV_TIMEWAIT:
		json_object_set_new(o, "phase", json_string(ev->tw.phase ? "exit" : "enter"));
		json_object_set_new(o, "precision",
				    json_string(ev->tw.precision ? "polled" : "exact"));
		json_object_set_new(o, "precision_ns", ju64(ev->tw.precision_ns));
		break;
	case TRC_EV_RETRANSMIT:
		json_object_set_new(
			o, "flags",
			json_string(trc_tcp_flags_str(ev->retrans.tcp_flags, fl, sizeof(fl))));
		json_object_set_new(o, "old", json_string(state_name(ev->retrans.old_state)));
		break;
	case TRC_EV_RESET:
		json_object_set_new(o, "dir",
				    json_string(ev->reset.dir == TRC_DIR_TX ? "tx" : "rx"));
		break;
	case TRC_EV_LOST:
		json_object_set_new(o, "count", ju64(ev->lost.count));
		json_object_set_new(o, "t_begin_ns", ju64(ev->lost.t_begin_ns));
		json_object_set_new(o, "t_end_ns", ju64(ev->lost.t_end_ns));
		json_object_set_new(o, "cpu", json_integer(ev->lost.cpu));
		json_object_set_new(o, "reason", json_string(lost_reason(ev->lost.reason)));
		break;
	case TRC_EV_SOCK:
		add_sock(o, &ev->sock);
		break;
	}
}

static json_t *event_json(const struct trc_event *ev, const struct trc_conn *c)
{
	const char *type = trc_event_type_name(ev->type);
	json_t *o = json_pack("{s:o,s:s}", "t_ns", ju64(ev->t_ns), "type", type ? type : "?");
	if (!o)
		return NULL;
	if (c && ev->type != TRC_EV_LOST)
		json_object_set_new(o, "conn", conn_json(c));
	add_fields(o, ev);
	return o;
}

/* r may be NULL (open failed): the stats are then all zero. */
static json_t *end_json(enum trc_status st, const struct trc_reader *r, const char *error)
{
	struct trc_reader_stats s;
	const struct trc_trailer *t = trc_reader_trailer(r);
	json_t *trl = json_null();

	trc_reader_get_stats(r, &s);
	if (t)
		trl = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:I}", "events", ju64(t->events),
				"connections", ju64(t->connections), "chunks", ju64(t->chunks),
				"lost_events", ju64(t->lost_events), "malformed",
				ju64(t->malformed), "t_first_ns", ju64(t->t_first_ns), "t_last_ns",
				ju64(t->t_last_ns), "end_realtime_ns", ju64(t->end_realtime_ns),
				"end_reason", (json_int_t)t->end_reason);
	json_t *o = json_pack(
		"{s:s,s:o,s:{s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b}}", "end", trc_status_name(st),
		"trailer", trl, "stats", "events", ju64(s.events), "chunks_ok", ju64(s.chunks_ok),
		"chunks_corrupt", ju64(s.chunks_corrupt), "bytes_skipped", ju64(s.bytes_skipped),
		"records_unknown", ju64(s.records_unknown), "bytes_read", ju64(s.bytes_read),
		"truncated", s.truncated, "has_trailer", s.has_trailer);
	if (o && error)
		json_object_set_new(o, "error", json_string(error));
	return o;
}

static int dump(struct trc_reader *r)
{
	struct trc_event ev;
	const struct trc_conn *c;
	struct trc_error err;
	enum trc_status st;
	int corrupt = 0, out = 0;

	out |= emit(header_json(trc_reader_header(r)));
	while ((st = trc_reader_next(r, &ev, &c, &err)) == TRC_OK || st == TRC_CORRUPT) {
		if (st == TRC_OK) {
			out |= emit(event_json(&ev, c));
			continue;
		}
		corrupt = 1;
		out |= emit(json_pack(
			"{s:{s:o,s:o,s:s}}", "corrupt", "offset", ju64(err.offset), "chunk",
			err.chunk == UINT32_MAX ? json_null() : json_integer(err.chunk), "msg",
			err.msg));
	}
	out |= emit(end_json(st, r, st == TRC_EOF ? NULL : err.msg));
	if (st != TRC_EOF)
		fprintf(stderr, "trcdump: %s\n", err.msg);
	if (out || fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "trcdump: write error on standard output\n");
		return 2;
	}
	if (st == TRC_UNSUPPORTED || st == TRC_IOERR)
		return 2;
	return st == TRC_TRUNCATED || corrupt ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct trc_error err = { 0 };

	if (argc != 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc == 2 ? stdout : stderr,
			"usage: trcdump FILE|-\n"
			"Dumps a tcprec trace as JSON lines (header, events, damaged blocks, "
			"end).\n"
			"Exit: 0 clean end, 1 truncated or damaged, 2 unreadable or usage.\n");
		return argc == 2 ? 0 : 2;
	}
	struct trc_reader *r = trc_reader_open_file(argv[1], &err);
	if (!r) {
		enum trc_status st = (enum trc_status)err.code;
		(void)emit(end_json(st, NULL, err.msg));
		fprintf(stderr, "trcdump: %s: %s\n", argv[1], err.msg);
		return st == TRC_TRUNCATED ? 1 : 2;
	}
	int rc = dump(r);
	trc_reader_close(r);
	return rc;
}
