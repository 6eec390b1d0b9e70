/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filterspec.h - the one grammar of tcprec's and tcpana's connection
 * filters.  A filter value is a comma-separated list ("80,443",
 * "192.0.2.1,2001:db8::1"), and giving the option again adds to the list:
 * a connection matches when it matches any value.  An empty item, a value
 * out of range or a list too long is an error, never a silent filter.
 */
#ifndef LIB_FILTERSPEC_H
#define LIB_FILTERSPEC_H

#include <stdint.h>

#define FILTERSPEC_MAX 16 /* values of one filter */

struct filterspec_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
};

/* Appends the ports of list (each 1-65535) to ports[*n], skipping those
 * already there.  0, -EINVAL (an item that is not a number, or empty),
 * -ERANGE (a number out of range) or -E2BIG (more than max). */
int filterspec_ports(const char *list, uint16_t *ports, unsigned int *n, unsigned int max);

/* The same for IPv4 and IPv6 addresses (no prefixes): -EINVAL for an
 * item that is not one. */
int filterspec_addrs(const char *list, struct filterspec_addr *addrs, unsigned int *n,
		     unsigned int max);

/* One address, IPv4 or IPv6; -EINVAL. */
int filterspec_addr(const char *text, struct filterspec_addr *a);

/* Comma-separated names: sets bit i of *mask for each names[i] given
 * (adding to what *mask holds).  -EINVAL names an unknown one. */
int filterspec_names(const char *list, const char *const *names, unsigned int n, uint32_t *mask);

#endif /* LIB_FILTERSPEC_H */
