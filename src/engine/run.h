/* SPDX-License-Identifier: MIT */
/*
 * One run: load the BPF receive path, send the permuted target set through
 * the pacer, match records and TX stamps to probes in flight, and end as soon
 * as every probe is resolved. A single thread owns all of it, in one loop:
 * send a batch, read TX stamps, consume records, retire timeouts, sleep.
 */
#ifndef RP_RUN_H
#define RP_RUN_H

#include "cli.h"
#include "stats.h"
#include "targets.h"

/* Exit codes, as fping's. */
enum rp_exit {
	RP_EXIT_ALL_ALIVE = 0,
	RP_EXIT_SOME_DOWN = 1,
	RP_EXIT_UNRESOLVED = 2,
	RP_EXIT_USAGE = 3,
	RP_EXIT_SYSTEM = 4,
	RP_EXIT_CHECK = 5,   /* a CI check failed */
	RP_EXIT_INVALID = 6, /* checks asked for, but ringping lost answers or sends itself */
};

/* Probe the finalized target set. 0, or -errno on a system failure. */
int run_probe(const struct rp_opts *o, const struct targets *t, struct run_summary *sum);
/* Async-signal-safe: first call stops sending, second ends the wait. */
void run_request_stop(void);
/* Async-signal-safe (SIGQUIT): print the statistics so far, and go on. */
void run_request_interim(void);

#endif
