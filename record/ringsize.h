/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ringsize.h - the ring buffer's default size, from the sockets the host
 * already holds.  Start-up (the snapshot and the first TIME_WAIT walk)
 * costs CPU in proportion to them, and the drain falls behind for that
 * long: the buffer must hold what traffic writes meanwhile.  -B overrides.
 */
#ifndef TCPREC_RINGSIZE_H
#define TCPREC_RINGSIZE_H

#include <stdint.h>

/* The least: what a host holding up to 16,384 sockets gets. */
#define RINGSIZE_MIN (16ull << 20)
/* Per socket held, rounded up to a power of two.  An 8-thread workload
 * started with tcprec (bench/bench_busy.py) made a 16M buffer lose events
 * in 4 of 5 runs at 30,000 sockets and 2 of 3 at 70,000; 32M and 64M
 * there lost none.  This rule gives 32M and 128M. */
#define RINGSIZE_PER_SOCKET 1024ull
/* The most: never more than RINGSIZE_MEM_SHARE-th of the memory either. */
#define RINGSIZE_MAX	   (256ull << 20)
#define RINGSIZE_MEM_SHARE 32ull

/* TCP sockets of every namespace, counted from /proc/slabinfo's text:
 * the active objects of the TCP, TCPv6, tw_sock_TCP* and request_sock_TCP*
 * caches.  Returns 0, or -ENOENT when none of them is listed (merged
 * caches). */
int ringsize_parse_slabinfo(const char *text, uint64_t *sockets);

/* The same from /proc/net/sockstat (+ sockstat6) text: this namespace's
 * "inuse" and "tw" only.  Returns 0 or -ENOENT. */
int ringsize_parse_sockstat(const char *text, uint64_t *sockets);

/* The size for a host holding `sockets` with mem_bytes of memory (0:
 * unknown): a power of two from RINGSIZE_MIN to the caps. */
uint64_t ringsize_for(uint64_t sockets, uint64_t mem_bytes);

/* Counts the sockets held (slabinfo, else sockstat) into *sockets and
 * returns ringsize_for() them; RINGSIZE_MIN when neither can be read. */
uint64_t ringsize_for_host(uint64_t *sockets);

#endif /* TCPREC_RINGSIZE_H */
