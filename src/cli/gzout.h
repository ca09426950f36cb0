/* SPDX-License-Identifier: MIT */
/*
 * -o FILE.gz: a stdio stream whose bytes go through zlib's gzip writer, so
 * that the output modules keep writing with fprintf. The gzip trailer is
 * written when the stream is closed, which every end of a run does (Ctrl-C
 * ends a run, it does not kill it).
 */
#ifndef RP_GZOUT_H
#define RP_GZOUT_H

#include <stdbool.h>
#include <stdio.h>

/* Whether a path asks for gzip (it ends in ".gz"). */
bool gzout_wanted(const char *path);
/* A write-only stream compressing into fd (which stays open: its own copy is closed). NULL, errno set. */
FILE *gzout_open(int fd);

#endif
