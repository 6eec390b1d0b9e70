/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * decode.h - validation of raw records from the BPF side (ring buffer and
 * iterator output) before anything casts them to their struct.
 */
#ifndef TCPREC_DECODE_H
#define TCPREC_DECODE_H

#include <stddef.h>

#include "events.h"

/* Returns the record's enum ev_type when data holds exactly one
 * well-formed record: size >= header, header size == size, known type,
 * size == sizeof that type's struct, family 4 or 6, states and kinds in
 * range.  -EBADMSG otherwise. */
int ev_decode(const void *data, size_t size);

/* Expected struct size for a type, 0 for an unknown one. */
size_t ev_type_size(unsigned int type);

#endif /* TCPREC_DECODE_H */
