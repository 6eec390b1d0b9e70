/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * encode.h - records written into the current chunk.
 */
#ifndef TRC_ENCODE_H
#define TRC_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "writer_state.h"

/* Write at w->buf + w->len, caller guarantees WRITER_MAX_APPEND. */
void enc_conn(struct trc_writer *w, struct wconn *wc);
void enc_event(struct trc_writer *w, const struct trc_event *ev, struct wconn *wc);
int enc_validate(const struct trc_event *ev);

#endif /* TRC_ENCODE_H */
