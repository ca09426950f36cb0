/* SPDX-License-Identifier: MIT */
/*
 * Report files written at the end of a run, beside the results stream:
 *
 * prom_*: Prometheus / OpenMetrics text exposition for node_exporter's
 *   textfile collector. Every value is a gauge (valid under both the
 *   OpenMetrics and the classic text parser), RTT a histogram in seconds with
 *   a bucket per octave. Families are collected host by host and written
 *   family by family at the end, to FILE.tmp, then renamed over FILE, so a
 *   scraper never reads half a file.
 *
 * junit_*: JUnit XML, one test case per host (and one for run-wide checks),
 *   a failure carrying its reason, for CI systems to show natively.
 */
#ifndef RP_REPORT_H
#define RP_REPORT_H

#include <stdio.h>
#include "ringping.h"

enum prom_family {
	PROM_SENT, PROM_RECEIVED, PROM_DUPLICATES, PROM_LATE, PROM_ERRORS, PROM_LOSS,
	PROM_MIN, PROM_AVG, PROM_MAX, PROM_STDDEV, PROM_JITTER, PROM_QUANTILE, PROM_RTT,
	PROM__COUNT,
};

struct prom {
	const char *path;
	FILE *fam[PROM__COUNT];
	char *buf[PROM__COUNT];
	size_t len[PROM__COUNT];
};

/* 0 or -errno; nothing is written to path before prom_close. */
int prom_open(struct prom *p, const char *path);
/* A host (its name NULL if none: a name label when not), its summary and its RTT histogram (ringping_host_hist). */
void prom_host(struct prom *p, const struct ringping_addr *a, const char *name, const struct ringping_host *s,
	       const __u32 *hist, __u32 nbuckets);
/* Write the run's families and the hosts', rename into place; 0 or -errno. */
int prom_close(struct prom *p, const struct ringping_summary *sum);
void prom_free(struct prom *p);

struct junit {
	const char *path;
	FILE *cases;
	char *buf;
	size_t len;
	__u64 tests, failures;
};

int junit_open(struct junit *j, const char *path);
/* A test case: failure NULL for a pass; detail goes to the case's system-out. */
void junit_case(struct junit *j, const char *name, const char *failure, const char *detail);
int junit_close(struct junit *j, const struct ringping_summary *sum);
void junit_free(struct junit *j);

#endif
