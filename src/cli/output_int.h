/* SPDX-License-Identifier: MIT */
/*
 * Inside the output modules: one ops table per format (output_text.c,
 * output_csv.c, output_ndjson.c), and the field tables CSV and NDJSON rows
 * are made from, so the two cannot drift apart.
 */
#ifndef RP_OUTPUT_INT_H
#define RP_OUTPUT_INT_H

#include "output.h"

#define OUT_LABEL OUT_LABEL_MAX

/* One result or probe row, with its addresses already in text. */
struct out_row {
	const struct output *o;
	const struct ringping_probe *r;
	const char *host, *from;
	const char *name;  /* the target's name, or NULL */
	const char *label; /* text's: "name (address)", or the address */
};

/* A field: its text in buf (or a constant), NULL when it has no value (CSV empty, JSON null). */
struct out_field {
	const char *name;
	const char *(*get)(const struct out_row *w, char *buf, size_t len);
	bool str;	/* JSON quotes it */
	bool optional;	/* JSON leaves it out when it has no value; CSV has no column */
	bool tstamp;	/* optional, but CSV has its column in a timestamp-probe run (cfg.tstamp) */
	bool names;	/* optional, but CSV has its column when targets have names (cfg.names) */
};

struct out_table {
	const char *type;	/* NDJSON "type" */
	const struct out_field *f;
	int n;
};

/* Whether CSV has field f's column. */
bool out_csv_column(const struct output *o, const struct out_field *f);
extern const struct out_table out_result_fields, out_probe_fields, out_responder_fields;

struct output_ops {
	/* A row for one probe: a target's result (one probe each), or one of many (-c, -l). */
	void (*result)(struct output *o, const struct out_row *w);
	void (*probe)(struct output *o, const struct out_row *w);
	/* Another host's answer to a broadcast or multicast probe (NULL: as result or probe). */
	void (*responder)(struct output *o, const struct out_row *w);
	/* A host's statistics (its name NULL if none, label as text shows it); host NULL: all hosts pooled. */
	void (*host)(struct output *o, const char *host, const char *name, const char *label,
		     const struct ringping_host *s);
	/* -C: every RTT of a host (NULL: the format has no such record). */
	void (*rtts)(struct output *o, const char *host, const char *name, const char *label,
		     const float *rtts, __u64 n);
	/* The run summary on the result stream (NULL: it goes to stderr only). */
	void (*summary)(FILE *f, const struct ringping_summary *s);
	/* Written once at open (NULL: none). */
	void (*header)(struct output *o);
};

extern const struct output_ops output_text_ops, output_csv_ops, output_ndjson_ops;

/* Shared by the formats. */
bool out_has_icmp(const struct ringping_probe *r);
bool out_has_mtu(const struct ringping_probe *r);
/* CLOCK_TAI ns as wall-clock "seconds.micros", or NULL for none. */
const char *out_time(const struct output *o, __u64 tai_ns, char *buf, size_t len);
/*
 * The error table: "type/code/router=count" items. fmt_item gets its
 * separator, type, code, router and count; fmt_other ends the list when
 * some kinds were only counted.
 */
void out_host_errs(FILE *f, const struct ringping_host *s, const char *fmt_item, const char *sep,
		   const char *fmt_other);
void out_host_text(FILE *f, const char *host, const struct ringping_host *s, bool pooled);
/* The run summary as text (stderr, whatever the format). */
void out_summary_text(FILE *f, const struct ringping_summary *s, bool full);

/* One table drives the host records' CSV header, CSV row and JSON object. */
#define HOST_COUNT_FIELDS(X) X(sent) X(received) X(duplicates) X(late) X(reordered) X(errors)
#define HOST_RTT_FIELDS(X)                                                                  \
	X(min_ms) X(avg_ms) X(max_ms) X(stddev_ms) X(jitter_ms) X(p50_ms) X(p90_ms) X(p95_ms) \
	X(p99_ms)

/* One table drives both summary forms (text and NDJSON), so they cannot drift apart. */
#define SUMMARY_U64_FIELDS(X)                                                                   \
	X(targets) X(alive_hosts) X(probes) X(sent) X(replied) X(errors) X(unreachable)         \
	X(time_exceeded) X(other_errors) X(no_reply) X(dropped_locally) X(send_failed)          \
	X(unprobed) X(duplicates) X(late) X(invalid) X(malformed) X(not_ours) X(tx_user_stamps) \
	X(rtt_bad) X(check_failures)

#endif
