/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * privs.h - privilege handling: the capability check before anything
 * privileged, entering the --netns namespace, and dropping to -Z USER.
 */
#ifndef TCPREC_PRIVS_H
#define TCPREC_PRIVS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* 0 when the effective set has CAP_BPF+CAP_PERFMON or CAP_SYS_ADMIN;
 * else -EPERM with msg naming what is missing. */
int privs_check(char *msg, size_t len);

/* Looks -Z USER up (validation, before anything privileged). */
int privs_lookup_user(const char *user, uid_t *uid, gid_t *gid);

/* Drops supplementary groups, gid, uid and every capability (bounding and
 * ambient sets too), sets no_new_privs, and verifies root cannot be
 * regained.  0 or -errno with msg. */
int privs_drop(const char *user, char *msg, size_t len);

/* Enters the network namespace with this inode (path, or found under
 * /run/netns and /proc/PID/ns/net) for this thread.  0 or -errno. */
int privs_enter_netns(uint32_t inode, const char *path, char *msg, size_t len);

#endif /* TCPREC_PRIVS_H */
