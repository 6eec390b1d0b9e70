/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tw_reported.h - the sockets --follow reported while their TIME_WAIT
 * socket still lives.  A followed trace reports an endpoint once its
 * grace period is over, not 60 s later when its TIME_WAIT ends; the
 * records its timewait socket still produces (segments it answers, its
 * exit) belong to that reported endpoint and must not open a new one.
 * Each entry goes away with the socket's TIME_WAIT exit.
 */
#ifndef ANALYZE_TW_REPORTED_H
#define ANALYZE_TW_REPORTED_H

#include <stdbool.h>
#include <stdint.h>

#include "hchain.h"

struct tw_reported {
	struct hchain by_serial;
};

int tw_reported_init(struct tw_reported *t);
void tw_reported_fini(struct tw_reported *t);
/* -ENOMEM when the entry cannot be kept (its records then open a new
 * endpoint, reported as incomplete). */
int tw_reported_add(struct tw_reported *t, uint32_t file, uint64_t serial);
/* Whether (file, serial) was reported; forget it when this record is
 * its last (the TIME_WAIT exit). */
bool tw_reported_has(struct tw_reported *t, uint32_t file, uint64_t serial, bool last);

#endif /* ANALYZE_TW_REPORTED_H */
