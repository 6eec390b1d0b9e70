// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-opts.c - the strict number parsers, the size parser of -B, filter
 * argument parsing and the command-line consistency rules of tcprec.
 */
#include <argp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "filter.h"
#include "opts.h"

static void test_parse_u64(void)
{
	uint64_t v = 7;

	CHECK_EQ(parse_u64("0", 0, 10, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(parse_u64("10", 0, 10, &v), 0);
	CHECK_EQ(v, 10);
	CHECK_EQ(parse_u64("0x10", 0, 100, &v), 0);
	CHECK_EQ(v, 16);
	CHECK_EQ(parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	CHECK_EQ(parse_u64("11", 0, 10, &v), -ERANGE);
	CHECK_EQ(parse_u64("4", 5, 10, &v), -ERANGE);
	CHECK_EQ(parse_u64("", 0, 10, &v), -EINVAL);
	CHECK_EQ(parse_u64(NULL, 0, 10, &v), -EINVAL);
	CHECK_EQ(parse_u64("-1", 0, 10, &v), -EINVAL);
	CHECK_EQ(parse_u64("+1", 0, 10, &v), -EINVAL);
	CHECK_EQ(parse_u64(" 1", 0, 10, &v), -EINVAL);
	CHECK_EQ(parse_u64("1 ", 0, 10, &v), -EINVAL);
	CHECK_EQ(parse_u64("1x", 0, 10, &v), -EINVAL);
	CHECK_EQ(parse_u64("abc", 0, 10, &v), -EINVAL);
}

static void test_parse_size(void)
{
	uint64_t v;

	CHECK_EQ(parse_size("4096", 1, 1u << 30, &v), 0);
	CHECK_EQ(v, 4096);
	CHECK_EQ(parse_size("64K", 1, 1u << 30, &v), 0);
	CHECK_EQ(v, 65536);
	CHECK_EQ(parse_size("16m", 1, 1u << 30, &v), 0);
	CHECK_EQ(v, 16u << 20);
	CHECK_EQ(parse_size("1G", 1, 1u << 30, &v), 0);
	CHECK_EQ(parse_size("2G", 1, 1u << 30, &v), -ERANGE);
	CHECK_EQ(parse_size("K", 1, 1u << 30, &v), -EINVAL);
	CHECK_EQ(parse_size("1KB", 1, 1u << 30, &v), -EINVAL);
	CHECK_EQ(parse_size("99999999999999999999G", 1, UINT64_MAX, &v), -ERANGE);
}

static void test_filters(void)
{
	struct pcap_src_filter f = { 0 };
	struct pcap_net n;
	char path[64];
	uint32_t ino = 0;

	CHECK_EQ(filter_add_ports(&f, "80,443"), 0);
	CHECK_EQ(filter_add_ports(&f, "443,8080"), 0); /* duplicate kept once */
	CHECK_EQ(f.n_ports, 3);
	CHECK_EQ(f.ports[2], 8080);
	CHECK_EQ(filter_add_ports(&f, "0"), -ERANGE);
	CHECK_EQ(filter_add_ports(&f, "65536"), -ERANGE);
	CHECK_EQ(filter_add_ports(&f, "80,"), -EINVAL);
	CHECK_EQ(filter_add_ports(&f, ",80"), -EINVAL);
	CHECK_EQ(filter_add_ports(&f, "1,,2"), -EINVAL);
	CHECK_EQ(filter_add_ports(&f, "http"), -EINVAL);
	CHECK_EQ(filter_add_ports(&f, "1,2,3,4,5,6,7,8,9,10,11,12,13,14"), -E2BIG);

	CHECK_EQ(filter_add_hosts(&f, "192.0.2.1"), 0);
	CHECK_EQ(filter_add_hosts(&f, "2001:db8::1,192.0.2.1,192.0.2.9"), 0);
	CHECK_EQ(f.n_hosts, 3);
	CHECK_EQ(f.hosts[0].family, TRC_FAMILY_IPV4);
	CHECK_EQ(f.hosts[0].addr[3], 1);
	CHECK_EQ(f.hosts[0].prefix_len, 32);
	CHECK_EQ(f.hosts[1].family, TRC_FAMILY_IPV6);
	CHECK_EQ(f.hosts[1].prefix_len, 128);
	CHECK_EQ(f.hosts[2].addr[3], 9);
	CHECK_EQ(filter_add_hosts(&f, "192.0.2.0/24"), -EINVAL);
	CHECK_EQ(filter_add_hosts(&f, "example.org"), -EINVAL);
	CHECK_EQ(filter_add_hosts(&f, "192.0.2.1,"), -EINVAL);
	CHECK_EQ(f.n_hosts, 3); /* a bad list adds nothing */

	CHECK_EQ(filter_parse_net("192.0.2.77/24", &n), 0);
	CHECK_EQ(n.prefix_len, 24);
	CHECK_EQ(n.addr[3], 0); /* host bits cleared */
	CHECK_EQ(filter_parse_net("2001:db8::1/32", &n), 0);
	CHECK_EQ(n.family, TRC_FAMILY_IPV6);
	CHECK_EQ(n.addr[15], 0);
	CHECK_EQ(filter_parse_net("10.0.0.1", &n), 0);
	CHECK_EQ(n.prefix_len, 32);
	CHECK_EQ(filter_parse_net("10.0.0.0/33", &n), -ERANGE);
	CHECK_EQ(filter_parse_net("10.0.0.0/", &n), -EINVAL);

	CHECK_EQ(filter_parse_netns("4026531840", &ino, path, sizeof(path)), 0);
	CHECK_EQ(ino, 4026531840u);
	CHECK_EQ(path[0], '\0');
	CHECK_EQ(filter_parse_netns("0", &ino, path, sizeof(path)), -ERANGE);
	CHECK_EQ(filter_parse_netns("/proc/self/ns/net", &ino, path, sizeof(path)), 0);
	CHECK(ino != 0);
	CHECK(!strcmp(path, "/proc/self/ns/net"));
	CHECK_EQ(filter_parse_netns("/nonexistent/netns", &ino, path, sizeof(path)), -ENOENT);
}

/* Parses a NULL-terminated argument list without exiting on errors. */
static int parse(struct config *cfg, const char *const *args)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"tcprec";
	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return opts_parse(argc, argv, ARGP_NO_EXIT, cfg);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void test_command_lines(void)
{
	struct config c;
	char buf[512];

	CHECK_EQ(parse(&c, ARGS("-o", "x.trc")), 0);
	CHECK_EQ(c.ringbuf_bytes, 0); /* sized for the host at start-up */
	CHECK_EQ(c.packets, PACKETS_AUTO);
	CHECK_EQ(parse(&c, ARGS("-o", "x.trc", "-c", "100", "--duration", "5", "--seq", "-B", "64K",
				"--port", "80,443", "--port", "22", "--host", "192.0.2.1", "--pid",
				"42", "--netns", "4026531840", "-6", "-q")),
		 0);
	CHECK_EQ(c.max_events, 100);
	CHECK_EQ(c.duration_s, 5);
	CHECK_EQ(c.ringbuf_bytes, 65536);
	CHECK_EQ(c.filter.n_ports, 3);
	CHECK_EQ(c.pid, 42);
	CHECK_EQ(c.netns, 4026531840u);
	CHECK_EQ(c.filter.only_family, TRC_FAMILY_IPV6);
	opts_filters_text(&c, buf, sizeof(buf));
	CHECK(!strcmp(buf, "port=80,443,22 host=192.0.2.1 pid=42 netns=4026531840 family=6"));
	opts_options_text(&c, "bpf", buf, sizeof(buf));
	CHECK(!strcmp(buf, "seq,packets=bpf,figures=close,ringbuf=65536,count=100,duration=5"));
	CHECK_EQ(c.figures, FIGURES_CLOSE); /* the default */
	CHECK_EQ(parse(&c, ARGS("-o", "x.trc", "--figures", "all")), 0);
	CHECK_EQ(c.figures, FIGURES_ALL);
	CHECK_EQ(parse(&c, ARGS("-o", "x.trc", "--figures=none")), 0);
	CHECK_EQ(c.figures, FIGURES_NONE);
	opts_options_text(&c, "none", buf, sizeof(buf));
	CHECK(!strcmp(buf, "packets=none,figures=none"));
	CHECK_EQ(parse(&c, ARGS("-o", "x.trc", "--figures", "some")), -EINVAL);

	/* Usage errors, each caught before anything privileged. */
	CHECK_EQ(parse(&c, ARGS("-c", "1")), -EINVAL);		  /* no -o */
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-c", "0")), -EINVAL); /* count >= 1 */
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-c", "1e3")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--duration", "-1")), -EINVAL);
	/* tcpdump's letters: -w FILE (-o the same), -B in KiB. */
	CHECK_EQ(parse(&c, ARGS("-w", "w.trc", "-B", "64")), 0);
	CHECK(c.output && !strcmp(c.output, "w.trc"));
	CHECK_EQ(c.ringbuf_bytes, 65536);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-B", "5000")), -EINVAL); /* not a power of two */
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-B", "1K")), -EINVAL);   /* below a page */
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-B", "2G")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--pid", "0")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--host", "nohost")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--packets", "maybe")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--packets", "pcap")), -EINVAL); /* needs -i */
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--no-segments", "--packets", "bpf")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-r", "a.pcap", "-i", "lo")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-r", "a.pcap", "--pid", "1")), -EINVAL);
	/* The filter expression: the trailing words, for every source. */
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--port", "22", "dst", "port", "443 and", "(host",
				"192.0.2.1", "||", "not", "ip6)")),
		 0);
	CHECK_STR(c.filter_expr, "dst port 443 and (host 192.0.2.1 || not ip6)");
	CHECK_EQ(c.filter.expr.n_ops, 6);
	CHECK_EQ(c.filter.n_ports, 1); /* both apply */
	opts_filters_text(&c, buf, sizeof(buf));
	CHECK_STR(buf, "port=22 expr=dst port 443 and (host 192.0.2.1 or not ip6)");
	CHECK_EQ(parse(&c, ARGS("-o", "x", "port", "foo")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "port", "80", "or")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "")), 0); /* tcpdump '': no filter */
	CHECK_EQ(c.filter.expr.n_ops, 0);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--local", "10.0.0.0/8")), -EINVAL);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--bogus")), -EINVAL);

	/* Imports and live captures. */
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-r", "a.pcap", "--local", "192.0.2.0/24", "tcp", "port",
				"80")),
		 0);
	CHECK_STR(c.filter_expr, "tcp port 80");
	CHECK_EQ(c.filter.expr.n_ops, 1);
	CHECK_EQ(c.n_local_nets, 1);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "-i", "lo")), 0);
	CHECK_EQ(c.packets, PACKETS_PCAP);
	CHECK_EQ(parse(&c, ARGS("-o", "x", "--no-segments")), 0);
	CHECK_EQ(c.packets, PACKETS_NONE);
	if (isatty(STDOUT_FILENO))
		CHECK_EQ(parse(&c, ARGS("-o", "-")), -EINVAL);
	else
		CHECK_EQ(parse(&c, ARGS("-o", "-")), 0);
}

int main(void)
{
	test_parse_u64();
	test_parse_size();
	test_filters();
	test_command_lines();
	return check_exit_status();
}
