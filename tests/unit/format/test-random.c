// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-random - 100,000 random events over connections that open and close
 * at random are written with the default chunk size (several chunks) and
 * read back identically, each with the declaration it was written for.
 * Seeds vary so that a run explores new values; the seed is printed.
 */
#include <string.h>
#include <time.h>

#include "tutil.h"

#define N_EVENTS 100000

static void run(uint64_t seed, uint32_t chunk_bytes)
{
	int fd;
	struct trc_writer *w = tu_writer(&fd, chunk_bytes);
	struct tu_model m;

	tu_model_init(&m, w, seed);
	for (int i = 0; i < N_EVENTS; i++)
		tu_model_step(&m);
	struct trc_writer_stats ws;
	trc_writer_get_stats(w, &ws);
	struct tbuf b = tu_finish(w, fd);

	struct tu_read rd;
	REQUIRE(tu_read_all(b.p, b.len, &rd, N_EVENTS + 1) == TRC_EOF);
	REQUIRE(rd.corrupt == 0 && rd.events == N_EVENTS);
	for (size_t i = 0; i < N_EVENTS; i++) {
		if (!tu_event_equal(&rd.evs[i], &m.evs[i])) {
			fprintf(stderr, "seed %llu: event %zu differs\n", (unsigned long long)seed,
				i);
			exit(1);
		}
		if (rd.evs[i].type != TRC_EV_LOST)
			REQUIRE(tu_conn_equal(&rd.conns[i], &m.decl[rd.evs[i].conn_serial]));
	}
	REQUIRE(rd.st.chunks_ok >= ws.chunks && rd.st.chunks_ok <= ws.chunks + 1 &&
		rd.st.chunks_ok >= 3);
	REQUIRE(rd.st.has_trailer && !rd.st.truncated && rd.st.bytes_skipped == 0);
	printf("seed %llu chunk %u: %d events, %llu chunks, %llu connections, %zu bytes\n",
	       (unsigned long long)seed, chunk_bytes, N_EVENTS, (unsigned long long)ws.chunks,
	       (unsigned long long)ws.connections, b.len);
	tu_read_free(&rd);
	tu_model_free(&m);
	free(b.p);
}

int main(void)
{
	uint64_t seed = (uint64_t)time(NULL);
	run(1, 0);
	run(seed, 0);
	run(seed + 1, 1024); /* many tiny chunks: declarations repeat often */
	return 0;
}
