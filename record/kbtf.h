/* SPDX-License-Identifier: BSD-2-Clause */
/* kbtf.h - the running kernel's BTF, opened and searched cheaply. */
#ifndef TCPREC_KBTF_H
#define TCPREC_KBTF_H

#include <bpf/btf.h>
#include <stddef.h>

struct kbtf_query {
	const char *name;
	unsigned int kind; /* BTF_KIND_FUNC, BTF_KIND_TYPEDEF, ... */
	int id;		   /* out: first matching type id, 0 when absent */
};

/* The kernel's BTF, or NULL (errno set).  Free with btf__free(). */
struct btf *kbtf_load_vmlinux(void);

/* Answers every query in one pass over the types: the same ids as one
 * btf__find_by_name_kind() per query, at the cost of one. */
void kbtf_find_all(const struct btf *btf, struct kbtf_query *queries, size_t count);

#endif
