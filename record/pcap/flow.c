// SPDX-License-Identifier: BSD-2-Clause
/*
 * flow.c - flow table for the libpcap sources.  A flow is one TCP
 * connection seen from the wire, keyed by its canonical 4-tuple; it becomes
 * one flow-only trace connection.  Flows live in a hash table
 * (lib/hchain.h) plus two tail queues: by last activity (the oldest idle flow is evicted when the
 * table is full) and by finish time (finished flows are closed after a grace period of capture
 * time).  Memory follows concurrent flows only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "flow.h"
#include "hash.h"
#include "hchain.h"
#include "pkt_filter.h"

#define FLOW_INIT_BUCKETS 1024u

struct flow_key {
	uint8_t family;
	uint8_t a[16]; /* the lower (address, port) endpoint */
	uint8_t b[16];
	uint16_t pa;
	uint16_t pb;
};

struct flow {
	struct flow_key key; /* zero-padded: compared and hashed as bytes */
	uint64_t serial;
	uint64_t done_ns;
	uint32_t fin_end[2]; /* ack number that acknowledges side i's FIN */
	uint32_t syn_seq[2];
	uint8_t local; /* side (0 = a, 1 = b) that is the local endpoint */
	uint8_t fin[2], fin_acked[2], syn[2];
	uint8_t done, past_syn, on_done;
	struct hchain_link by_key;
	TAILQ_ENTRY(flow) lru, done_link;
};

struct flow_table {
	struct hchain by_key;
	size_t count;
	TAILQ_HEAD(, flow) lru;	 /* least recently active first */
	TAILQ_HEAD(, flow) done; /* by finish time */
	struct pcap_net local_nets[PCAP_SRC_MAX_LOCAL_NETS];
	unsigned int n_local_nets;
	uint64_t grace_ns;
	unsigned int max_flows;
	struct flow_table_stats st;
};

/* The key is zero-padded: hashed and compared as bytes. */
static uint64_t key_hash(const struct flow_key *k)
{
	uint64_t w[(sizeof(*k) + 7) / 8] = { 0 };

	memcpy(w, k, sizeof(*k));
	return hash_words(w, sizeof(w));
}

/* Builds the canonical key; *sender is the side (0 = a) that sent seg. */
static void make_key(const struct pkt_seg *seg, struct flow_key *k, int *sender)
{
	size_t alen = seg->family == 4 ? 4 : 16;
	int cmp = memcmp(seg->src, seg->dst, alen);

	if (cmp == 0)
		cmp = seg->sport < seg->dport ? -1 : seg->sport > seg->dport;
	memset(k, 0, sizeof(*k));
	k->family = seg->family;
	*sender = cmp > 0;
	memcpy(k->a, *sender ? seg->dst : seg->src, alen);
	memcpy(k->b, *sender ? seg->src : seg->dst, alen);
	k->pa = *sender ? seg->dport : seg->sport;
	k->pb = *sender ? seg->sport : seg->dport;
}

struct flow_table *flow_table_new(const struct flow_table_opts *opts)
{
	struct flow_table *ft = calloc(1, sizeof(*ft));

	if (!ft)
		return NULL;
	TAILQ_INIT(&ft->lru);
	TAILQ_INIT(&ft->done);
	if (hchain_init(&ft->by_key, FLOW_INIT_BUCKETS) < 0) {
		free(ft);
		return NULL;
	}
	if (opts) {
		ft->n_local_nets = opts->n_local_nets < PCAP_SRC_MAX_LOCAL_NETS
					   ? opts->n_local_nets
					   : PCAP_SRC_MAX_LOCAL_NETS;
		if (ft->n_local_nets)
			memcpy(ft->local_nets, opts->local_nets,
			       ft->n_local_nets * sizeof(ft->local_nets[0]));
		ft->grace_ns = opts->grace_ns;
		ft->max_flows = opts->max_flows;
	}
	if (!ft->grace_ns)
		ft->grace_ns = FLOW_DEFAULT_GRACE_NS;
	if (!ft->max_flows)
		ft->max_flows = FLOW_DEFAULT_MAX;
	return ft;
}

