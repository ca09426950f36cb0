// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "gzout.h"

bool gzout_wanted(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	return n > 3 && !strcmp(path + n - 3, ".gz");
}

static ssize_t gzout_write(void *cookie, const char *buf, size_t len)
{
	size_t done = 0;

	/* gzwrite takes an unsigned count: stdio hands over its buffer, never near that. */
	while (done < len) {
		unsigned n = len - done > (1u << 30) ? 1u << 30 : (unsigned)(len - done);
		int w = gzwrite(cookie, buf + done, n);

		if (w <= 0) {
			errno = EIO;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)w;
	}
	return (ssize_t)done;
}

/* The trailer (length and CRC) goes out here: a stream not closed is not a whole file. */
static int gzout_close(void *cookie)
{
	if (gzclose(cookie) != Z_OK) {
		errno = EIO;
		return -1;
	}
	return 0;
}

FILE *gzout_open(int fd)
{
	cookie_io_functions_t io = { .write = gzout_write, .close = gzout_close };
	int own = dup(fd);
	gzFile gz;
	FILE *f;

	if (own < 0)
		return NULL;
	gz = gzdopen(own, "wb");
	if (!gz) {
		close(own);
		errno = ENOMEM;
		return NULL;
	}
	f = fopencookie(gz, "w", io);
	if (!f)
		gzclose(gz);
	return f;
}
