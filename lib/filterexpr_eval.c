// SPDX-License-Identifier: BSD-2-Clause
/*
 * filterexpr_eval.c - running and printing a compiled filter expression
 * (filterexpr.h).  fx_match() is the reference the BPF interpreter
 * (bpf/filterexpr.bpf.h) mirrors step for step: two truth stacks, one per
 * orientation of the tuple, each a bitmask whose bit 0 is the top.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "filterexpr_eval.h"

static unsigned int port_in(const struct fx_op *op, uint16_t port)
{
	return op->lo <= port && port <= op->hi;
}

static unsigned int net_in(const struct fx_op *op, uint8_t family, const uint8_t *addr)
{
	unsigned int bits = op->prefix_len;

	if (family != op->family)
		return 0;
	if (memcmp(addr, op->addr, bits / 8))
		return 0;
	return !(bits % 8) || !((addr[bits / 8] ^ op->addr[bits / 8]) & (0xff00u >> (bits % 8)));
}

/* The primitive's value with src = s, dst = d. */
static unsigned int sided(uint8_t side, unsigned int s, unsigned int d)
{
	switch (side) {
	case FX_SRC:
		return s;
	case FX_DST:
		return d;
	case FX_BOTH:
		return s & d;
	default:
		return s | d;
	}
}

bool fx_match(const struct fx_prog *prog, const struct fx_tuple *t)
{
	uint64_t st[2] = { 0, 0 }; /* [0]: src = local; [1]: src = remote */

	if (!prog || !prog->n_ops)
		return true;
	for (unsigned int i = 0; i < prog->n_ops && i < FX_MAX_OPS; i++) {
		const struct fx_op *op = &prog->ops[i];
		unsigned int l, r;

		for (int o = 0; o < 2; o++) {
			if (op->kind == FX_AND)
				st[o] = (st[o] >> 1) & (st[o] | ~1ull);
			else if (op->kind == FX_OR)
				st[o] = (st[o] >> 1) | (st[o] & 1);
			else if (op->kind == FX_NOT)
				st[o] ^= 1;
		}
		if (op->kind == FX_AND || op->kind == FX_OR || op->kind == FX_NOT)
			continue;
		if (op->kind == FX_PORT) {
			l = port_in(op, t->lport);
			r = port_in(op, t->rport);
		} else if (op->kind == FX_NET) {
			l = net_in(op, t->family, t->laddr);
			r = net_in(op, t->family, t->raddr);
		} else {
			l = r = !op->family || op->family == t->family;
		}
		st[0] = st[0] << 1 | sided(op->side, l, r);
		st[1] = st[1] << 1 | sided(op->side, r, l);
	}
	return ((st[0] | st[1]) & 1) != 0;
}

struct out {
	const struct fx_prog *prog;
	char *buf;
	size_t len, off;
	int rc;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->rc)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->off)
		o->rc = -ENAMETOOLONG;
	else
		o->off += (size_t)n;
}

static bool is_binary(const struct fx_op *op)
{
	return op->kind == FX_AND || op->kind == FX_OR;
}

/* Index of the first op of the subtree that ends at op `end`. */
static unsigned int subtree_start(const struct fx_prog *p, unsigned int end)
{
	unsigned int need = 1;

	for (unsigned int i = end + 1; i-- > 0;) {
		const struct fx_op *op = &p->ops[i];

		if (is_binary(op))
			need++;
		else if (op->kind != FX_NOT)
			need--;
		if (!need)
			return i;
	}
	return 0; /* not reached for a compiled program */
}

static void put_primitive(struct out *o, const struct fx_op *op)
{
	static const char *const sides[] = { "", "src ", "dst ", "src and dst " };
	char addr[INET6_ADDRSTRLEN];

	if (op->kind == FX_FAMILY) {
		put(o, "%s", op->family == 4 ? "ip" : op->family == 6 ? "ip6" : "tcp");
		return;
	}
	put(o, "%s", sides[op->side & 3]);
	if (op->kind == FX_PORT && op->lo == op->hi)
		put(o, "port %u", op->lo);
	else if (op->kind == FX_PORT)
		put(o, "portrange %u-%u", op->lo, op->hi);
	else if (!inet_ntop(op->family == 4 ? AF_INET : AF_INET6, op->addr, addr, sizeof(addr)))
		o->rc = -EINVAL;
	else if (op->prefix_len == (op->family == 4 ? 32 : 128))
		put(o, "host %s", addr);
	else
		put(o, "net %s/%u", addr, op->prefix_len);
}

/* The subtree ending at `end`; parenthesised when it is an and/or in
 * a position where, read by either convention (tcpdump's left to right,
 * or "and" before "or"), it would group otherwise. */
static void put_tree(struct out *o, unsigned int end, const struct fx_op *parent, bool left)
{
	const struct fx_op *op = &o->prog->ops[end];
	bool parens = is_binary(op) && parent &&
		      (parent->kind == FX_NOT || parent->kind != op->kind || !left);
	unsigned int rstart;

	if (!is_binary(op) && op->kind != FX_NOT) {
		put_primitive(o, op);
		return;
	}
	if (parens)
		put(o, "(");
	if (op->kind == FX_NOT) {
		put(o, "not ");
		put_tree(o, end - 1, op, false);
	} else {
		rstart = subtree_start(o->prog, end - 1);
		put_tree(o, rstart - 1, op, true);
		put(o, op->kind == FX_AND ? " and " : " or ");
		put_tree(o, end - 1, op, false);
	}
	if (parens)
		put(o, ")");
}

int fx_format(const struct fx_prog *prog, char *buf, size_t len)
{
	struct out o = { prog, buf, len, 0, 0 };

	if (!len)
		return -ENAMETOOLONG;
	buf[0] = '\0';
	if (prog && prog->n_ops)
		put_tree(&o, prog->n_ops - 1, NULL, false);
	if (o.rc)
		buf[0] = '\0';
	return o.rc;
}
