/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dispatch.h - one event of the merged inputs applied to its endpoint
 * (dispatch.c).
 */
#ifndef ANALYZE_DISPATCH_H
#define ANALYZE_DISPATCH_H

#include "analyzer_state.h"

void dispatch_event(struct analyzer *a, struct input *in);

#endif /* ANALYZE_DISPATCH_H */
