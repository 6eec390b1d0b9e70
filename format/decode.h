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

/* Chunks of up to this many events are decoded once, their events kept
 * between validation and delivery (about 4.5 MB at the cap).  Bigger ones
 * (up to TRC_MAX_CHUNK_EVENTS; tcprec's 64 KiB chunks hold about 12,000)
 * are decoded twice, so that the reader's memory stays bounded. */
#define DEC_BATCH_MAX 32768u

int dec_begin(struct trc_reader *r, const struct blk *b, struct trc_error *err);
int dec_validate(struct trc_reader *r, struct trc_error *err);
/* 1: *ev filled, after the run of skipped events r->run if run_valid;
 * 2: a run of skipped events only; 0: chunk finished; -1: error (err
 * filled). */
int dec_next(struct trc_reader *r, struct trc_event *ev, const struct trc_conn **conn,
	     struct trc_error *err);

#endif /* TRC_DECODE_H */
