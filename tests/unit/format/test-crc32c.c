// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-crc32c - CRC32C against published check values (RFC 3720 B.4 and
 * the "123456789" check), the hardware path against the table path over
 * random buffers of every length and alignment up to 300 bytes, and
 * incremental computation.
 */
#include <string.h>

#include "crc32c.h"
#include "tutil.h"

int main(void)
{
	uint8_t buf[512];

	REQUIRE(trc_crc32c(0, "123456789", 9) == 0xe3069283u);
	REQUIRE(trc_crc32c_sw(0, "123456789", 9) == 0xe3069283u);
	memset(buf, 0, 32);
	REQUIRE(trc_crc32c(0, buf, 32) == 0x8a9136aau);
	memset(buf, 0xff, 32);
	REQUIRE(trc_crc32c(0, buf, 32) == 0x62a8ab43u);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	REQUIRE(trc_crc32c(0, buf, 32) == 0x46dd794eu);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	REQUIRE(trc_crc32c(0, buf, 32) == 0x113fdb5cu);
	REQUIRE(trc_crc32c(0, buf, 0) == 0);

	uint64_t rng = 17;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)tu_rand(&rng);
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len <= 300; len++) {
			uint32_t sw = trc_crc32c_sw(0, buf + off, len);
			REQUIRE(trc_crc32c(0, buf + off, len) == sw);
			size_t half = len / 3;
			REQUIRE(trc_crc32c(trc_crc32c(0, buf + off, half), buf + off + half,
					   len - half) == sw);
		}
	return 0;
}
