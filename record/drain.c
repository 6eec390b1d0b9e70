// SPDX-License-Identifier: BSD-2-Clause
/*
 * drain.c - the ring buffer's sample callback and the drain's periodic
 * tick.  Each record is validated by ev_decode() before it is cast;
 * malformed ones are counted, skipped and later written as a gap record
 * (drain_lost.c).
 */
#include "drain.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "drain_conn.h"
#include "drain_lost.h"

int drain_init(struct drain *d, struct trc_writer *w, uint64_t max_events, uint64_t t_offset_ns,
	       uint64_t now_ns)
{
	memset(d, 0, sizeof(*d));
	d->w = w;
	d->max_events = max_events;
	d->t_offset_ns = t_offset_ns;
	d->lost_fd = -1;
	d->lost_since_ns = now_ns;
	d->tw_walked_ns = UINT64_MAX;
	d->ct = conntab_new();
	return d->ct ? 0 : -ENOMEM;
}

void drain_fini(struct drain *d)
{
	conntab_free(d->ct);
	d->ct = NULL;
	free(d->lost_prev);
	d->lost_prev = d->lost_now = NULL;
}

/* The kernel fills a socket's tuple in after these transitions. */
static int tuple_incomplete(const struct ev_tuple *t, uint8_t new_state)
{
	return (new_state == TRC_TCP_SYN_SENT || new_state == TRC_TCP_SYN_RECV) &&
	       (!t->lport || !t->rport);
}

/* The socket of a state event.  One that leaves CLOSE opens a socket;
 * any other names one that may have had no cookie before: raw_tp and
 * tracepoint events carry the cookie only once something assigned it,
 * such as the retransmit and reset hooks (dconn_named_socket()). */
static struct conn_entry *state_socket(struct drain *d, const struct ev_state *r)
{
	if (r->old_state == TRC_TCP_CLOSE)
		return dconn_socket(d, r->cookie, &r->tuple, r->cgroup_id);
	return dconn_named_socket(d, r->cookie, &r->tuple, r->cgroup_id);
}

static int write_state(struct drain *d, const struct ev_state *r)
{
	struct trc_event ev = { .type = TRC_EV_STATE, .t_ns = r->hdr.t_ns };
	struct conn_entry *e = state_socket(d, r);

	if (!e)
		return d->werr;
	ev.state.old_state = r->old_state;
	ev.state.new_state = r->new_state;
	if (r->flags & EV_STATE_F_OWNER) {
		ev.state.flags = TRC_STATE_F_OWNER;
		ev.state.pid = r->pid;
		ev.state.tgid = r->tgid;
		memcpy(ev.state.comm, r->comm, sizeof(r->comm));
		ev.state.comm[sizeof(r->comm)] = '\0';
	}
	e->last_ns = r->hdr.t_ns;
	e->live = 1;
	if (r->new_state == TRC_TCP_CLOSE)
		e->close_ns = r->hdr.t_ns;
	if (drain_tw_candidate(r->old_state, r->new_state)) {
		d->st.tw_candidates++;
		e->tw_candidate = 1;
	}
	if (!e->serial) {
		struct ev_tuple k;

		conntab_tuple_norm(&k, &r->tuple);
		if (memcmp(&e->tuple, &k, sizeof(k)))
			conntab_retuple(d->ct, e, &k);
		if (tuple_incomplete(&r->tuple, r->new_state) && !dconn_hold(e, &ev))
			return 0;
		if (dconn_declare(d, e))
			return d->werr;
	}
	ev.conn_serial = e->serial;
	return dconn_append(d, &ev);
}

static int cookie_known(void *ctx, uint64_t cookie)
{
	const struct drain *d = ctx;

	return conntab_by_cookie(d->ct, cookie) != NULL;
}

/* A passive child's LISTEN -> SYN_RECV may come with the listener's tuple
 * and a cookie the child does not keep: it waits for the child's next
 * transition (drain_child.c). */
static int on_state(struct drain *d, const struct ev_state *r)
{
	struct ev_state child;
	int err;

	if (dchild_park(&d->children, r))
		return 0;
	if (dchild_take(&d->children, r, &child, cookie_known, d)) {
		err = write_state(d, &child);
		if (err)
			return err;
	}
	return write_state(d, r);
}

/* A SYN sent by a connect()ing socket whose SYN_SENT event still has
 * local port 0: the segment names the port, completing the socket.  The
 * SYN's socket cookie picks the socket; by tuple alone, two sockets
 * connecting to the same remote at once would be told apart by luck. */
static struct conn_entry *resolve_connect(struct drain *d, const struct ev_segment *r)
{
	struct ev_tuple k = r->tuple;
	struct conn_entry *e;

