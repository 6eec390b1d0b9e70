// SPDX-License-Identifier: BSD-2-Clause
/*
 * main.c - tcprec's entry point: parses and validates the command line
 * (nothing privileged happens before that), then records or imports.
 */
#include <stdio.h>
#include <time.h>

#include "header.h"
#include "privs.h"
#include "ringsize.h"
#include "tcprec.h"

/* No argp_program_version: argp would take -V for it, which tcpdump
 * uses for a list of files; --version is an option of opts.c. */

int main(int argc, char **argv)
{
	uint64_t start_ns = header_now_ns(CLOCK_MONOTONIC);
	struct config cfg;
	uid_t uid;
	gid_t gid;

	if (opts_parse(argc, argv, 0, &cfg))
		return TCPREC_EXIT_USAGE;
	if (cfg.user && privs_lookup_user(cfg.user, &uid, &gid)) {
		fprintf(stderr, "tcprec: -Z %s: no such user\n", cfg.user);
		return TCPREC_EXIT_USAGE;
	}
	if (cfg.read_path)
		return import_run(&cfg);
	if (!cfg.ringbuf_bytes) {
		uint64_t held;

		cfg.ringbuf_bytes = ringsize_for_host(&held);
		if (cfg.verbose)
			fprintf(stderr, "tcprec: ring buffer %lluM for %llu sockets held\n",
				(unsigned long long)(cfg.ringbuf_bytes >> 20),
				(unsigned long long)held);
	}
	return live_run(&cfg, start_ns);
}
