/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tlv.h - the header and trailer payloads: typed key-length-value fields
 * (SPEC.md "TLV"), written and parsed.
 */
#ifndef TRC_TLV_H
#define TRC_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cursor.h"
#include "trc.h"

int tlv_parse_header(struct cur *c, struct trc_header *h, uint64_t *unknown, char *why,
		     size_t why_len);
int tlv_parse_trailer(struct cur *c, struct trc_trailer *t, uint64_t *unknown, char *why,
		      size_t why_len);

size_t tlv_put_header(uint8_t *p, const struct trc_header *h);
size_t tlv_put_trailer(uint8_t *p, const struct trc_trailer *t);
#define TLV_HEADER_MAX	(8u * 1024)
#define TLV_TRAILER_MAX 256u

#endif /* TRC_TLV_H */
