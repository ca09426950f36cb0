// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "safefile.h"

static FILE *safefile_std(const char *path)
{
	if (!strcmp(path, "-") || !strcmp(path, "/dev/stdout"))
		return stdout;
	return !strcmp(path, "/dev/stderr") ? stderr : NULL;
}

/* What stands at path: 0 (nothing, or a regular file), 1 (a FIFO or device to write in place), or -errno. */
static int safefile_kind(const char *path, char *why, size_t len)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : (snprintf(why, len, "'%s': %s", path, strerror(errno)), -errno);
	if (S_ISREG(st.st_mode))
		return 0;
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
		return 1;
	snprintf(why, len, "'%s' is %s: ringping writes only regular files, FIFOs and devices, never "
		 "through a link", path, S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode)
		 ? "a directory" : "not a regular file");
	return S_ISDIR(st.st_mode) ? -EISDIR : -ELOOP;
}

/* The directory the file goes in must take a new file: the temporary one, then the rename. */
static int safefile_dir_ok(const char *path, char *why, size_t len)
{
	char buf[4096], *dir;

	if (strlen(path) >= sizeof(buf))
		return snprintf(why, len, "'%.64s...': path too long", path), -ENAMETOOLONG;
	strcpy(buf, path);
	dir = dirname(buf);
	if (access(dir, W_OK | X_OK))
		return snprintf(why, len, "'%s': %s", path, strerror(errno)), -errno;
	return 0;
}

int safefile_check(const char *path, char *why, size_t len)
{
	int k;

	if (safefile_std(path))
		return 0;
	k = safefile_kind(path, why, len);
	if (k < 0)
		return k;
	if (k == 1 && access(path, W_OK))
		return snprintf(why, len, "'%s': %s", path, strerror(errno)), -errno;
	return k == 1 ? 0 : safefile_dir_ok(path, why, len);
}

/* A FIFO or a device, named directly: written in place, never created, never followed. */
static int safefile_in_place(struct safefile *s, char *why, size_t len)
{
	int fd = open(s->path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 || !(s->f = fdopen(fd, "w"))) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		return snprintf(why, len, "'%s': %s", s->path, strerror(-err)), err;
	}
	s->own = true;
	return 0;
}

int safefile_open(struct safefile *s, const char *path, char *why, size_t len)
{
	mode_t mask;
	int fd, k;

	memset(s, 0, sizeof(*s));
	s->path = path;
	if ((s->f = safefile_std(path)))
		return 0;
	k = safefile_check(path, why, len);
	if (k < 0)
		return k;
	if (safefile_kind(path, why, len) == 1)
		return safefile_in_place(s, why, len);
	snprintf(s->tmp, sizeof(s->tmp), "%s.XXXXXX", path);
	fd = mkostemp(s->tmp, O_CLOEXEC);
	if (fd < 0)
		return snprintf(why, len, "'%s': %s", path, strerror(errno)), -errno;
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || !(s->f = fdopen(fd, "w"))) {
		int err = -errno;

		close(fd);
		unlink(s->tmp);
		return snprintf(why, len, "'%s': %s", path, strerror(-err)), err;
	}
	s->own = true;
	return 0;
}

int safefile_commit(struct safefile *s)
{
	int err = 0;

	if (!s->f)
		return 0;
	if (fflush(s->f) || ferror(s->f))
		err = -(errno ? errno : EIO);
	if (s->own && fclose(s->f) && !err)
		err = -errno;
	s->f = NULL;
	if (s->tmp[0] && !err && rename(s->tmp, s->path))
		err = -errno;
	if (s->tmp[0] && err)
		unlink(s->tmp);
	s->tmp[0] = '\0';
	return err;
}

void safefile_abort(struct safefile *s)
{
	if (s->f && s->own)
		fclose(s->f);
	s->f = NULL;
	if (s->tmp[0])
		unlink(s->tmp);
	s->tmp[0] = '\0';
}
