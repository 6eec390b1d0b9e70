// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-pcap-flow.c - flow rules of the pcap import, end to end through the
 * trace writer and reader: which side is local (first SYN, first packet,
 * --local nets), midstream flags, directions, port reuse and finished
 * flows starting new connections, SYN retransmissions staying in one, the
 * flow table bound, filters, and every flow closed at the end.
 */
#include "check.h"
#include "import_harness.h"

#define S   0x02
#define SA  0x12
#define A   0x10
#define PA  0x18
#define FA  0x11
#define R   0x04
#define RA  0x14
#define SEC 1000000000ull

static struct imported imp;

/* Handshake, data both ways, close from the client, last ACK. */
static void normal_conn(struct capbuf *c, uint64_t t0, uint16_t cport)
{
	imp_pkt(c, t0 + 1, 1, cport, 80, S, 100, 0, 0);
	imp_pkt(c, t0 + 2, 0, cport, 80, SA, 500, 101, 0);
	imp_pkt(c, t0 + 3, 1, cport, 80, A, 101, 501, 0);
	imp_pkt(c, t0 + 4, 1, cport, 80, PA, 101, 501, 10);
	imp_pkt(c, t0 + 5, 0, cport, 80, PA, 501, 111, 20);
	imp_pkt(c, t0 + 6, 1, cport, 80, FA, 111, 521, 0);
	imp_pkt(c, t0 + 7, 0, cport, 80, FA, 521, 112, 0);
	imp_pkt(c, t0 + 8, 1, cport, 80, A, 112, 522, 0);
}

static size_t count_serials(void)
{
	uint64_t seen[64];
	size_t n = 0;

	for (size_t i = 0; i < imp.n; i++) {
		size_t k = 0;
		while (k < n && seen[k] != imp.evs[i].ev.conn_serial)
			k++;
		if (k == n && n < 64)
			seen[n++] = imp.evs[i].ev.conn_serial;
	}
	return n;
}

static void test_normal(void)
{
	struct capbuf c = { 0 };

	pcap_hdr(&c, 101, 65535, 1);
	normal_conn(&c, 1700000000 * SEC, 40000);
	CHECK(imp_run(&c, NULL, &imp) == 0, "open: %s", imp.err);
	CHECK(imp.read_status == TRC_EOF, "trace read status %d", imp.read_status);
	CHECK(strcmp(imp.hdr.source, "pcap-file:test.pcap") == 0, "source %s", imp.hdr.source);
	CHECK(imp.hdr.clock == TRC_CLOCK_REALTIME && imp.hdr.pcap_linktype == 12 &&
		      imp.hdr.anchor_clock_ns == imp.hdr.anchor_realtime_ns,
	      "header fields");
	CHECK(imp.n == 8 && count_serials() == 1, "events %zu conns %zu", imp.n, count_serials());
	CHECK(imp.st.packets == 8 && imp.st.tcp_segments == 8 && imp.st.connections == 1,
	      "stats %llu %llu", (unsigned long long)imp.st.packets,
	      (unsigned long long)imp.st.tcp_segments);
	CHECK(imp.open_conns_at_end == 0, "flows left open: %llu",
	      (unsigned long long)imp.open_conns_at_end);
	const uint8_t dirs[8] = { 1, 0, 1, 1, 0, 1, 0, 1 };
	const uint8_t flags[8] = { S, SA, A, PA, PA, FA, FA, A };
	for (size_t i = 0; i < imp.n && i < 8; i++) {
		const struct imp_event *e = &imp.evs[i];
		CHECK(e->ev.type == TRC_EV_SEGMENT && e->ev.seg.dir == dirs[i] &&
			      e->ev.seg.tcp_flags == flags[i],
		      "event %zu dir %u flags %x", i, e->ev.seg.dir, e->ev.seg.tcp_flags);
		CHECK(e->ev.t_ns == 1700000000 * SEC + i + 1, "ns timestamp %zu", i);
		CHECK(e->conn.lport == 40000 && e->conn.rport == 80 && e->conn.family == 4 &&
			      e->conn.laddr[3] == 1 && e->conn.flags == TRC_CONN_F_FLOW_ONLY,
		      "conn %zu: lport %u flags %x", i, e->conn.lport, e->conn.flags);
	}
	CHECK(imp.evs[4].ev.seg.payload_len == 20 && imp.evs[4].ev.seg.seq == 501 &&
		      imp.evs[4].ev.seg.ack == 111 && (imp.evs[4].ev.seg.flags & TRC_SEG_F_SEQ),
	      "segment fields");
	free(c.b);
}

