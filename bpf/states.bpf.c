// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * states.bpf.c - TCP state transitions from the inet_sock_set_state
 * tracepoint, in three attach flavours (tp_btf, raw_tp, classic
 * tracepoint) around one handler; user space enables exactly one.  The
 * tracepoint also fires for DCCP, SCTP and MPTCP sockets: only
 * IPPROTO_TCP passes.  pid/tgid/comm are filled only in process context
 * (in_process_context(), common.bpf.h): most transitions run in
 * softirq, where the current task is unrelated to the socket.
 *
 * When a connection's socket closes (with --figures=all, after each of its
 * transitions) it also reports what tcplife and `ss -ti` read from struct
 * tcp_sock (a tcp_figures socket event): per state change, never per
 * packet.
 */
#include "common.bpf.h"
#include "figures.bpf.h"

/* enum ev_figures_mode, set by user space (--figures). */
const volatile __u8 cfg_figures = EV_FIGURES_NONE;

/* Transitions of a full socket that has begun to count: listeners,
 * request and timewait sockets have no tcp_sock counters, and a socket
 * entering SYN_SENT or SYN_RECV has counted nothing yet (its SYN_RECV
 * event may even name the listener, see drain_child.c). */
static __always_inline int figures_wanted(int oldstate, int newstate)
{
	if (cfg_figures == EV_FIGURES_NONE ||
	    (cfg_figures == EV_FIGURES_CLOSE && newstate != TCP_CLOSE))
		return 0;
	if (newstate == TCP_SYN_SENT || newstate == TCP_SYN_RECV || newstate == TCP_LISTEN ||
	    newstate == TCP_NEW_SYN_RECV || newstate == TCP_TIME_WAIT)
		return 0;
	return oldstate != TCP_LISTEN && oldstate != TCP_NEW_SYN_RECV &&
	       oldstate != TCP_TIME_WAIT && oldstate != TCP_CLOSE;
}

/* The socket's tcp_figures, in the state it entered. */
static __always_inline void emit_tcp_figures(int direct, const struct sock *sk, __u64 cookie,
					     __u64 cgroup_id, const struct ev_tuple *t,
					     int newstate)
{
	const struct tcp_sock *tp = direct ? bpf_skc_to_tcp_sock((void *)sk) : (const void *)sk;
	struct ev_sock_fields *e;

	if (!tp)
		return;
	e = sockev_reserve(TRC_SOCK_TCP_FIGURES, (__u8)newstate, cookie, cgroup_id, t);
	if (!e)
		return;
	tcp_figures_fill(direct, tp, e);
	ev_submit(e);
}

/* direct: see KREAD (core_fixes.bpf.h). */
static __always_inline int handle_set_state(int direct, void *ctx, const struct sock *sk,
					    __u64 cookie, int oldstate, int newstate)
{
	struct ev_tuple t = {};
	struct ev_state *e;
	__u64 cgroup_id;
	__u32 tgid = 0;
	int owner;

	if (!sk || sk_protocol_of(direct, sk) != TCPREC_IPPROTO_TCP)
		return 0;
	tuple_from_sk(direct, &t, sk);
	if (!tuple_pass(&t))
		return 0;
	owner = in_process_context(ctx);
	if (owner)
		tgid = bpf_get_current_pid_tgid() >> 32;
	if (!pid_pass(&t, tgid))
		return 0;

	e = ev_reserve(sizeof(*e), EV_STATE);
	if (!e)
		return 0;
	cgroup_id = sk_cgroup_id(direct, sk);
	e->cookie = cookie;
	e->cgroup_id = cgroup_id;
	e->tuple = t;
	e->old_state = (__u8)oldstate;
	e->new_state = (__u8)newstate;
	if (owner) {
		__u64 id = bpf_get_current_pid_tgid();

		e->pid = (__u32)id;
		e->tgid = id >> 32;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		e->flags = EV_STATE_F_OWNER;
	}
	ev_submit(e);
	if (figures_wanted(oldstate, newstate))
		emit_tcp_figures(direct, sk, cookie, cgroup_id, &t, newstate);
	return 0;
}

/* Without bpf_get_socket_cookie() (raw_tp, tracepoint) the cookie is what
 * the kernel already assigned, 0 if none yet; user space then keys the
 * socket by its tuple. */
static __always_inline __u64 cookie_field(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(on_set_state_btf, const struct sock *sk, const int oldstate, const int newstate)
{
	return handle_set_state(1, ctx, sk, bpf_get_socket_cookie((void *)sk), oldstate, newstate);
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(on_set_state_raw, const struct sock *sk, const int oldstate, const int newstate)
{
	return handle_set_state(0, ctx, sk, cookie_field(sk), oldstate, newstate);
}

SEC("tracepoint/sock/inet_sock_set_state")
int on_set_state_tp(struct trace_event_raw_inet_sock_set_state *ctx)
{
	const struct sock *sk = ctx->skaddr;

	if (ctx->protocol != TCPREC_IPPROTO_TCP)
		return 0;
	return handle_set_state(0, ctx, sk, cookie_field(sk), ctx->oldstate, ctx->newstate);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
