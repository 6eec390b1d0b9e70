// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-pkt-parse.c - table tests of the frame parser: every link type
 * (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP, BSD loopback in
 * both byte orders), IPv4 options and fragments, IPv6 extension headers,
 * TCP data offsets, lengths taken from IP rather than caplen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "pkt_build.h"
#include "pkt_parse.h"

static const uint8_t A4[4] = { 192, 0, 2, 1 }, B4[4] = { 192, 0, 2, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const struct tcp_spec T = {
	.sport = 40000,
	.dport = 80,
	.seq = 1000,
	.ack = 2000,
	.flags = 0x18,
	.window = 512,
	.payload = 10,
};

static int parse(uint32_t lt, const struct frame *f, struct pkt_seg *s)
{
	return pkt_parse(lt, f->b, (uint32_t)f->n, (uint32_t)f->n, s);
}

static void expect_tcp4(const char *what, uint32_t lt, const struct frame *f)
{
	struct pkt_seg s;
	int rc = parse(lt, f, &s);

	CHECK(rc == PKT_TCP, "%s: result %d (%s)", what, rc, s.why ? s.why : "");
	if (rc != PKT_TCP)
		return;
	CHECK(s.family == 4 && !memcmp(s.src, A4, 4) && !memcmp(s.dst, B4, 4), "%s: addrs", what);
	CHECK(s.sport == 40000 && s.dport == 80, "%s: ports %u %u", what, s.sport, s.dport);
	CHECK(s.seq == 1000 && s.ack == 2000 && s.tcp_flags == 0x18 && s.window == 512,
	      "%s: fields", what);
	CHECK(s.payload_len == 10, "%s: payload %u", what, s.payload_len);
	CHECK(!s.snap_short, "%s: snap_short", what);
}

static void build4(struct frame *f, const struct ip4_spec *ip, const struct tcp_spec *t)
{
	fr_ipv4(f, ip, tcp_len(t));
	fr_tcp(f, t);
}

static void test_link_types(void)
{
	struct ip4_spec ip = { .src = { 192, 0, 2, 1 }, .dst = { 192, 0, 2, 2 } };
	struct frame f;
	static const uint16_t q1[] = { 0x8100 }, q2[] = { 0x88a8, 0x8100 };

	f.n = 0;
	fr_eth(&f, NULL, 0, 0x0800);
	build4(&f, &ip, &T);
	expect_tcp4("ethernet", PKT_LINK_EN10MB, &f);
	f.n = 0;
	fr_eth(&f, q1, 1, 0x0800);
	build4(&f, &ip, &T);
	expect_tcp4("802.1Q", PKT_LINK_EN10MB, &f);
	f.n = 0;
	fr_eth(&f, q2, 2, 0x0800);
	build4(&f, &ip, &T);
	expect_tcp4("802.1ad", PKT_LINK_EN10MB, &f);
	/* Minimum-size Ethernet padding must not count as payload. */
	f.n = 0;
	fr_eth(&f, NULL, 0, 0x0800);
	struct tcp_spec t0 = T;
	t0.payload = 0;
	build4(&f, &ip, &t0);
	fr_zero(&f, 6);
	struct pkt_seg s;
	CHECK(parse(PKT_LINK_EN10MB, &f, &s) == PKT_TCP && s.payload_len == 0, "padding");

	f.n = 0;
	fr_be16(&f, 0);
	fr_be16(&f, 1);
	fr_be16(&f, 6);
	fr_zero(&f, 8);
	fr_be16(&f, 0x0800);
	build4(&f, &ip, &T);
	expect_tcp4("cooked v1", PKT_LINK_LINUX_SLL, &f);
	f.n = 0;
	fr_be16(&f, 0x0800);
	fr_zero(&f, 18);
	build4(&f, &ip, &T);
	expect_tcp4("cooked v2", PKT_LINK_LINUX_SLL2, &f);
	f.n = 0;
	fr_be16(&f, 0x8100);
	fr_zero(&f, 18);
	fr_be16(&f, 5);
	fr_be16(&f, 0x0800);
	build4(&f, &ip, &T);
	expect_tcp4("cooked v2 + VLAN", PKT_LINK_LINUX_SLL2, &f);
	f.n = 0;
	fr_eth(&f, NULL, 0, 0x0806);
	fr_zero(&f, 28);
	CHECK(parse(PKT_LINK_EN10MB, &f, &s) == PKT_NON_TCP, "ARP");
	static const uint16_t q5[] = { 0x8100, 0x8100, 0x8100, 0x8100, 0x8100 };
	f.n = 0;
	fr_eth(&f, q5, 5, 0x0800);
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_EN10MB, &f, &s) == PKT_MALFORMED, "5 VLAN tags");
	CHECK(!pkt_link_supported(105) && parse(105, &f, &s) == PKT_MALFORMED, "802.11");
}

