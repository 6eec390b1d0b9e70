/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * reader_block.h - the reader's input buffer and block framing: reads the medium,
 * finds and checks blocks, resynchronises after damage.
 */
#ifndef TRC_READER_BLOCK_H
#define TRC_READER_BLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader_state.h"

int rd_ensure(struct trc_reader *r, size_t n);
enum trc_status blk_next(struct trc_reader *r, struct blk *b, struct trc_error *err);
void blk_consume(struct trc_reader *r, const struct blk *b);
void rd_err(struct trc_error *err, enum trc_status code, uint64_t off, uint32_t chunk,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif /* TRC_READER_BLOCK_H */
