/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * import_harness.h - runs a capture held in memory through the pcap import
 * (pcap_src_open_fp → dispatch → drops → trace writer on a memfd) and
 * reads the trace back with the format reader, for the import and flow
 * unit tests.  Header-only: each test is one executable.
 */
#ifndef TCPREC_TEST_IMPORT_HARNESS_H
#define TCPREC_TEST_IMPORT_HARNESS_H

#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pcap_build.h"
#include "pcap_src.h"
#include "pkt_build.h"
#include "trc.h"

#define IMP_MAX_EVENTS 512

struct imp_event {
	struct trc_event ev;
	struct trc_conn conn;
};

struct imported {
	int opened;
	int damaged;
	char err[512];
	struct trc_header hdr;
	struct pcap_src_stats st;
	uint64_t open_conns_at_end; /* writer's open connections before close */
	int read_status;	    /* final trc_reader_next() status */
	size_t n;
	struct imp_event evs[IMP_MAX_EVENTS];
};

static inline void read_back(int fd, struct imported *out)
{
	off_t size = lseek(fd, 0, SEEK_END);
	uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
	struct trc_error terr;

	if (!buf || pread(fd, buf, (size_t)size, 0) != size) {
		out->read_status = -1;
		free(buf);
		return;
	}
	struct trc_reader *r = trc_reader_open_mem(buf, (size_t)size, &terr);
	if (!r) {
		out->read_status = -2;
		free(buf);
		return;
	}
	out->hdr = *trc_reader_header(r);
	for (;;) {
		struct trc_event ev;
		const struct trc_conn *conn = NULL;
		enum trc_status s = trc_reader_next(r, &ev, &conn, &terr);
		if (s != TRC_OK) {
			out->read_status = (int)s;
			break;
		}
		if (out->n < IMP_MAX_EVENTS) {
			out->evs[out->n].ev = ev;
			if (conn)
				out->evs[out->n].conn = *conn;
			out->n++;
		}
	}
	trc_reader_close(r);
	free(buf);
}

/* Imports c with opts (NULL: defaults); fills *out.  Returns 0, or -1 when
 * the source did not open (out->err says why). */
static inline int imp_run(const struct capbuf *c, const struct pcap_src_opts *opts,
			  struct imported *out)
{
	struct pcap_src_opts o = { 0 };
	struct trc_header hdr = { 0 };
	struct trc_error terr;

	memset(out, 0, sizeof(*out));
	if (opts)
		o = *opts;
	o.path = "test.pcap";
	snprintf(hdr.tool_version, sizeof(hdr.tool_version), "tcprec test");
	/* glibc's fmemopen() writes to a 0-byte buffer (valgrind: invalid
	 * write of size 1); an empty capture is /dev/null. */
	FILE *fp = c->n ? fmemopen(c->b, c->n, "rb") : fopen("/dev/null", "rb");
	if (!fp)
		return -1;
	struct pcap_src *src =
		pcap_src_open_fp(fp, "dir/test.pcap", &o, &hdr, out->err, sizeof(out->err));
	if (!src)
		return -1;
	out->opened = 1;
	int fd = memfd_create("trc", 0);
	struct trc_writer *w = trc_writer_open_fd(fd, &hdr, NULL, &terr);
	if (!w)
		abort();
	int rc;
	while ((rc = pcap_src_dispatch(src, w, 7, out->err, sizeof(out->err))) > 0)
		;
	if (rc < 0 || pcap_src_report_drops(src, w, 0) < 0)
		abort();
	out->damaged = pcap_src_damaged(src);
	pcap_src_get_stats(src, &out->st);
	struct trc_writer_stats ws;
	trc_writer_get_stats(w, &ws);
	out->open_conns_at_end = ws.open_connections;
	if (trc_writer_close(w, NULL, &terr) < 0)
		abort();
	pcap_src_close(src);
	read_back(fd, out);
	close(fd);
	return 0;
}

/* Raw-IPv4 packet between 192.0.2.1:cport (client) and 192.0.2.2:sport. */
static inline void imp_pkt(struct capbuf *c, uint64_t t_ns, int from_client, uint16_t cport,
			   uint16_t sport, uint8_t flags, uint32_t seq, uint32_t ack,
			   size_t payload)
{
	struct ip4_spec ip = { .src = { 192, 0, 2, 1 }, .dst = { 192, 0, 2, 2 } };
	struct tcp_spec t = { .sport = cport,
			      .dport = sport,
			      .seq = seq,
			      .ack = ack,
			      .flags = flags,
			      .window = 1000,
			      .payload = payload };
	struct frame f = { .n = 0 };

	if (!from_client) {
		memcpy(ip.src, (uint8_t[4]){ 192, 0, 2, 2 }, 4);
		memcpy(ip.dst, (uint8_t[4]){ 192, 0, 2, 1 }, 4);
		t.sport = sport;
		t.dport = cport;
	}
	fr_ipv4(&f, &ip, tcp_len(&t));
	fr_tcp(&f, &t);
	pcap_rec(c, t_ns, 1, f.b, (uint32_t)f.n, (uint32_t)f.n);
}

#endif /* TCPREC_TEST_IMPORT_HARNESS_H */
