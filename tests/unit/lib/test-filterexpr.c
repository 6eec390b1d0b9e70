// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-filterexpr.c - the filter expression of both tools: its grammar
 * (precedence as tcpdump's, qualifiers, addresses, prefixes), the
 * normalised text, errors with their positions, the limits, and the
 * evaluator on a table of connections seen from either end.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "filterexpr.h"
#include "filterexpr_eval.h"

static struct fx_tuple tuple(const char *laddr, uint16_t lport, const char *raddr, uint16_t rport)
{
	struct fx_tuple t = { .lport = lport, .rport = rport };
	int af = strchr(laddr, ':') ? AF_INET6 : AF_INET;

	t.family = af == AF_INET ? 4 : 6;
	REQUIRE(inet_pton(af, laddr, t.laddr) == 1 && inet_pton(af, raddr, t.raddr) == 1);
	return t;
}

/* The same connection from its other end. */
static struct fx_tuple flip(struct fx_tuple t)
{
	struct fx_tuple f = t;

	memcpy(f.laddr, t.raddr, 16);
	memcpy(f.raddr, t.laddr, 16);
	f.lport = t.rport;
	f.rport = t.lport;
	return f;
}

enum { C1, C2, C3, C4, C6, LISTENER, N_TUPLES };

static struct fx_tuple tuples[N_TUPLES];

static void make_tuples(void)
{
	tuples[C1] = tuple("10.0.0.1", 40000, "10.0.0.2", 443); /* client 10.0.0.1 -> :443 */
	tuples[C2] = tuple("10.0.0.1", 40001, "192.0.2.9", 80);
	tuples[C3] = tuple("10.0.0.3", 40000, "10.0.0.2", 443);
	tuples[C4] = tuple("10.0.0.2", 40000, "10.0.0.1", 443); /* 10.0.0.2 -> 10.0.0.1:443 */
	tuples[C6] = tuple("2001:db8::1", 50000, "2001:db8::2", 443);
	tuples[LISTENER] = tuple("0.0.0.0", 443, "0.0.0.0", 0);
}

/* expected[i]: whether tuples[i] matches; "1" or "0" per tuple. */
static const struct {
	const char *expr;
	const char *expected; /* C1 C2 C3 C4 C6 LISTENER */
} table[] = {
	{ "port 443", "101111" },
	{ "dst port 443", "101111" },
	{ "src port 443", "101111" }, /* either orientation: the same connections */
	{ "src host 10.0.0.1 and dst port 443", "100000" },
	{ "src host 10.0.0.2 and dst port 40000", "101000" }, /* replies to :40000 */
	{ "dst host 10.0.0.2 and dst port 443", "101000" },
	{ "src and dst net 10.0.0.0/8", "101100" },
	{ "src or dst host 192.0.2.9", "010000" },
	{ "not port 443", "010000" },
	{ "not dst port 443", "111111" }, /* true of the other direction */
	{ "not (src host 10.0.0.1 and dst port 443)", "111111" },
	/* tcpdump: "and" and "or" alike, left to right. */
	{ "port 80 or port 443 and host 10.0.0.3", "001000" },
	{ "host 10.0.0.3 and port 80 or port 443", "101111" },
	{ "port 80 or (port 443 and host 10.0.0.3)", "011000" },
	{ "!(port 443 || port 80) && ip", "000000" },
	{ "not not port 80", "010000" },
	{ "net 10.0.0.0/8", "111100" },
	{ "net 10.0.0.0/31", "110100" },
	{ "net 10.0.0.2/31", "101100" },
	{ "net 10.0.0.0 mask 255.255.255.252", "111100" },
	{ "net 0.0.0.0/0", "111101" },
	{ "src net 192.0.2.0/24 and src port 80", "010000" },
	{ "src net 192.0.2.0/24 and dst port 80", "000000" },
	{ "net 2001:db8::/32", "000010" },
	{ "net 2001:db8::2/127", "000010" },
	{ "host 2001:db8::2", "000010" },
	{ "host ::ffff:10.0.0.2", "101100" },
	{ "10.0.0.2", "101100" },
	{ "ip", "111101" },
	{ "ip6", "000010" },
	{ "tcp", "111111" },
	{ "ip6 port 443", "000010" },
	{ "ip port 443 or ip6 port 80", "101101" },
	{ "portrange 400-500", "101111" },
	{ "portrange 40001-40001", "010000" },
	{ "port 80 or 443", "111111" },
	{ "host 10.0.0.3 or 192.0.2.9", "011000" },
	{ "dst port 0", "000001" },
	{ "src and dst port 443", "000000" },
};

static void evaluator(void)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		struct fx_prog prog;
		struct fx_error err;

		REQUIRE(strlen(table[i].expected) == N_TUPLES);
		if (fx_compile(table[i].expr, &prog, &err)) {
			CHECK(0, "'%s' does not compile: %s", table[i].expr, err.msg);
			continue;
		}
		for (int t = 0; t < N_TUPLES; t++) {
			bool want = table[i].expected[t] == '1';

			CHECK(fx_match(&prog, &tuples[t]) == want, "'%s' on tuple %d: expected %d",
			      table[i].expr, t, want);
			/* Either end of a connection gets the same answer. */
			struct fx_tuple other = flip(tuples[t]);
			CHECK(fx_match(&prog, &other) == want, "'%s' on tuple %d flipped",
			      table[i].expr, t);
		}
	}
	CHECK(fx_match(NULL, &tuples[C1]));
	CHECK(fx_match(&(struct fx_prog){ .n_ops = 0 }, &tuples[C1]));
}

