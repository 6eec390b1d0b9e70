// SPDX-License-Identifier: BSD-2-Clause
/*
 * ringalloc.c - the ring buffer map, created beside the probing.  The
 * kernel allocates and zeroes every page of a ring buffer when the map is
 * created: 30-60 ms for the 256M a host holding 200,000 sockets gets, and
 * up to 300 ms when the pages must first be faulted in from the
 * hypervisor.  That was the largest part of start-up on such a host, and
 * it needs nothing from the probing and verification that take the other
 * ~100 ms, so it runs in a thread meanwhile and the skeleton reuses the map
 * (bpf_map__reuse_fd()).
 */
#include "ringalloc.h"

#include <bpf/bpf.h>
#include <time.h>
#include <unistd.h>

#include "header.h"

static void *create(void *arg)
{
	struct ringalloc *ra = arg;
	uint64_t t0 = header_now_ns(CLOCK_MONOTONIC);

	/* The name the BPF object gives the map, for bpftool's listing. */
	ra->fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "events", 0, 0, (__u32)ra->bytes, NULL);
	ra->create_ns = header_now_ns(CLOCK_MONOTONIC) - t0;
	return NULL;
}

void ringalloc_start(struct ringalloc *ra, uint64_t bytes)
{
	ra->bytes = bytes;
	ra->fd = -1;
	ra->started =
		bytes && bytes <= UINT32_MAX && pthread_create(&ra->thread, NULL, create, ra) == 0;
}

int ringalloc_fd(struct ringalloc *ra)
{
	if (ra->started) {
		pthread_join(ra->thread, NULL);
		ra->started = false;
	}
	return ra->fd;
}

void ringalloc_close(struct ringalloc *ra)
{
	ringalloc_fd(ra);
	if (ra->fd >= 0)
		close(ra->fd);
	ra->fd = -1;
}
