/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * safestr.h - strings from a trace made safe to print.  Process names and
 * header strings are whatever bytes the recording host had: a comm set
 * with prctl(PR_SET_NAME) may be invalid UTF-8, which JSON cannot carry
 * (jansson refuses it), or hold escape sequences a terminal would obey.
 */
#ifndef ANALYZE_SAFESTR_H
#define ANALYZE_SAFESTR_H

#include <stddef.h>

/* Room safestr() needs for an input of n bytes: each may become the
 * three bytes of U+FFFD. */
#define SAFESTR_LEN(n) (3 * (n) + 1)

/* Length of the valid UTF-8 sequence at s (1 for ASCII, also for the
 * terminating NUL), 0 when s does not start one: overlong forms,
 * surrogates and code points above U+10FFFF are invalid, as jansson and
 * RFC 3629 have it. */
size_t utf8_seq_len(const unsigned char *s);

/* Copies s into out (outlen >= 1 bytes, always NUL-terminated, cut only
 * between characters) keeping valid UTF-8 except control characters;
 * each byte of an invalid sequence and each C0, DEL or C1 control becomes
 * U+FFFD.  Returns out. */
const char *safestr(const char *s, char *out, size_t outlen);

/* The same for a field of n bytes that need not hold a NUL (a process
 * name of a trace event): it ends at the first NUL or after n bytes. */
const char *safestr_n(const char *s, size_t n, char *out, size_t outlen);

#endif /* ANALYZE_SAFESTR_H */
