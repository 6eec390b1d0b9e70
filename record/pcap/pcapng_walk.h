/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapng_walk.h - a small bounded walker over the blocks of a pcapng file,
 * for what libpcap's API does not expose: the drop counts of Interface
 * Statistics Blocks (libpcap's sf-pcapng.c skips ISBs), and how many
 * packets a file holds on interfaces whose link type differs from the
 * first interface's (libpcap 1.10 stops reading at such an interface).
 */
#ifndef TCPREC_PCAPNG_WALK_H
#define TCPREC_PCAPNG_WALK_H

#include <stdint.h>
#include <stdio.h>

/* Interfaces tracked per section; packets on later ones still count. */
#define PCAPNG_WALK_MAX_IFACES 256
/* Largest block read into memory (ISB options); larger blocks are skipped
 * by seeking, larger than this total length ends the walk as damaged. */
#define PCAPNG_WALK_MAX_READ  (64u << 10)
#define PCAPNG_WALK_MAX_BLOCK (256u << 20)

struct pcapng_summary {
	int is_pcapng; /* the file starts with a Section Header Block */
	int damaged;   /* the walk stopped at a malformed or cut block */
	uint32_t sections;
	uint32_t interfaces; /* over all sections */
	uint64_t packets;    /* EPB + SPB + obsolete PB */
	uint32_t first_linktype;
	/* libpcap stops at the first interface whose link type or snap length
	 * differs from the first one's: where that happens, if it does. */
	int mismatch;
	uint32_t mismatch_linktype;
	uint32_t mismatch_snaplen;
	uint64_t packets_before_mismatch;
	int have_isb;	/* at least one ISB with a drop count */
	uint64_t drops; /* sum over interfaces of the last ISB's ifdrop + osdrop */
};

/* Walks fp from its current position to the end.  Returns 0 (damage is
 * reported in s->damaged, not as an error) or -errno for a read error. */
int pcapng_walk(FILE *fp, struct pcapng_summary *s);

#endif /* TCPREC_PCAPNG_WALK_H */
