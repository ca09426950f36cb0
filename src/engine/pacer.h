/* SPDX-License-Identifier: MIT */
/*
 * Send pacing against an ideal schedule: probe k is due at
 * start + k * num_ns / den. Following the schedule (not the gap since the
 * last send) keeps the long-run rate exact at any rate, also fractional ones
 * (-p 1500 to one host is 2/3 probe per second); a backlog larger than one
 * burst is forgiven, so a stall never turns into a burst the network would
 * drop. The caller supplies the clock, which keeps the module testable.
 */
#ifndef RP_PACER_H
#define RP_PACER_H

#include <linux/types.h>

struct pacer {
	__u64 num_ns, den; /* den probes every num_ns; den 0 = unpaced */
	__u64 start_ns;	   /* schedule origin (moves forward when a backlog is forgiven) */
	__u64 due;	   /* probes the schedule has released so far, relative to start */
	__u32 burst;	   /* most probes released at once */
};

/* rate: probes per second, 0 = unpaced. */
void pacer_init(struct pacer *p, __u64 rate, __u32 burst, __u64 now_ns);
/* Also at most den probes per num_ns: the slower of the two schedules wins. */
void pacer_limit(struct pacer *p, __u64 num_ns, __u64 den);
/* The first n probes go at once (ping's preload): the schedule starts n - 1 probes early. */
void pacer_preload(struct pacer *p, __u32 n);
/* Probes per second (rounded down; 0 = unpaced). */
__u64 pacer_rate(const struct pacer *p);
/* How many probes may go now (0..burst). */
__u32 pacer_allow(struct pacer *p, __u64 now_ns);
/* Record that n of the allowed probes went out. */
void pacer_commit(struct pacer *p, __u32 n);
/* When at least want probes will be allowed (now_ns if already); unpaced: now_ns. */
__u64 pacer_next_ns(const struct pacer *p, __u32 want, __u64 now_ns);

#endif
