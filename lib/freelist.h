/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * freelist.h - objects of one size kept for reuse instead of going back
 * to malloc.  The analyser creates and releases an endpoint, its body and
 * its frozen form for every connection; through malloc that was a fifth
 * of its time (bins searched and split, chunks coalesced).  A free object's
 * first bytes link the list.  What is kept is bounded by the most objects
 * ever in use at once, not by how many came and went.  Objects live in
 * slabs that are freed together (freelist_fini(), slab_source_fini()),
 * so an object is never given to free(3).  Slabs are mappings of their
 * own, not malloc memory (hugemem.h).
 */
#ifndef LIB_FREELIST_H
#define LIB_FREELIST_H

#include <stdalign.h>

#include "hugemem.h"
#include "poison.h"
#include <stddef.h>
#include <string.h>

/* New objects are cut from slabs of this size (one object when larger):
 * one mapping per slab instead of a malloc per object, and huge pages
 * for objects reached in no order (hugemem.h). */
#define FREELIST_SLAB HUGEMEM_PAGE

/* Where new objects are cut from: one source may feed several free
 * lists (objects of several sizes), so that a slab is shared by all of
 * them instead of each size holding a partly used one. */
struct slab_source {
	char *cut;   /* the current slab's unused part ... */
	size_t left; /* ... and its size */
	void *slabs; /* every slab, linked through their first bytes */
};

struct freelist {
	size_t size; /* of an object, once one was handed out */
	void *head;  /* free objects */
	size_t n;    /* objects on it */
	struct slab_source own; /* used by freelist_get() */
};

/* Objects start on a cache line when their size is whole lines: an
 * endpoint's head is read a line at a time (endpoint.h). */
#define FREELIST_LINE 64

struct freelist_slab {
	void *next;
	size_t bytes; /* of mem[] */
	alignas(FREELIST_LINE) char mem[];
};

static inline size_t freelist_round(size_t size)
{
	const size_t a = alignof(max_align_t);

	return (size + a - 1) / a * a;
}

/* size bytes (rounded by freelist_round()) cut from src; NULL when
 * memory ran out. */
static inline void *slab_source_cut(struct slab_source *src, size_t size)
{
	void *p;

	if (src->left < size) {
		size_t whole = (sizeof(struct freelist_slab) + size + FREELIST_SLAB - 1) /
			       FREELIST_SLAB * FREELIST_SLAB;
		struct freelist_slab *s = hugemem_map(whole);

		if (!s)
			return NULL;
		s->bytes = whole - sizeof(*s);
		s->next = src->slabs;
		src->slabs = s;
		src->cut = s->mem;
		src->left = s->bytes;
	}
	p = src->cut;
	src->cut += size;
	src->left -= size;
	return p;
}

/* Frees every slab of src, and so every object cut from it. */
static inline void slab_source_fini(struct slab_source *src)
{
	while (src->slabs) {
		struct freelist_slab *s = src->slabs;

		src->slabs = s->next;
		UNPOISON(s->mem, s->bytes);
		hugemem_unmap(s, sizeof(*s) + s->bytes);
	}
	memset(src, 0, sizeof(*src));
}

/* An object of size bytes (at least a pointer's; the same size on every
 * call for f), reused or new from src; not initialised.  NULL when
 * memory ran out. */
static inline void *freelist_get_from(struct freelist *f, struct slab_source *src, size_t size)
{
	void *p = f->head;

	size = freelist_round(size);
	f->size = size;
	if (!p)
		return slab_source_cut(src, size);
	UNPOISON(p, size);
	memcpy(&f->head, p, sizeof(f->head));
	f->n--;
	return p;
}

/* The same from f's own slabs. */
static inline void *freelist_get(struct freelist *f, size_t size)
{
	return freelist_get_from(f, &f->own, size);
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

/* Frees every object of f's own slabs, in use or not; a list fed from a
 * shared source is emptied, and its objects go with the source. */
static inline void freelist_fini(struct freelist *f)
{
	slab_source_fini(&f->own);
	memset(f, 0, sizeof(*f));
}

#endif /* LIB_FREELIST_H */
