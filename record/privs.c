// SPDX-License-Identifier: BSD-2-Clause
/*
 * privs.c - capabilities and identity.  The check reads the effective
 * capability set with capget(2) (no libcap dependency); dropping follows
 * the usual order: bounding set while CAP_SETPCAP is still held, then
 * groups, gid, uid, and a final check that setuid(0) fails.
 */
#include "privs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int cap_get(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };

	memset(data, 0, 2 * sizeof(*data));
	return syscall(SYS_capget, &hdr, data) ? -errno : 0;
}

static int has_cap(const struct __user_cap_data_struct data[2], int cap)
{
	return !!(data[cap / 32].effective & (1u << (cap % 32)));
}

int privs_check(char *msg, size_t len)
{
	struct __user_cap_data_struct data[2];
	int err = cap_get(data);

	if (err) {
		snprintf(msg, len, "cannot read capabilities: %s", strerror(-err));
		return err;
	}
	if (has_cap(data, CAP_SYS_ADMIN) || (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON)))
		return 0;
	snprintf(msg, len,
		 "recording needs CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN); missing:%s%s",
		 has_cap(data, CAP_BPF) ? "" : " CAP_BPF",
		 has_cap(data, CAP_PERFMON) ? "" : " CAP_PERFMON");
	return -EPERM;
}

int privs_lookup_user(const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw)
		return errno ? -errno : -ENOENT;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = 40;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 40;
		fclose(f);
	}
	return v;
}

int privs_drop(const char *user, char *msg, size_t len)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };
	uid_t uid;
	gid_t gid;
	int err = privs_lookup_user(user, &uid, &gid);

	if (err) {
		snprintf(msg, len, "-Z %s: no such user", user);
		return err;
	}
	for (int cap = 0, last = last_cap(); cap <= last; cap++)
		(void)prctl(PR_CAPBSET_DROP, cap, 0, 0, 0); /* EINVAL for unknown caps */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (setgroups(1, &gid) || setgid(gid) || setuid(uid)) {
		err = -errno;
		snprintf(msg, len, "dropping privileges to %s: %s", user, strerror(errno));
		return err;
	}
	if (syscall(SYS_capset, &hdr, data) || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		err = -errno;
		snprintf(msg, len, "dropping capabilities: %s", strerror(errno));
		return err;
	}
	if (uid != 0 && setuid(0) == 0) {
		snprintf(msg, len, "dropping privileges to %s: root could be regained", user);
		return -EPERM;
	}
	return 0;
}

static int find_netns(uint32_t inode, char *path, size_t len)
{
	static const char *const dirs[] = { "/run/netns", "/proc" };
	struct stat st;

	for (size_t i = 0; i < 2; i++) {
		DIR *dir = opendir(dirs[i]);
		struct dirent *de;

		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			if (de->d_name[0] == '.')
				continue;
			if (i == 0)
				snprintf(path, len, "%s/%s", dirs[i], de->d_name);
			else if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
				snprintf(path, len, "/proc/%s/ns/net", de->d_name);
			else
				continue;
			if (stat(path, &st) == 0 && st.st_ino == inode) {
				closedir(dir);
				return 0;
			}
		}
		closedir(dir);
	}
	return -ENOENT;
}

int privs_enter_netns(uint32_t inode, const char *path, char *msg, size_t len)
{
	char found[300];
	int fd, err;

	if (!path || !*path) {
		if (find_netns(inode, found, sizeof(found))) {
			snprintf(msg, len, "no /run/netns entry or process in netns %u", inode);
			return -ENOENT;
		}
		path = found;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		err = -errno;
		snprintf(msg, len, "entering netns %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	close(fd);
	return 0;
}
