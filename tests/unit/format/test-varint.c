// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-varint - LEB128 and zigzag coding (varint.h) and the bounds-checked
 * cursor (cursor.h): boundary values round trip with the expected lengths,
 * over-long and cut-short encodings are refused, and no read goes past the
 * cursor's end.
 */
#include <string.h>

#include "cursor.h"
#include "tutil.h"
#include "varint.h"

static void roundtrip(uint64_t v, unsigned int len)
{
	uint8_t b[VARINT_MAX + 1];
	uint8_t *e = varint_put(b, v);
	REQUIRE((unsigned int)(e - b) == len && varint_len(v) == len);
	struct cur c = cur_make(b, len);
	uint64_t out;
	REQUIRE(cur_varint(&c, &out) == 0 && out == v && c.left == 0);
	/* Every shorter prefix is cut short. */
	for (unsigned int n = 0; n < len; n++) {
		c = cur_make(b, n);
		REQUIRE(cur_varint(&c, &out) == -1);
	}
}

static void zigzag(void)
{
	const int64_t v[] = { 0, -1, 1, -2, 2, INT64_MAX, INT64_MIN, -64, 63, -65, 64 };
	const uint64_t z[] = { 0, 1, 2, 3, 4, UINT64_MAX - 1, UINT64_MAX, 127, 126, 129, 128 };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		REQUIRE(zigzag_enc(v[i]) == z[i]);
		REQUIRE(zigzag_dec(z[i]) == v[i]);
	}
}

static void overlong(void)
{
	uint64_t out;
	uint32_t o32;
	/* 11 continuation bytes */
	uint8_t b[12];
	memset(b, 0x80, sizeof(b));
	struct cur c = cur_make(b, sizeof(b));
	REQUIRE(cur_varint(&c, &out) == -1);
	/* 10th byte with bits beyond 64 */
	memset(b, 0xff, 9);
	b[9] = 0x02;
	c = cur_make(b, 10);
	REQUIRE(cur_varint(&c, &out) == -1);
	b[9] = 0x01;
	c = cur_make(b, 10);
	REQUIRE(cur_varint(&c, &out) == 0 && out == UINT64_MAX);
	/* varint32 refuses 2^32 */
	uint8_t *e = varint_put(b, 1ull << 32);
	c = cur_make(b, (size_t)(e - b));
	REQUIRE(cur_varint32(&c, &o32) == -1);
	e = varint_put(b, UINT32_MAX);
	c = cur_make(b, (size_t)(e - b));
	REQUIRE(cur_varint32(&c, &o32) == 0 && o32 == UINT32_MAX);
}

static void cursor(void)
{
	const uint8_t b[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	struct cur c = cur_make(b, sizeof(b));
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const uint8_t *p;
	REQUIRE(cur_u8(&c, &u8) == 0 && u8 == 1);
	REQUIRE(cur_u16(&c, &u16) == 0 && u16 == 0x0302);
	REQUIRE(cur_u64(&c, &u64) == 0 && u64 == 0x0b0a090807060504ull);
	REQUIRE(c.left == 0);
	REQUIRE(cur_u8(&c, &u8) == -1 && cur_u32(&c, &u32) == -1 && cur_take(&c, 1, &p) == -1);
	c = cur_make(b, 3);
	REQUIRE(cur_u32(&c, &u32) == -1 && c.left == 3); /* failed reads do not move */
	REQUIRE(cur_skip(&c, SIZE_MAX) == -1 && c.left == 3);
	REQUIRE(cur_take(&c, 3, &p) == 0 && p == b && c.left == 0);
}

int main(void)
{
	roundtrip(0, 1);
	roundtrip(127, 1);
	roundtrip(128, 2);
	roundtrip(16383, 2);
	roundtrip(16384, 3);
	roundtrip(UINT32_MAX, 5);
	roundtrip(1ull << 63, 10);
	roundtrip(UINT64_MAX, 10);
	uint64_t rng = 3;
	for (int i = 0; i < 100000; i++) {
		uint64_t v = tu_rand_magnitude(&rng);
		roundtrip(v, varint_len(v));
	}
	zigzag();
	overlong();
	cursor();
	return 0;
}
