// SPDX-License-Identifier: BSD-2-Clause
/*
 * filterspec.c - comma-separated filter lists (filterspec.h): split and
 * checked here, for both tools, before either acts on a value.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "filterspec.h"

#define ITEM_MAX 64 /* longer than any port, address or name */

/* Calls each(item, ctx) for every item of list; -EINVAL for an empty
 * list, an empty item ("80,,443", "80,") or one too long. */
static int for_each_item(const char *list, int (*each)(const char *item, void *ctx), void *ctx)
{
	const char *p = list;

	if (!list || !*list)
		return -EINVAL;
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char item[ITEM_MAX];
		int err;

		if (!len || len >= sizeof(item))
			return -EINVAL;
		memcpy(item, p, len);
		item[len] = '\0';
		err = each(item, ctx);
		if (err)
			return err;
		if (!end)
			return 0;
		p = end + 1;
	}
}

struct port_ctx {
	uint16_t *ports;
	unsigned int *n, max;
};

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno || v < 1 || v > 65535)
		return -ERANGE;
	*port = (uint16_t)v;
	return 0;
}

static int add_port(const char *item, void *arg)
{
	struct port_ctx *c = arg;
	uint16_t port;
	int err = parse_port(item, &port);

	if (err)
		return err;
	for (unsigned int i = 0; i < *c->n; i++)
		if (c->ports[i] == port)
			return 0;
	if (*c->n >= c->max)
		return -E2BIG;
	c->ports[(*c->n)++] = port;
	return 0;
}

int filterspec_ports(const char *list, uint16_t *ports, unsigned int *n, unsigned int max)
{
	struct port_ctx c = { ports, n, max };

	return for_each_item(list, add_port, &c);
}

int filterspec_addr(const char *text, struct filterspec_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, text, a->addr) == 1) {
		a->family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, a->addr) == 1) {
		a->family = 6;
		return 0;
	}
	return -EINVAL;
}

struct addr_ctx {
	struct filterspec_addr *addrs;
	unsigned int *n, max;
};

static int add_addr(const char *item, void *arg)
{
	struct addr_ctx *c = arg;
	struct filterspec_addr a;
	int err = filterspec_addr(item, &a);

	if (err)
		return err;
	for (unsigned int i = 0; i < *c->n; i++)
		if (c->addrs[i].family == a.family && !memcmp(c->addrs[i].addr, a.addr, 16))
			return 0;
	if (*c->n >= c->max)
		return -E2BIG;
	c->addrs[(*c->n)++] = a;
	return 0;
}

int filterspec_addrs(const char *list, struct filterspec_addr *addrs, unsigned int *n,
		     unsigned int max)
{
	struct addr_ctx c = { addrs, n, max };

	return for_each_item(list, add_addr, &c);
}

struct name_ctx {
	const char *const *names;
	unsigned int n;
	uint32_t *mask;
};

static int add_name(const char *item, void *arg)
{
	struct name_ctx *c = arg;

	for (unsigned int i = 0; i < c->n && i < 32; i++)
		if (!strcmp(item, c->names[i])) {
			*c->mask |= 1u << i;
			return 0;
		}
	return -EINVAL;
}

int filterspec_names(const char *list, const char *const *names, unsigned int n, uint32_t *mask)
{
	struct name_ctx c = { names, n, mask };

	return for_each_item(list, add_name, &c);
}
