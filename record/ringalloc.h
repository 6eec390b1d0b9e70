/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ringalloc.h - the ring buffer map created in a thread of its own while
 * the kernel is probed and the programs are verified.
 */
#ifndef TCPREC_RINGALLOC_H
#define TCPREC_RINGALLOC_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct ringalloc {
	pthread_t thread;
	bool started;
	uint64_t bytes;
	int fd;		    /* the map, or -1 */
	uint64_t create_ns; /* how long the creation took */
};

/* Starts creating a BPF_MAP_TYPE_RINGBUF of bytes (a power of two).  A
 * thread that cannot start leaves the map to libbpf (ringalloc_fd() -1). */
void ringalloc_start(struct ringalloc *ra, uint64_t bytes);

/* Waits for the creation; the map's fd (owned by ra), or -1 when it could
 * not be created here (then libbpf creates it and reports why). */
int ringalloc_fd(struct ringalloc *ra);

/* Closes ra's fd (a loaded object holds its own) and forgets the thread. */
void ringalloc_close(struct ringalloc *ra);

#endif /* TCPREC_RINGALLOC_H */
