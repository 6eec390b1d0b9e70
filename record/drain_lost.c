// SPDX-License-Identifier: BSD-2-Clause
/*
 * drain_lost.c - what the drain could not record, written into the trace
 * as gap records: ring-buffer reservations the BPF programs failed (their
 * per-CPU counters, read periodically) and records the drain found
 * malformed.  A gap covers the time since the previous check, so an
 * analyser knows which endpoints the losses may have touched.
 */
#include "drain_lost.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdlib.h>

#include "drain_conn.h"
#include "drain_state.h"

int drain_set_lost_fd(struct drain *d, int lost_fd)
{
	int n = libbpf_num_possible_cpus();

	if (n <= 0)
		return n < 0 ? n : -EINVAL;
	d->ncpu = (unsigned int)n;
	/* The counters' previous values, then room to read them into. */
	d->lost_prev = calloc(2 * (size_t)d->ncpu, sizeof(*d->lost_prev));
	if (!d->lost_prev)
		return -ENOMEM;
	d->lost_now = d->lost_prev + d->ncpu;
	d->lost_fd = lost_fd;
	return 0;
}

static int write_gap(struct drain *d, uint64_t count, uint32_t cpu, uint8_t reason, uint64_t now_ns)
{
	struct trc_event ev = { .type = TRC_EV_LOST };

	/* Losses happened somewhere in [lost_since, now]; the trace is in
	 * time order, so the range starts no earlier than the last event. */
	ev.t_ns = d->lost_since_ns > d->last_t_ns ? d->lost_since_ns : d->last_t_ns;
	ev.lost.t_end_ns = now_ns > ev.t_ns ? now_ns : ev.t_ns;
	/* ... but the losses themselves may predate events already written. */
	ev.lost.t_begin_ns = d->lost_since_ns < ev.t_ns ? d->lost_since_ns : ev.t_ns;
	ev.lost.count = count;
	ev.lost.cpu = cpu;
	ev.lost.reason = reason;
	return dconn_append(d, &ev);
}

static int read_lost(struct drain *d, uint64_t now_ns)
{
	uint64_t *vals = d->lost_now;
	uint32_t key = 0;
	int err = 0;

	if (d->lost_fd < 0 || !d->ncpu || bpf_map_lookup_elem(d->lost_fd, &key, vals))
		return 0;
	for (unsigned int cpu = 0; cpu < d->ncpu && !err; cpu++) {
		uint64_t delta = vals[cpu] - d->lost_prev[cpu];

		if (!delta)
			continue;
		d->lost_prev[cpu] = vals[cpu];
		d->st.lost += delta;
		err = write_gap(d, delta, cpu, TRC_LOST_RINGBUF, now_ns);
	}
	return err;
}

int drain_report_losses(struct drain *d, uint64_t now_ns)
{
	int err = d->werr ? d->werr : read_lost(d, now_ns);

	if (!err && d->st.malformed > d->malformed_reported) {
		err = write_gap(d, d->st.malformed - d->malformed_reported, UINT32_MAX,
				TRC_LOST_MALFORMED, now_ns);
		d->malformed_reported = d->st.malformed;
	}
	d->lost_since_ns = now_ns;
	if (err && !d->werr)
		d->werr = err;
	return err;
}
