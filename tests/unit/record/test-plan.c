// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-plan.c - probe plan selection with fabricated capabilities: every
 * fallback chain, the consistency rules and the error for a kernel that
 * can record nothing; and the event table against the BPF object.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "events.h"
#include "plan.h"
#include "probe_force.h"
#include "tcprec.skel.h"

static void all_funcs(struct probe_caps *c)
{
	for (int i = 0; i < PFN_COUNT; i++)
		c->func_btf[i] = c->func_ksym[i] = 1;
	for (int t = 0; t < PTP_COUNT; t++)
		c->tp_btf_type[t] = c->tp_tracefs[t] = 1;
}

/* A stock kernel: every program type loads and every hook exists. */
static struct probe_caps stock_caps(void)
{
	struct probe_caps c = { .ringbuf = 1,
				.fentry = 1,
				.kprobe = 1,
				.tp_btf = 1,
				.raw_tp = 1,
				.tracepoint = 1,
				.iter_tcp = 1 };

	all_funcs(&c);
	return c;
}

static void test_everything(void)
{
	struct probe_caps c = stock_caps();
	struct probe_plan p;

	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.flavour[PE_STATES], PF_TP_BTF); /* no fentry flavour for states */
	CHECK_EQ(p.flavour[PE_SEG_RX], PF_FENTRY);
	CHECK_EQ(p.flavour[PE_SEG_TX], PF_FENTRY);
	CHECK_EQ(p.flavour[PE_TW_ENTER], PF_FENTRY);
	CHECK_EQ(p.flavour[PE_TW_EXIT], PF_FENTRY);
	CHECK_EQ(p.flavour[PE_RETRANSMIT], PF_TP_BTF);
	CHECK_EQ(p.flavour[PE_RESET_TX], PF_TP_BTF);
	CHECK_EQ(p.flavour[PE_RESET_RX], PF_TP_BTF);
	CHECK_EQ(p.flavour[PE_SNAPSHOT], PF_ITER);
}

/* This machine: fentry fails to load, no kprobes, tp_btf and iter work. */
static void test_here_like(void)
{
	struct probe_caps c = { .ringbuf = 1, .tp_btf = 1, .raw_tp = 1, .iter_tcp = 1 };
	struct probe_plan p;
	char buf[1024];

	all_funcs(&c); /* BTF describes the functions, but fentry does not load */
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.flavour[PE_STATES], PF_TP_BTF);
	CHECK_EQ(p.flavour[PE_SEG_RX], PF_TP_BTF);
	CHECK_EQ(p.flavour[PE_SEG_TX], PF_TP_BTF);
	CHECK_EQ(p.flavour[PE_TW_ENTER], PF_ITER);
	CHECK_EQ(p.flavour[PE_TW_EXIT], PF_ITER);
	CHECK_EQ(p.flavour[PE_SNAPSHOT], PF_ITER);
	probe_plan_format(&p, buf, sizeof(buf));
	CHECK(strstr(buf, "states=tp_btf/inet_sock_set_state") == buf);
	CHECK(strstr(buf, "seg_rx=tp_btf/netif_receive_skb") != NULL);
	CHECK(strstr(buf, "seg_tx=tp_btf/net_dev_queue") != NULL);
	CHECK(strstr(buf, "tw_enter=iter/tcp(polled)") != NULL);
	CHECK(strstr(buf, "snapshot=iter/tcp") != NULL);
	CHECK(strstr(buf, "owner=none") != NULL);
	probe_plan_no_segments(&p);
	CHECK_EQ(p.flavour[PE_SEG_RX], PF_NONE);
	probe_plan_format(&p, buf, sizeof(buf));
	CHECK(strstr(buf, "seg_rx=none,seg_tx=none") != NULL);
}

