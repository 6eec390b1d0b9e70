// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * timewait.bpf.c - exact TIME_WAIT enter and exit.  Linux hands a closing
 * socket over to a separate inet_timewait_sock that copies the socket's
 * cookie (tw_cookie); inet_sock_set_state never reports TIME_WAIT.
 * Enter: fexit/inet_twsk_alloc (the timewait socket is filled in, not yet
 * hashed).  Exit: fentry/inet_twsk_free, called once when the last
 * reference goes - unlike inet_twsk_put, which only drops a reference.
 * Where fentry/fexit cannot load, tcp_iter.bpf.c polls instead.
 */
#include "common.bpf.h"

/* DCCP uses timewait sockets too.  The protocol's name ("TCP", "TCPv6")
 * tells them apart without data ksyms (absent without KALLSYMS_ALL). */
static __always_inline int tw_is_tcp(const struct sock_common *skc)
{
	const struct proto *prot = BPF_CORE_READ(skc, skc_prot);
	char name[4] = {};

	bpf_probe_read_kernel(name, sizeof(name) - 1, __builtin_preserve_access_index(&prot->name));
	return name[0] == 'T' && name[1] == 'C' && name[2] == 'P';
}

/* sk: the full socket the timewait socket replaces, at enter.  Its
 * tuple, not the new timewait socket's: tcp_time_wait() copies the IPv6
 * addresses into the timewait socket only after inet_twsk_alloc()
 * returns (6.1, 6.12; the slab object is not zeroed, so they hold a
 * previous socket's addresses at fexit), while the IPv4 ones, the ports
 * and the cookie are copied inside it.  See docs/LINUX-DIVERGENCES.md. */
static __always_inline int handle_tw(const struct inet_timewait_sock *tw, __u8 kind,
				     const struct sock *sk)
{
	const struct sock_common *skc = &tw->__tw_common;
	struct ev_tuple t = {};
	struct ev_sock_event *e;

	if (!tw_is_tcp(skc))
		return 0;
	/* fentry/fexit: BTF pointers */
	if (sk)
		tuple_from_sk(1, &t, sk);
	else
		tuple_from_skc(1, &t, skc);
	if (!tuple_pass(&t) || !pid_pass(&t, 0))
		return 0;
	e = ev_reserve(sizeof(*e), EV_TIMEWAIT);
	if (!e)
		return 0;
	e->cookie = BPF_CORE_READ(skc, skc_cookie.counter);
	e->tuple = t;
	e->kind = kind;
	e->state = TCPREC_TCP_TIME_WAIT;
	ev_submit(e);
	return 0;
}

SEC("fexit/inet_twsk_alloc")
int BPF_PROG(on_tw_alloc_fexit, const struct sock *sk, struct inet_timewait_death_row *dr,
	     const int state, struct inet_timewait_sock *tw)
{
	if (!tw)
		return 0;
	return handle_tw(tw, EV_KIND_TW_ENTER, sk);
}

SEC("fentry/inet_twsk_free")
int BPF_PROG(on_tw_free_fentry, struct inet_timewait_sock *tw)
{
	return handle_tw(tw, EV_KIND_TW_EXIT, NULL);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
