// SPDX-License-Identifier: BSD-2-Clause
/*
 * header.c - the recorder's contribution to the trace header, so a trace
 * analysed on another machine still says where and how it was recorded.
 */
#include "header.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "version.h"

uint64_t header_now_ns(int clock_id)
{
	struct timespec ts;

	if (clock_gettime(clock_id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void header_set_str(char *dst, size_t len, const char *src)
{
	size_t n;

	if (!len)
		return;
	n = src ? strlen(src) : 0;
	if (n > len - 1)
		n = len - 1;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* A random identity shared by every file of the recording (a rotated
 * set, format/SPEC.md section 4).  Should the kernel have no randomness
 * to give, the clocks still make it unique enough to tell recordings of
 * one host apart. */
static void new_recording_id(struct trc_header *h)
{
	uint8_t *id = h->recording_id;
	uint64_t rt = header_now_ns(CLOCK_REALTIME), mono = header_now_ns(CLOCK_MONOTONIC);

	if (getrandom(id, TRC_RECORDING_ID_LEN, GRND_NONBLOCK) == TRC_RECORDING_ID_LEN)
		return;
	memcpy(id, &rt, 8);
	memcpy(id + 8, &mono, 8);
	id[0] ^= (uint8_t)getpid();
}

void header_fill_host(struct trc_header *h)
{
	struct utsname u;
	char host[256] = "";

	new_recording_id(h);
	h->file_index = 0;
	header_set_str(h->tool_version, sizeof(h->tool_version), "tcprec " TCPREC_VERSION);
	if (gethostname(host, sizeof(host) - 1) == 0)
		header_set_str(h->hostname, sizeof(h->hostname), host);
	if (uname(&u) == 0) {
		header_set_str(h->kernel_release, sizeof(h->kernel_release), u.release);
		header_set_str(h->machine, sizeof(h->machine), u.machine);
	}
}

void header_anchor_monotonic(struct trc_header *h)
{
	uint64_t m1 = header_now_ns(CLOCK_MONOTONIC);
	uint64_t r = header_now_ns(CLOCK_REALTIME);
	uint64_t m2 = header_now_ns(CLOCK_MONOTONIC);

	h->clock = TRC_CLOCK_MONOTONIC; /* bpf_ktime_get_ns() */
	h->anchor_clock_ns = m1 + (m2 - m1) / 2;
	h->anchor_realtime_ns = r;
}

void header_set_tw_netns(struct trc_header *h, int polled, uint32_t netns)
{
	struct stat st;

	h->tw_netns = 0;
	if (!polled)
		return;
	if (netns) {
		h->tw_netns = netns;
		return;
	}
	/* Namespace inodes fit 32 bits, as the kernel's ns.inum does. */
	if (stat("/proc/self/ns/net", &st) == 0 && st.st_ino <= UINT32_MAX)
		h->tw_netns = (uint32_t)st.st_ino;
}
