// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-compat - the reader's answers to hand-made files: forward
 * compatibility (unknown extension records, unknown header keys, a newer
 * minor, an unknown block type), refusal of another major with a message
 * naming both versions, non-trace inputs (empty, /dev/null, pcap, pcapng,
 * random bytes) and hostile damage (lengths, counts, ids, states, times,
 * duplicate or mis-sized header fields, garbage, sequence gaps).
 */
#include <string.h>

#include "crafted.h"
#include "tutil.h"

static void run_case(const struct crafted *c)
{
	static uint8_t buf[CRAFTED_MAX];
	size_t len = c->make(buf);
	struct tu_read rd;
	enum trc_status st = tu_read_all(buf, len, &rd, 0);
	int ok = st == c->final && rd.events == c->events && rd.corrupt == c->corrupt;

	if (c->open_fails)
		ok = ok && rd.events == 0 && rd.corrupt == 0;
	if (c->msg)
		ok = ok && strstr(rd.last_err.msg, c->msg) != NULL;
	printf("%-20s %-11s events %zu corrupt %zu: %s\n", c->name, trc_status_name(st), rd.events,
	       rd.corrupt, rd.last_err.msg);
	if (!ok) {
		fprintf(stderr, "case %s: expected %s, %zu events, %zu corrupt, msg ~ '%s'\n",
			c->name, trc_status_name(c->final), c->events, c->corrupt,
			c->msg ? c->msg : "");
		exit(1);
	}
	tu_read_free(&rd);
}

static void files(void)
{
	struct trc_error err;
	REQUIRE(!trc_reader_open_file("/dev/null", &err) && err.code == TRC_UNSUPPORTED);
	REQUIRE(strstr(err.msg, "empty"));
	REQUIRE(!trc_reader_open_file("/nonexistent/trace.trc", &err) && err.code == TRC_IOERR);
	REQUIRE(strstr(err.msg, "/nonexistent/trace.trc"));
}

static void header_fields(void)
{
	/* The minor-7 file's unknown key is skipped and the key after it
	 * is still read. */
	static uint8_t buf[CRAFTED_MAX];
	struct trc_error err;
	for (size_t i = 0; i < crafted_count; i++) {
		if (strcmp(crafted_cases[i].name, "newer-minor"))
			continue;
		size_t len = crafted_cases[i].make(buf);
		struct trc_reader *r = trc_reader_open_mem(buf, len, &err);
		REQUIRE(r);
		const struct trc_header *h = trc_reader_header(r);
		REQUIRE(h->version_minor == 7 && !strcmp(h->machine, "arm"));
		struct trc_reader_stats st;
		trc_reader_get_stats(r, &st);
		REQUIRE(st.records_unknown == 1);
		trc_reader_close(r);
	}
}

static void seq_values(void)
{
	static uint8_t buf[CRAFTED_MAX];
	for (size_t i = 0; i < crafted_count; i++) {
		if (strcmp(crafted_cases[i].name, "seq-coding"))
			continue;
		struct tu_read rd;
		size_t len = crafted_cases[i].make(buf);
		REQUIRE(tu_read_all(buf, len, &rd, 2) == TRC_EOF && rd.events == 2);
		const struct trc_ev_segment *a = &rd.evs[0].seg, *b = &rd.evs[1].seg;
		REQUIRE(a->dir == TRC_DIR_TX && a->tcp_flags == 0x02 && a->seq == 1000 &&
			a->ack == 0 && a->window == 64240 && a->payload_len == 0);
		REQUIRE(b->dir == TRC_DIR_RX && b->tcp_flags == 0x12 && b->seq == 5000 &&
			b->ack == 1001 && b->window == 65535 && rd.evs[1].t_ns == 1005);
		REQUIRE(rd.conns[1].lport == 12345 && rd.conns[1].raddr[3] == 2);
		tu_read_free(&rd);
	}
}

int main(void)
{
	seq_values();
	for (size_t i = 0; i < crafted_count; i++)
		run_case(&crafted_cases[i]);
	files();
	header_fields();
	return 0;
}
