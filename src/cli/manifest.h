/* SPDX-License-Identifier: MIT */
/*
 * --manifest FILE: a small JSON object that says what one run (one shard of
 * a sweep) was and did, so that `ringping merge` can check that N shards
 * make one whole sweep: the target set's digest, the seed, the shard, the
 * counts of every bucket, the results file with its size and CRC-32, the
 * times, the version. Written whole or not at all (safefile); read back by
 * a strict parser of exactly this flat shape.
 */
#ifndef RP_MANIFEST_H
#define RP_MANIFEST_H

#include <stdbool.h>
#include <stdio.h>
#include "ringping.h"

#define MANIFEST_STR 4096

struct manifest {
	char version[32], targets_digest[24], key_id[16], start[40], end[40];
	char results[MANIFEST_STR], format[16];
	__u64 seed, shards, shard, count, set_targets;
#define MANIFEST_COUNTS(X) X(targets) X(probes) X(sent) X(replied) X(errors) X(no_reply) \
	X(dropped_locally) X(send_failed) X(unprobed)
#define X(f) __u64 f;
	MANIFEST_COUNTS(X) /* the run summary's, by the same names */
#undef X
	__s64 unaccounted;
	__u64 results_bytes, results_crc32;
	bool complete, has_results;
};

/* Fill the run's fields (m->results and format set by the caller). */
void manifest_from_run(struct manifest *m, struct ringping *e, const struct ringping_summary *s,
		       __u64 seed, __u64 shards, __u64 shard, __u64 count);
/* The results file's size and CRC-32 (read back, compressed bytes as written). 0 or -errno. */
int manifest_digest_file(const char *path, __u64 *bytes, __u64 *crc);
/* Write atomically. 0 or -errno with why. */
int manifest_write(const char *path, const struct manifest *m, char *why, size_t len);
/* Parse n bytes (no NUL needed) as a manifest: true only for exactly the written shape. */
bool manifest_parse(const char *text, size_t n, struct manifest *m);
/* Read one. 0, or -EINVAL with why naming the file and what is wrong. */
int manifest_read(const char *path, struct manifest *m, char *why, size_t len);

#endif
