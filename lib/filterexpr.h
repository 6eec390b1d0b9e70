/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filterexpr.h - the tcpdump-style filter expression of both tools
 * ("port 443 and host 192.0.2.1"): compiled once into a small postfix
 * program, which tcprec hands to its BPF programs (bpf/filterexpr.bpf.h
 * interprets the same program) and which fx_match() (filterexpr_eval.h)
 * evaluates on a connection's tuple for tcpana --filter and tcprec's
 * libpcap sources.
 *
 * Grammar (pcap-filter(7) where it overlaps):
 *
 *   expr      := unary { ("and" | "&&" | "or" | "||") unary }
 *   unary     := ("not" | "!") unary | "(" expr ")" | primitive
 *   primitive := [proto] [dir] type id | proto | id
 *   proto     := "ip" | "ip6" | "tcp"
 *   dir       := "src" | "dst" | "src or dst" | "src and dst"
 *   type      := "host" ADDR | "net" ADDR[/LEN] | "net" ADDR "mask" MASK
 *              | "port" N | "portrange" N-M
 *
 * As in tcpdump, "and" and "or" have the same precedence and associate
 * to the left ("a or b and c" is "(a or b) and c"); "not" binds tightest;
 * a bare id repeats the qualifiers of the primitive before it ("port 80
 * or 443"), or is a host when there is none.  Addresses are literal
 * (names are not resolved); an IPv4-mapped IPv6 address is taken as the
 * IPv4 one, as tcprec records dual-stack sockets talking IPv4.
 *
 * Meaning on a connection (fx_match()): the expression is evaluated with
 * the tuple oriented both ways, src = local and dst = remote, then src =
 * remote and dst = local, and the connection matches when either is
 * true: exactly the connections of which tcpdump, given the same
 * expression, would show the packets of at least one direction.  The
 * answer is the same for both endpoints of a connection and for every
 * event of one, so a connection is recorded or shown whole, or not at
 * all.
 */
#ifndef LIB_FILTEREXPR_H
#define LIB_FILTEREXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FX_MAX_OPS    64   /* operations of one program (the BPF side's bound) */
#define FX_MAX_TOKENS 256  /* words and operators of one expression */
#define FX_MAX_DEPTH  32   /* nesting of parentheses and "not" */
#define FX_TEXT_MAX   1024 /* fx_format()'s longest output, NUL included */

enum fx_kind {
	FX_PORT = 1,   /* port in [lo, hi] */
	FX_NET = 2,    /* address in addr/prefix_len (a host: the full length) */
	FX_FAMILY = 3, /* family == family; 0: any ("tcp") */
	FX_AND = 4,
	FX_OR = 5,
	FX_NOT = 6,
};

/* Which ends of the oriented tuple a primitive looks at. */
enum fx_side {
	FX_EITHER = 0, /* no qualifier, or "src or dst" */
	FX_SRC = 1,
	FX_DST = 2,
	FX_BOTH = 3, /* "src and dst" */
};

struct fx_op {
	uint8_t kind;	    /* enum fx_kind */
	uint8_t side;	    /* enum fx_side */
	uint8_t family;	    /* 4 or 6 (FX_NET; FX_FAMILY: 0 = any) */
	uint8_t prefix_len; /* FX_NET */
	uint16_t lo, hi;    /* FX_PORT, host order */
	uint8_t addr[16];   /* FX_NET: network order, bits beyond prefix_len zero */
};

/* A compiled expression: postfix, each predicate pushes one truth value,
 * FX_NOT replaces the top one, FX_AND/FX_OR replace the top two by one. */
struct fx_prog {
	unsigned int n_ops; /* 0: no expression, everything matches */
	bool directed;	    /* some primitive names src or dst alone */
	struct fx_op ops[FX_MAX_OPS];
};

/* A connection as seen from one endpoint. */
struct fx_tuple {
	uint8_t family;	   /* 4 or 6 */
	uint8_t laddr[16]; /* IPv4 in the first 4 bytes, network order */
	uint8_t raddr[16];
	uint16_t lport, rport; /* host order */
};

/* Why an expression was refused: msg says what was expected, token is
 * the word found there ("" at the end), column its 1-based position. */
struct fx_error {
	unsigned int column;
	char token[48];
	char msg[160];
};

/* Compiles text into *prog.  0; -EINVAL for a syntax or value error,
 * -E2BIG when the program would exceed FX_MAX_OPS (or the expression
 * FX_MAX_TOKENS or FX_MAX_DEPTH); err then says where.  *prog is left
 * empty on error. */
int fx_compile(const char *text, struct fx_prog *prog, struct fx_error *err);

/* "expected a port number after 'port' at 'foo' (column 6)". */
void fx_error_text(const struct fx_error *err, char *buf, size_t len);

#endif /* LIB_FILTEREXPR_H */
