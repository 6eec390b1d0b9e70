/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cursor.h - the bounds-checked reading cursor.  The reader touches file
 * bytes only through these functions: each one checks `n > left` before it
 * reads, so a hostile length can never move a pointer past the buffer.
 * All return 0 on success and -1 when the input is too short or malformed
 * (an over-long varint); the caller turns that into a described error.
 */
#ifndef TRC_CURSOR_H
#define TRC_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "wire.h"

struct cur {
	const uint8_t *p;
	size_t left;
};

static inline struct cur cur_make(const void *p, size_t len)
{
	struct cur c = { .p = p, .left = len };
	return c;
}

/* Hands out n bytes at *out and advances. */
static inline int cur_take(struct cur *c, size_t n, const uint8_t **out)
{
	if (n > c->left)
		return -1;
	*out = c->p;
	c->p += n;
	c->left -= n;
	return 0;
}

static inline int cur_skip(struct cur *c, size_t n)
{
	const uint8_t *unused;
	return cur_take(c, n, &unused);
}

static inline int cur_u8(struct cur *c, uint8_t *v)
{
	if (1 > c->left)
		return -1;
	*v = *c->p++;
	c->left--;
	return 0;
}

static inline int cur_u16(struct cur *c, uint16_t *v)
{
	const uint8_t *b;
	if (cur_take(c, 2, &b))
		return -1;
	*v = (uint16_t)(b[0] | b[1] << 8);
	return 0;
}

static inline int cur_u32(struct cur *c, uint32_t *v)
{
	const uint8_t *b;
	if (cur_take(c, 4, &b))
		return -1;
	*v = wire_get_u32(b);
	return 0;
}

static inline int cur_u64(struct cur *c, uint64_t *v)
{
	const uint8_t *b;
	if (cur_take(c, 8, &b))
		return -1;
	*v = wire_get_u64(b);
	return 0;
}

static inline int cur_copy(struct cur *c, void *dst, size_t n)
{
	const uint8_t *b;
	if (cur_take(c, n, &b))
		return -1;
	memcpy(dst, b, n);
	return 0;
}

/* LEB128.  Rejects more than 10 bytes and a 10th byte carrying bits beyond
 * 64, so every value has a bounded encoding and nothing wraps silently. */
static inline int cur_varint(struct cur *c, uint64_t *v)
{
	uint64_t r = 0;
	for (unsigned int i = 0; i < 10; i++) {
		if (1 > c->left)
			return -1;
		uint8_t b = *c->p++;
		c->left--;
		if (i == 9 && b > 1)
			return -1;
		r |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

/* A varint that must fit in 32 bits. */
static inline int cur_varint32(struct cur *c, uint32_t *v)
{
	uint64_t r;
	if (cur_varint(c, &r) || r > UINT32_MAX)
		return -1;
	*v = (uint32_t)r;
	return 0;
}

#endif /* TRC_CURSOR_H */
