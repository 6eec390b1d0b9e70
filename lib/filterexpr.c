// SPDX-License-Identifier: BSD-2-Clause
/*
 * filterexpr.c - the filter expression's compiler (filterexpr.h): parses
 * the tokens of the text (filterexpr_lex.c) by recursive descent and
 * emits the postfix program; every value is checked here, so a program
 * that compiled is one both evaluators can run without further checks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filterexpr.h"
#include "filterexpr_parser.h"

static int emit(struct parser *ps, const struct fx_op *op)
{
	if (ps->prog->n_ops >= FX_MAX_OPS)
		return fxp_fail_at(ps, cur(ps), -E2BIG,
			       "expression too long (more than 64 operations)");
	ps->prog->ops[ps->prog->n_ops++] = *op;
	if (op->side == FX_SRC || op->side == FX_DST)
		ps->prog->directed = true;
	return 0;
}

static int emit_kind(struct parser *ps, enum fx_kind kind)
{
	return emit(ps, &(struct fx_op){ .kind = (uint8_t)kind });
}

/* Fails at the current token with "expected WHAT after 'QUAL'". */
static int expected(struct parser *ps, const char *what, const struct tok *qual)
{
	char msg[128];

	if (qual)
		snprintf(msg, sizeof(msg), "expected %s after '%.*s'", what, (int)qual->len,
			 qual->p);
	else
		snprintf(msg, sizeof(msg), "expected %s", what);
	return fxp_fail(ps, msg);
}

static int parse_port_id(struct parser *ps, const struct quals *q, struct fx_op *op, bool range)
{
	const struct tok *t = cur(ps);
	const char *dash = range ? memchr(t->p, '-', t->len) : NULL;
	unsigned int n1 = dash ? (unsigned int)(dash - t->p) : t->len;
	unsigned long lo, hi;
	int rc;

	if (range && !dash)
		return expected(ps, "a port range N-M", q->last);
	rc = fxp_parse_num(t->p, n1, 65535, &lo);
	if (!rc && dash)
		rc = fxp_parse_num(dash + 1, t->len - n1 - 1, 65535, &hi);
	if (rc == -ERANGE)
		return fxp_fail(ps, "port number out of range (0-65535)");
	if (rc)
		return expected(ps, range ? "a port range N-M" : "a port number", q->last);
	if (!dash)
		hi = lo;
	if (lo > hi)
		return fxp_fail(ps, "port range with its first port above its last");
	op->kind = FX_PORT;
	op->lo = (uint16_t)lo;
	op->hi = (uint16_t)hi;
	ps->i++;
	return 0;
}

/* "mask 255.255.255.0" after an IPv4 net: a contiguous mask. */
static int parse_mask(struct parser *ps, struct fx_op *op)
{
	const struct tok *t = cur(ps);
	struct fx_op m;
	uint32_t bits;

	if (op->family != 4 || op->prefix_len != 32)
		return fxp_fail(ps, "'mask' applies to an IPv4 network without /LEN");
	if (t->kind != TK_WORD || fxp_parse_addr(t->p, t->len, &m) || m.family != 4)
		return fxp_fail(ps, "expected an IPv4 mask after 'mask'");
	bits = (uint32_t)m.addr[0] << 24 | (uint32_t)m.addr[1] << 16 | (uint32_t)m.addr[2] << 8 |
	       m.addr[3];
	if (bits & (~bits >> 1))
		return fxp_fail(ps, "the mask is not contiguous");
	op->prefix_len = 0;
	while (bits) {
		bits <<= 1;
		op->prefix_len++;
	}
	ps->i++;
	return 0;
}

static int parse_net_id(struct parser *ps, const struct quals *q, struct fx_op *op, bool net)
{
	const struct tok *t = cur(ps);
	const char *slash = net ? memchr(t->p, '/', t->len) : NULL;
	unsigned int n1 = slash ? (unsigned int)(slash - t->p) : t->len;
	unsigned long len;

	if (fxp_parse_addr(t->p, n1, op))
		return expected(
			ps, net ? "an IPv4 or IPv6 network ADDR/LEN" : "an IPv4 or IPv6 address",
			q->last);
	if (slash) {
		if (fxp_parse_num(slash + 1, t->len - n1 - 1, op->prefix_len, &len))
			return fxp_fail(ps, op->family == 4
						? "expected a prefix length 0-32 after '/'"
						: "expected a prefix length 0-128 after '/'");
		op->prefix_len = (uint8_t)len;
	}
	ps->i++;
	if (net && !slash && tok_is(cur(ps), "mask")) {
		ps->i++;
		if (parse_mask(ps, op))
			return ps->rc;
	}
	if (fxp_host_bits_set(op))
		return fxp_fail_at(ps, t, -EINVAL, "the address has bits set beyond the prefix length");
	if (q->family && q->family != op->family)
		return fxp_fail_at(ps, t, -EINVAL,
			       q->family == 4 ? "'ip' with an IPv6 address"
					      : "'ip6' with an IPv4 address");
	return 0;
}