static const struct {
	const char *in, *out;
} normal[] = {
	{ "port 443 and host 10.0.0.1", "port 443 and host 10.0.0.1" },
	{ "  port\t80  ", "port 80" },
	{ "tcp port 80", "port 80" },
	{ "tcp", "tcp" },
	{ "ip port 80", "ip and port 80" },
	{ "ip host 192.0.2.1", "host 192.0.2.1" },
	{ "src or dst port 80", "port 80" },
	{ "src and dst port 80", "src and dst port 80" },
	{ "dst portrange 1000-2000", "dst portrange 1000-2000" },
	{ "portrange 7-7", "port 7" },
	{ "port 80 or 443", "port 80 or port 443" },
	{ "port 1 or port 2 and port 3", "(port 1 or port 2) and port 3" },
	{ "port 1 and port 2 or port 3", "(port 1 and port 2) or port 3" },
	{ "port 1 and port 2 and port 3", "port 1 and port 2 and port 3" },
	{ "port 1 and (port 2 and port 3)", "port 1 and (port 2 and port 3)" },
	{ "port 1 or (port 2 and port 3)", "port 1 or (port 2 and port 3)" },
	{ "((port 1))", "port 1" },
	{ "not (port 1 or port 2)", "not (port 1 or port 2)" },
	{ "! port 1 && port 2 || port 3", "(not port 1 and port 2) or port 3" },
	{ "!!port 1", "not not port 1" },
	{ "net 10.0.0.0 mask 255.0.0.0", "net 10.0.0.0/8" },
	{ "net 192.0.2.1/32", "host 192.0.2.1" },
	{ "net 192.0.2.1", "host 192.0.2.1" },
	{ "net 2001:DB8::/32", "net 2001:db8::/32" },
	{ "host ::FFFF:192.0.2.1", "host 192.0.2.1" },
	{ "src 192.0.2.1", "src host 192.0.2.1" },
	{ "ip6 and dst net ::/0", "ip6 and dst net ::/0" },
};

