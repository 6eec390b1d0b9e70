// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_replay.c - --replay: every event in time order, one line each, the
 * way tcpstates (OLD -> NEW) and tcpdump (Flags [S.]) would have printed
 * it live.  Connections are still analysed, so the summary follows.
 */
#include <errno.h>
#include <stdio.h>

#include "outputs.h"
#include "safestr.h"
#include "timefmt.h"

static const char *lost_reason(uint8_t r)
{
	return r == TRC_LOST_RINGBUF	 ? "ringbuf"
	       : r == TRC_LOST_MALFORMED ? "malformed"
					 : "capture";
}

/* "tcp_figures in ESTABLISHED: bytes_acked 1200, srtt_us 35"; a kind or
 * field this tcpana does not know is shown by number. */
static void sock_body(FILE *fp, const struct trc_ev_sock *s)
{
	const char *kind = trc_sock_kind_name(s->kind);

	if (kind)
		fprintf(fp, "%s in %s", kind, tcp_state_name(s->state));
	else
		fprintf(fp, "socket event %u in %s", s->kind, tcp_state_name(s->state));
	for (unsigned int i = 0; i < s->n_fields; i++) {
		const char *key = trc_sock_field_name(s->key[i]);

		fputs(i ? ", " : ": ", fp);
		if (key)
			fprintf(fp, "%s %llu", key, (unsigned long long)s->value[i]);
		else
			fprintf(fp, "field %u %llu", s->key[i], (unsigned long long)s->value[i]);
	}
}

static void body(FILE *fp, const struct trc_event *ev)
{
	char fl[16], comm[SAFESTR_LEN(TRC_COMM_LEN)];

	switch (ev->type) {
	case TRC_EV_STATE:
		fprintf(fp, "%s -> %s", tcp_state_name(ev->state.old_state),
			tcp_state_name(ev->state.new_state));
		if (ev->state.flags & TRC_STATE_F_SNAPSHOT)
			fprintf(fp, " (snapshot)");
		if (ev->state.flags & TRC_STATE_F_OWNER)
			fprintf(fp, " pid %u comm %s", ev->state.tgid,
				safestr_n(ev->state.comm, sizeof(ev->state.comm), comm,
					  sizeof(comm)));
		break;
	case TRC_EV_SEGMENT:
		fprintf(fp, "%s Flags [%s]", ev->seg.dir == TRC_DIR_RX ? "In " : "Out",
			trc_tcp_flags_str(ev->seg.tcp_flags, fl, sizeof(fl)));
		if (ev->seg.flags & TRC_SEG_F_SEQ)
			fprintf(fp, ", seq %u, ack %u, win %u, length %u", ev->seg.seq, ev->seg.ack,
				ev->seg.window, ev->seg.payload_len);
		break;
	case TRC_EV_TIMEWAIT:
		fprintf(fp, "TIME_WAIT %s (%s)", ev->tw.phase == TRC_TW_ENTER ? "enter" : "exit",
			ev->tw.precision == TRC_TW_EXACT ? "exact" : "polled");
		break;
	case TRC_EV_RETRANSMIT:
		fprintf(fp, "retransmit Flags [%s] in %s",
			trc_tcp_flags_str(ev->retrans.tcp_flags, fl, sizeof(fl)),
			tcp_state_name(ev->retrans.old_state));
		break;
	case TRC_EV_RESET:
		fprintf(fp, "reset %s", ev->reset.dir == TRC_DIR_RX ? "received" : "sent");
		break;
	case TRC_EV_SOCK:
		sock_body(fp, &ev->sock);
		break;
	default:
		fprintf(fp, "event type %u", ev->type);
	}
}

static int rp_event(void *arg, const struct trc_header *h, const struct trc_event *ev,
		    const struct trc_conn *c)
{
	struct out_ctx *o = arg;
	char ts[TIMEFMT_ISO_LEN], l[64], r[64];
	uint64_t rt = trc_realtime(h, ev->t_ns);

	if (!o->zero_set) {
		o->zero_rt = rt; /* events come in time order */
		o->zero_set = true;
	}
	timefmt_moment(o->time_style, rt, o->zero_rt, ts, sizeof(ts));
	if (ev->type == TRC_EV_LOST) {
		fprintf(o->fp, "%s LOST %llu events (%s, cpu %d) from -%lluns until +%lluns\n", ts,
			(unsigned long long)ev->lost.count, lost_reason(ev->lost.reason),
			ev->lost.cpu == UINT32_MAX ? -1 : (int)ev->lost.cpu,
			(unsigned long long)(ev->t_ns - ev->lost.t_begin_ns),
			(unsigned long long)(ev->lost.t_end_ns - ev->t_ns));
		return ferror(o->fp) ? -EIO : 0;
	}
	if (!c)
		return 0;
	outfmt_endpoint(c->family, c->laddr, c->lport, l, sizeof(l));
	outfmt_endpoint(c->family, c->raddr, c->rport, r, sizeof(r));
	fprintf(o->fp, "%s %s > %s ", ts, l, r);
	body(o->fp, ev);
	fputc('\n', o->fp);
	return ferror(o->fp) ? -EIO : 0;
}

static int rp_conn(void *arg, const struct connection_view *cv)
{
	struct out_ctx *o = arg;

	if (cv->verdict == VERDICT_VIOLATION)
		o->violations++;
	return 0;
}

static int rp_summary(void *arg, const struct analyzer_summary *s)
{
	struct out_ctx *o = arg;

	return outfmt_summary(o->fp, s);
}

void out_replay_sink(struct analyzer_sink *s, struct out_ctx *o)
{
	s->header = NULL;
	s->event = rp_event;
	s->conn = rp_conn;
	s->summary = rp_summary;
	s->arg = o;
}
