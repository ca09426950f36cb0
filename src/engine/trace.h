/* SPDX-License-Identifier: MIT */
/*
 * A trace's hops. Every (target, flow, TTL) is one "hop" of the run, with an
 * index of its own: the schedule, the in-flight ring and the per-host
 * statistics work on hops as a sweep works on targets. Within a family's
 * block the hops are TTL-major, a wave per TTL holding every (flow, target):
 *
 *	local = ttl_i * W + flow_i * n + t,   W = flows * n,   n = the family's targets
 *
 * so the schedule permutes each wave on its own (sched_set_wave) and a wave
 * goes out after the one before: by then most targets' distances are known,
 * and TTLs past them are not probed (trace_beyond).
 */
#ifndef RP_TRACE_H
#define RP_TRACE_H

#include <stdbool.h>
#include "probe.h"

struct trace_map {
	__u64 n4, n6;		/* real targets of each family */
	__u32 first, hops;	/* TTLs first .. first + hops - 1 */
	__u32 flow0, flows;	/* flows flow0 .. flow0 + flows - 1 */
	__u8 *dist;		/* per real target: where its path ends (its echo reply, an
				 * unreachable), 0 unknown */
	__u8 *reached;		/* per real target: an echo reply came */
};

int trace_map_init(struct trace_map *m, __u64 n4, __u64 n6, __u32 first, __u32 max_ttl,
		   __u32 flow0, __u32 flows);
void trace_map_free(struct trace_map *m);
/* Hops in all, and the IPv4 ones (the first block). */
__u64 trace_count(const struct trace_map *m);
__u64 trace_count4(const struct trace_map *m);
/* Hops per wave of one family (4 or 6). */
__u64 trace_wave(const struct trace_map *m, int family);
/* Hop v: its real target's index and which probe (query left 0). */
void trace_split(const struct trace_map *m, __u64 v, __u64 *target, struct probe_hop *h);
/* The hop of (target, flow, ttl): 0, or -EINVAL if the run has no such hop. */
int trace_join(const struct trace_map *m, __u64 target, __u32 flow, __u32 ttl, __u64 *v);
/* An echo reply (or an unreachable) for target at ttl: its path ends there at the latest. */
void trace_reached(struct trace_map *m, __u64 target, __u32 ttl);
/* Hop v lies past its target's known distance: not worth a probe. */
bool trace_beyond(const struct trace_map *m, __u64 v);

#endif