static void test_nothing(void)
{
	struct probe_caps c = { 0 };
	struct probe_plan p;

	CHECK_EQ(probe_plan_select(&c, &p), -EOPNOTSUPP);
	CHECK(strstr(p.error, "ring buffer") != NULL);
	c.ringbuf = 1;
	CHECK_EQ(probe_plan_select(&c, &p), -EOPNOTSUPP);
	CHECK(strstr(p.error, "inet_sock_set_state") != NULL);
	/* Program types load, but the tracepoint is unknown to this kernel. */
	c.tp_btf = c.raw_tp = 1;
	CHECK_EQ(probe_plan_select(&c, &p), -EOPNOTSUPP);
}

static void test_fallbacks(void)
{
	struct probe_caps c = { .ringbuf = 1, .raw_tp = 1, .kprobe = 1 };
	struct probe_plan p;

	all_funcs(&c);
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.flavour[PE_STATES], PF_RAW_TP);
	CHECK_EQ(p.flavour[PE_SEG_RX], PF_KPROBE);
	CHECK_EQ(p.flavour[PE_RETRANSMIT], PF_NONE);
	CHECK_EQ(p.flavour[PE_TW_EXIT], PF_NONE); /* no fentry, no iterator */
	CHECK_EQ(p.flavour[PE_SNAPSHOT], PF_NONE);

	/* Only the classic tracepoint. */
	memset(&c, 0, sizeof(c));
	c.ringbuf = c.tracepoint = 1;
	c.tp_tracefs[PTP_SET_STATE] = 1;
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.flavour[PE_STATES], PF_TRACEPOINT);
	CHECK_EQ(p.flavour[PE_SEG_TX], PF_NONE);

	/* fentry loads but a target was inlined away: that event falls back,
	 * the others keep fentry. */
	memset(&c, 0, sizeof(c));
	c.ringbuf = c.fentry = c.tp_btf = c.iter_tcp = 1;
	all_funcs(&c);
	c.func_btf[PFN_IP6_OUTPUT] = 0;
	c.func_btf[PFN_TWSK_FREE] = 0;
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.flavour[PE_SEG_RX], PF_FENTRY);
	CHECK_EQ(p.flavour[PE_SEG_TX], PF_TP_BTF);
	/* Enter and exit come from one mechanism. */
	CHECK_EQ(p.flavour[PE_TW_ENTER], PF_ITER);
	CHECK_EQ(p.flavour[PE_TW_EXIT], PF_ITER);

	/* kprobe needs the symbol in kallsyms, not in BTF. */
	memset(&c, 0, sizeof(c));
	c.ringbuf = c.kprobe = c.tp_btf = 1;
	all_funcs(&c);
	c.func_ksym[PFN_TCP_V6_RCV] = 0;
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.flavour[PE_SEG_RX], PF_TP_BTF);
	CHECK_EQ(p.flavour[PE_SEG_TX], PF_KPROBE);
}

static void test_names(void)
{
	CHECK(!strcmp(probe_flavour_name(PF_TP_BTF), "tp_btf"));
	CHECK(!strcmp(probe_flavour_name((enum probe_flavour)99), "?"));
	CHECK(!strcmp(probe_event_name(PE_SEG_TX), "seg_tx"));
	CHECK(!strcmp(probe_event_name(PE_COUNT), "?"));
	CHECK(!strcmp(probe_func_name(PFN_TWSK_FREE), "inet_twsk_free"));
	CHECK(!strcmp(probe_tp_name(PTP_RECEIVE_RESET), "tcp_receive_reset"));
}

static void test_owner(void)
{
	struct probe_caps c = { .ringbuf = 1, .tp_btf = 1 };
	struct probe_plan p;
	char buf[1024];

	all_funcs(&c);
	c.softirq_lo[0] = 0x1000;
	c.softirq_hi[0] = 0x1100;
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.softirq_lo[0], 0x1000);
	CHECK_EQ(p.softirq_hi[0], 0x1100);
	probe_plan_format(&p, buf, sizeof(buf));
	CHECK(strstr(buf, ",owner=stack") != NULL);
	/* A short buffer is truncated, never overrun. */
	memset(buf, 'x', sizeof(buf));
	probe_plan_format(&p, buf, 16);
	CHECK_EQ(strlen(buf), 15);
	CHECK_EQ(buf[16], 'x');
}