static struct flow *lookup(const struct flow_table *ft, const struct flow_key *k)
{
	uint64_t h = key_hash(k);

	for (struct hchain_link *l = hchain_first(&ft->by_key, h); l; l = hchain_next(l)) {
		struct flow *f = hchain_entry(l, struct flow, by_key);

		if (l->hash == h && !memcmp(&f->key, k, sizeof(*k)))
			return f;
	}
	return NULL;
}

/* Unlinks and frees f; with a writer, closes its connection there too. */
static int remove_flow(struct flow_table *ft, struct flow *f, struct trc_writer *w)
{
	int rc = 0;

	hchain_remove(&ft->by_key, &f->by_key);
	TAILQ_REMOVE(&ft->lru, f, lru);
	if (f->on_done)
		TAILQ_REMOVE(&ft->done, f, done_link);
	if (w)
		rc = trc_writer_conn_close(w, f->serial);
	free(f);
	ft->count--;
	ft->st.open = ft->count;
	return rc;
}

static int in_local_nets(const struct flow_table *ft, uint8_t family, const uint8_t *addr)
{
	for (unsigned int i = 0; i < ft->n_local_nets; i++)
		if (pkt_net_contains(&ft->local_nets[i], family, addr))
			return 1;
	return 0;
}

/* The local side: inside --local nets when exactly one side is; else the
 * sender of the first packet, which is the client when that packet is a
 * SYN. */
static int choose_local(const struct flow_table *ft, const struct flow_key *k, int sender,
			uint8_t tcp_flags, uint32_t *conn_flags)
{
	*conn_flags = TRC_CONN_F_FLOW_ONLY;
	if ((tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK)) != TRC_TCP_SYN)
		*conn_flags |= TRC_CONN_F_MIDSTREAM;
	if (ft->n_local_nets) {
		int in_a = in_local_nets(ft, k->family, k->a);
		int in_b = in_local_nets(ft, k->family, k->b);
		if (in_a != in_b) {
			*conn_flags |= TRC_CONN_F_LOCAL_BY_NET;
			return in_a ? 0 : 1;
		}
	}
	return sender;
}

static int new_flow(struct flow_table *ft, struct trc_writer *w, const struct flow_key *k,
		    int sender, const struct pkt_seg *seg, struct flow **out)
{
	struct trc_conn c = { .family = k->family };
	int rc;

	if (ft->count >= ft->max_flows && !TAILQ_EMPTY(&ft->lru)) {
		rc = remove_flow(ft, TAILQ_FIRST(&ft->lru), w);
		ft->st.evicted++;
		if (rc < 0)
			return rc;
	}
	struct flow *f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->key = *k;
	f->local = (uint8_t)choose_local(ft, k, sender, seg->tcp_flags, &c.flags);
	memcpy(c.laddr, f->local ? k->b : k->a, 16);
	memcpy(c.raddr, f->local ? k->a : k->b, 16);
	c.lport = f->local ? k->pb : k->pa;
	c.rport = f->local ? k->pa : k->pb;
	rc = trc_writer_conn_open(w, &c, &f->serial);
	if (rc < 0) {
		free(f);
		return rc;
	}
	hchain_insert(&ft->by_key, &f->by_key, key_hash(k));
	TAILQ_INSERT_TAIL(&ft->lru, f, lru);
	ft->count++;
	ft->st.connections++;
	ft->st.open = ft->count;
	if (ft->count > ft->st.open_max)
		ft->st.open_max = ft->count;
	*out = f;
	return 0;
}

