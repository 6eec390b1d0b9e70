/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pkt_parse.h - bounded parser from one captured frame (link type, bytes,
 * captured and wire length) to the TCP segment it carries.  Pure: no
 * allocation, no state, no libpcap calls, so it is unit-tested and fuzzed
 * on hand-built bytes.
 */
#ifndef TCPREC_PKT_PARSE_H
#define TCPREC_PKT_PARSE_H

#include "pkt_link.h"
#include "pkt_seg.h"

/* Parses one frame.  Only bytes [0, caplen) are read; wirelen is the
 * length on the wire (>= caplen for a sane capture, not trusted).  Returns
 * an enum pkt_result; *seg is always initialised. */
int pkt_parse(uint32_t linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
	      struct pkt_seg *seg);

#endif /* TCPREC_PKT_PARSE_H */
