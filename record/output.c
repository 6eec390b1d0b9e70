// SPDX-License-Identifier: BSD-2-Clause
/*
 * output.c - output file handling.  A trace reveals hosts and processes:
 * it is created 0600 (and fchmod()ed, since O_TRUNC keeps the mode of an
 * existing file).
 */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int output_open(const char *path)
{
	int fd;

	if (!strcmp(path, "-")) {
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		return fd < 0 ? -errno : fd;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0600)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void output_close(int fd, const char *path, int discard)
{
	if (fd >= 0)
		close(fd);
	if (discard && strcmp(path, "-"))
		(void)unlink(path);
}
