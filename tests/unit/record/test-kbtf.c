// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-kbtf.c - kbtf_find_all() gives, for every query, the id one
 * btf__find_by_name_kind() call would: the first type of that name and
 * kind, 0 when there is none, whatever the order of the queries and
 * however many share a name.  Checked on a BTF built here, and on the
 * running kernel's when it has one (the ids are compared, not assumed).
 */
#include "check.h"
#include "kbtf.h"

#include <bpf/btf.h>
#include <stdio.h>
#include <string.h>

static struct btf *fabricate(int *int_id, int *td_a, int *fn_b, int *fn_b2, int *td_b)
{
	struct btf *btf = btf__new_empty();
	int proto;

	if (!btf)
		return NULL;
	*int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	*td_a = btf__add_typedef(btf, "btf_trace_a", *int_id);
	proto = btf__add_func_proto(btf, *int_id);
	*fn_b = btf__add_func(btf, "tcp_b", BTF_FUNC_GLOBAL, proto);
	*fn_b2 = btf__add_func(btf, "tcp_b", BTF_FUNC_STATIC, proto); /* a second, later one */
	*td_b = btf__add_typedef(btf, "tcp_b", *int_id);	      /* same name, other kind */
	return btf;
}

static void test_fabricated(void)
{
	int int_id, td_a, fn_b, fn_b2, td_b;
	struct btf *btf = fabricate(&int_id, &td_a, &fn_b, &fn_b2, &td_b);
	struct kbtf_query q[] = {
		{ "tcp_b", BTF_KIND_TYPEDEF, -1 },    { "missing", BTF_KIND_FUNC, -1 },
		{ "tcp_b", BTF_KIND_FUNC, -1 },	      { "btf_trace_a", BTF_KIND_TYPEDEF, -1 },
		{ "btf_trace_a", BTF_KIND_FUNC, -1 }, { "int", BTF_KIND_INT, -1 },
		{ "tcp_b", BTF_KIND_FUNC, -1 },
	};

	CHECK(btf != NULL);
	if (!btf)
		return;
	CHECK(fn_b2 > fn_b);
	kbtf_find_all(btf, q, sizeof(q) / sizeof(q[0]));
	CHECK_EQ(q[0].id, td_b);
	CHECK_EQ(q[1].id, 0);
	CHECK_EQ(q[2].id, fn_b); /* the first of two, as btf__find_by_name_kind */
	CHECK_EQ(q[3].id, td_a);
	CHECK_EQ(q[4].id, 0);
	CHECK_EQ(q[5].id, int_id);
	CHECK_EQ(q[6].id, fn_b);
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		int want = btf__find_by_name_kind(btf, q[i].name, q[i].kind);

		CHECK_EQ(q[i].id, want > 0 ? want : 0);
	}
	kbtf_find_all(btf, q, 0); /* no queries: nothing to do, nothing touched */
	CHECK_EQ(q[0].id, td_b);
	btf__free(btf);
}

/* The kernel's BTF, mapped or read, against libbpf's own search. */
static void test_running_kernel(void)
{
	struct kbtf_query q[] = {
		{ "tcp_v4_rcv", BTF_KIND_FUNC, -1 },
		{ "btf_trace_inet_sock_set_state", BTF_KIND_TYPEDEF, -1 },
		{ "bpf_iter_tcp", BTF_KIND_FUNC, -1 },
		{ "no_such_function_in_any_kernel", BTF_KIND_FUNC, -1 },
	};
	struct btf *mine = kbtf_load_vmlinux(), *ref = btf__load_vmlinux_btf();

	if (!mine || !ref) {
		CHECK(!mine && !ref); /* both see a kernel BTF, or neither */
		printf("# no kernel BTF: only the fabricated case ran\n");
		btf__free(mine);
		btf__free(ref);
		return;
	}
	CHECK_EQ(btf__type_cnt(mine), btf__type_cnt(ref));
	kbtf_find_all(mine, q, sizeof(q) / sizeof(q[0]));
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		int want = btf__find_by_name_kind(ref, q[i].name, q[i].kind);

		CHECK_EQ(q[i].id, want > 0 ? want : 0);
	}
	CHECK(q[0].id > 0);
	CHECK_EQ(q[3].id, 0);
	btf__free(mine);
	btf__free(ref);
}

int main(void)
{
	test_fabricated();
	test_running_kernel();
	return check_exit_status();
}