	if (r->dir != EV_DIR_TX || (r->tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK)) != TRC_TCP_SYN)
		return NULL;
	k.lport = 0;
	e = r->sk_cookie ? conntab_by_cookie(d->ct, r->sk_cookie) : conntab_by_tuple(d->ct, &k, 0);
	if (!e || e->serial)
		return NULL;
	conntab_retuple(d->ct, e, &r->tuple);
	return dconn_declare(d, e) ? NULL : e;
}

/* A SYN without ACK opens a connection, so a socket found by its tuple
 * that has closed (or is in TIME_WAIT) is an earlier incarnation.  With
 * tcp_tw_reuse (on for loopback by default) connect() takes the tuple of
 * a socket still in TIME_WAIT, and a server's child can get the tuple of
 * a socket closed less than DRAIN_CLOSE_LINGER_NS ago: without this, the
 * new connection's handshake went to the old one. */
static int earlier_incarnation(const struct conn_entry *e, const struct ev_segment *r)
{
	return !e->flow_only && e->close_ns &&
	       (r->tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK)) == TRC_TCP_SYN;
}

/* The connection a segment goes to: the newest one with its tuple, the
 * connect()ing socket it completes, or a new flow. */
static struct conn_entry *segment_conn(struct drain *d, const struct ev_segment *r)
{
	struct conn_entry *e = conntab_by_tuple(d->ct, &r->tuple, 1);

	if (e && e->serial && !earlier_incarnation(e, r))
		return e;
	e = resolve_connect(d, r);
	return e ? e : dconn_new_flow(d, &r->tuple);
}

static int on_segment(struct drain *d, const struct ev_segment *r)
{
	struct trc_event ev = { .type = TRC_EV_SEGMENT, .t_ns = r->hdr.t_ns };
	struct conn_entry *e = segment_conn(d, r);

	if (!e)
		return d->werr;
	e->last_ns = r->hdr.t_ns;
	ev.conn_serial = e->serial;
	ev.seg.dir = r->dir == EV_DIR_TX ? TRC_DIR_TX : TRC_DIR_RX;
	ev.seg.tcp_flags = r->tcp_flags;
	if (r->flags & EV_SEG_F_SEQ) {
		ev.seg.flags = TRC_SEG_F_SEQ;
		ev.seg.seq = r->seq;
		ev.seg.ack = r->ack;
		ev.seg.window = r->window;
		ev.seg.payload_len = r->payload_len;
	}
	return dconn_append(d, &ev);
}

/* Retransmit and reset: by cookie when the hook had a socket, else the
 * flow of the offending segment. */
static int on_sock_event(struct drain *d, const struct ev_sock_event *r, unsigned int type)
{
	struct trc_event ev = { .t_ns = r->hdr.t_ns };
	struct conn_entry *e;

	e = r->cookie ? dconn_named_socket(d, r->cookie, &r->tuple, r->cgroup_id)
		      : dconn_flow(d, &r->tuple);
	if (!e || dconn_declare(d, e))
		return d->werr;
	e->last_ns = r->hdr.t_ns;
	ev.conn_serial = e->serial;
	if (type == EV_RETRANSMIT) {
		ev.type = TRC_EV_RETRANSMIT;
		ev.retrans.tcp_flags = r->tcp_flags;
		ev.retrans.old_state = r->state;
	} else {
		ev.type = TRC_EV_RESET;
		ev.reset.dir = r->kind == EV_KIND_RESET_TX ? TRC_DIR_TX : TRC_DIR_RX;
	}
	return dconn_append(d, &ev);
}

int drain_sock_fields(struct drain *d, const struct ev_sock_fields *r)
{
	struct trc_event ev = { .type = TRC_EV_SOCK, .t_ns = r->hdr.t_ns };
	struct conn_entry *e = dconn_named_socket(d, r->cookie, &r->tuple, r->cgroup_id);

	if (!e || dconn_declare(d, e))
		return d->werr;
	ev.conn_serial = e->serial;
	ev.sock.kind = r->kind;
	ev.sock.state = r->state;
	ev.sock.flags = r->flags;
	ev.sock.n_fields = r->n_fields;
	memcpy(ev.sock.key, r->key, r->n_fields * sizeof(r->key[0]));
	memcpy(ev.sock.value, r->value, r->n_fields * sizeof(r->value[0]));
	return dconn_append(d, &ev);
}

static int sample_one(struct drain *d, void *raw, size_t size)
{
	union {
		struct ev_state st;
		struct ev_segment seg;
		struct ev_sock_event sk;
		struct ev_sock_fields fields;
	} rec;
	int type = ev_decode(raw, size);
	void *data = &rec;

	/* Aligned private copy: the ring buffer's pages are read-only. */
	if (type > 0)
		memcpy(&rec, raw, size);
	switch (type) {
	case EV_STATE:
		return on_state(d, data);
	case EV_SEGMENT:
		return on_segment(d, data);
	case EV_RETRANSMIT:
	case EV_RESET:
		return on_sock_event(d, data, (unsigned int)type);
	case EV_SOCK_FIELDS:
		return drain_sock_fields(d, data);
	case EV_TIMEWAIT: {
		const struct ev_sock_event *r = data;

		return drain_timewait(d, r->cookie, &r->tuple,
				      r->kind == EV_KIND_TW_ENTER ? TRC_TW_ENTER : TRC_TW_EXIT,
				      r->hdr.t_ns, TRC_TW_EXACT, 0);
	}
	default:
		d->st.malformed++; /* including iterator records, which never come here */
		return 0;
	}
}