static void normalised(void)
{
	char text[FX_TEXT_MAX];

	for (size_t i = 0; i < sizeof(normal) / sizeof(normal[0]); i++) {
		struct fx_prog a, b;
		struct fx_error err;

		if (fx_compile(normal[i].in, &a, &err)) {
			CHECK(0, "'%s' does not compile: %s", normal[i].in, err.msg);
			continue;
		}
		CHECK_EQ(fx_format(&a, text, sizeof(text)), 0);
		CHECK_STR(text, normal[i].out);
		/* The normalised text means the same program. */
		CHECK(fx_compile(text, &b, &err) == 0 && a.n_ops == b.n_ops &&
			      a.directed == b.directed &&
			      !memcmp(a.ops, b.ops, a.n_ops * sizeof(a.ops[0])),
		      "'%s' -> '%s' compiles differently", normal[i].in, text);
	}
	CHECK_EQ(fx_format(&(struct fx_prog){ .n_ops = 0 }, text, sizeof(text)), 0);
	CHECK_STR(text, "");
	{
		struct fx_prog p;
		struct fx_error err;

		REQUIRE(fx_compile("port 1 and host 2001:db8::1", &p, &err) == 0);
		CHECK_EQ(fx_format(&p, text, 10), -ENAMETOOLONG);
		CHECK_STR(text, "");
		CHECK(!p.directed);
		REQUIRE(fx_compile("port 1 and not dst host 2001:db8::1", &p, &err) == 0);
		CHECK(p.directed);
	}
}

static const struct {
	const char *expr;
	int rc;
	const char *text; /* fx_error_text() */
} errors[] = {
	{ "port foo", -EINVAL, "expected a port number after 'port' at 'foo' (column 6)" },
	{ "port", -EINVAL, "expected a port number after 'port' at the end (column 5)" },
	{ "port 65536", -EINVAL, "port number out of range (0-65535) at '65536' (column 6)" },
	{ "port -1", -EINVAL, "expected a port number after 'port' at '-1' (column 6)" },
	{ "portrange 80", -EINVAL,
	  "expected a port range N-M after 'portrange' at '80' (column 11)" },
	{ "portrange 5-1", -EINVAL,
	  "port range with its first port above its last at '5-1' (column 11)" },
	{ "host 10.0.0.256", -EINVAL,
	  "expected an IPv4 or IPv6 address after 'host' at '10.0.0.256' (column 6)" },
	{ "host example.org", -EINVAL,
	  "expected an IPv4 or IPv6 address after 'host' at 'example.org' (column 6)" },
	{ "host 10.0.0.0/8", -EINVAL,
	  "expected an IPv4 or IPv6 address after 'host' at '10.0.0.0/8' (column 6)" },
	{ "src", -EINVAL, "expected an IPv4 or IPv6 address after 'src' at the end (column 4)" },
	{ "net 10.0.0.1/24", -EINVAL,
	  "the address has bits set beyond the prefix length at '10.0.0.1/24' (column 5)" },
	{ "net 10.0.0.0/33", -EINVAL,
	  "expected a prefix length 0-32 after '/' at '10.0.0.0/33' (column 5)" },
	{ "net ::/129", -EINVAL,
	  "expected a prefix length 0-128 after '/' at '::/129' (column 5)" },
	{ "net 10.0.0.0 mask 255.0.255.0", -EINVAL,
	  "the mask is not contiguous at '255.0.255.0' (column 19)" },
	{ "net ::1 mask 255.0.0.0", -EINVAL,
	  "'mask' applies to an IPv4 network without /LEN at '255.0.0.0' (column 14)" },
	{ "ip6 host 10.0.0.1", -EINVAL, "'ip6' with an IPv4 address at '10.0.0.1' (column 10)" },
	{ "(port 1", -EINVAL, "expected ')' for the '(' of column 1 at the end (column 8)" },
	{ "port 1)", -EINVAL, "')' without its '(' at ')' (column 7)" },
	{ "port 1 port 2", -EINVAL, "expected 'and', 'or' or the end at 'port' (column 8)" },
	{ "port 1 & port 2", -EINVAL, "expected '&&' or '||' at '&' (column 8)" },
	{ "port 1 or", -EINVAL,
	  "expected a primitive (host, net, port, portrange, src, dst, ip, ip6, tcp), 'not' or "
	  "'(' at the end (column 10)" },
	{ "udp", -EINVAL,
	  "expected a primitive (host, net, port, portrange, src, dst, ip, ip6, tcp), 'not' or "
	  "'(' at 'udp' (column 1)" },
	{ "and port 1", -EINVAL,
	  "expected a primitive (host, net, port, portrange, src, dst, ip, ip6, tcp), 'not' or "
	  "'(' at 'and' (column 1)" },
	{ "", -EINVAL,
	  "expected a primitive (host, net, port, portrange, src, dst, ip, ip6, tcp), 'not' or "
	  "'(' at the end (column 1)" },
	{ "port 80 or http", -EINVAL, "expected a port number after 'port' at 'http' (column 12)" },
};