static void test_raw_and_loopback(void)
{
	struct ip4_spec ip = { .src = { 192, 0, 2, 1 }, .dst = { 192, 0, 2, 2 } };
	struct frame f;
	struct pkt_seg s;

	const uint32_t raw[] = { PKT_LINK_RAW, PKT_LINK_RAW_OPENBSD, PKT_LINK_LINKTYPE_RAW,
				 PKT_LINK_IPV4 };
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		f.n = 0;
		build4(&f, &ip, &T);
		expect_tcp4("raw", raw[i], &f);
	}
	/* Loopback: AF_INET in either byte order, under DLT_NULL and DLT_LOOP. */
	for (int order = 0; order < 2; order++) {
		const uint32_t lts[] = { PKT_LINK_NULL, PKT_LINK_LOOP };
		for (int k = 0; k < 2; k++) {
			f.n = 0;
			if (order) {
				fr_be32(&f, 2);
			} else {
				fr_u8(&f, 2);
				fr_zero(&f, 3);
			}
			build4(&f, &ip, &T);
			expect_tcp4("loopback", lts[k], &f);
		}
	}
	/* AF_INET6 values of Linux, the BSDs and macOS. */
	const uint32_t af6[] = { 10, 24, 28, 30 };
	for (size_t i = 0; i < 4; i++) {
		f.n = 0;
		fr_be32(&f, af6[i]);
		fr_ipv6(&f, A6, B6, NULL, 0, 6, tcp_len(&T), -1);
		fr_tcp(&f, &T);
		CHECK(parse(PKT_LINK_NULL, &f, &s) == PKT_TCP && s.family == 6, "loop AF %u",
		      af6[i]);
	}
	f.n = 0;
	fr_be32(&f, 7);
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_NULL, &f, &s) == PKT_NON_TCP, "loopback unknown AF");
}

static void test_ipv4(void)
{
	struct ip4_spec ip = { .src = { 192, 0, 2, 1 }, .dst = { 192, 0, 2, 2 } };
	struct frame f;
	struct pkt_seg s;

	ip.ihl_words = 15; /* 40 bytes of options */
	f.n = 0;
	build4(&f, &ip, &T);
	expect_tcp4("IPv4 options", PKT_LINK_RAW, &f);
	ip.ihl_words = 4;
	f.n = 0;
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "IHL 4");
	ip.ihl_words = 5;
	ip.frag = 0x2000; /* MF, offset 0: first fragment */
	f.n = 0;
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_FRAGMENT && strstr(s.why, "first"), "MF");
	ip.frag = 0x0010;
	f.n = 0;
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_FRAGMENT, "offset");
	ip.frag = 0x4000; /* DF only */
	f.n = 0;
	build4(&f, &ip, &T);
	expect_tcp4("DF", PKT_LINK_RAW, &f);
	ip.frag = 0;
	ip.proto = 17;
	f.n = 0;
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_NON_TCP, "UDP");
	ip.proto = 0;
	ip.tot_len = 300; /* beyond the frame */
	f.n = 0;
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "total length too big");
	ip.tot_len = 30; /* below header + TCP */
	f.n = 0;
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "total length too small");
	ip.tot_len = 16;
	f.n = 0;
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "total length below IHL");
	ip.tot_len = -1; /* offload: 0 means "the frame" */
	f.n = 0;
	build4(&f, &ip, &T);
	expect_tcp4("total length 0", PKT_LINK_RAW, &f);
	ip.tot_len = 0;
	ip.version = 5;
	f.n = 0;
	build4(&f, &ip, &T);
	CHECK(parse(PKT_LINK_IPV4, &f, &s) == PKT_MALFORMED, "version 5 under DLT_IPV4");
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "version 5 raw");
}

