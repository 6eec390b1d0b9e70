/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * shard_events.h - a shard's part of the event loop.
 */
#ifndef ANALYZE_SHARD_EVENTS_H
#define ANALYZE_SHARD_EVENTS_H

#include <stdbool.h>

#include "analyzer_state.h"

/* Takes the look-ahead event of in, which account() has counted. */
void shard_take_event(struct analyzer *a, struct input *in);

/* Takes, when nothing falls due meanwhile, the skipped events from the
 * look-ahead of in on, as account() and shard_take_event() would one by
 * one; true when it took any (the last is then the look-ahead). */
bool shard_pass_quiet(struct analyzer *a, struct input *in);

#endif /* ANALYZE_SHARD_EVENTS_H */
