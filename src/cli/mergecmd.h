/* SPDX-License-Identifier: MIT */
/*
 * ringping merge MANIFEST...: check that the manifests are the N shards of
 * one sweep (one target set digest, seed, count and version; every shard
 * 0..N-1 once; each complete, its probes each in one bucket, its results
 * file there and unchanged), then write their results as one (CSV with one
 * header, NDJSON with one "merge" record in place of the shards' summaries).
 * It fails loudly, naming the shard or the file, when they are not.
 */
#ifndef RP_MERGECMD_H
#define RP_MERGECMD_H

#include "cli.h"

/* The exit code: 0, RP_EXIT_USAGE, RP_EXIT_SYSTEM or RP_EXIT_MERGE. */
int mergecmd_main(const struct rp_opts *o);

#endif
