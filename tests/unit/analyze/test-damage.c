// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-damage.c - a damaged or truncated trace still yields every
 * connection that can be recovered, the summary says what was skipped,
 * the endpoints that overlap the damage are "incomplete" and none is a
 * violation.  A storm of loss records costs time linear in the events
 * and still marks exactly the endpoints it may have touched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios.h"

#define NCONN 200

/* NCONN sequential connections, each closed normally, in small chunks. */
static uint8_t *many(size_t *len)
{
	struct tg *g = tg_new_chunked("ebpf", 1024);
	uint64_t t = 1 * MS;

	for (int i = 0; i < NCONN; i++, t += 10 * MS) {
		uint64_t c = tg_conn(g, CLI4, (uint16_t)(20000 + i), SRV4, SPORT, NS_CLI, 0);

		tg_state(g, c, t, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 100);
		tg_seg(g, c, t + 1000, true, "S");
		tg_seg(g, c, t + 2000, false, "S.");
		tg_state(g, c, t + 2000, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0);
		tg_seg(g, c, t + 3000, true, ".");
		tg_seg(g, c, t + 4000, false, "F.");
		tg_state(g, c, t + 4000, TRC_TCP_ESTABLISHED, TRC_TCP_CLOSE_WAIT, 0);
		tg_state(g, c, t + 5000, TRC_TCP_CLOSE_WAIT, TRC_TCP_LAST_ACK, 100);
		tg_seg(g, c, t + 5000, true, "F.");
		tg_seg(g, c, t + 6000, false, ".");
		tg_state(g, c, t + 6000, TRC_TCP_LAST_ACK, TRC_TCP_CLOSE, 0);
		tg_close_conn(g, c);
	}
	return tg_finish(g, len);
}

static int count(const struct tg_result *r, enum verdict v)
{
	int n = 0;

	for (int i = 0; i < r->n; i++)
		n += r->conn[i].verdict == v;
	return n;
}

static void intact(const uint8_t *buf, size_t len)
{
	static struct tg_result r;

	tg_analyze(buf, len, NULL, &r);
	CHECK_EQ(r.rc, 0);
	CHECK_EQ(r.n, NCONN);
	CHECK_EQ(count(&r, VERDICT_CONFORMANT), NCONN);
	CHECK_EQ(r.sum.truncated, 0);
	CHECK_EQ(r.sum.corrupt_blocks, 0);
}

static void truncated(const uint8_t *buf, size_t len)
{
	static struct tg_result r;

	/* Cut inside the body, away from chunk boundaries most likely. */
	tg_analyze(buf, len * 2 / 3 + 7, NULL, &r);
	CHECK_EQ(r.rc, 0);
	CHECK_EQ(r.sum.truncated, 1);
	CHECK(r.n >= NCONN / 2 && r.n < NCONN);
	CHECK_EQ(count(&r, VERDICT_VIOLATION), 0);
	/* The connection the cut went through is incomplete, the rest fine. */
	CHECK(count(&r, VERDICT_INCOMPLETE) <= 1);
	CHECK(r.n > 0 && (r.conn[r.n - 1].verdict == VERDICT_INCOMPLETE ||
			  r.conn[r.n - 1].verdict == VERDICT_CONFORMANT));
	for (int i = 0; i < r.n; i++)
		if (r.conn[i].verdict == VERDICT_INCOMPLETE)
			CHECK(r.conn[i].incomplete & INC_TRUNCATED);
}

static void corrupted(const uint8_t *buf, size_t len)
{
	static struct tg_result r;
	uint8_t *copy = malloc(len);

	if (!copy)
		exit(99);
	memcpy(copy, buf, len);
	copy[len / 2] ^= 0x5a;
	copy[len / 2 + 1] ^= 0xa5;
	tg_analyze(copy, len, NULL, &r);
	CHECK_EQ(r.rc, 0);
	CHECK(r.sum.corrupt_blocks >= 1);
	CHECK_EQ(r.sum.truncated, 0);
	CHECK(r.n >= NCONN / 2);
	CHECK_EQ(count(&r, VERDICT_VIOLATION), 0);
	CHECK(count(&r, VERDICT_INCOMPLETE) >= 1);
	CHECK(count(&r, VERDICT_CONFORMANT) >= NCONN / 2);
	free(copy);
}

static void not_a_trace(void)
{
	static struct tg_result r;
	static const uint8_t junk[64] = "this is not a trace file at all, just some text\n";

	tg_analyze(junk, sizeof(junk), NULL, &r);
	CHECK(r.rc < 0);
}

#define STORM_OPEN    100
#define STORM_RECORDS 300000

/* One connection over long before the storm; STORM_OPEN connections open
 * through it.  Each LOST record asks for every live endpoint to be
 * marked: walking them all each time would be quadratic. */
static void lost_storm(void)
{
	static struct tg_result r;
	struct tg *g = tg_new("ebpf");
	uint64_t early = tg_conn(g, CLI4, 19999, SRV4, SPORT, NS_CLI, 0), t = 10 * SEC;
	uint8_t *buf;
	size_t len;
	int marked = 0;

	tg_state(g, early, 1 * MS, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 100);
	tg_state(g, early, 2 * MS, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0);
	tg_state(g, early, 3 * MS, TRC_TCP_ESTABLISHED, TRC_TCP_CLOSE, 100);
	tg_close_conn(g, early);
	for (int i = 0; i < STORM_OPEN; i++) {
		uint64_t c = tg_conn(g, CLI4, (uint16_t)(20000 + i), SRV4, SPORT, NS_CLI, 0);

		tg_state(g, c, t, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 100);
		tg_state(g, c, t + 1000, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0);
	}
	for (int i = 0; i < STORM_RECORDS; i++, t += 1000)
		tg_lost(g, t + 1 * SEC, t + 1 * SEC, t + 1 * SEC, 1);
	buf = tg_finish(g, &len);
	tg_analyze(buf, len, NULL, &r);
	CHECK_EQ(r.rc, 0);
	CHECK_EQ(r.sum.lost_records, STORM_RECORDS);
	CHECK_EQ(r.n, STORM_OPEN + 1);
	for (int i = 0; i < r.n; i++) {
		bool lost = r.conn[i].incomplete & INC_LOST;

		if (!strcmp(r.conn[i].local, CLI4 ":19999"))
			CHECK(!lost); /* finalised before the storm */
		else
			marked += lost;
	}
	CHECK_EQ(marked, STORM_OPEN);
	free(buf);
}

int main(void)
{
	size_t len;
	uint8_t *buf = many(&len);

	intact(buf, len);
	truncated(buf, len);
	corrupted(buf, len);
	not_a_trace();
	lost_storm();
	free(buf);
	return check_exit_status();
}
