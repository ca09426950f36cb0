/* SPDX-License-Identifier: MIT */
/*
 * Per-host statistics over many probes, updated in O(1) per outcome with a
 * fixed memory cost per host.
 *
 * RTT moments use Welford's update (numerically stable at any count);
 * percentiles come from a histogram of log-linear buckets: every octave of
 * nanoseconds from 2^7 up to the timeout is cut into HS_SUB equal buckets
 * [v, v + v/8). A percentile is reported as the midpoint of its bucket
 * intersected with the exact [min, max], so it is off by at most half a
 * bucket: 1/16 (6.25 %) of the true value, often much less. RTTs under
 * 128 ns share one bucket (absolute error under 64 ns).
 *
 * Jitter is the mean absolute difference of consecutive RTTs in the order
 * the replies were resolved. A reply is reordered when a later probe to the
 * same host was answered first.
 */
#ifndef RP_HOSTSTATS_H
#define RP_HOSTSTATS_H

#include <stdbool.h>
#include "addr.h"
#include "result.h"

#define HS_SUB 8
_Static_assert(HS_SUB == RINGPING_HIST_PER_OCTAVE, "the API's histogram octaves");
#define HS_MIN_SHIFT 7
#define HS_ERRS RINGPING_HOST_ERRS /* more are only counted */

struct host_stats {
	__u32 sent, received, duplicates, late, reordered;
	__u32 unreachable, time_exceeded, other_errors;
	__u32 rtt_n;		/* replies with a usable RTT */
	__u32 jitter_n;		/* consecutive pairs in jitter_sum */
	__u32 next_round;	/* 1 + highest round answered; 0: none yet */
	__u64 min_ns, max_ns, last_ns;
	double mean_ns, m2, jitter_sum;
	struct ringping_host_err err[HS_ERRS]; /* the first distinct kinds of error, in order seen */
	__u32 err_other;	      /* errors of further kinds */
};

/* The histograms of all hosts, in one allocation: pages of silent hosts stay untouched. */
struct hoststats {
	struct host_stats *h;
	__u32 *hist;		/* n * nbuckets */
	__u64 n;
	__u64 max_ns;		/* the largest RTT the buckets cover (the timeout) */
	__u32 nbuckets;
};

/* n hosts, RTTs up to max_rtt_ns (the timeout). 0 or -ENOMEM. */
/* What hoststats_init allocates for n hosts. */
__u64 hoststats_bytes(__u64 n, __u64 max_rtt_ns);
int hoststats_init(struct hoststats *s, __u64 n, __u64 max_rtt_ns);
void hoststats_free(struct hoststats *s);
/* Bytes of state per host (record + histogram). */
size_t hoststats_bytes_per_host(const struct hoststats *s);
void hoststats_sent(struct hoststats *s, __u64 i);
/* An echo reply to the host's probe of this round; rtt_ns < 0: no usable RTT. */
void hoststats_reply(struct hoststats *s, __u64 i, __u32 round, __s64 rtt_ns);
/* An ICMP error of class st (RINGPING_UNREACHABLE, RINGPING_TIME_EXCEEDED or RINGPING_ERROR: type numbers differ per family). */
void hoststats_error(struct hoststats *s, __u64 i, enum ringping_status st, __u8 type, __u8 code,
		     const struct ringping_addr *from);
void hoststats_duplicate(struct hoststats *s, __u64 i);
void hoststats_late(struct hoststats *s, __u64 i);
/* Host j of src becomes host i of dst (same timeout, so the same buckets): the set changed. */
void hoststats_copy(struct hoststats *dst, __u64 i, const struct hoststats *src, __u64 j);
/* Fold host i into a pooled record and histogram (agg has one host). */
void hoststats_merge(struct hoststats *agg, const struct hoststats *s, __u64 i);
void hoststats_summary(const struct hoststats *s, __u64 i, struct ringping_host *out);
/* Bucket of an RTT, and the value a bucket reports (exposed for tests). */
__u32 hoststats_bucket(const struct hoststats *s, __u64 ns);
double hoststats_bucket_mid_ns(__u32 b);
/* Upper bound (ns) of bucket b, for cumulative histograms (Prometheus "le"). */
double hoststats_bucket_upper_ns(__u32 b);

#endif