/* The softirq flag is preferred; each of its conditions falls back to the
 * stack walk when ranges are known, and to no owner otherwise. */
static void test_owner_softirq(void)
{
	struct probe_caps c = { .ringbuf = 1, .tp_btf = 1, .softirq_tp_btf = 1 };
	struct probe_plan p;
	char buf[1024];

	all_funcs(&c);
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.owner, PO_SOFTIRQ);
	probe_plan_format(&p, buf, sizeof(buf));
	CHECK(strstr(buf, ",owner=softirq") != NULL);

	c.preempt_rt = 1; /* a preempted softirq would leave the flag set */
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.owner, PO_NONE);
	c.softirq_lo[0] = 0x1000;
	c.softirq_hi[0] = 0x1100;
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.owner, PO_STACK);

	c.preempt_rt = 0;
	c.softirq_tp_btf = 0; /* tracepoints missing from BTF */
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.owner, PO_STACK);
	c.softirq_tp_btf = 1;
	c.tp_btf = 0; /* tp_btf does not load: states come from raw_tp */
	c.raw_tp = 1;
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.flavour[PE_STATES], PF_RAW_TP);
	CHECK_EQ(p.owner, PO_STACK);
	c.softirq_hi[0] = 0x1000; /* an empty range is no range */
	CHECK_EQ(probe_plan_select(&c, &p), 0);
	CHECK_EQ(p.owner, PO_NONE);
	CHECK(!strcmp(probe_owner_name(PO_SOFTIRQ), "softirq"));
	CHECK(!strcmp(probe_owner_name((enum probe_owner)7), "?"));
}

/* --probe on a stock kernel (everything loads): each forced flavour is
 * taken, the rest stays the preferred one. */
static void test_forced(void)
{
	struct probe_caps c = stock_caps();
	enum probe_flavour force[PE_COUNT] = { PF_NONE };
	struct probe_plan p;
	char err[200], buf[256];

	CHECK_EQ(probe_force_parse("states=raw_tp,seg=kprobe", force, err, sizeof(err)), 0);
	CHECK_EQ(probe_force_parse("tw_exit=iter", force, err, sizeof(err)), 0); /* repeated */
	CHECK_EQ(probe_plan_select_forced(&c, force, &p), 0);
	CHECK_EQ(p.flavour[PE_STATES], PF_RAW_TP);
	CHECK_EQ(p.flavour[PE_SEG_RX], PF_KPROBE);
	CHECK_EQ(p.flavour[PE_SEG_TX], PF_KPROBE);
	CHECK_EQ(p.flavour[PE_TW_ENTER], PF_ITER); /* enter follows exit */
	CHECK_EQ(p.flavour[PE_TW_EXIT], PF_ITER);
	CHECK_EQ(p.flavour[PE_RETRANSMIT], PF_TP_BTF);
	probe_force_format(force, buf, sizeof(buf));
	CHECK(!strcmp(buf, "states=raw_tp,seg_rx=kprobe,seg_tx=kprobe,tw_enter=iter,tw_exit=iter"));
	memset(force, 0, sizeof(force));
	CHECK_EQ(probe_force_parse("states=tracepoint,tw=fexit", force, err, sizeof(err)), 0);
	CHECK_EQ(probe_plan_select_forced(&c, force, &p), 0);
	CHECK_EQ(p.flavour[PE_STATES], PF_TRACEPOINT);
	CHECK_EQ(p.flavour[PE_TW_ENTER], PF_FENTRY);
	CHECK_EQ(probe_plan_select_forced(&c, NULL, &p), 0);
	CHECK_EQ(p.flavour[PE_SEG_RX], PF_FENTRY);
}

/* A forced flavour that cannot load fails with the reason, never falls
 * back: on this machine's kernel fentry is refused and kprobes are absent. */
