/* SPDX-License-Identifier: BSD-2-Clause */
/* numparse.h - strict parsers for numbers given on the command line. */
#ifndef TCPREC_NUMPARSE_H
#define TCPREC_NUMPARSE_H

#include <stdint.h>

/* Strict unsigned parser: decimal (or 0x hex), no sign, no trailing
 * characters, min <= value <= max.  0 or -EINVAL / -ERANGE. */
int parse_u64(const char *str, uint64_t min, uint64_t max, uint64_t *out);

/* Byte size with an optional K, M or G suffix (powers of 1024). */
int parse_size(const char *str, uint64_t min, uint64_t max, uint64_t *out);

#endif /* TCPREC_NUMPARSE_H */
