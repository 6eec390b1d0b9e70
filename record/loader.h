/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * loader.h - the BPF skeleton's lifecycle for one recording: open, set
 * filters/ring buffer size/autoload from the plan, load, attach, create
 * the ring buffer reader; and the iterator fds for the iter/tcp walks.
 */
#ifndef TCPREC_LOADER_H
#define TCPREC_LOADER_H

#include <bpf/libbpf.h>
#include <stdint.h>

#include "opts.h"
#include "plan.h"

struct tcprec_bpf;

struct loader {
	struct tcprec_bpf *skel;
	struct ring_buffer *rb;
};

enum loader_iter {
	LOADER_ITER_SNAPSHOT,
	LOADER_ITER_TIMEWAIT,
	LOADER_ITER_FIGURES,
};

/* Opens the skeleton, sets filters, ring buffer size and autoload from
 * the plan, and loads (verifies) the programs.  ring_fd, when >= 0, is a
 * ring buffer map of cfg->ringbuf_bytes already created (ringalloc.h),
 * used instead of a new one.  On failure everything is undone and errbuf
 * names the step.  Returns 0 or -errno. */
int loader_load(struct loader *l, const struct config *cfg, const struct probe_plan *plan,
		int ring_fd, char *errbuf, size_t errlen);

/* Attaches the loaded programs and creates the ring buffer reader.  On
 * failure the loader is stopped.  Returns 0 or -errno. */
int loader_attach(struct loader *l, ring_buffer_sample_fn sample_cb, void *cb_ctx, char *errbuf,
		  size_t errlen);

/* A new fd for one walk of the iterator (read it to EOF, then close it);
 * -errno when that iterator is not in the plan. */
int loader_iter_fd(const struct loader *l, enum loader_iter which);

/* Invocations the kernel skipped because the same program was already
 * running on that CPU (bpf_prog_info.recursion_misses, kernels >= 5.12;
 * 0 where the kernel does not count them): events that were never
 * recorded, and no loss record says so. */
uint64_t loader_recursion_misses(const struct loader *l);

/* fd of the per-CPU lost-event counter map. */
int loader_lost_fd(const struct loader *l);

/* libbpf messages: warnings always, debug/info only when verbose. */
void loader_set_verbose(int verbose);

/* Detaches and frees everything; accepts a zeroed struct. */
void loader_stop(struct loader *l);

#endif /* TCPREC_LOADER_H */
