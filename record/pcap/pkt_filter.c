// SPDX-License-Identifier: BSD-2-Clause
/*
 * pkt_filter.c - applies the --port/--host/-4/-6 filters and the filter
 * expression to parsed segments, and renders the former as a libpcap
 * filter expression for live captures (compiled by libpcap and run in
 * the kernel's socket filter).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "filterexpr_eval.h"
#include "pkt_filter.h"

int pkt_net_contains(const struct pcap_net *net, uint8_t family, const uint8_t *addr)
{
	unsigned int bits = net->prefix_len;
	unsigned int max = family == TRC_FAMILY_IPV4 ? 32 : 128;

	if (net->family != family)
		return 0;
	if (bits > max)
		bits = max;
	if (memcmp(net->addr, addr, bits / 8) != 0)
		return 0;
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
		if ((net->addr[bits / 8] & mask) != (addr[bits / 8] & mask))
			return 0;
	}
	return 1;
}

static int port_match(const struct pcap_src_filter *f, uint16_t port)
{
	unsigned int n = f->n_ports < 16 ? f->n_ports : 16;

	for (unsigned int i = 0; i < n; i++)
		if (f->ports[i] == port)
			return 1;
	return 0;
}

static int host_match(const struct pcap_src_filter *f, uint8_t family, const uint8_t *addr)
{
	unsigned int n = f->n_hosts < 16 ? f->n_hosts : 16;

	for (unsigned int i = 0; i < n; i++)
		if (pkt_net_contains(&f->hosts[i], family, addr))
			return 1;
	return 0;
}

/* The packet's source as the local end: the expression's answer does not
 * depend on the orientation (filterexpr.h). */
static int expr_match(const struct fx_prog *expr, const struct pkt_seg *seg)
{
	struct fx_tuple t = { .family = seg->family, .lport = seg->sport, .rport = seg->dport };

	memcpy(t.laddr, seg->src, sizeof(t.laddr));
	memcpy(t.raddr, seg->dst, sizeof(t.raddr));
	return fx_match(expr, &t);
}

int pkt_filter_match(const struct pcap_src_filter *f, const struct pkt_seg *seg)
{
	if (!f)
		return 1;
	if (f->only_family && f->only_family != seg->family)
		return 0;
	if (f->n_ports && !port_match(f, seg->sport) && !port_match(f, seg->dport))
		return 0;
	if (f->n_hosts && !host_match(f, seg->family, seg->src) &&
	    !host_match(f, seg->family, seg->dst))
		return 0;
	return !f->expr.n_ops || expr_match(&f->expr, seg);
}

/* Appends formatted text at *off; -ENAMETOOLONG when it does not fit. */
__attribute__((format(printf, 4, 5))) static int put(char *buf, size_t len, size_t *off,
						     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *off)
		return -ENAMETOOLONG;
	*off += (size_t)n;
	return 0;
}

static int put_hosts(const struct pcap_src_filter *f, char *buf, size_t len, size_t *off)
{
	int rc = put(buf, len, off, " and (");

	for (unsigned int i = 0; rc == 0 && i < f->n_hosts && i < 16; i++) {
		const struct pcap_net *h = &f->hosts[i];
		char text[INET6_ADDRSTRLEN];
		int af = h->family == TRC_FAMILY_IPV6 ? AF_INET6 : AF_INET;

		if ((h->family != TRC_FAMILY_IPV4 && h->family != TRC_FAMILY_IPV6) ||
		    !inet_ntop(af, h->addr, text, sizeof(text)))
			return -EINVAL;
		unsigned int max = af == AF_INET ? 32 : 128;
		unsigned int bits = h->prefix_len > max ? max : h->prefix_len;
		rc = put(buf, len, off, "%snet %s/%u", i ? " or " : "", text, bits);
	}
	return rc ? rc : put(buf, len, off, ")");
}

int pkt_filter_expr(const struct pcap_src_filter *f, const char *user, char *buf, size_t len)
{
	size_t off = 0;
	int rc;

	if (!buf || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	rc = put(buf, len, &off, "tcp");
	if (rc == 0 && user && *user)
		rc = put(buf, len, &off, " and (%s)", user);
	if (rc == 0 && f && f->only_family)
		rc = put(buf, len, &off, " and %s",
			 f->only_family == TRC_FAMILY_IPV6 ? "ip6" : "ip");
	if (rc == 0 && f && f->n_ports) {
		rc = put(buf, len, &off, " and (");
		for (unsigned int i = 0; rc == 0 && i < f->n_ports && i < 16; i++)
			rc = put(buf, len, &off, "%sport %u", i ? " or " : "",
				 (unsigned int)f->ports[i]);
		if (rc == 0)
			rc = put(buf, len, &off, ")");
	}
	if (rc == 0 && f && f->n_hosts)
		rc = put_hosts(f, buf, len, &off);
	return rc;
}
