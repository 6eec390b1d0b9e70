// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-events-abi.c - pins the size and offset of every field of the
 * BPF<->user records (bpf/events.h).  A layout change fails to compile
 * here; bump EVENTS_ABI_VERSION and update these numbers together.  The
 * header comes first, alone: it must be self-contained.
 */
#include "events.h"

#include <stddef.h>

#include "check.h"

#define PIN(type, field, off, size)                                                                \
	_Static_assert(offsetof(struct type, field) == (off), #type "." #field " offset");         \
	_Static_assert(sizeof(((struct type *)0)->field) == (size), #type "." #field " size")

_Static_assert(EVENTS_ABI_VERSION == 4, "ABI version: update the pins below");

PIN(ev_hdr, type, 0, 2);
PIN(ev_hdr, size, 2, 2);
PIN(ev_hdr, cpu, 4, 4);
PIN(ev_hdr, t_ns, 8, 8);
_Static_assert(sizeof(struct ev_hdr) == 16, "ev_hdr size");

PIN(ev_tuple, laddr, 0, 16);
PIN(ev_tuple, raddr, 16, 16);
PIN(ev_tuple, lport, 32, 2);
PIN(ev_tuple, rport, 34, 2);
PIN(ev_tuple, family, 36, 1);
PIN(ev_tuple, _pad, 37, 3);
PIN(ev_tuple, netns, 40, 4);
PIN(ev_tuple, _pad2, 44, 4);
_Static_assert(sizeof(struct ev_tuple) == 48, "ev_tuple size");

PIN(ev_state, hdr, 0, 16);
PIN(ev_state, cookie, 16, 8);
PIN(ev_state, cgroup_id, 24, 8);
PIN(ev_state, tuple, 32, 48);
PIN(ev_state, pid, 80, 4);
PIN(ev_state, tgid, 84, 4);
PIN(ev_state, comm, 88, 16);
PIN(ev_state, old_state, 104, 1);
PIN(ev_state, new_state, 105, 1);
PIN(ev_state, flags, 106, 1);
PIN(ev_state, _pad, 107, 5);
_Static_assert(sizeof(struct ev_state) == 112, "ev_state size");

PIN(ev_segment, hdr, 0, 16);
PIN(ev_segment, tuple, 16, 48);
PIN(ev_segment, seq, 64, 4);
PIN(ev_segment, ack, 68, 4);
PIN(ev_segment, window, 72, 4);
PIN(ev_segment, payload_len, 76, 4);
PIN(ev_segment, dir, 80, 1);
PIN(ev_segment, tcp_flags, 81, 1);
PIN(ev_segment, flags, 82, 1);
PIN(ev_segment, _pad, 83, 5);
PIN(ev_segment, sk_cookie, 88, 8);
_Static_assert(sizeof(struct ev_segment) == 96, "ev_segment size");

PIN(ev_sock_event, hdr, 0, 16);
PIN(ev_sock_event, cookie, 16, 8);
PIN(ev_sock_event, cgroup_id, 24, 8);
PIN(ev_sock_event, tuple, 32, 48);
PIN(ev_sock_event, kind, 80, 1);
PIN(ev_sock_event, state, 81, 1);
PIN(ev_sock_event, tcp_flags, 82, 1);
PIN(ev_sock_event, _pad, 83, 5);
_Static_assert(sizeof(struct ev_sock_event) == 88, "ev_sock_event size");

PIN(ev_sock_fields, hdr, 0, 16);
PIN(ev_sock_fields, cookie, 16, 8);
PIN(ev_sock_fields, cgroup_id, 24, 8);
PIN(ev_sock_fields, tuple, 32, 48);
PIN(ev_sock_fields, kind, 80, 2);
PIN(ev_sock_fields, state, 82, 1);
PIN(ev_sock_fields, n_fields, 83, 1);
PIN(ev_sock_fields, flags, 84, 4);
PIN(ev_sock_fields, key, 88, 20);
PIN(ev_sock_fields, _pad, 108, 4);
PIN(ev_sock_fields, value, 112, 80);
_Static_assert(sizeof(struct ev_sock_fields) == 192, "ev_sock_fields size");

PIN(ev_host, addr, 0, 16);
PIN(ev_host, family, 16, 1);
PIN(ev_host, _pad, 17, 3);
_Static_assert(sizeof(struct ev_host) == 20, "ev_host size");

PIN(ev_fx_op, kind, 0, 1);
PIN(ev_fx_op, side, 1, 1);
PIN(ev_fx_op, family, 2, 1);
PIN(ev_fx_op, _pad, 3, 1);
PIN(ev_fx_op, lo, 4, 2);
PIN(ev_fx_op, hi, 6, 2);
PIN(ev_fx_op, addr, 8, 16);
PIN(ev_fx_op, mask, 24, 16);
_Static_assert(sizeof(struct ev_fx_op) == 40, "ev_fx_op size");

int main(void)
{
	/* Enum values are part of the ABI too. */
	CHECK_EQ(EV_STATE, 1);
	CHECK_EQ(EV_SEGMENT, 2);
	CHECK_EQ(EV_RETRANSMIT, 3);
	CHECK_EQ(EV_RESET, 4);
	CHECK_EQ(EV_TIMEWAIT, 5);
	CHECK_EQ(EV_SOCK, 6);
	CHECK_EQ(EV_SOCK_FIELDS, 7);
	CHECK_EQ(EV_TYPE_MAX, 7);
	CHECK_EQ(EV_SOCK_MAX_FIELDS, 10);
	CHECK_EQ(EV_DIR_RX, 0);
	CHECK_EQ(EV_DIR_TX, 1);
	CHECK_EQ(EV_STATE_F_OWNER, 1);
	CHECK_EQ(EV_SEG_F_SEQ, 1);
	CHECK_EQ(EV_COMM_LEN, 16);
	CHECK_EQ(EV_MAX_PORTS, 16);
	CHECK_EQ(EV_MAX_HOSTS, 16);
	CHECK_EQ(EV_FX_MAX_OPS, 64);
	CHECK_EQ(EV_FX_PORT, 1);
	CHECK_EQ(EV_FX_NET, 2);
	CHECK_EQ(EV_FX_FAMILY, 3);
	CHECK_EQ(EV_FX_AND, 4);
	CHECK_EQ(EV_FX_OR, 5);
	CHECK_EQ(EV_FX_NOT, 6);
	CHECK_EQ(EV_FX_EITHER, 0);
	CHECK_EQ(EV_FX_SRC, 1);
	CHECK_EQ(EV_FX_DST, 2);
	CHECK_EQ(EV_FX_BOTH, 3);
	return check_exit_status();
}
