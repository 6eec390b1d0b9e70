// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-filterspec.c - the filter grammar both tools share: lists add up,
 * duplicates are kept once, and every malformed list is an error.
 */
#include <errno.h>
#include <stddef.h>

#include "check.h"
#include "filterspec.h"

static void ports(void)
{
	static const char *const bad[] = { "",	 ",",	"80,", ",80",  "80,,81", "+80",
					   "-1", " 80", "80 ", "http", "0x50" };
	uint16_t p[4];
	unsigned int n = 0;

	CHECK_EQ(filterspec_ports("80", p, &n, 4), 0);
	CHECK_EQ(filterspec_ports("443,80,8080", p, &n, 4), 0);
	CHECK_EQ(n, 3);
	CHECK(p[0] == 80 && p[1] == 443 && p[2] == 8080);
	CHECK_EQ(filterspec_ports("1,2", p, &n, 4), -E2BIG);
	CHECK_EQ(filterspec_ports("0", p, &n, 4), -ERANGE);
	CHECK_EQ(filterspec_ports("65536", p, &n, 4), -ERANGE);
	CHECK_EQ(filterspec_ports("99999999999999999999", p, &n, 4), -ERANGE);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(filterspec_ports(bad[i], p, &n, 4) == -EINVAL, "port list '%s'", bad[i]);
	CHECK_EQ(filterspec_ports(NULL, p, &n, 4), -EINVAL);
}

static void addrs(void)
{
	struct filterspec_addr a[3];
	unsigned int n = 0;

	CHECK_EQ(filterspec_addrs("192.0.2.1,2001:db8::1", a, &n, 3), 0);
	CHECK_EQ(filterspec_addrs("::ffff:192.0.2.1,192.0.2.1", a, &n, 3), 0);
	CHECK_EQ(n, 3); /* the v4-mapped address is an IPv6 one */
	CHECK(a[0].family == 4 && a[0].addr[3] == 1 && a[0].addr[4] == 0);
	CHECK(a[1].family == 6 && a[1].addr[15] == 1);
	CHECK(a[2].family == 6 && a[2].addr[10] == 0xff);
	CHECK_EQ(filterspec_addrs("192.0.2.2", a, &n, 3), -E2BIG);
	CHECK_EQ(filterspec_addrs("192.0.2.0/24", a, &n, 3), -EINVAL);
	CHECK_EQ(filterspec_addrs("example.org", a, &n, 3), -EINVAL);
	CHECK_EQ(filterspec_addrs("192.0.2.1,", a, &n, 3), -EINVAL);
	CHECK_EQ(filterspec_addrs("[::1]", a, &n, 3), -EINVAL);
}

static void names(void)
{
	static const char *const colours[] = { "red", "green", "blue" };
	uint32_t m = 0;

	CHECK_EQ(filterspec_names("blue", colours, 3, &m), 0);
	CHECK_EQ(filterspec_names("red,blue", colours, 3, &m), 0);
	CHECK_EQ(m, 5u);
	CHECK_EQ(filterspec_names("green,purple", colours, 3, &m), -EINVAL);
	CHECK_EQ(filterspec_names("", colours, 3, &m), -EINVAL);
	CHECK_EQ(filterspec_names("Red", colours, 3, &m), -EINVAL);
}

int main(void)
{
	ports();
	addrs();
	names();
	return check_exit_status();
}
