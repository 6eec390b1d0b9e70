// SPDX-License-Identifier: BSD-2-Clause
/*
 * kbtf.c - the running kernel's BTF, opened and searched cheaply.
 *
 * Start-up cost matters (tcprec is started during incidents and records
 * nothing until it is ready), and the kernel's BTF is ~5 MiB with ~130k
 * types.  libbpf 1.1's btf__load_vmlinux_btf() read()s the sysfs file in
 * 4 KiB pieces into a buffer and copies it again (55 ms here); since
 * Linux 6.15 the file can be mapped instead, which halves that.  And
 * btf__find_by_name_kind() scans every type per call (0.7 ms each): the
 * probe asks ~20 names, so they are answered in one scan.
 */
#include "kbtf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* btf__new() copies the data, so the mapping lives only for the call. */
static struct btf *load_mapped(void)
{
	struct btf *btf = NULL;
	struct stat st;
	void *data;
	int fd;

	fd = open(VMLINUX_BTF, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (data != MAP_FAILED) {
			btf = btf__new(data, (__u32)st.st_size); /* NULL on error */
			munmap(data, (size_t)st.st_size);
		}
	}
	close(fd);
	return btf;
}

struct btf *kbtf_load_vmlinux(void)
{
	struct btf *btf = load_mapped();

	return btf ? btf : btf__load_vmlinux_btf();
}

static int by_name(const void *a, const void *b)
{
	return strcmp((*(struct kbtf_query *const *)a)->name,
		      (*(struct kbtf_query *const *)b)->name);
}

/* Marks every query whose name is `name` and whose kind is `kind`. */
static void match(struct kbtf_query **sorted, size_t count, const char *name, unsigned int kind,
		  int id)
{
	size_t lo = 0, hi = count;

	while (lo < hi) { /* first entry >= name */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(sorted[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < count && strcmp(sorted[lo]->name, name) == 0; lo++)
		if (sorted[lo]->kind == kind && sorted[lo]->id == 0)
			sorted[lo]->id = id;
}

void kbtf_find_all(const struct btf *btf, struct kbtf_query *queries, size_t count)
{
	struct kbtf_query **sorted = calloc(count ? count : 1, sizeof(*sorted));
	unsigned int kinds = 0, n = btf__type_cnt(btf);

	for (size_t i = 0; i < count; i++) {
		queries[i].id = 0;
		kinds |= 1u << queries[i].kind;
	}
	if (!sorted) { /* still correct, only slower */
		for (size_t i = 0; i < count; i++) {
			int id = btf__find_by_name_kind(btf, queries[i].name, queries[i].kind);

			queries[i].id = id > 0 ? id : 0;
		}
		return;
	}
	for (size_t i = 0; i < count; i++)
		sorted[i] = &queries[i];
	qsort(sorted, count, sizeof(*sorted), by_name);
	for (unsigned int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		unsigned int kind = btf_kind(t);

		const char *name;

		if (!(kinds & (1u << kind)))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && *name)
			match(sorted, count, name, kind, (int)id);
	}
	free(sorted);
}
