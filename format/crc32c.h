/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * crc32c.h - CRC32C (Castagnoli), the block checksum of the trace format
 * (the same polynomial as iSCSI, ext4 and the SSE4.2 crc32 instruction).
 */
#ifndef TRC_CRC32C_H
#define TRC_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extends crc (0 to start) over len bytes; standard init/final xor. */
uint32_t trc_crc32c(uint32_t crc, const void *buf, size_t len);

/* The portable slice-by-8 implementation, exported so tests can compare
 * it with the hardware path. */
uint32_t trc_crc32c_sw(uint32_t crc, const void *buf, size_t len);

#endif /* TRC_CRC32C_H */
