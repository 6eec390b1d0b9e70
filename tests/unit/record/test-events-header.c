// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-events-header.c - header self-containment: bpf/events.h compiles
 * as the first and only include of a translation unit.
 */
#include "events.h"

int main(void)
{
	struct ev_state s = { .hdr = { .type = EV_STATE, .size = sizeof(s) } };

	return s.hdr.size == 112 ? 0 : 1;
}
