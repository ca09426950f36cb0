/* SPDX-License-Identifier: MIT */
/*
 * The end of a run with per-host statistics: one pass over the hosts writes
 * their records (when probing many times), the Prometheus and JUnit reports,
 * and evaluates the checks; the pooled statistics follow. The failing hosts
 * are printed as one block after the run summary, where a CI log ends.
 */
#ifndef RP_HOSTREPORT_H
#define RP_HOSTREPORT_H

#include "ringping.h"
#include "checks.h"
#include "output.h"
#include "report.h"

struct hostreport_in {
	const struct ringping *e;    /* the engine after its run: hosts, statistics */
	__u64 ntargets;		     /* the target set's (host indexes; the pool is index ntargets) */
	__u64 probed;		     /* the run's targets: its shard's (the alive check's whole) */
	__u64 alive_hosts;
	bool multi;		     /* write host records to the output */
	const struct check_cfg *checks;
	bool rtts;		     /* -C: every RTT of each host */
	const char *prom_path, *junit_path;
	struct output *out;
};

struct hostreport {
	FILE *fails;		     /* the failure block */
	char *buf;
	size_t len;
	__u64 nfails;
	struct prom prom;
	struct junit junit;
	bool prom_on, junit_on;
};

/* Records, report entries and checks for every host; sum->check_failures. 0 or -errno. */
int hostreport_hosts(struct hostreport *rep, const struct hostreport_in *in, struct ringping_summary *sum);
/* After the summary: write the report files, print the failure block. 0 or -errno. */
int hostreport_finish(struct hostreport *rep, const struct ringping_summary *sum, FILE *diag);

#endif
