// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-ringsize.c - the ring buffer's default size: slabinfo and sockstat
 * texts as the kernel prints them (socket caches only, merged caches
 * absent), and the size rule (1 KiB per socket held rounded up to a
 * power of two, at least 16M, at most 256M and 1/32 of memory).
 */
#include "check.h"
#include "ringsize.h"

#include <errno.h>

static const char slabinfo[] =
	"slabinfo - version: 2.1\n"
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : ...\n"
	"request_sock_subflow_v6      0      0    392   20    2 : tunables    0    0    0\n"
	"tw_sock_TCPv6         64    128    256   16    1 : tunables    0    0    0 : slabdata\n"
	"request_sock_TCPv6     24     24    320   12    1 : tunables    0    0    0 : slabdata\n"
	"TCPv6                104    104   2496   13    8 : tunables    0    0    0 : slabdata\n"
	"tw_sock_TCP        70016  70016    256   16    1 : tunables    0    0    0 : slabdata\n"
	"request_sock_TCP      72    132    320   12    1 : tunables    0    0    0 : slabdata\n"
	"TCP                20046  20098   2368   13    8 : tunables    0    0    0 : slabdata\n"
	"TCPx                 999    999   2368   13    8 : tunables    0    0    0 : slabdata\n"
	"kmalloc-256        12345  12345    256   16    1 : tunables    0    0    0 : slabdata";

static void test_slabinfo(void)
{
	uint64_t n = 7;

	CHECK_EQ(ringsize_parse_slabinfo(slabinfo, &n), 0);
	CHECK_EQ(n, 64 + 24 + 104 + 70016 + 72 + 20046);
	n = 7;
	CHECK_EQ(ringsize_parse_slabinfo("slabinfo - version: 2.1\nkmalloc-256 1 1 256\n", &n),
		 -ENOENT);
	CHECK_EQ(n, 7); /* untouched */
	CHECK_EQ(ringsize_parse_slabinfo("", &n), -ENOENT);
	CHECK_EQ(ringsize_parse_slabinfo("TCP\nTCP garbage\n", &n), -ENOENT);
}

static void test_sockstat(void)
{
	uint64_t n = 0;

	CHECK_EQ(ringsize_parse_sockstat("sockets: used 8\n"
					 "TCP: inuse 20032 orphan 6 tw 66528 alloc 20033 mem 0\n"
					 "UDP: inuse 0 mem 0\n"
					 "TCP6: inuse 5\nUDP6: inuse 1\n",
					 &n),
		 0);
	CHECK_EQ(n, 20032 + 66528 + 5);
	CHECK_EQ(ringsize_parse_sockstat("sockets: used 8\nUDP: inuse 0 mem 0\n", &n), -ENOENT);
}

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void test_rule(void)
{
	CHECK_EQ(ringsize_for(0, 0), RINGSIZE_MIN);
	CHECK_EQ(ringsize_for(1000, 0), RINGSIZE_MIN);
	CHECK_EQ(ringsize_for(16384, 0), RINGSIZE_MIN);
	CHECK_EQ(ringsize_for(16385, 0), 32ull << 20); /* rounded up */
	CHECK_EQ(ringsize_for(30000, 0), 32ull << 20);
	CHECK_EQ(ringsize_for(70000, 0), 128ull << 20);
	CHECK_EQ(ringsize_for(220000, 0), RINGSIZE_MAX);
	CHECK_EQ(ringsize_for(10000000, 0), RINGSIZE_MAX);
	CHECK_EQ(ringsize_for(UINT64_MAX, 0), RINGSIZE_MAX);
	CHECK_EQ(ringsize_for(220000, 1ull << 30), 32ull << 20);    /* 1G of memory: 32M */
	CHECK_EQ(ringsize_for(220000, 100ull << 20), RINGSIZE_MIN); /* never below 16M */
	for (uint64_t s = 0; s < 2000000; s += 12345) {
		uint64_t a = ringsize_for(s, 0), b = ringsize_for(s + 12345, 0);

		CHECK(is_pow2(a));
		CHECK(a <= b);
		CHECK(a >= RINGSIZE_MIN && a <= RINGSIZE_MAX);
	}
}

static void test_host(void)
{
	uint64_t held = 0, size = ringsize_for_host(&held);

	CHECK(is_pow2(size));
	CHECK(size >= RINGSIZE_MIN && size <= RINGSIZE_MAX);
}

int main(void)
{
	test_slabinfo();
	test_sockstat();
	test_rule();
	test_host();
	return check_exit_status();
}
