/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * history.h - what an endpoint's segments add up to: counts by flag and
 * direction, retransmissions, and the Zeek-style history string.
 */
#ifndef ANALYZE_HISTORY_H
#define ANALYZE_HISTORY_H

#include "conn.h"

/* Counts a segment of c and appends its history letters. */
void classify_segment(struct conn *c, const struct seg_rec *s);

/* A retransmission by this endpoint (RETRANSMIT event). */
void classify_retransmit(struct conn *c);

/* by_flag index names, in JSON order. */
#define CLASSIFY_NFLAGS 9
const char *classify_flag_name(unsigned int i);

#endif
