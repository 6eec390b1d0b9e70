/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode.h - a validated chunk's records turned into events.
 */
#ifndef TRC_DECODE_H
#define TRC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader_state.h"

int dec_begin(struct trc_reader *r, const struct blk *b, struct trc_error *err);
int dec_validate(struct trc_reader *r, struct trc_error *err);
/* 1: *ev filled; 0: chunk finished; -1: error (err filled). */
int dec_next(struct trc_reader *r, struct trc_event *ev, const struct trc_conn **conn,
	     struct trc_error *err);

#endif /* TRC_DECODE_H */