static void syntax_errors(void)
{
	char text[256];

	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct fx_prog prog;
		struct fx_error err;

		CHECK(fx_compile(errors[i].expr, &prog, &err) == errors[i].rc, "'%s' rc",
		      errors[i].expr);
		fx_error_text(&err, text, sizeof(text));
		CHECK_STR(text, errors[i].text);
		CHECK_EQ(prog.n_ops, 0); /* nothing half-compiled */
	}
}

/* n copies of item joined by sep, after head. */
static void repeat(char *buf, size_t len, const char *head, const char *sep, const char *item,
		   int n)
{
	snprintf(buf, len, "%s", head);
	for (int i = 0; i < n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? sep : "", item);
}

static void limits(void)
{
	static char buf[8192], want[256];
	struct fx_prog prog;
	struct fx_error err;

	/* 32 primitives and 31 "or": 63 ops; "not (...)" makes 64. */
	repeat(buf, sizeof(buf), "not (", " or ", "port 1", 32);
	strcat(buf, ")");
	CHECK_EQ(fx_compile(buf, &prog, &err), 0);
	CHECK_EQ(prog.n_ops, 64);
	repeat(buf, sizeof(buf), "", " or ", "port 1", 33);
	CHECK_EQ(fx_compile(buf, &prog, &err), -E2BIG);
	CHECK_STR(err.msg, "expression too long (more than 64 operations)");
	CHECK_EQ(err.column, strlen(buf) + 1); /* the last "or" is the 65th op */
	/* "ip port N" is three ops. */
	repeat(buf, sizeof(buf), "", " and ", "ip port 1", 22);
	CHECK_EQ(fx_compile(buf, &prog, &err), -E2BIG);

	repeat(buf, sizeof(buf), "", "", "(", 32);
	strcat(buf, "port 1");
	for (int i = 0; i < 32; i++)
		strcat(buf, ")");
	CHECK_EQ(fx_compile(buf, &prog, &err), 0);
	repeat(buf, sizeof(buf), "", "", "not ", 33);
	strcat(buf, "port 1");
	CHECK_EQ(fx_compile(buf, &prog, &err), -E2BIG);
	CHECK_EQ(err.column, 32 * 4 + 1);
	CHECK_STR(err.msg, "expression nested too deeply (more than 32 levels)");

	repeat(buf, sizeof(buf), "", " ", "(", 300);
	CHECK_EQ(fx_compile(buf, &prog, &err), -E2BIG);
	CHECK_EQ(err.column, 256 * 2 + 1);

	/* A long word is named, cut short. */
	repeat(buf, sizeof(buf), "host ", "", "1", 100);
	CHECK_EQ(fx_compile(buf, &prog, &err), -EINVAL);
	repeat(want, sizeof(want), "", "", "1", (int)sizeof(err.token) - 4);
	strcat(want, "...");
	CHECK_STR(err.token, want);
}

int main(void)
{
	make_tuples();
	evaluator();
	normalised();
	syntax_errors();
	limits();
	return check_exit_status();
}