/* [proto] [dir] [type]: each optional; the type defaults to host. */
static void parse_quals(struct parser *ps, struct quals *q)
{
	static const char *const types[] = { "host", "net", "port", "portrange" };
	const struct tok *t = cur(ps);

	*q = (struct quals){ 0 };
	if (tok_is(t, "ip") || tok_is(t, "ip6") || tok_is(t, "tcp")) {
		q->proto_given = true;
		q->family = tok_is(t, "ip") ? 4 : tok_is(t, "ip6") ? 6 : 0;
		q->last = t;
		t = &ps->toks[++ps->i];
	}
	if (tok_is(t, "src") || tok_is(t, "dst")) {
		const struct tok *conj = t + 1, *other = t + 2;

		q->dir_given = true;
		q->side = tok_is(t, "src") ? FX_SRC : FX_DST;
		q->last = t;
		ps->i++;
		if ((conj->kind == TK_AND || conj->kind == TK_OR) &&
		    tok_is(other, q->side == FX_SRC ? "dst" : "src")) {
			q->side = conj->kind == TK_AND ? FX_BOTH : FX_EITHER;
			q->last = other;
			ps->i += 2;
		}
		t = cur(ps);
	}
	for (unsigned int k = 0; k < sizeof(types) / sizeof(types[0]); k++)
		if (tok_is(t, types[k])) {
			q->type = types[k];
			q->last = t;
			ps->i++;
		}
}

/* The id after the qualifiers, and the ops of the primitive. */
static int parse_id(struct parser *ps, const struct quals *q)
{
	const char *type = q->type ? q->type : "host";
	bool range = !strcmp(type, "portrange"), port = range || !strcmp(type, "port");
	struct fx_op op = { .side = q->side };
	int rc;

	if (cur(ps)->kind != TK_WORD)
		return expected(ps,
				port ? (range ? "a port range N-M" : "a port number")
				     : "an IPv4 or IPv6 address",
				q->last);
	if (port)
		rc = parse_port_id(ps, q, &op, range);
	else
		rc = parse_net_id(ps, q, &op, !strcmp(type, "net"));
	if (rc)
		return rc;
	/* "ip port 80" is "ip and port 80"; with a host or net the family
	 * is the address's (checked above), and "tcp" is always true. */
	if (!port || !q->family)
		return emit(ps, &op);
	rc = emit(ps, &(struct fx_op){ .kind = FX_FAMILY, .family = q->family });
	if (!rc)
		rc = emit(ps, &op);
	return rc ? rc : emit_kind(ps, FX_AND);
}

static int parse_primitive(struct parser *ps)
{
	const struct tok *start = cur(ps);
	struct quals q;

	parse_quals(ps, &q);
	if (q.proto_given && !q.dir_given && !q.type) {
		enum tok_kind k = cur(ps)->kind;

		/* "tcp", "ip", "ip6" alone: the family. */
		if (k == TK_END || k == TK_AND || k == TK_OR || k == TK_RPAREN)
			return emit(ps, &(struct fx_op){ .kind = FX_FAMILY, .family = q.family });
	}
	if (cur(ps) == start) {
		/* A bare id: the qualifiers of the primitive before it, or a
		 * host.  Anything but an address is then not a primitive. */
		struct fx_op probe;

		if (start->kind == TK_WORD && ps->have_last)
			q = ps->last;
		else if (start->kind != TK_WORD || fxp_parse_addr(start->p, start->len, &probe))
			return fxp_fail(ps,
				    "expected a primitive (host, net, port, portrange, src, dst, "
				    "ip, ip6, tcp), 'not' or '('");
	}
	ps->last = q;
	ps->have_last = true;
	return parse_id(ps, &q);
}

static int parse_expr(struct parser *ps);

static int parse_unary(struct parser *ps)
{
	const struct tok *t = cur(ps);
	int rc;

	if (t->kind != TK_NOT && t->kind != TK_LPAREN)
		return parse_primitive(ps);
	if (ps->depth >= FX_MAX_DEPTH)
		return fxp_fail_at(ps, t, -E2BIG, "expression nested too deeply (more than 32 levels)");
	ps->depth++;
	ps->i++;
	if (t->kind == TK_NOT) {
		rc = parse_unary(ps);
		if (!rc)
			rc = emit_kind(ps, FX_NOT);
	} else {
		rc = parse_expr(ps);
		if (!rc && cur(ps)->kind != TK_RPAREN) {
			char msg[64];

			snprintf(msg, sizeof(msg), "expected ')' for the '(' of column %u",
				 t->column);
			rc = fxp_fail(ps, msg);
		}
		ps->i++;
	}
	ps->depth--;
	return rc;
}

static int parse_expr(struct parser *ps)
{
	int rc = parse_unary(ps);

	while (!rc && (cur(ps)->kind == TK_AND || cur(ps)->kind == TK_OR)) {
		enum fx_kind op = cur(ps)->kind == TK_AND ? FX_AND : FX_OR;

		ps->i++;
		rc = parse_unary(ps);
		if (!rc)
			rc = emit_kind(ps, op);
	}
	return rc;
}

int fx_compile(const char *text, struct fx_prog *prog, struct fx_error *err)
{
	struct parser *ps = calloc(1, sizeof(*ps));
	int rc;

	memset(prog, 0, sizeof(*prog));
	memset(err, 0, sizeof(*err));
	if (!ps)
		return -ENOMEM;
	ps->prog = prog;
	ps->err = err;
	rc = fxp_tokenize(ps, text ? text : "");
	if (!rc)
		rc = parse_expr(ps);
	if (!rc && cur(ps)->kind != TK_END)
		rc = fxp_fail(ps, cur(ps)->kind == TK_RPAREN ? "')' without its '('"
							 : "expected 'and', 'or' or the end");
	if (rc)
		memset(prog, 0, sizeof(*prog));
	free(ps);
	return rc;
}

void fx_error_text(const struct fx_error *err, char *buf, size_t len)
{
	if (err->token[0])
		snprintf(buf, len, "%s at '%s' (column %u)", err->msg, err->token, err->column);
	else
		snprintf(buf, len, "%s at the end (column %u)", err->msg, err->column);
}
