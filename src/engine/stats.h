/* SPDX-License-Identifier: MIT */
/*
 * The run summary: every probe the kernel accepted lands in exactly one of
 * replied, ICMP error, no reply or dropped locally; unaccounted is what is
 * left over and must be 0. Drops inside ringping (ring buffer full) are
 * never counted as network loss.
 */
#ifndef RP_STATS_H
#define RP_STATS_H

#include <stdbool.h>
#include "inflight.h"

/* What the run was, for the machine-readable summary. */
struct run_meta {
	const char *mode;      /* socket or xdp */
	const char *send_path; /* raw or packet */
	const char *tx_stamps; /* keyed (SCM_TS_OPT_ID), looped (by the frame's copy) or user */
	const char *rx_clock;  /* tai, or monotonic (moved onto TAI by a measured offset) */
	__u64 rate, count, period_ms, seed;
	bool loop;
	__u32 key_id;	       /* names the run's key without revealing it */
	double start_s, end_s; /* wall clock, seconds since the epoch */
};

struct run_summary {
	struct run_meta meta;
	__u64 targets, probes, sent, send_failed;
	__u64 alive_hosts; /* targets with at least one echo reply */
	__u64 replied, errors, unreachable, time_exceeded, other_errors;
	__u64 no_reply, dropped_locally, unprobed;
	__s64 unaccounted; /* sent minus every bucket: 0 unless ringping lost track */
	__u64 duplicates, late, invalid, malformed, not_ours, tx_user_stamps, rtt_bad;
	double elapsed_s; /* first send to the end of the run */
	double send_s;	  /* first send to last send */
	double send_pps;
	bool incomplete;
	bool checks;	       /* CI checks were asked for */
	__u64 check_failures;  /* hosts (or the run) failing them */
};

/*
 * Fill the counts; the caller sets elapsed_s, send_s, incomplete and
 * alive_hosts first. planned: probes the run meant to send (targets x count).
 */
void stats_summarize(struct run_summary *s, const struct inflight_counts *c,
		     const struct rp_counters *bpf, __u64 targets, __u64 planned);

#endif
