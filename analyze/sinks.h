/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * sinks.h - picks the output sink for tcpana's output mode.  Shared by
 * tcpana's main() and the analyser fuzz target, so that both drive the
 * outputs exactly as the command line selects them.
 */
#ifndef ANALYZE_SINKS_H
#define ANALYZE_SINKS_H

#include "opts.h"
#include "outputs.h"

/* Fills s with the sink of cfg->mode writing through o (o->fp and
 * o->segments set by the caller).  Returns 0, or -ENOMEM when the sink's
 * state could not be allocated; out_ctx_free(o) releases it either way. */
int sink_make(const struct config *cfg, struct analyzer_sink *s, struct out_ctx *o);

#endif /* ANALYZE_SINKS_H */
