/* SPDX-License-Identifier: MIT */
/*
 * Files the command line writes (results, reports) appear whole or not at
 * all, and never through a link: each is written to a fresh file beside its
 * path (mkostemp: O_EXCL, a name nobody can plant in advance) and renamed
 * over the path when complete, or removed on failure. A FIFO or character
 * device named directly (not through a link) is written in place; "-",
 * /dev/stdout and /dev/stderr are the standard streams.
 */
#ifndef RP_SAFEFILE_H
#define RP_SAFEFILE_H

#include <stdbool.h>
#include <stdio.h>

struct safefile {
	const char *path;
	char tmp[4096];		/* the file being written, "" when written in place */
	FILE *f;
	bool own;		/* f is ours to close */
};

/* Check that path can be written, before anything is probed: 0, or -errno and why. */
int safefile_check(const char *path, char *why, size_t len);
/* Open for writing. 0, or -errno and a one-line reason in why. */
int safefile_open(struct safefile *s, const char *path, char *why, size_t len);
/* Flush, close and rename into place; on any failure remove what was written. 0 or -errno. */
int safefile_commit(struct safefile *s);
/* Close and remove what was written. */
void safefile_abort(struct safefile *s);

#endif
