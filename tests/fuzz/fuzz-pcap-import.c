// SPDX-License-Identifier: BSD-2-Clause
/*
 * fuzz-pcap-import.c - fuzz target: the input is a capture file (pcap or
 * pcapng).  It is imported from memory through the pcap source into a
 * trace written on a memfd, which is then read back.  Checks: no crash or
 * sanitizer report, the packet outcome counters add up, every written
 * segment is read back, every flow is closed, and the trace is intact.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "pcap_src.h"
#include "trc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Counts the segment and lost events of the trace on fd; stops when the
 * trace does not read back cleanly. */
static void read_back(int fd, uint64_t *segments, uint64_t *lost)
{
	off_t size = lseek(fd, 0, SEEK_END);
	uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
	struct trc_error err;

	REQUIRE(buf && pread(fd, buf, (size_t)size, 0) == size);
	struct trc_reader *r = trc_reader_open_mem(buf, (size_t)size, &err);
	REQUIRE(r != NULL, "%s", err.msg);
	struct trc_event ev;
	const struct trc_conn *conn;
	enum trc_status st;
	while ((st = trc_reader_next(r, &ev, &conn, &err)) == TRC_OK) {
		if (ev.type == TRC_EV_SEGMENT)
			(*segments)++;
		else if (ev.type == TRC_EV_LOST)
			(*lost) += ev.lost.count;
	}
	REQUIRE(st == TRC_EOF, "read back: %s", err.msg);
	trc_reader_close(r);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pcap_src_opts opts = { .path = "fuzz", .max_flows = 64 };
	struct trc_header hdr = { 0 };
	struct trc_error err;
	char errbuf[512];

	if (size == 0)
		return 0;
	/* fmemopen wants a mutable buffer; libpcap only reads it. */
	FILE *fp = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (!fp)
		return 0;
	struct pcap_src *src = pcap_src_open_fp(fp, "fuzz", &opts, &hdr, errbuf, sizeof(errbuf));
	if (!src)
		return 0;
	int fd = memfd_create("fuzz-trc", 0);
	struct trc_writer *w = fd >= 0 ? trc_writer_open_fd(fd, &hdr, NULL, &err) : NULL;
	REQUIRE(w != NULL);
	int rc;
	while ((rc = pcap_src_dispatch(src, w, 1000, errbuf, sizeof(errbuf))) > 0)
		;
	REQUIRE(rc >= 0 && pcap_src_report_drops(src, w, 0) >= 0, "%s", errbuf);
	struct pcap_src_stats st;
	struct trc_writer_stats ws;
	pcap_src_get_stats(src, &st);
	trc_writer_get_stats(w, &ws);
	REQUIRE(st.packets ==
		st.tcp_segments + st.non_tcp + st.fragments + st.malformed + st.filtered);
	REQUIRE(ws.open_connections == 0 && ws.connections == st.connections &&
		st.flows_open_max <= 64);
	REQUIRE(trc_writer_close(w, NULL, &err) >= 0, "%s", err.msg);
	pcap_src_close(src);
	uint64_t segments = 0, lost = 0;
	read_back(fd, &segments, &lost);
	REQUIRE(segments == st.tcp_segments && lost == st.capture_drops);
	close(fd);
	return 0;
}
