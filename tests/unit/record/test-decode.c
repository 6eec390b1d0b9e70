// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-decode.c - validation of raw BPF records: every well-formed record
 * type passes, anything with a wrong size, type, family, state or kind is
 * rejected before it could be cast.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "decode.h"

static struct ev_state good_state(void)
{
	struct ev_state s;

	memset(&s, 0, sizeof(s));
	s.hdr.type = EV_STATE;
	s.hdr.size = sizeof(s);
	s.tuple.family = 4;
	s.old_state = 7;
	s.new_state = 2;
	return s;
}

static void test_state(void)
{
	struct ev_state s = good_state();
	unsigned char big[256];

	CHECK_EQ(ev_decode(&s, sizeof(s)), EV_STATE);
	CHECK_EQ(ev_decode(&s, sizeof(s) - 1), -EBADMSG); /* header says 112, got 111 */
	CHECK_EQ(ev_decode(&s, 8), -EBADMSG);		  /* shorter than a header */
	CHECK_EQ(ev_decode(NULL, sizeof(s)), -EBADMSG);
	memset(big, 0, sizeof(big));
	memcpy(big, &s, sizeof(s));
	((struct ev_hdr *)big)->size = sizeof(big);
	CHECK_EQ(ev_decode(big, sizeof(big)), -EBADMSG); /* consistent but wrong size */
	s.new_state = 14;
	CHECK_EQ(ev_decode(&s, sizeof(s)), -EBADMSG);
	s = good_state();
	s.tuple.family = 10; /* AF_INET6, not the 4/6 the BPF side writes */
	CHECK_EQ(ev_decode(&s, sizeof(s)), -EBADMSG);
	s = good_state();
	s.flags = 0x80;
	CHECK_EQ(ev_decode(&s, sizeof(s)), -EBADMSG);
	s = good_state();
	s.hdr.type = 0;
	CHECK_EQ(ev_decode(&s, sizeof(s)), -EBADMSG);
	s.hdr.type = EV_TYPE_MAX + 1;
	CHECK_EQ(ev_decode(&s, sizeof(s)), -EBADMSG);
	/* A state record labelled as a segment has the wrong size. */
	s = good_state();
	s.hdr.type = EV_SEGMENT;
	CHECK_EQ(ev_decode(&s, sizeof(s)), -EBADMSG);
}

static void test_segment(void)
{
	struct ev_segment g;

	memset(&g, 0, sizeof(g));
	g.hdr.type = EV_SEGMENT;
	g.hdr.size = sizeof(g);
	g.tuple.family = 6;
	g.dir = EV_DIR_TX;
	g.tcp_flags = 0xff; /* all 8 flag bits are legal */
	g.flags = EV_SEG_F_SEQ;
	CHECK_EQ(ev_decode(&g, sizeof(g)), EV_SEGMENT);
	g.dir = 2;
	CHECK_EQ(ev_decode(&g, sizeof(g)), -EBADMSG);
	g.dir = EV_DIR_RX;
	g.flags = 2;
	CHECK_EQ(ev_decode(&g, sizeof(g)), -EBADMSG);
}

static void test_sock_events(void)
{
	struct ev_sock_event e;
	static const unsigned int types[] = { EV_RETRANSMIT, EV_RESET, EV_TIMEWAIT, EV_SOCK };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&e, 0, sizeof(e));
		e.hdr.type = (__u16)types[i];
		e.hdr.size = sizeof(e);
		e.tuple.family = 4;
		e.state = 6;
		e.kind = 1;
		CHECK_EQ(ev_decode(&e, sizeof(e)), (int)types[i]);
		e.state = 200;
		CHECK_EQ(ev_decode(&e, sizeof(e)), -EBADMSG);
		e.state = 1;
		e.kind = 2;
		CHECK_EQ(ev_decode(&e, sizeof(e)),
			 types[i] == EV_RETRANSMIT ? EV_RETRANSMIT : -EBADMSG);
	}
	CHECK_EQ(ev_type_size(EV_SOCK), sizeof(struct ev_sock_event));
	CHECK_EQ(ev_type_size(0), 0);
	CHECK_EQ(ev_type_size(99), 0);
}

static struct ev_sock_fields good_fields(void)
{
	struct ev_sock_fields f;

	memset(&f, 0, sizeof(f));
	f.hdr.type = EV_SOCK_FIELDS;
	f.hdr.size = sizeof(f);
	f.tuple.family = 6;
	f.kind = 1;
	f.state = 8;
	f.flags = ~0u; /* per kind: not checked here */
	f.n_fields = EV_SOCK_MAX_FIELDS;
	for (unsigned int i = 0; i < EV_SOCK_MAX_FIELDS; i++)
		f.key[i] = (__u16)(i + 1), f.value[i] = ~0ull;
	return f;
}

/* Socket events follow the trace's SOCK rules: kind and keys >= 1, at
 * most EV_SOCK_MAX_FIELDS fields, a real state. */
static void test_sock_fields(void)
{
	struct ev_sock_fields f = good_fields();

	CHECK_EQ(ev_type_size(EV_SOCK_FIELDS), sizeof(struct ev_sock_fields));
	CHECK_EQ(ev_decode(&f, sizeof(f)), EV_SOCK_FIELDS);
	f.kind = 0;
	CHECK_EQ(ev_decode(&f, sizeof(f)), -EBADMSG);
	f = good_fields();
	f.n_fields = EV_SOCK_MAX_FIELDS + 1;
	CHECK_EQ(ev_decode(&f, sizeof(f)), -EBADMSG);
	f = good_fields();
	f.key[9] = 0;
	CHECK_EQ(ev_decode(&f, sizeof(f)), -EBADMSG);
	f.n_fields = 9; /* key 0 beyond n_fields is not looked at */
	CHECK_EQ(ev_decode(&f, sizeof(f)), EV_SOCK_FIELDS);
	f = good_fields();
	f.state = 14;
	CHECK_EQ(ev_decode(&f, sizeof(f)), -EBADMSG);
	f = good_fields();
	f.tuple.family = 0;
	CHECK_EQ(ev_decode(&f, sizeof(f)), -EBADMSG);
	f = good_fields();
	CHECK_EQ(ev_decode(&f, sizeof(f) - 8), -EBADMSG);
}

int main(void)
{
	test_sock_fields();
	test_state();
	test_segment();
	test_sock_events();
	return check_exit_status();
}