int drain_sample(void *ctx, void *raw, size_t size)
{
	struct drain *d = ctx;
	int err;

	if (d->done || d->werr)
		return d->werr;
	err = sample_one(d, raw, size);
	/* libbpf has already moved past this record when we return: the
	 * batch ends only after it was handled. */
	if (!err && ++d->batch >= DRAIN_BATCH) {
		d->yielded = 1;
		return -EAGAIN;
	}
	return err;
}

int drain_consume(void *ctx)
{
	struct drain *d = ctx;
	int n;

	if (!d->rb)
		return d->werr;
	d->batch = 0;
	d->yielded = 0;
	n = ring_buffer__consume(d->rb);
	if (n == -EAGAIN && d->yielded)
		n = 0;
	if (n < 0 && !d->werr)
		d->werr = n;
	return n < 0 ? n : 0;
}

int drain_pump(void *ctx)
{
	struct drain *d = ctx;
	int err = 0;

	for (int i = 0; !err && i < DRAIN_PUMP_BATCHES; i++) {
		err = drain_consume(d);
		if (!d->yielded)
			break;
	}
	return err;
}

int drain_flush_due(struct drain *d, uint64_t now_ns)
{
	int err = d->werr ? d->werr : trc_writer_tick(d->w, now_ns + d->t_offset_ns);

	if (err && !d->werr)
		d->werr = err;
	return err;
}

int drain_snapshot(struct drain *d, const struct ev_sock_event *r, uint64_t t_ns)
{
	struct trc_event ev = { .type = TRC_EV_STATE, .t_ns = t_ns };
	struct conn_entry *e = r->cookie ? conntab_by_cookie(d->ct, r->cookie) : NULL;

	/* The ring buffer is drained while the walk runs: a socket whose
	 * transitions were written already is known from them, and its
	 * snapshot (taken at some point of the walk) would go back in time. */
	if (e && e->live) {
		d->st.snapshot_skipped++;
		return 1;
	}
	e = dconn_socket(d, r->cookie, &r->tuple, r->cgroup_id);
	if (!e || dconn_declare(d, e))
		return d->werr;
	e->last_ns = t_ns;
	if (r->state == TRC_TCP_TIME_WAIT)
		e->in_tw = 1;
	/* Request sockets vanish without a transition: let them expire. */
	if (r->state == TRC_TCP_NEW_SYN_RECV)
		e->close_ns = t_ns;
	ev.conn_serial = e->serial;
	ev.state.old_state = TRC_TCP_UNKNOWN;
	ev.state.new_state = r->state;
	ev.state.flags = TRC_STATE_F_SNAPSHOT;
	return dconn_append(d, &ev);
}

int drain_timewait(struct drain *d, uint64_t cookie, const struct ev_tuple *tuple,
		   enum trc_tw_phase phase, uint64_t t_ns, enum trc_tw_precision precision,
		   uint64_t precision_ns)
{
	struct trc_event ev = { .type = TRC_EV_TIMEWAIT, .t_ns = t_ns };
	/* The walk generates a cookie for the timewait socket; see
	 * dconn_named_socket(). */
	struct conn_entry *e = dconn_named_socket(d, cookie, tuple, 0);
	int err;

	if (!e || dconn_declare(d, e))
		return d->werr;
	e->last_ns = t_ns;
	e->in_tw = phase == TRC_TW_ENTER;
	ev.conn_serial = e->serial;
	ev.tw.phase = (uint8_t)phase;
	ev.tw.precision = (uint8_t)precision;
	ev.tw.precision_ns = precision_ns;
	err = dconn_append(d, &ev);
	if (!err && phase == TRC_TW_EXIT)
		dconn_release(d, e);
	return err;
}

void drain_tw_walked(struct drain *d, uint64_t walk_start_ns)
{
	d->tw_walked_ns = walk_start_ns;
}

int drain_tick(struct drain *d, uint64_t now_ns)
{
	struct ev_state child;
	int err = drain_report_losses(d, now_ns);

	/* A child whose next transition never came is written as recorded. */
	while (!err && dchild_expire(&d->children, now_ns, DRAIN_PENDING_MAX_NS, &child))
		err = write_state(d, &child);
	if (!err)
		err = dconn_sweep(d, now_ns);
	if (!err && !d->werr)
		err = trc_writer_tick(d->w, now_ns + d->t_offset_ns);
	if (err && !d->werr)
		d->werr = err;
	return err;
}
