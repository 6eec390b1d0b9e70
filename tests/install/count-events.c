// SPDX-License-Identifier: BSD-2-Clause
/*
 * count-events.c - a program outside the tree that reads a trace through
 * the installed libtrcformat: built with `pkg-config tcprec-format` by
 * test-install.sh.  Prints "EVENTS CONNECTIONS" of the trace.
 */
#include <stdio.h>
#include <tcprec/trc.h>

int main(int argc, char **argv)
{
	struct trc_error err = { 0 };
	struct trc_event ev;
	const struct trc_conn *conn;
	unsigned long long events = 0, conns = 0, last_serial = 0;
	struct trc_reader *r;
	enum trc_status st;

	if (argc != 2)
		return 2;
	r = trc_reader_open_file(argv[1], &err);
	if (!r) {
		fprintf(stderr, "count-events: %s: %s\n", argv[1], trc_status_name(err.code));
		return 1;
	}
	while ((st = trc_reader_next(r, &ev, &conn, &err)) == TRC_OK) {
		events++;
		if (conn && conn->serial > last_serial) {
			last_serial = conn->serial;
			conns++;
		}
	}
	trc_reader_close(r);
	if (st != TRC_EOF)
		return 1;
	printf("%llu %llu\n", events, conns);
	return 0;
}
