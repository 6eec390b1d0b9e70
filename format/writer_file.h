/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * writer_file.h - the writer's files: blocks written whole, the header at
 * the start of each file, the trailer at its end, and rotation into the
 * next file of a recording.
 */
#ifndef TRC_WRITER_FILE_H
#define TRC_WRITER_FILE_H

#include <stddef.h>

#include "writer_state.h"

void wf_set_err(struct trc_error *err, int code, const char *what);

/* Frames the payload at w->buf + WIRE_BLOCK_HEAD and writes the block;
 * a failure is remembered (sticky). */
int wf_write_block(struct trc_writer *w, char type, size_t payload_len);

/* Keeps a copy of hdr and writes it as the current file's header. */
int wf_write_header(struct trc_writer *w, const struct trc_header *hdr);

/* Writes the current file's trailer: its own counters, the rest from
 * extra (may be NULL). */
int wf_write_trailer(struct trc_writer *w, const struct trc_trailer *extra);

/* Before the first record of a chunk: rotates when max_file_bytes leaves
 * no room for one more chunk, and sets the chunk's target so that the
 * file stays within the limit. */
int wf_chunk_begin(struct trc_writer *w);

#endif /* TRC_WRITER_FILE_H */
