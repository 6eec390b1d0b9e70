/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * flow.h - the flow table of the libpcap sources: TCP segments grouped by
 * 4-tuple into trace connections (one flow-only trc_conn per flow, the
 * local side chosen by --local nets, the first SYN, or the first packet),
 * written as TRC_EV_SEGMENT events, and closed when the connection ends,
 * when the 4-tuple is reused, or when the table is full.
 */
#ifndef TCPREC_FLOW_H
#define TCPREC_FLOW_H

#include <stdint.h>

#include "pkt_filter.h"
#include "pkt_parse.h"
#include "trc.h"

/* Capture time a finished flow (both FINs acknowledged, or a RST) stays
 * in the table for late retransmissions and final ACKs: a few
 * retransmission timeouts.  A straggler after it becomes a new midstream
 * flow; a new SYN starts a new connection with or without the grace. */
#define FLOW_DEFAULT_GRACE_NS (2ull * 1000000000ull)
#define FLOW_DEFAULT_MAX      262144u

struct flow_table_opts {
	const struct pcap_net *local_nets; /* copied */
	unsigned int n_local_nets;
	uint64_t grace_ns;	/* 0 = FLOW_DEFAULT_GRACE_NS */
	unsigned int max_flows; /* 0 = FLOW_DEFAULT_MAX */
};

struct flow_table_stats {
	uint64_t connections; /* flows declared */
	uint64_t evicted;     /* flows closed early because the table was full */
	uint64_t open;	      /* flows in the table now */
	uint64_t open_max;    /* most flows in the table at once */
};

struct flow_table;

/* NULL with errno on failure. */
struct flow_table *flow_table_new(const struct flow_table_opts *opts);

/* Accounts one parsed TCP segment at capture time t_ns: finds or creates
 * its flow and appends its segment event.  Returns 0 or the writer's
 * -errno. */
int flow_table_segment(struct flow_table *ft, struct trc_writer *w, uint64_t t_ns,
		       const struct pkt_seg *seg);

/* Closes finished flows whose grace time has passed at now_ns. */
int flow_table_expire(struct flow_table *ft, struct trc_writer *w, uint64_t now_ns);

/* Closes every flow (end of an import). */
int flow_table_close_all(struct flow_table *ft, struct trc_writer *w);

void flow_table_get_stats(const struct flow_table *ft, struct flow_table_stats *st);

/* Frees the table without touching any writer; accepts NULL. */
void flow_table_free(struct flow_table *ft);

#endif /* TCPREC_FLOW_H */
