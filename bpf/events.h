/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * events.h - the wire records the BPF programs hand to tcprec, and nothing
 * else.  Every record starts with struct ev_hdr; sizes and offsets are
 * pinned by tests/unit/record/test-events-abi.c, so a change here that
 * moves a field fails the build's tests instead of corrupting traces.
 * Only fixed-width types, explicit padding, addresses as 16 bytes plus a
 * family, ports in host order.  Bump EVENTS_ABI_VERSION on any change.
 */
#ifndef TCPREC_BPF_EVENTS_H
#define TCPREC_BPF_EVENTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define EVENTS_ABI_VERSION 4

#define EV_COMM_LEN	  16
#define EV_MAX_PORTS	  16
#define EV_MAX_HOSTS	  16
#define EV_STACK_DEPTH	  64 /* kernel frames examined for softirq context */
#define EV_SOFTIRQ_RANGES 4  /* softirq entry functions recognised */

/* How the BPF side decides whether an event ran in process context
 * (rodata cfg_owner_mode). */
enum ev_owner_mode {
	EV_OWNER_NONE = 0,    /* never: no pid/comm recorded */
	EV_OWNER_STACK = 1,   /* walk the kernel stack for softirq entry functions */
	EV_OWNER_SOFTIRQ = 2, /* per-CPU flag kept by softirq_entry/exit */
};

/* Per-CPU softirq_state values of EV_OWNER_SOFTIRQ. */
enum ev_ctx_state {
	EV_CTX_UNKNOWN = 0, /* no softirq boundary seen on this CPU yet */
	EV_CTX_SOFTIRQ = 1,
	EV_CTX_TASK = 2,
};

enum ev_type {
	EV_STATE = 1,	    /* struct ev_state: inet_sock_set_state */
	EV_SEGMENT = 2,	    /* struct ev_segment: one skb sent or received */
	EV_RETRANSMIT = 3,  /* struct ev_sock_event: tcp_retransmit_skb */
	EV_RESET = 4,	    /* struct ev_sock_event: tcp_send_reset / tcp_receive_reset */
	EV_TIMEWAIT = 5,    /* struct ev_sock_event: exact TIME_WAIT enter/exit */
	EV_SOCK = 6,	    /* struct ev_sock_event: iter/tcp walk record */
	EV_SOCK_FIELDS = 7, /* struct ev_sock_fields: a socket event with figures */
	EV_TYPE_MAX = 7,
};

/* struct ev_sock_event.kind values, per type. */
enum ev_kind {
	EV_KIND_RESET_TX = 0, /* EV_RESET: we sent a RST */
	EV_KIND_RESET_RX = 1, /* EV_RESET: we received one */
	EV_KIND_TW_ENTER = 0, /* EV_TIMEWAIT */
	EV_KIND_TW_EXIT = 1,
	EV_KIND_SNAPSHOT = 0, /* EV_SOCK: start-up walk, any state */
	EV_KIND_TW_POLL = 1,  /* EV_SOCK: periodic walk, TIME_WAIT only */
};

/* When the state program reports a socket's tcp_figures (rodata
 * cfg_figures). */
enum ev_figures_mode {
	EV_FIGURES_NONE = 0,
	EV_FIGURES_CLOSE = 1, /* when it closes: the totals of its life */
	EV_FIGURES_ALL = 2,   /* after every transition that has them */
};

enum ev_state_flags {
	EV_STATE_F_OWNER = 1, /* pid/tgid/comm valid: ran in process context */
};

enum ev_seg_flags {
	EV_SEG_F_SEQ = 1, /* seq/ack/window/payload_len valid */
};

/* Socket states in ev_state.old_state/new_state and ev_sock_event.state:
 * the kernel's own numbers (include/net/tcp_states.h), passed through
 * unchanged.  common.bpf.h checks them against the vmlinux.h the programs
 * are built with; tests/unit/record/test-enums-agree.c against the trace
 * format's TRC_TCP_* and tcpana's TCP_ST_*. */
enum ev_tcp_state {
	EV_TCP_ESTABLISHED = 1,
	EV_TCP_SYN_SENT = 2,
	EV_TCP_SYN_RECV = 3,
	EV_TCP_FIN_WAIT1 = 4,
	EV_TCP_FIN_WAIT2 = 5,
	EV_TCP_TIME_WAIT = 6,
	EV_TCP_CLOSE = 7,
	EV_TCP_CLOSE_WAIT = 8,
	EV_TCP_LAST_ACK = 9,
	EV_TCP_LISTEN = 10,
	EV_TCP_CLOSING = 11,
	EV_TCP_NEW_SYN_RECV = 12,
	EV_TCP_BOUND_INACTIVE = 13, /* Linux 6.7 and later */
};

enum ev_dir {
	EV_DIR_RX = 0,
	EV_DIR_TX = 1,
};

struct ev_hdr {
	__u16 type; /* enum ev_type */
	__u16 size; /* sizeof the whole record */
	__u32 cpu;
	__u64 t_ns; /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
};