static void test_midstream_and_local(void)
{
	struct capbuf c = { 0 };

	pcap_hdr(&c, 101, 65535, 1);
	imp_pkt(&c, SEC, 0, 40000, 80, PA, 501, 111, 20); /* server speaks first */
	imp_pkt(&c, SEC + 1, 1, 40000, 80, A, 111, 521, 0);
	CHECK(imp_run(&c, NULL, &imp) == 0 && imp.n == 2, "midstream import");
	CHECK(imp.evs[0].conn.lport == 80 &&
		      imp.evs[0].conn.flags == (TRC_CONN_F_FLOW_ONLY | TRC_CONN_F_MIDSTREAM) &&
		      imp.evs[0].ev.seg.dir == TRC_DIR_TX && imp.evs[1].ev.seg.dir == TRC_DIR_RX,
	      "midstream: first sender local");
	/* --local 192.0.2.2/32: the server is local whatever the first packet. */
	struct pcap_src_opts o = { .n_local_nets = 1 };
	o.local_nets[0] =
		(struct pcap_net){ .family = 4, .addr = { 192, 0, 2, 2 }, .prefix_len = 32 };
	free(c.b);
	c = (struct capbuf){ 0 };
	pcap_hdr(&c, 101, 65535, 1);
	normal_conn(&c, SEC, 40000);
	CHECK(imp_run(&c, &o, &imp) == 0 && imp.n == 8, "local import");
	CHECK(imp.evs[0].conn.lport == 80 &&
		      imp.evs[0].conn.flags == (TRC_CONN_F_FLOW_ONLY | TRC_CONN_F_LOCAL_BY_NET) &&
		      imp.evs[0].ev.seg.dir == TRC_DIR_RX,
	      "--local picks the server");
	/* Both sides inside the nets: back to the first SYN's sender. */
	o.local_nets[0].prefix_len = 24;
	CHECK(imp_run(&c, &o, &imp) == 0 && imp.evs[0].conn.lport == 40000 &&
		      imp.evs[0].conn.flags == TRC_CONN_F_FLOW_ONLY,
	      "both local: SYN sender");
	free(c.b);
}

