// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-pcap-import.c - the capture side of the pcap import: microsecond
 * and nanosecond pcap, pcapng with interface statistics (drops become a
 * lost-events record), pcapng with a second link type libpcap refuses,
 * files cut at every offset (everything before the damage kept), unknown
 * link types, empty and non-capture files, and packet outcome counters.
 */
#include "check.h"
#include "import_harness.h"

#define SEC 1000000000ull

static struct imported imp;

static void eth_frame(struct frame *f, int v6, uint16_t sport, uint8_t flags)
{
	static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct ip4_spec ip = { .src = { 192, 0, 2, 1 }, .dst = { 192, 0, 2, 2 } };
	struct tcp_spec t = { .sport = sport, .dport = 80, .seq = 1, .flags = flags };

	f->n = 0;
	fr_eth(f, NULL, 0, v6 ? 0x86dd : 0x0800);
	if (v6)
		fr_ipv6(f, a6, b6, NULL, 0, 6, tcp_len(&t), -1);
	else
		fr_ipv4(f, &ip, tcp_len(&t));
	fr_tcp(f, &t);
}

static void test_timestamps(void)
{
	struct capbuf c = { 0 };
	struct frame f;

	eth_frame(&f, 0, 1000, 0x02);
	pcap_hdr(&c, 1, 65535, 0);
	pcap_rec(&c, 5 * SEC + 123456789, 0, f.b, (uint32_t)f.n, (uint32_t)f.n);
	CHECK(imp_run(&c, NULL, &imp) == 0 && imp.n == 1 &&
		      imp.evs[0].ev.t_ns == 5 * SEC + 123456000,
	      "us pcap: %llu", (unsigned long long)imp.evs[0].ev.t_ns);
	free(c.b);
	c = (struct capbuf){ 0 };
	pcap_hdr(&c, 1, 65535, 1);
	pcap_rec(&c, 5 * SEC + 123456789, 1, f.b, (uint32_t)f.n, (uint32_t)f.n);
	CHECK(imp_run(&c, NULL, &imp) == 0 && imp.n == 1 &&
		      imp.evs[0].ev.t_ns == 5 * SEC + 123456789,
	      "ns pcap");
	free(c.b);
}

static void test_counters(void)
{
	struct capbuf c = { 0 };
	struct frame f;

	pcap_hdr(&c, 1, 64, 1);
	eth_frame(&f, 0, 1000, 0x02);
	pcap_rec(&c, SEC, 1, f.b, (uint32_t)f.n, (uint32_t)f.n);
	/* Cut by the snap length after the TCP header: still a segment. */
	pcap_rec(&c, SEC + 1, 1, f.b, 54, 200);
	/* Cut inside the IP header: malformed. */
	pcap_rec(&c, SEC + 2, 1, f.b, 20, 200);
	f.b[14 + 6] = 0x20; /* MF: fragment */
	pcap_rec(&c, SEC + 3, 1, f.b, (uint32_t)f.n, (uint32_t)f.n);
	f.b[14 + 6] = 0;
	f.b[14 + 9] = 17; /* UDP */
	pcap_rec(&c, SEC + 4, 1, f.b, (uint32_t)f.n, (uint32_t)f.n);
	CHECK(imp_run(&c, NULL, &imp) == 0 && imp.n == 2, "counters import: %zu", imp.n);
	CHECK(imp.st.packets == 5 && imp.st.tcp_segments == 2 && imp.st.snap_short == 1 &&
		      imp.st.malformed == 1 && imp.st.fragments == 1 && imp.st.non_tcp == 1,
	      "counters");
	CHECK(imp.st.first_malformed && strstr(imp.st.first_malformed, "cut short") &&
		      imp.st.first_malformed_packet == 3,
	      "first malformed: %s at %llu", imp.st.first_malformed ? imp.st.first_malformed : "-",
	      (unsigned long long)imp.st.first_malformed_packet);
	CHECK(imp.n == 2 && (imp.evs[1].ev.seg.flags & TRC_SEG_F_SNAP_SHORT) &&
		      !(imp.evs[0].ev.seg.flags & TRC_SEG_F_SNAP_SHORT),
	      "snap short flag");
	free(c.b);
}

static void build_ng(struct capbuf *c, int second_linktype)
{
	struct frame f;

	ng_shb(c);
	ng_idb(c, 1, 262144);
	ng_idb(c, 1, 262144);
	for (int i = 0; i < 4; i++) {
		eth_frame(&f, i & 1, (uint16_t)(2000 + i), 0x02);
		ng_epb(c, (uint32_t)(i & 1), 10 * SEC + (uint64_t)i, f.b, (uint32_t)f.n);
	}
	ng_isb(c, 0, 11 * SEC, 3, 0);
	ng_isb(c, 1, 11 * SEC, 1, 0);
	ng_isb(c, 0, 12 * SEC, 5, 2); /* cumulative: replaces the first */
	if (second_linktype) {
		ng_idb(c, 113, 262144);
		eth_frame(&f, 0, 3000, 0x02);
		ng_epb(c, 0, 13 * SEC, f.b, (uint32_t)f.n);
		ng_epb(c, 2, 13 * SEC, f.b, (uint32_t)f.n);
	}
}

