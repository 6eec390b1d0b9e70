// SPDX-License-Identifier: BSD-2-Clause
/*
 * sinks.c - maps tcpana's output mode to its output sink (text, JSON,
 * JSON lines, timeline, replay, statistics).  One place, so that tcpana
 * and the analyser fuzz target select outputs the same way.
 */
#include "sinks.h"

int sink_make(const struct config *cfg, struct analyzer_sink *s, struct out_ctx *o)
{
	switch (cfg->mode) {
	case MODE_JSON:
	case MODE_JSONL:
		o->flat = cfg->jsonl_flat;
		out_json_sink(s, o, cfg->mode == MODE_JSONL);
		return 0;
	case MODE_TIMELINE:
		out_timeline_sink(s, o);
		return 0;
	case MODE_REPLAY:
		out_replay_sink(s, o);
		return 0;
	case MODE_STATS:
		return out_stats_sink(s, o);
	default:
		out_text_sink(s, o);
		return 0;
	}
}