static void test_ipv6(void)
{
	struct frame f;
	struct pkt_seg s;
	const uint8_t ext_ok[] = { 0, 43, 60, 51 };
	const uint8_t frag[] = { 0, 44 };
	const uint8_t many[] = { 60, 60, 60, 60, 60, 60, 60, 60, 60 };

	f.n = 0;
	fr_ipv6(&f, A6, B6, ext_ok, 4, 6, tcp_len(&T), -1);
	fr_tcp(&f, &T);
	int rc = parse(PKT_LINK_IPV6, &f, &s);
	CHECK(rc == PKT_TCP && s.family == 6 && !memcmp(s.src, A6, 16) && s.payload_len == 10 &&
		      s.sport == 40000,
	      "IPv6 ext chain: %d %s", rc, s.why ? s.why : "");
	f.n = 0;
	fr_ipv6(&f, A6, B6, frag, 2, 6, tcp_len(&T), -1);
	fr_tcp(&f, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_FRAGMENT, "IPv6 fragment");
	f.n = 0;
	fr_ipv6(&f, A6, B6, many, 9, 6, tcp_len(&T), -1);
	fr_tcp(&f, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "9 extension headers");
	f.n = 0;
	fr_ipv6(&f, A6, B6, many, 8, 6, tcp_len(&T), -1);
	fr_tcp(&f, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_TCP, "8 extension headers");
	f.n = 0;
	fr_ipv6(&f, A6, B6, NULL, 0, 58, 8, -1);
	fr_zero(&f, 8);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_NON_TCP, "ICMPv6");
	f.n = 0;
	fr_ipv6(&f, A6, B6, NULL, 0, 59, 0, -1);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_NON_TCP, "no next header");
	f.n = 0;
	fr_ipv6(&f, A6, B6, ext_ok, 1, 6, tcp_len(&T), 4);
	fr_tcp(&f, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "ext beyond payload length");
	f.n = 0;
	fr_ipv6(&f, A6, B6, NULL, 0, 6, tcp_len(&T), 1000);
	fr_tcp(&f, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "payload length beyond frame");
	f.n = 0;
	fr_ipv6(&f, A6, B6, NULL, 0, 6, tcp_len(&T), 0);
	fr_tcp(&f, &T);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_TCP && s.payload_len == 10, "plen 0 (BIG TCP)");
	f.n = 0;
	fr_eth(&f, NULL, 0, 0x86dd);
	fr_ipv6(&f, A6, B6, NULL, 0, 6, tcp_len(&T), -1);
	fr_tcp(&f, &T);
	CHECK(parse(PKT_LINK_EN10MB, &f, &s) == PKT_TCP && s.family == 6, "IPv6 over Ethernet");
}

