/* SPDX-License-Identifier: MIT */
/*
 * Results to stdout (or -o FILE) in one of three formats, one row per probe
 * as it resolves; the run summary to stderr as text, and in NDJSON also as a
 * last record on the result stream. Each format is a module behind one ops
 * table (output_int.h); CSV and NDJSON rows come from shared field tables.
 * Fields: README "Output".
 */
#ifndef RP_OUTPUT_H
#define RP_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>
#include "ringping.h"
#include "safefile.h"

enum out_format { OUT_TEXT, OUT_CSV, OUT_NDJSON };

struct output_cfg {
	enum out_format format;
	const char *path;  /* NULL or "-": stdout */
	bool alive_only;   /* -a: rows for alive targets only */
	bool unreach_only; /* -u: rows for targets that did not answer only */
	bool quiet;	   /* -q: no per-target rows */
	bool multi;	   /* many probes per host: per-host summaries, per-probe rows in fping style */
	bool per_probe;	   /* multi: CSV/NDJSON records per probe too (CSV: instead of hosts) */
	bool timestamps;   /* -D: text lines start with [wall-clock time] */
	bool stats;	   /* -s: the summary's every counter, not its three lines */
	bool names;	   /* some targets were given by name: CSV has a name column */
	bool tstamp;	   /* --probe timestamp: the remote's times and clock offset (CSV: their columns) */
};

struct output_ops;

struct output {
	struct output_cfg cfg;
	struct safefile sf;	/* -o FILE: written beside it, renamed into place when whole */
	const struct output_ops *ops; /* the format's (output_text.c, output_csv.c, output_ndjson.c) */
	FILE *f;
	FILE *gz;   /* -o FILE.gz: f, compressing into the safefile's (gzout) */
	FILE *diag; /* where the text summary goes (stderr) */
	bool own;   /* f was opened by us */
	__s64 tai_off_ns; /* CLOCK_TAI - CLOCK_REALTIME, for wall-clock times of probes */
	/* Where the targets' names come from (NULL: addresses only, -n). */
	const char *(*name)(void *ctx, __u64 idx);
	void *name_ctx;
};

/* Format named by a file's extension (before a .gz): .csv, .json/.ndjson/.jsonl, else text. */
enum out_format output_format_for(const char *path);
int output_parse_format(const char *s, enum out_format *f);
/* 0, or -errno with a one-line reason in why. */
int output_open(struct output *o, const struct output_cfg *cfg, char *why, size_t len);
void output_result(struct output *o, const struct ringping_probe *r);
/* Whether r makes a row at all (-q, -a, -u, per-probe records). */
bool output_wanted(const struct output *o, const struct ringping_probe *r);
/*
 * Another host that answered a broadcast or multicast target's probe: text
 * and CSV as a result (or -c probe) row of its own, NDJSON a "responder" record.
 */
void output_responder(struct output *o, const struct ringping_probe *r);
void output_summary(struct output *o, const struct ringping_summary *s);
/*
 * Per-host statistics: one record per host (target idx), or with a NULL
 * address the pooled statistics ("aggregate").
 */
void output_host(struct output *o, const struct ringping_addr *host, __u64 idx, const struct ringping_host *s);
/* -C: every RTT of a host in ms, NAN for a probe without one (text: fping's -C line; NDJSON: a record). */
void output_host_rtts(struct output *o, const struct ringping_addr *host, __u64 idx, const float *rtts,
		      __u64 n);
/* The text form of a host record, to any stream (interim statistics). */
void output_host_text(struct output *o, FILE *f, const struct ringping_addr *host, __u64 idx,
		      const struct ringping_host *s);
/* Target idx's name, or NULL (none, or -n). */
const char *output_name(const struct output *o, __u64 idx);
/* Room for a label: a name of up to 253 bytes and an address. */
#define OUT_LABEL_MAX (256 + RINGPING_ADDRSTRLEN + 4)
/* "db1 (198.19.0.1)" for a named target, else the address: text's, JUnit's and the CI log's. */
const char *output_label(const struct output *o, const struct ringping_addr *a, __u64 idx, char *buf,
			 size_t len);
/* Flush and close; -errno if any write failed (full disk, closed stdout): then no file is left. */
int output_close(struct output *o);

#endif
