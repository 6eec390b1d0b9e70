// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-enums-agree.c - the numberings that pass unchanged from one layer
 * to the next, checked where all of them are visible: socket states go
 * from the kernel (checked in bpf/common.bpf.h) through bpf/events.h into
 * the trace as TRC_TCP_* without a table, and tcpana reads them as
 * TCP_ST_*.  Nothing happens at run time; the test is that this file
 * compiles.  analyze/ itself must never include events.h, so the check
 * lives here.
 */
#include "events.h"
#include "rfc9293.h"
#include "trc.h"

#define SAME_STATE(x)                                                                              \
	_Static_assert((int)EV_TCP_##x == (int)TRC_TCP_##x, #x ": events.h vs trc.h");             \
	_Static_assert((int)TRC_TCP_##x == (int)TCP_ST_##x, #x ": trc.h vs rfc9293.h")
SAME_STATE(ESTABLISHED);
SAME_STATE(SYN_SENT);
SAME_STATE(SYN_RECV);
SAME_STATE(FIN_WAIT1);
SAME_STATE(FIN_WAIT2);
SAME_STATE(TIME_WAIT);
SAME_STATE(CLOSE);
SAME_STATE(CLOSE_WAIT);
SAME_STATE(LAST_ACK);
SAME_STATE(LISTEN);
SAME_STATE(CLOSING);
SAME_STATE(NEW_SYN_RECV);
SAME_STATE(BOUND_INACTIVE);
_Static_assert((int)EV_TCP_BOUND_INACTIVE == (int)TRC_TCP_STATE_MAX,
	       "a state is missing from events.h");
_Static_assert(TCP_ST_COUNT == TRC_TCP_STATE_MAX + 1, "a state is missing from rfc9293.h");
_Static_assert((int)TRC_TCP_UNKNOWN == (int)TCP_ST_UNKNOWN, "unknown state");

int main(void)
{
	return 0;
}
