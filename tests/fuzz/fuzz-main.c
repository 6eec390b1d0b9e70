// SPDX-License-Identifier: BSD-2-Clause
/*
 * Standalone driver for fuzz targets when no fuzzing engine is built in:
 * feeds each file named on the command line to LLVMFuzzerTestOneInput()
 * once, so every corpus file doubles as a regression test.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Corpus files are small; anything larger is a mistake in the corpus. */
#define FUZZ_MAX_INPUT (64u << 20)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fuzz-main: %s: %s\n", path, strerror(errno));
		return -1;
	}
	uint8_t *buf = malloc(FUZZ_MAX_INPUT);
	if (!buf) {
		fclose(f);
		return -1;
	}
	size_t n = fread(buf, 1, FUZZ_MAX_INPUT, f);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "fuzz-main: %s: read error\n", path);
		free(buf);
		return -1;
	}
	/* Copy into an exact-size buffer so ASan sees reads past the end. */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, n);
	free(buf);
	(void)LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc; i++)
		if (run_file(argv[i]) < 0)
			rc = 1;
	if (rc == 0)
		printf("%d input(s) ran without a crash\n", argc - 1);
	return rc;
}
