// SPDX-License-Identifier: BSD-2-Clause
/*
 * gen-traces.c - writes every synthetic scenario trace into a directory
 * (NAME-v4.trc, NAME-v6.trc) for the JSON schema and plot tests, or with
 * --bench N DIR one large trace of about N events (short connections)
 * for throughput measurements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios.h"

static int bench(unsigned long long n, const char *path)
{
	struct tg *g = tg_new("ebpf");
	unsigned long long events = 0;
	uint64_t t = 1 * MS;
	uint8_t *buf;
	size_t len;

	for (uint32_t i = 0; events < n; i++) {
		uint64_t c =
			tg_conn(g, CLI4, (uint16_t)(10000 + i % 50000), SRV4, SPORT, NS_CLI, 0);

		tg_state(g, c, t, TRC_TCP_CLOSE, TRC_TCP_SYN_SENT, 100);
		tg_seg(g, c, t + 1000, true, "S");
		tg_seg(g, c, t + 2000, false, "S.");
		tg_state(g, c, t + 2000, TRC_TCP_SYN_SENT, TRC_TCP_ESTABLISHED, 0);
		tg_seg(g, c, t + 3000, true, ".");
		tg_seg(g, c, t + 4000, true, "P.");
		tg_seg(g, c, t + 5000, false, "P.");
		/* The peer closes first: CLOSE_WAIT, LAST_ACK, CLOSE. */
		tg_seg(g, c, t + 6000, false, "F.");
		tg_state(g, c, t + 6000, TRC_TCP_ESTABLISHED, TRC_TCP_CLOSE_WAIT, 0);
		tg_seg(g, c, t + 7000, true, ".");
		tg_state(g, c, t + 8000, TRC_TCP_CLOSE_WAIT, TRC_TCP_LAST_ACK, 100);
		tg_seg(g, c, t + 8000, true, "F.");
		tg_seg(g, c, t + 9000, false, ".");
		tg_state(g, c, t + 9000, TRC_TCP_LAST_ACK, TRC_TCP_CLOSE, 0);
		tg_close_conn(g, c);
		events += 14;
		t += 20000;
	}
	buf = tg_finish(g, &len);
	fprintf(stderr, "%llu events, %zu bytes\n", events, len);
	return tg_save(buf, len, path) < 0;
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc == 4 && !strcmp(argv[1], "--bench"))
		return bench(strtoull(argv[2], NULL, 10), argv[3]);
	if (argc != 2) {
		fprintf(stderr, "usage: gen-traces DIR | gen-traces --bench EVENTS FILE\n");
		return 2;
	}
	for (const struct scenario *s = scenarios; s->name; s++) {
		for (int v6 = 0; v6 < 2; v6++) {
			size_t len;
			uint8_t *buf = s->build(v6, &len);

			snprintf(path, sizeof(path), "%s/%s-v%d.trc", argv[1], s->name, v6 ? 6 : 4);
			if (tg_save(buf, len, path) < 0) {
				perror(path);
				return 1;
			}
			free(buf);
		}
	}
	return 0;
}
