/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * freelist.h - objects of one size kept for reuse instead of going back
 * to malloc.  The analyser creates and releases an endpoint, its body and
 * its frozen form for every connection; through malloc that was a fifth
 * of its time (bins searched and split, chunks coalesced).  A free object's
 * first bytes link the list.  What is kept is bounded by the most objects
 * ever in use at once, not by how many came and went.  Objects live in
 * slabs that are freed together by freelist_fini(), so an object is
 * never given to free(3).
 */
#ifndef LIB_FREELIST_H
#define LIB_FREELIST_H

#include <stdalign.h>
#include <sys/mman.h>

#include "poison.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* New objects are cut from slabs of this size (one object when larger):
 * one malloc per slab instead of one per object.  A slab is one huge page
 * where the kernel offers them (transparent huge pages, "madvise"):
 * endpoints are reached in no order, and over a hundred megabytes of
 * them cost a TLB miss and a page fault per 4 KiB page otherwise. */
#define FREELIST_SLAB (2u << 20)

struct freelist {
	size_t size;	 /* of an object, once one was handed out */
	void *head;	 /* free objects */
	size_t n;	 /* objects on it */
	char *cut;	 /* the current slab's unused part ... */
	size_t left;	 /* ... and its size */
	void *slabs;	 /* every slab, linked through its first bytes */
};

struct freelist_slab {
	void *next;
	size_t bytes; /* of mem[] */
	alignas(max_align_t) char mem[];
};

static inline size_t freelist_round(size_t size)
{
	const size_t a = alignof(max_align_t);

	return (size + a - 1) / a * a;
}

/* An object of size bytes (at least a pointer's; the same size on every
 * call), reused or new; not initialised.  NULL when memory ran out. */
static inline void *freelist_get(struct freelist *f, size_t size)
{
	void *p = f->head;

	size = freelist_round(size);
	f->size = size;
	if (p) {
		UNPOISON(p, size);
		memcpy(&f->head, p, sizeof(f->head));
		f->n--;
		return p;
	}
	if (f->left < size) {
		size_t whole = (sizeof(struct freelist_slab) + size + FREELIST_SLAB - 1) /
			       FREELIST_SLAB * FREELIST_SLAB;
		struct freelist_slab *s = aligned_alloc(FREELIST_SLAB, whole);
		size_t room = whole - sizeof(*s);

		if (!s)
			return NULL;
		s->bytes = room;
#ifdef MADV_HUGEPAGE
		(void)madvise(s, sizeof(*s) + room, MADV_HUGEPAGE); /* a hint */
#endif
		s->next = f->slabs;
		f->slabs = s;
		f->cut = s->mem;
		f->left = room;
	}
	p = f->cut;
	f->cut += size;
	f->left -= size;
	return p;
}

static inline void freelist_put(struct freelist *f, void *p)
{
	if (!p)
		return;
	memcpy(p, &f->head, sizeof(f->head));
	f->head = p;
	f->n++;
	POISON(p, f->size);
}

/* Frees every object, in use or not. */
static inline void freelist_fini(struct freelist *f)
{
	while (f->slabs) {
		struct freelist_slab *s = f->slabs;

		f->slabs = s->next;
		UNPOISON(s->mem, s->bytes);
		free(s);
	}
	memset(f, 0, sizeof(*f));
}

#endif /* LIB_FREELIST_H */
