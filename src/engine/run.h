/* SPDX-License-Identifier: MIT */
/*
 * One run: load the BPF receive path, send the permuted target set through
 * the pacer, match records and TX stamps to probes in flight, and end as soon
 * as every probe is resolved. A single thread owns all of it, in one loop:
 * send a batch, read TX stamps, consume records, retire timeouts, sleep.
 * What the run learnt (per-host statistics, the summary) stays in struct run
 * for the engine's queries until run_free.
 */
#ifndef RP_RUN_H
#define RP_RUN_H

#include "engine.h"
#include "hoststats.h"
#include "stats.h"

/* Probe e's finalized target set; fn gets each probe. 0, or -errno (reason in e->err). */
int run_probe(struct ringping *e, ringping_probe_fn fn, void *ctx, struct run **out);
/* The summary so far (from a callback), or the final one. */
void run_summary(const struct run *r, struct ringping_summary *s);
/* Per-host statistics (NULL if the run kept none), pooled ones, and -C's RTTs. */
const struct hoststats *run_hoststats(const struct run *r);
/* Hosts the run keeps statistics for: its targets, or a trace's hops. */
__u64 run_hosts(const struct run *r);
/* A trace's hops, or NULL. */
const struct trace_map *run_trace(const struct run *r);
struct sched;
/* The run's probing order (its shard). */
const struct sched *run_sched(const struct run *r);
const struct hoststats *run_pooled(const struct run *r);
const float *run_rtts(const struct run *r, __u64 *per_host);
/* The run got as far as probing (its summary means something). */
bool run_started(const struct run *r);
void run_free(struct run *r);

#endif
