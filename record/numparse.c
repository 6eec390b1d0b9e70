// SPDX-License-Identifier: BSD-2-Clause
/*
 * numparse.c - the strict number parsers behind every numeric option and
 * filter argument: a typo is an error, never a silently different value.
 */
#include "numparse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int parse_u64(const char *str, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end = NULL;

	if (!str || !*str || *str == '-' || *str == '+' || *str == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(str, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || end == str || *end != '\0')
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_size(const char *str, uint64_t min, uint64_t max, uint64_t *out)
{
	char buf[32];
	uint64_t mult = 1, v;
	size_t n;
	int err;

	if (!str || (n = strlen(str)) == 0 || n >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, str);
	switch (buf[n - 1]) {
	case 'K':
	case 'k':
		mult = 1ull << 10;
		break;
	case 'M':
	case 'm':
		mult = 1ull << 20;
		break;
	case 'G':
	case 'g':
		mult = 1ull << 30;
		break;
	default:
		break;
	}
	if (mult > 1)
		buf[n - 1] = '\0';
	err = parse_u64(buf, 0, UINT64_MAX / mult, &v);
	if (err)
		return err;
	v *= mult;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
