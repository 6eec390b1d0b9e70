// SPDX-License-Identifier: BSD-2-Clause
/*
 * gen-trace-corpus - writes the seed corpus of the trace-reader fuzzer:
 * the crafted files of crafted.c and a few small valid traces from the
 * random model.  Usage: gen-trace-corpus DIR
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crafted.h"
#include "tutil.h"

static void put(const char *dir, const char *name, const void *p, size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.trc", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	REQUIRE(fd >= 0);
	REQUIRE(write(fd, p, len) == (ssize_t)len);
	REQUIRE(close(fd) == 0);
}

int main(int argc, char **argv)
{
	static uint8_t buf[CRAFTED_MAX];
	if (argc != 2) {
		fprintf(stderr, "usage: gen-trace-corpus DIR\n");
		return 2;
	}
	for (size_t i = 0; i < crafted_count; i++)
		put(argv[1], crafted_cases[i].name, buf, crafted_cases[i].make(buf));
	static const struct {
		const char *name;
		size_t events;
		uint32_t chunk;
	} v[] = {
		{ "model-small", 40, 1024 },
		{ "model-chunks", 600, 1024 },
		{ "model-seq", 1500, 4096 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct tu_model m;
		struct tbuf b = tu_small_trace(100 + i, v[i].events, v[i].chunk, &m);
		REQUIRE(b.len < CRAFTED_MAX);
		put(argv[1], v[i].name, b.p, b.len);
		tu_model_free(&m);
		free(b.p);
	}
	return 0;
}