static void test_pcapng(void)
{
	struct capbuf c = { 0 };

	build_ng(&c, 0);
	CHECK(imp_run(&c, NULL, &imp) == 0 && !imp.damaged, "pcapng: %s", imp.err);
	CHECK(imp.n == 5 && imp.evs[1].conn.family == 6 && imp.evs[0].ev.t_ns == 10 * SEC,
	      "pcapng segments %zu", imp.n);
	const struct imp_event *lost = imp.n == 5 ? &imp.evs[4] : NULL;
	CHECK(lost && lost->ev.type == TRC_EV_LOST && lost->ev.lost.count == 8 &&
		      lost->ev.lost.reason == TRC_LOST_CAPTURE,
	      "ISB drops → lost 8");
	CHECK(imp.st.capture_drops == 8, "capture_drops %llu",
	      (unsigned long long)imp.st.capture_drops);
	free(c.b);
	c = (struct capbuf){ 0 };
	build_ng(&c, 1);
	CHECK(imp_run(&c, NULL, &imp) == 0 && imp.damaged, "mixed link types: damaged");
	CHECK(strstr(imp.err, "link type 113") && strstr(imp.err, "2 of 6 packets not imported"),
	      "message: %s", imp.err);
	CHECK(imp.st.tcp_segments == 4 && imp.st.not_imported == 2, "kept before the IDB");
	free(c.b);
}

static void test_open_errors(void)
{
	struct capbuf c = { 0 };
	struct frame f;

	CHECK(imp_run(&c, NULL, &imp) == -1 && strstr(imp.err, "test.pcap"), "empty: %s", imp.err);
	cb_put(&c, "hello, this is not a capture file\n", 34);
	CHECK(imp_run(&c, NULL, &imp) == -1 && strstr(imp.err, "not a readable"), "text: %s",
	      imp.err);
	free(c.b);
	c = (struct capbuf){ 0 };
	pcap_hdr(&c, 105, 65535, 0); /* 802.11 */
	eth_frame(&f, 0, 1000, 0x02);
	pcap_rec(&c, SEC, 0, f.b, (uint32_t)f.n, (uint32_t)f.n);
	CHECK(imp_run(&c, NULL, &imp) == -1 && strstr(imp.err, "link type 105") &&
		      strstr(imp.err, "IEEE802_11"),
	      "unknown link type: %s", imp.err);
	free(c.b);
	struct pcap_src_opts o = { .path = "/nonexistent/x.pcap" };
	char err[256];
	CHECK(!pcap_src_open(&o, NULL, err, sizeof(err)) && strstr(err, "No such file"),
	      "missing file: %s", err);
	o = (struct pcap_src_opts){ 0 };
	CHECK(!pcap_src_open(&o, NULL, err, sizeof(err)), "neither file nor interface");
}

/* A 6-packet capture cut at every byte: never a crash, every packet before
 * the cut imported, the damage reported unless the cut is at a record
 * boundary. */
static void test_truncation(void)
{
	struct capbuf c = { 0 };
	struct frame f;
	size_t bounds[8], nb = 0;

	pcap_hdr(&c, 1, 65535, 1);
	bounds[nb++] = c.n;
	for (int i = 0; i < 6; i++) {
		eth_frame(&f, i % 2, 4000, i ? 0x10 : 0x02);
		pcap_rec(&c, SEC + (uint64_t)i, 1, f.b, (uint32_t)f.n, (uint32_t)f.n);
		bounds[nb++] = c.n;
	}
	for (size_t len = 0; len <= c.n; len++) {
		struct capbuf cut = { .b = c.b, .n = len };
		size_t whole = 0;
		int at_bound = 0;
		for (size_t k = 1; k < nb; k++)
			whole += bounds[k] <= len;
		for (size_t k = 0; k < nb; k++)
			at_bound |= bounds[k] == len;
		int rc = imp_run(&cut, NULL, &imp);
		if (len < 24) {
			CHECK(rc == -1, "cut at %zu opened", len);
			continue;
		}
		CHECK(rc == 0 && imp.st.packets == whole && imp.n == whole &&
			      imp.damaged == !at_bound && imp.read_status == TRC_EOF,
		      "cut at %zu: packets %llu/%zu damaged %d", len,
		      (unsigned long long)imp.st.packets, whole, imp.damaged);
		if (imp.damaged)
			CHECK(strstr(imp.err, "truncated"), "cut at %zu: %s", len, imp.err);
	}
	free(c.b);
}

int main(void)
{
	test_timestamps();
	test_counters();
	test_pcapng();
	test_open_errors();
	test_truncation();
	if (!check_failure_count())
		printf("test-pcap-import: all checks passed\n");
	return check_exit_status();
}
