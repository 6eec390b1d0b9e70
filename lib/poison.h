/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * poison.h - memory kept for reuse marked unusable for AddressSanitizer.
 * An endpoint released to a free list is never given to free(3), so
 * without this a use after release (the analyser has had one, from a
 * crafted trace) would read a reused object silently instead of stopping
 * the sanitizer build.  No-ops in other builds.
 */
#ifndef LIB_POISON_H
#define LIB_POISON_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define POISON_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POISON_ASAN 1
#endif
#endif

#ifdef POISON_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#endif /* LIB_POISON_H */