static void test_tcp(void)
{
	struct ip4_spec ip = { .src = { 192, 0, 2, 1 }, .dst = { 192, 0, 2, 2 } };
	struct frame f;
	struct pkt_seg s;
	struct tcp_spec t = T;

	t.doff_words = 15;
	f.n = 0;
	build4(&f, &ip, &t);
	expect_tcp4("doff 15", PKT_LINK_RAW, &f);
	t.doff_words = 4;
	f.n = 0;
	build4(&f, &ip, &t);
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "doff 4");
	/* doff 15 (60 bytes) with a 20-byte header and no payload in IP. */
	t.doff_words = 5;
	t.payload = 0;
	f.n = 0;
	fr_ipv4(&f, &ip, 20);
	fr_tcp(&f, &t);
	f.b[12 + 20] = 15 << 4;
	CHECK(parse(PKT_LINK_RAW, &f, &s) == PKT_MALFORMED, "doff beyond IP payload");
	/* Snap length: payload cut, header whole → a segment marked short,
	 * payload length still from IP. */
	t = T;
	t.payload = 1000;
	f.n = 0;
	build4(&f, &ip, &t);
	int rc = pkt_parse(PKT_LINK_RAW, f.b, 60, (uint32_t)f.n, &s);
	CHECK(rc == PKT_TCP && s.snap_short && s.payload_len == 1000, "snap short: %d", rc);
	/* Header cut by the snap length. */
	rc = pkt_parse(PKT_LINK_RAW, f.b, 30, (uint32_t)f.n, &s);
	CHECK(rc == PKT_MALFORMED && s.snap_short, "header cut: %d", rc);
	/* A wire length below caplen is not believed. */
	f.n = 0;
	build4(&f, &ip, &T);
	rc = pkt_parse(PKT_LINK_RAW, f.b, (uint32_t)f.n, 10, &s);
	CHECK(rc == PKT_TCP && !s.snap_short && s.payload_len == 10, "wirelen < caplen");
	CHECK(pkt_parse(PKT_LINK_RAW, NULL, 0, 0, &s) == PKT_MALFORMED, "empty raw");
}

/* Every prefix of valid frames must be rejected cleanly (never read past
 * caplen: ASan checks the heap copy), and never produce a segment whose
 * header bytes were not there. */
static void test_truncation(void)
{
	struct ip4_spec ip = { .src = { 192, 0, 2, 1 }, .dst = { 192, 0, 2, 2 }, .ihl_words = 7 };
	static const uint16_t q2[] = { 0x88a8, 0x8100 };
	const uint8_t ext[] = { 0, 60 };
	struct frame fs[3];
	const uint32_t lts[3] = { PKT_LINK_EN10MB, PKT_LINK_LINUX_SLL2, PKT_LINK_RAW };
	size_t hdr_end[3];
	struct tcp_spec t = T;

	t.doff_words = 8;
	fs[0].n = 0;
	fr_eth(&fs[0], q2, 2, 0x0800);
	build4(&fs[0], &ip, &t);
	hdr_end[0] = 22 + 28 + 20;
	fs[1].n = 0;
	fr_be16(&fs[1], 0x86dd);
	fr_zero(&fs[1], 18);
	fr_ipv6(&fs[1], A6, B6, ext, 2, 6, tcp_len(&t), -1);
	fr_tcp(&fs[1], &t);
	hdr_end[1] = 20 + 40 + 16 + 20;
	fs[2].n = 0;
	fr_ipv6(&fs[2], A6, B6, ext, 2, 6, tcp_len(&t), -1);
	fr_tcp(&fs[2], &t);
	hdr_end[2] = 40 + 16 + 20;
	for (int k = 0; k < 3; k++) {
		for (size_t len = 0; len <= fs[k].n; len++) {
			uint8_t *copy = malloc(len ? len : 1);
			struct pkt_seg s;
			memcpy(copy, fs[k].b, len);
			int rc = pkt_parse(lts[k], copy, (uint32_t)len, (uint32_t)len, &s);
			if (len < hdr_end[k])
				CHECK(rc == PKT_MALFORMED, "frame %d cut at %zu: %d", k, len, rc);
			else if (len == fs[k].n)
				CHECK(rc == PKT_TCP, "frame %d whole: %d", k, rc);
			/* As a snap-length cut of the whole frame. */
			rc = pkt_parse(lts[k], copy, (uint32_t)len, (uint32_t)fs[k].n, &s);
			CHECK(len < hdr_end[k] ? rc == PKT_MALFORMED
					       : rc == PKT_TCP && s.payload_len == 10,
			      "frame %d snapped at %zu: %d", k, len, rc);
			free(copy);
		}
	}
}

int main(void)
{
	test_link_types();
	test_raw_and_loopback();
	test_ipv4();
	test_ipv6();
	test_tcp();
	test_truncation();
	if (!check_failure_count())
		printf("test-pkt-parse: all checks passed\n");
	return check_exit_status();
}
