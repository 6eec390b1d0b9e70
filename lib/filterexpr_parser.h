/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filterexpr_parser.h - the filter expression compiler's state, shared by
 * its grammar (filterexpr.c) and its words (filterexpr_lex.c: tokens,
 * numbers, addresses, error reports).  Private to lib/.
 */
#ifndef LIB_FILTEREXPR_PARSER_H
#define LIB_FILTEREXPR_PARSER_H

#include <stdbool.h>
#include <string.h>

#include "filterexpr.h"

enum tok_kind { TK_END, TK_WORD, TK_LPAREN, TK_RPAREN, TK_NOT, TK_AND, TK_OR };

struct tok {
	enum tok_kind kind;
	const char *p;
	unsigned int len, column;
};

/* Qualifiers of a primitive; kept to complete a bare id that follows. */
struct quals {
	uint8_t family;	  /* "ip": 4, "ip6": 6; 0: none or "tcp" */
	uint8_t side;	  /* enum fx_side */
	const char *type; /* "host", "net", "port", "portrange" */
	bool proto_given, dir_given;
	const struct tok *last; /* the last qualifier word, for messages */
};

struct parser {
	struct tok toks[FX_MAX_TOKENS + 1];
	unsigned int n, i, depth;
	struct fx_prog *prog;
	struct fx_error *err;
	struct quals last;
	bool have_last;
	int rc; /* first error */
};

static inline const struct tok *cur(const struct parser *ps)
{
	return &ps->toks[ps->i];
}

static inline bool tok_is(const struct tok *t, const char *word)
{
	return t->kind == TK_WORD && strlen(word) == t->len && !strncmp(t->p, word, t->len);
}

/* Records the first error, at token t; returns the first error's code. */
int fxp_fail_at(struct parser *ps, const struct tok *t, int rc, const char *msg);
/* fxp_fail_at() the current token, -EINVAL. */
int fxp_fail(struct parser *ps, const char *msg);
/* Splits text into ps->toks (ps->n of them, then a TK_END). */
int fxp_tokenize(struct parser *ps, const char *text);
/* A decimal number in [0, max], nothing else: 0, -EINVAL or -ERANGE. */
int fxp_parse_num(const char *s, unsigned int len, unsigned long max, unsigned long *out);
/* An address into op (family and all 128 bits, FX_NET, a host's prefix);
 * an IPv4-mapped IPv6 address becomes the IPv4 one.  0 or -EINVAL. */
int fxp_parse_addr(const char *s, unsigned int len, struct fx_op *op);
/* Whether op's address has bits set beyond its prefix. */
bool fxp_host_bits_set(const struct fx_op *op);

#endif /* LIB_FILTEREXPR_PARSER_H */
