// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * states.bpf.c - TCP state transitions from the inet_sock_set_state
 * tracepoint, in three attach flavours (tp_btf, raw_tp, classic
 * tracepoint) around one handler; user space enables exactly one.  The
 * tracepoint also fires for DCCP, SCTP and MPTCP sockets: only
 * IPPROTO_TCP passes.  pid/tgid/comm are filled only in process context
 * (in_process_context(), common.bpf.h): most transitions run in
 * softirq, where the current task is unrelated to the socket.
 */
#include "common.bpf.h"

/* direct: see KREAD (core_fixes.bpf.h). */
static __always_inline int handle_set_state(int direct, void *ctx, const struct sock *sk,
					    __u64 cookie, int oldstate, int newstate)
{
	struct ev_tuple t = {};
	struct ev_state *e;
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
	e->cookie = cookie;
	e->cgroup_id = sk_cgroup_id(direct, sk);
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
