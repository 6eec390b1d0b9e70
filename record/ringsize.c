// SPDX-License-Identifier: BSD-2-Clause
/*
 * ringsize.c - the ring buffer's default size from the sockets held.
 * /proc/slabinfo counts every namespace's sockets, which is what the
 * start-up walk visits (the socket hash is shared); /proc/net/sockstat,
 * the fallback, counts this namespace's only.
 */
#include "ringsize.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const slab_caches[] = {
	"TCP", "TCPv6", "tw_sock_TCP", "tw_sock_TCPv6", "request_sock_TCP", "request_sock_TCPv6",
};

static int is_socket_cache(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(slab_caches) / sizeof(slab_caches[0]); i++)
		if (strlen(slab_caches[i]) == len && !memcmp(slab_caches[i], name, len))
			return 1;
	return 0;
}

/* The decimal at p if it starts before end (after blanks); -1 if none. */
static int number_at(const char *p, const char *end, uint64_t *out)
{
	char *stop;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	*out = strtoull(p, &stop, 10);
	return stop <= end ? 0 : -1;
}

/* "name active_objs num_objs ...": adds active_objs of a socket cache. */
static int slab_line(const char *line, size_t len, uint64_t *acc)
{
	size_t name_len = strcspn(line, " \t\n");
	uint64_t active;

	if (name_len >= len || !is_socket_cache(line, name_len) ||
	    number_at(line + name_len, line + len, &active))
		return 0;
	*acc += active;
	return 1;
}

/* The number after `key` in a line starting with prefix, e.g. "tw" in
 * "TCP: inuse N orphan N tw N alloc N mem N". */
static int field(const char *line, size_t len, const char *prefix, const char *key, uint64_t *out)
{
	size_t plen = strlen(prefix), klen = strlen(key);
	const char *end = line + len;

	if (len < plen || memcmp(line, prefix, plen))
		return -1;
	for (const char *p = line + plen; p + klen < end; p++)
		if (p[-1] == ' ' && !memcmp(p, key, klen) && p[klen] == ' ')
			return number_at(p + klen, end, out);
	return -1;
}

/* "TCP: inuse N orphan N tw N ..." (inuse + tw) or "TCP6: inuse N". */
static int sockstat_line(const char *line, size_t len, uint64_t *acc)
{
	uint64_t inuse, tw;

	if (!field(line, len, "TCP: ", "inuse", &inuse) && !field(line, len, "TCP: ", "tw", &tw)) {
		*acc += inuse + tw;
		return 1;
	}
	if (!field(line, len, "TCP6: ", "inuse", &inuse)) {
		*acc += inuse;
		return 1;
	}
	return 0;
}

/* Sums what line_fn finds on each line of text (given without its
 * newline); -ENOENT when no line matched. */
static int sum_lines(const char *text, int (*line_fn)(const char *, size_t, uint64_t *),
		     uint64_t *sockets)
{
	uint64_t n = 0;
	int found = 0;

	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		found |= line_fn(text, len, &n);
		text += len + (nl != NULL);
	}
	if (!found)
		return -ENOENT;
	*sockets = n;
	return 0;
}

int ringsize_parse_slabinfo(const char *text, uint64_t *sockets)
{
	return sum_lines(text, slab_line, sockets);
}

int ringsize_parse_sockstat(const char *text, uint64_t *sockets)
{
	return sum_lines(text, sockstat_line, sockets);
}

uint64_t ringsize_for(uint64_t sockets, uint64_t mem_bytes)
{
	uint64_t cap = RINGSIZE_MAX, want, size = RINGSIZE_MIN;

	if (mem_bytes && mem_bytes / RINGSIZE_MEM_SHARE < cap)
		cap = mem_bytes / RINGSIZE_MEM_SHARE;
	want = sockets > RINGSIZE_MAX / RINGSIZE_PER_SOCKET ? RINGSIZE_MAX
							    : sockets * RINGSIZE_PER_SOCKET;
	while (size < want && size * 2 <= cap)
		size *= 2;
	return size;
}

/* Appends the file's text (bounded) to buf; returns 0 or -errno. */
static int read_text(const char *path, char *buf, size_t cap, size_t *used)
{
	FILE *f = fopen(path, "re");
	size_t got;

	if (!f)
		return -errno;
	got = fread(buf + *used, 1, cap - 1 - *used, f);
	fclose(f);
	*used += got;
	buf[*used] = '\0';
	return 0;
}

uint64_t ringsize_for_host(uint64_t *sockets)
{
	static char text[256 * 1024]; /* slabinfo: ~25K on common hosts */
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	uint64_t mem = pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : 0;
	size_t used = 0;
	int err;

	*sockets = 0;
	err = read_text("/proc/slabinfo", text, sizeof(text), &used);
	if (!err)
		err = ringsize_parse_slabinfo(text, sockets);
	if (err) {
		used = 0;
		read_text("/proc/net/sockstat", text, sizeof(text), &used);
		read_text("/proc/net/sockstat6", text, sizeof(text), &used);
		if (ringsize_parse_sockstat(text, sockets))
			return RINGSIZE_MIN;
	}
	return ringsize_for(*sockets, mem);
}
