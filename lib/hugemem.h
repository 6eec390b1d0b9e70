/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hugemem.h - memory in mappings of its own, advised as transparent huge
 * pages, for what grows large and is reached in no order: the analyser's
 * endpoints (freelist.h).  On the paravirtualised guests this was
 * measured on, a page fault costs microseconds, and the heads, bodies and
 * encodings of a growing set of endpoints took one for each 4 KiB (a fifth
 * of the analysis of a trace of short connections).  Memory from malloc
 * seldom gets huge pages: the kernel places one at a fault only when no
 * part of its 2 MiB was faulted in before, and the heap is reused all the
 * time.  (The hash tables gained nothing measurable from it.)
 */
#ifndef LIB_HUGEMEM_H
#define LIB_HUGEMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#define HUGEMEM_PAGE (2u << 20)

/* A fresh zeroed mapping of bytes (a multiple of HUGEMEM_PAGE), aligned
 * to HUGEMEM_PAGE and advised before anything touches it; NULL when
 * memory ran out. */
static inline void *hugemem_map(size_t bytes)
{
	size_t over = bytes + HUGEMEM_PAGE;
	char *p = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t head;

	if (p == MAP_FAILED)
		return NULL;
	head = (HUGEMEM_PAGE - (uintptr_t)p % HUGEMEM_PAGE) % HUGEMEM_PAGE;
	if (head)
		(void)munmap(p, head);
	(void)munmap(p + head + bytes, over - head - bytes);
#ifdef MADV_HUGEPAGE
	(void)madvise(p + head, bytes, MADV_HUGEPAGE); /* a hint */
#endif
	return p + head;
}

static inline void hugemem_unmap(void *p, size_t bytes)
{
	if (p)
		(void)munmap(p, bytes);
}

#endif /* LIB_HUGEMEM_H */
