// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-pkt-filter.c - the --port/--host/-4/-6 filters and the filter
 * expression of the libpcap sources: prefix matching, matching parsed
 * segments, and the libpcap filter expression built for live captures
 * (checked to compile with libpcap and to accept/reject the right
 * packets).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "pkt_build.h"
#include "pkt_filter.h"

static void test_prefix(void)
{
	struct pcap_net n = { .family = 4, .addr = { 192, 0, 2, 0 }, .prefix_len = 23 };
	const uint8_t in[4] = { 192, 0, 3, 255 }, out[4] = { 192, 0, 4, 1 };
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 };

	CHECK(pkt_net_contains(&n, 4, in) && !pkt_net_contains(&n, 4, out), "/23");
	CHECK(!pkt_net_contains(&n, 6, v6), "family mismatch");
	n.prefix_len = 0;
	CHECK(pkt_net_contains(&n, 4, out), "/0 matches all");
	n.prefix_len = 99; /* clamped to /32 */
	memcpy(n.addr, in, 4);
	CHECK(pkt_net_contains(&n, 4, in) && !pkt_net_contains(&n, 4, out), "/99 as /32");
	struct pcap_net n6 = { .family = 6, .addr = { 0x20, 0x01, 0x0d, 0xb8 }, .prefix_len = 32 };
	CHECK(pkt_net_contains(&n6, 6, v6), "v6 /32");
	n6.prefix_len = 127;
	CHECK(!pkt_net_contains(&n6, 6, v6), "v6 /127");
}

static void test_match(void)
{
	struct pkt_seg s = { .family = 4,
			     .src = { 192, 0, 2, 1 },
			     .dst = { 198, 51, 100, 7 },
			     .sport = 40000,
			     .dport = 443 };
	struct pcap_src_filter f = { .ports = { 80, 443 }, .n_ports = 2 };

	CHECK(pkt_filter_match(NULL, &s), "no filter");
	CHECK(pkt_filter_match(&f, &s), "dport in list");
	f.ports[1] = 8443;
	CHECK(!pkt_filter_match(&f, &s), "port not in list");
	f = (struct pcap_src_filter){ .n_hosts = 1 };
	f.hosts[0] =
		(struct pcap_net){ .family = 4, .addr = { 198, 51, 100, 0 }, .prefix_len = 24 };
	CHECK(pkt_filter_match(&f, &s), "dst host");
	f.only_family = 6;
	CHECK(!pkt_filter_match(&f, &s), "-6 rejects IPv4");
}

/* The filter expression judges the connection: both directions of one
 * pass or fail together, and it applies with the other filters. */
static void test_expr_match(void)
{
	struct pkt_seg out = { .family = 4,
			       .src = { 192, 0, 2, 1 },
			       .dst = { 198, 51, 100, 7 },
			       .sport = 40000,
			       .dport = 443 };
	struct pkt_seg back = out, other = out;
	struct pcap_src_filter f = { 0 };
	struct fx_error err;

	memcpy(back.src, out.dst, 16);
	memcpy(back.dst, out.src, 16);
	back.sport = out.dport;
	back.dport = out.sport;
	other.src[3] = 9;
	REQUIRE(fx_compile("src host 192.0.2.1 and dst port 443", &f.expr, &err) == 0);
	CHECK(pkt_filter_match(&f, &out), "expression, outbound");
	CHECK(pkt_filter_match(&f, &back), "expression, the reply");
	CHECK(!pkt_filter_match(&f, &other), "expression, another client");
	f.ports[0] = 80;
	f.n_ports = 1;
	CHECK(!pkt_filter_match(&f, &out), "expression and --port 80");
}

/* Runs expr over a frame with libpcap's own filter machine. */
static int expr_accepts(const char *expr, const struct frame *fr)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 262);
	struct bpf_program prog;
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)fr->n, .len = (bpf_u_int32)fr->n };
	int ok = -1;

	if (p && pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0) {
		ok = pcap_offline_filter(&prog, &h, fr->b) != 0;
		pcap_freecode(&prog);
	}
	if (p)
		pcap_close(p);
	return ok;
}

static void test_expr(void)
{
	struct pcap_src_filter f = {
		.ports = { 80, 8080 }, .n_ports = 2, .only_family = 4, .n_hosts = 2
	};
	char buf[1024];
	struct frame fr = { .n = 0 };
	struct ip4_spec ip = { .src = { 192, 0, 2, 1 }, .dst = { 192, 0, 2, 2 } };
	struct tcp_spec t = { .sport = 40000, .dport = 8080, .flags = 2 };

	f.hosts[0] = (struct pcap_net){ .family = 4, .addr = { 192, 0, 2, 0 }, .prefix_len = 24 };
	f.hosts[1] = (struct pcap_net){ .family = 6,
					.addr = { 0x20, 0x01, 0x0d, 0xb8 },
					.prefix_len = 64 };
	CHECK(pkt_filter_expr(&f, "tcp[13] & 2 != 0", buf, sizeof(buf)) == 0, "expr built");
	CHECK(strcmp(buf, "tcp and (tcp[13] & 2 != 0) and ip and (port 80 or port 8080) and "
			  "(net 192.0.2.0/24 or net 2001:db8::/64)") == 0,
	      "expr: %s", buf);
	fr_eth(&fr, NULL, 0, 0x0800);
	fr_ipv4(&fr, &ip, tcp_len(&t));
	fr_tcp(&fr, &t);
	CHECK(expr_accepts(buf, &fr) == 1, "accepts a matching SYN");
	fr.b[14 + 20 + 13] = 0x10; /* ACK, no SYN */
	CHECK(expr_accepts(buf, &fr) == 0, "rejects by the user expression");
	fr.b[14 + 20 + 13] = 0x02;
	fr.b[14 + 20 + 3] = 81; /* dport 8017 */
	CHECK(expr_accepts(buf, &fr) == 0, "rejects another port");
	CHECK(pkt_filter_expr(NULL, NULL, buf, sizeof(buf)) == 0 && strcmp(buf, "tcp") == 0,
	      "no filters: %s", buf);
	CHECK(pkt_filter_expr(&f, NULL, buf, 20) == -ENAMETOOLONG, "too small");
	f.hosts[1].family = 9;
	CHECK(pkt_filter_expr(&f, NULL, buf, sizeof(buf)) == -EINVAL, "bad host family");
}

int main(void)
{
	test_prefix();
	test_match();
	test_expr_match();
	test_expr();
	if (!check_failure_count())
		printf("test-pkt-filter: all checks passed\n");
	return check_exit_status();
}