static void test_reuse(void)
{
	struct capbuf c = { 0 };

	pcap_hdr(&c, 101, 65535, 1);
	normal_conn(&c, SEC, 40000);
	normal_conn(&c, 2 * SEC, 40000); /* same tuple, 1 s later, inside the grace */
	/* Refused, then the same port tries again. */
	imp_pkt(&c, 3 * SEC, 1, 40001, 80, S, 7, 0, 0);
	imp_pkt(&c, 3 * SEC + 1, 0, 40001, 80, RA, 0, 8, 0);
	imp_pkt(&c, 3 * SEC + 2, 1, 40001, 80, S, 9, 0, 0);
	/* SYN retransmissions (same ISN) stay one connection. */
	imp_pkt(&c, 4 * SEC, 1, 40002, 80, S, 50, 0, 0);
	imp_pkt(&c, 5 * SEC, 1, 40002, 80, S, 50, 0, 0);
	imp_pkt(&c, 7 * SEC, 1, 40002, 80, S, 50, 0, 0);
	/* A straggler after the grace time is a new, midstream flow. */
	imp_pkt(&c, 30 * SEC, 1, 40000, 80, A, 112, 522, 0);
	CHECK(imp_run(&c, NULL, &imp) == 0 && imp.n == 23, "reuse import: %zu", imp.n);
	CHECK(count_serials() == 6, "connections: %zu", count_serials());
	CHECK(imp.st.connections == 6 && imp.open_conns_at_end == 0, "stats conns %llu",
	      (unsigned long long)imp.st.connections);
	CHECK(imp.evs[0].ev.conn_serial != imp.evs[8].ev.conn_serial &&
		      imp.evs[7].ev.conn_serial == imp.evs[0].ev.conn_serial,
	      "port reuse serials");
	CHECK(imp.evs[17].ev.conn_serial != imp.evs[18].ev.conn_serial &&
		      imp.evs[18].conn.flags == TRC_CONN_F_FLOW_ONLY,
	      "SYN after RST: new conn");
	CHECK(imp.evs[19].ev.conn_serial == imp.evs[21].ev.conn_serial, "SYN retransmits");
	CHECK(imp.evs[22].conn.flags & TRC_CONN_F_MIDSTREAM, "straggler midstream");
	free(c.b);
}

static void test_bound_and_filter(void)
{
	struct capbuf c = { 0 };
	struct pcap_src_opts o = { .max_flows = 2 };

	pcap_hdr(&c, 101, 65535, 1);
	for (uint16_t p = 0; p < 3; p++)
		imp_pkt(&c, SEC + p, 1, (uint16_t)(41000 + p), 80, S, 1, 0, 0);
	imp_pkt(&c, SEC + 5, 0, 41000, 80, SA, 9, 2, 0); /* flow 0 was evicted */
	CHECK(imp_run(&c, &o, &imp) == 0 && imp.n == 4, "bounded import");
	CHECK(imp.st.flows_evicted == 2 && imp.st.connections == 4 && imp.st.flows_open_max == 2,
	      "evicted %llu conns %llu", (unsigned long long)imp.st.flows_evicted,
	      (unsigned long long)imp.st.connections);
	struct pcap_src_filter f = { .ports = { 41001 }, .n_ports = 1 };
	o = (struct pcap_src_opts){ .filter = &f };
	CHECK(imp_run(&c, &o, &imp) == 0 && imp.n == 1 && imp.st.filtered == 3 &&
		      imp.evs[0].conn.lport == 41001,
	      "port filter: %zu", imp.n);
	f = (struct pcap_src_filter){ .only_family = TRC_FAMILY_IPV6 };
	CHECK(imp_run(&c, &o, &imp) == 0 && imp.n == 0 && imp.st.filtered == 4, "-6 filter");
	f = (struct pcap_src_filter){ .n_hosts = 1 };
	f.hosts[0] = (struct pcap_net){ .family = 4, .addr = { 192, 0, 2, 0 }, .prefix_len = 24 };
	CHECK(imp_run(&c, &o, &imp) == 0 && imp.n == 4 && imp.st.filtered == 0, "host filter");
	f.hosts[0].addr[2] = 3;
	CHECK(imp_run(&c, &o, &imp) == 0 && imp.n == 0 && imp.st.filtered == 4, "host miss");
	o = (struct pcap_src_opts){ .bpf_expr = "tcp[tcpflags] & tcp-ack != 0" };
	CHECK(imp_run(&c, &o, &imp) == 0 && imp.n == 1 && imp.st.packets == 1, "pcap expr");
	o.bpf_expr = "tcp port port port";
	CHECK(imp_run(&c, &o, &imp) == -1 && strstr(imp.err, "filter expression"),
	      "bad expression: %s", imp.err);
	free(c.b);
}

int main(void)
{
	test_normal();
	test_midstream_and_local();
	test_reuse();
	test_bound_and_filter();
	if (!check_failure_count())
		printf("test-pcap-flow: all checks passed\n");
	return check_exit_status();
}