static void test_forced_unusable(void)
{
	struct probe_caps c = { .ringbuf = 1, .tp_btf = 1, .iter_tcp = 1 };
	enum probe_flavour force[PE_COUNT] = { PF_NONE };
	struct probe_plan p;
	char err[200];

	all_funcs(&c);
	force[PE_SEG_RX] = PF_FENTRY;
	CHECK_EQ(probe_plan_select_forced(&c, force, &p), -EOPNOTSUPP);
	CHECK(strstr(p.error, "--probe seg_rx=fentry: fentry programs do not load") == p.error);
	force[PE_SEG_RX] = PF_KPROBE;
	c.kprobe = 1;
	c.func_ksym[PFN_TCP_V6_RCV] = 0; /* inlined or renamed */
	CHECK_EQ(probe_plan_select_forced(&c, force, &p), -EOPNOTSUPP);
	CHECK(strstr(p.error, "tcp_v6_rcv is not in /proc/kallsyms") != NULL);
	memset(force, 0, sizeof(force));
	force[PE_STATES] = PF_TRACEPOINT;
	c.tp_tracefs[PTP_SET_STATE] = 0; /* tracefs not mounted */
	CHECK_EQ(probe_plan_select_forced(&c, force, &p), -EOPNOTSUPP);
	CHECK(strstr(p.error, "not in tracefs") != NULL);
	/* Usage errors, before anything is probed. */
	memset(force, 0, sizeof(force));
	CHECK_EQ(probe_force_parse("states=fentry", force, err, sizeof(err)), -EINVAL);
	CHECK(strstr(err, "states offers tp_btf raw_tp tracepoint") != NULL);
	CHECK_EQ(probe_force_parse("snapshot=kprobe", force, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_force_parse("seg_rx=", force, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_force_parse("=kprobe", force, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_force_parse("", force, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_force_parse("nosuch=kprobe", force, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_force_parse("seg_rx=kprobe,", force, err, sizeof(err)), -EINVAL);
	CHECK_EQ(probe_force_parse("tw_enter=iter,tw_exit=fentry", force, err, sizeof(err)),
		 -EINVAL);
	CHECK(strstr(err, "forced to iter already") != NULL);
}

/* Whether a row of the event table names program `name`. */
static bool in_table(const char *name)
{
	for (int e = 0; e < PE_COUNT; e++)
		for (int f = PF_FENTRY; f < PF_COUNT; f++)
			for (int i = 0; i < 2; i++) {
				const char *p = probe_event_program(e, f, i);

				if (p && !strcmp(p, name))
					return true;
			}
	return false;
}

/* Every program the event table names is in the BPF object, and every
 * program of the object is named by the table or is one of the context
 * trackers the loader adds for owner=softirq.  Opening parses the object;
 * nothing is loaded, so no privileges are needed. */
static void test_programs_exist(void)
{
	struct tcprec_bpf *s = tcprec_bpf__open();
	struct bpf_program *prog;
	int named = 0;

	REQUIRE(s);
	for (int e = 0; e < PE_COUNT; e++)
		for (int f = PF_FENTRY; f < PF_COUNT; f++)
			for (int i = 0; i < 2; i++) {
				const char *name = probe_event_program(e, f, i);

				if (!name)
					continue;
				named++;
				CHECK(bpf_object__find_program_by_name(s->obj, name), "%s missing",
				      name);
			}
	CHECK(named >= PE_COUNT);
	bpf_object__for_each_program(prog, s->obj)
	{
		const char *name = bpf_program__name(prog);

		CHECK(in_table(name) || !strcmp(name, "on_softirq_entry") ||
			      !strcmp(name, "on_softirq_exit"),
		      "program %s is in no row of the event table", name);
	}
	/* A flavour with no program is not offered. */
	CHECK(!probe_event_program(PE_STATES, PF_FENTRY, 0));
	CHECK(!probe_event_program(PE_COUNT, PF_ITER, 0));
	tcprec_bpf__destroy(s);
}

int main(void)
{
	test_programs_exist();
	test_forced();
	test_forced_unusable();
	test_everything();
	test_here_like();
	test_nothing();
	test_fallbacks();
	test_names();
	test_owner();
	test_owner_softirq();
	return check_exit_status();
}