/* Follows SYN/FIN/RST to tell when the connection is over. */
static void track_close(struct flow_table *ft, struct flow *f, int side, const struct pkt_seg *seg,
			uint64_t t_ns)
{
	uint8_t fl = seg->tcp_flags;
	int other = side ^ 1;

	if ((fl & TRC_TCP_SYN) && !f->syn[side]) {
		f->syn[side] = 1;
		f->syn_seq[side] = seg->seq;
	}
	if (!(fl & TRC_TCP_SYN))
		f->past_syn = 1;
	if (fl & TRC_TCP_FIN) {
		f->fin[side] = 1;
		f->fin_end[side] = seg->seq + seg->payload_len + !!(fl & TRC_TCP_SYN) + 1;
	}
	if ((fl & TRC_TCP_ACK) && f->fin[other] && (int32_t)(seg->ack - f->fin_end[other]) >= 0)
		f->fin_acked[other] = 1;
	if ((fl & TRC_TCP_RST) || (f->fin_acked[0] && f->fin_acked[1]))
		f->done = 1;
	if (f->done && !f->on_done) {
		f->on_done = 1;
		f->done_ns = t_ns;
		TAILQ_INSERT_TAIL(&ft->done, f, done_link);
	}
}

/* A SYN on a known 4-tuple starts a new connection when the old one is
 * over, or when it is a different SYN (new ISN) after the handshake. */
static int is_reuse(const struct flow *f, int sender, const struct pkt_seg *seg)
{
	if ((seg->tcp_flags & (TRC_TCP_SYN | TRC_TCP_ACK)) != TRC_TCP_SYN)
		return 0;
	if (f->done)
		return 1;
	return f->past_syn && (!f->syn[sender] || f->syn_seq[sender] != seg->seq);
}

int flow_table_segment(struct flow_table *ft, struct trc_writer *w, uint64_t t_ns,
		       const struct pkt_seg *seg)
{
	struct flow_key k;
	int sender, rc;

	rc = flow_table_expire(ft, w, t_ns);
	if (rc < 0)
		return rc;
	make_key(seg, &k, &sender);
	struct flow *f = lookup(ft, &k);
	if (f && is_reuse(f, sender, seg)) {
		rc = remove_flow(ft, f, w);
		f = NULL;
		if (rc < 0)
			return rc;
	}
	if (!f) {
		rc = new_flow(ft, w, &k, sender, seg, &f);
		if (rc < 0)
			return rc;
	} else {
		TAILQ_REMOVE(&ft->lru, f, lru);
		TAILQ_INSERT_TAIL(&ft->lru, f, lru);
	}
	struct trc_event ev = {
	    .type = TRC_EV_SEGMENT,
	    .t_ns = t_ns,
	    .conn_serial = f->serial,
	    .seg =
		{
		    .dir = sender == f->local ? TRC_DIR_TX : TRC_DIR_RX,
		    .tcp_flags = seg->tcp_flags,
		    .flags = TRC_SEG_F_SEQ | (seg->snap_short ? TRC_SEG_F_SNAP_SHORT : 0),
		    .seq = seg->seq,
		    .ack = seg->ack,
		    .window = seg->window,
		    .payload_len = seg->payload_len,
		},
	};
	track_close(ft, f, sender, seg, t_ns);
	return trc_writer_append(w, &ev);
}

int flow_table_expire(struct flow_table *ft, struct trc_writer *w, uint64_t now_ns)
{
	struct flow *f;

	while ((f = TAILQ_FIRST(&ft->done)) && now_ns >= f->done_ns &&
	       now_ns - f->done_ns >= ft->grace_ns) {
		int rc = remove_flow(ft, f, w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int flow_table_close_all(struct flow_table *ft, struct trc_writer *w)
{
	int first = 0;

	while (!TAILQ_EMPTY(&ft->lru)) {
		int rc = remove_flow(ft, TAILQ_FIRST(&ft->lru), w);
		if (rc < 0 && first == 0)
			first = rc;
	}
	return first;
}

void flow_table_get_stats(const struct flow_table *ft, struct flow_table_stats *st)
{
	*st = ft->st;
}

void flow_table_free(struct flow_table *ft)
{
	if (!ft)
		return;
	while (!TAILQ_EMPTY(&ft->lru))
		(void)remove_flow(ft, TAILQ_FIRST(&ft->lru), NULL);
	hchain_fini(&ft->by_key);
	free(ft);
}