/* One endpoint's view: local = this host's side of the segment/socket.
 * A dual-stack socket with IPv4-mapped addresses is reported as IPv4,
 * as its packets are. */
struct ev_tuple {
	__u8 laddr[16]; /* IPv4 in the first 4 bytes, network order */
	__u8 raddr[16];
	__u16 lport; /* host order */
	__u16 rport;
	__u8 family; /* 4 or 6 */
	__u8 _pad[3];
	__u32 netns; /* netns inode */
	__u32 _pad2;
};

struct ev_state {
	struct ev_hdr hdr;
	__u64 cookie;
	__u64 cgroup_id;
	struct ev_tuple tuple;
	__u32 pid;
	__u32 tgid;
	__u8 comm[EV_COMM_LEN];
	__u8 old_state; /* enum ev_tcp_state, 0 when unknown */
	__u8 new_state; /* enum ev_tcp_state */
	__u8 flags;	/* enum ev_state_flags */
	__u8 _pad[5];
};

/* User space joins segments to sockets by tuple + netns.  The one
 * exception is the SYN of a connect(): its socket's SYN_SENT event came
 * before the local port was chosen, and several sockets may be waiting
 * for the same remote, so the SYN names its socket's cookie. */
struct ev_segment {
	struct ev_hdr hdr;
	struct ev_tuple tuple;
	__u32 seq;
	__u32 ack;
	__u32 window;
	__u32 payload_len; /* whole skb: a GSO/GRO skb counts once */
	__u8 dir;	   /* enum ev_dir */
	__u8 tcp_flags;	   /* byte 13 of the TCP header */
	__u8 flags;	   /* enum ev_seg_flags */
	__u8 _pad[5];
	__u64 sk_cookie; /* sent SYN without ACK: its socket's cookie, else 0 */
};

/* Retransmit, reset, exact TIME_WAIT and iterator records share a shape. */
struct ev_sock_event {
	struct ev_hdr hdr;
	__u64 cookie; /* 0 when the hook had no socket (reset to a closed port) */
	__u64 cgroup_id;
	struct ev_tuple tuple;
	__u8 kind;	/* enum ev_kind, meaning depends on hdr.type */
	__u8 state;	/* enum ev_tcp_state */
	__u8 tcp_flags; /* EV_RETRANSMIT: flags of the retransmitted skb */
	__u8 _pad[5];
};

/*
 * A socket event: the trace's SOCK record (format/SPEC.md 5.4) as the
 * kernel side fills it.  kind, keys and flags are format/trc_sock.h's
 * numbers, so a new kind or figure needs no code between the program that
 * fills it and the trace.  Entries [0, n_fields) are valid.
 */
#define EV_SOCK_MAX_FIELDS 10 /* == TRC_SOCK_MAX_FIELDS */

struct ev_sock_fields {
	struct ev_hdr hdr;
	__u64 cookie; /* 0: keyed by tuple, as ev_state */
	__u64 cgroup_id;
	struct ev_tuple tuple;
	__u16 kind;		       /* enum trc_sock_kind */
	__u8 state;		       /* enum ev_tcp_state of the socket */
	__u8 n_fields;		       /* <= EV_SOCK_MAX_FIELDS */
	__u32 flags;		       /* per kind (trc_sock.h) */
	__u16 key[EV_SOCK_MAX_FIELDS]; /* enum trc_sock_field */
	__u8 _pad[4];
	__u64 value[EV_SOCK_MAX_FIELDS];
};

/* Filter rodata layout, shared so user space fills the same shape. */
struct ev_host {
	__u8 addr[16];
	__u8 family;
	__u8 _pad[3];
};

/* The filter expression (lib/filterexpr.h) as the BPF programs run it
 * (filterexpr.bpf.h): up to EV_FX_MAX_OPS ops in postfix order. */
#define EV_FX_MAX_OPS 64

enum ev_fx_kind {
	EV_FX_PORT = 1,	  /* a port in [lo, hi] */
	EV_FX_NET = 2,	  /* an address in addr/mask, of family */
	EV_FX_FAMILY = 3, /* the tuple's family is family; 0: any */
	EV_FX_AND = 4,
	EV_FX_OR = 5,
	EV_FX_NOT = 6,
};

enum ev_fx_side {
	EV_FX_EITHER = 0,
	EV_FX_SRC = 1,
	EV_FX_DST = 2,
	EV_FX_BOTH = 3,
};

struct ev_fx_op {
	__u8 kind;   /* enum ev_fx_kind */
	__u8 side;   /* enum ev_fx_side */
	__u8 family; /* 4 or 6; EV_FX_FAMILY: 0 = any */
	__u8 _pad;
	__u16 lo; /* EV_FX_PORT, host order */
	__u16 hi;
	__u32 addr[4]; /* EV_FX_NET: network order, zero beyond the prefix */
	__u32 mask[4]; /* EV_FX_NET: the prefix length as a mask */
};

#endif /* TCPREC_BPF_EVENTS_H */
