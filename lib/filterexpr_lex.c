// SPDX-License-Identifier: BSD-2-Clause
/*
 * filterexpr_lex.c - the words of a filter expression (filterexpr_parser.h):
 * the tokens of its text, the numbers and addresses they spell, and the
 * report of the first error with its column.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "filterexpr_parser.h"

static bool is_op_char(char c)
{
	return c == '(' || c == ')' || c == '!' || c == '&' || c == '|';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int fxp_fail_at(struct parser *ps, const struct tok *t, int rc, const char *msg)
{
	if (ps->rc)
		return ps->rc;
	ps->rc = rc;
	ps->err->column = t->column;
	snprintf(ps->err->msg, sizeof(ps->err->msg), "%s", msg);
	if (t->len < sizeof(ps->err->token))
		snprintf(ps->err->token, sizeof(ps->err->token), "%.*s", (int)t->len, t->p);
	else
		snprintf(ps->err->token, sizeof(ps->err->token), "%.*s...",
			 (int)sizeof(ps->err->token) - 4, t->p);
	return rc;
}

int fxp_fail(struct parser *ps, const char *msg)
{
	return fxp_fail_at(ps, cur(ps), -EINVAL, msg);
}

int fxp_tokenize(struct parser *ps, const char *text)
{
	const char *p = text;

	for (;;) {
		struct tok *t = &ps->toks[ps->n];

		while (is_space(*p))
			p++;
		*t = (struct tok){ TK_END, p, 0, (unsigned int)(p - text) + 1 };
		if (!*p)
			return 0;
		if (ps->n == FX_MAX_TOKENS)
			return fxp_fail_at(ps, t, -E2BIG, "expression too long (more than 256 words)");
		if (*p == '(' || *p == ')' || *p == '!') {
			t->kind = *p == '(' ? TK_LPAREN : *p == ')' ? TK_RPAREN : TK_NOT;
			t->len = 1;
		} else if ((*p == '&' || *p == '|') && p[1] == *p) {
			t->kind = *p == '&' ? TK_AND : TK_OR;
			t->len = 2;
		} else if (*p == '&' || *p == '|') {
			t->len = 1;
			return fxp_fail_at(ps, t, -EINVAL, "expected '&&' or '||'");
		} else {
			t->kind = TK_WORD;
			while (p[t->len] && !is_space(p[t->len]) && !is_op_char(p[t->len]))
				t->len++;
			if (tok_is(t, "and") || tok_is(t, "or") || tok_is(t, "not"))
				t->kind = tok_is(t, "and")  ? TK_AND
					  : tok_is(t, "or") ? TK_OR
							    : TK_NOT;
		}
		p += t->len;
		ps->n++;
	}
}

int fxp_parse_num(const char *s, unsigned int len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!len || len > 6)
		return -EINVAL;
	for (unsigned int i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int fxp_parse_addr(const char *s, unsigned int len, struct fx_op *op)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char buf[64];

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(op->addr, 0, sizeof(op->addr));
	if (inet_pton(AF_INET, buf, op->addr) == 1) {
		op->family = 4;
	} else if (inet_pton(AF_INET6, buf, op->addr) == 1) {
		op->family = 6;
		if (!memcmp(op->addr, mapped, sizeof(mapped))) {
			memmove(op->addr, op->addr + 12, 4);
			memset(op->addr + 4, 0, 12);
			op->family = 4;
		}
	} else {
		return -EINVAL;
	}
	op->kind = FX_NET;
	op->prefix_len = op->family == 4 ? 32 : 128;
	return 0;
}

bool fxp_host_bits_set(const struct fx_op *op)
{
	for (unsigned int bit = op->prefix_len; bit < 128; bit++)
		if (op->addr[bit / 8] & (0x80u >> (bit % 8)))
			return true;
	return false;
}
