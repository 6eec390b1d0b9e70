// SPDX-License-Identifier: BSD-2-Clause
/*
 * filter.c - turns filter arguments into struct pcap_src_filter / struct
 * pcap_net values.  Everything is validated here, before tcprec does
 * anything privileged; the BPF rodata and the libpcap source are filled
 * from the result.
 */
#include "filter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "filterspec.h"
#include "numparse.h"

int filter_add_ports(struct pcap_src_filter *f, const char *list)
{
	unsigned int max = sizeof(f->ports) / sizeof(f->ports[0]);

	return filterspec_ports(list, f->ports, &f->n_ports, max);
}

static int parse_addr(const char *text, struct pcap_net *net)
{
	memset(net, 0, sizeof(*net));
	if (inet_pton(AF_INET, text, net->addr) == 1) {
		net->family = TRC_FAMILY_IPV4;
		net->prefix_len = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, text, net->addr) == 1) {
		net->family = TRC_FAMILY_IPV6;
		net->prefix_len = 128;
		return 0;
	}
	return -EINVAL;
}

int filter_add_hosts(struct pcap_src_filter *f, const char *list)
{
	struct filterspec_addr a[FILTERSPEC_MAX];
	unsigned int n = 0, max = sizeof(f->hosts) / sizeof(f->hosts[0]);
	int err;

	/* The hosts given so far first: the list must not repeat them. */
	for (unsigned int i = 0; i < f->n_hosts && n < FILTERSPEC_MAX; i++, n++) {
		a[n].family = f->hosts[i].family;
		memcpy(a[n].addr, f->hosts[i].addr, 16);
	}
	err = filterspec_addrs(list, a, &n, max < FILTERSPEC_MAX ? max : FILTERSPEC_MAX);
	if (err)
		return err;
	for (unsigned int i = f->n_hosts; i < n; i++) {
		memset(&f->hosts[i], 0, sizeof(f->hosts[i]));
		f->hosts[i].family = a[i].family;
		memcpy(f->hosts[i].addr, a[i].addr, 16);
		f->hosts[i].prefix_len = a[i].family == TRC_FAMILY_IPV4 ? 32 : 128;
	}
	f->n_hosts = n;
	return 0;
}

int filter_parse_net(const char *text, struct pcap_net *net)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash;
	uint64_t prefix;
	int err;

	if (!text || strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	slash = strchr(text, '/');
	if (slash)
		buf[slash - text] = '\0';
	err = parse_addr(buf, net);
	if (err || !slash)
		return err;
	err = parse_u64(slash + 1, 0, net->prefix_len, &prefix);
	if (err)
		return err;
	net->prefix_len = (uint8_t)prefix;
	/* Keep only the network part, so "192.0.2.7/24" means 192.0.2.0/24. */
	for (unsigned int bit = net->prefix_len; bit < 128; bit++)
		net->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
	return 0;
}

int filter_parse_netns(const char *arg, uint32_t *inode, char *path, size_t path_len)
{
	struct stat st;
	uint64_t v;

	path[0] = '\0';
	if (!arg || !*arg)
		return -EINVAL;
	if (arg[0] >= '0' && arg[0] <= '9') {
		int err = parse_u64(arg, 1, UINT32_MAX, &v);

		if (!err)
			*inode = (uint32_t)v;
		return err;
	}
	if (strlen(arg) >= path_len)
		return -ENAMETOOLONG;
	if (stat(arg, &st))
		return -errno;
	if (st.st_ino == 0 || st.st_ino > UINT32_MAX)
		return -EINVAL;
	*inode = (uint32_t)st.st_ino;
	strcpy(path, arg);
	return 0;
}

const char *filter_addr_str(uint8_t family, const uint8_t *addr, char *buf, size_t len)
{
	if (!inet_ntop(family == TRC_FAMILY_IPV6 ? AF_INET6 : AF_INET, addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}
