/* SPDX-License-Identifier: MIT */
/*
 * Which probe goes where, and when a batch may be cut. Probe p (its sequence
 * number) is round p / ntargets, position p % ntargets. A round is the IPv4
 * targets, then the IPv6 ones, each family permuted on its own from one seed,
 * so a batch holds one family and goes out whole on one socket.
 *
 * With retries (-r) the order is walked round by round: a retry round starts
 * only when the last one is fully resolved, so its silent hosts are known.
 *
 * The target set may change between two rounds (sched_rebase): probes from
 * base on walk the new set, round numbers go on counting.
 *
 * Shards (sched_set_shard): shard I of N walks the positions I, I + N,
 * I + 2N, ... of every round, and only those. The positions of a round are a
 * bijection onto the targets (the permutation of a fixed seed), and every
 * position p < n has exactly one I = p mod N, so N machines with one seed
 * probe disjoint parts of the set whose union is the whole set, without a
 * word between them (ZMap's --shards, on our permutation). A shard's round is
 * its ceil((n - I) / N) positions, its IPv4 ones first: position p is IPv4
 * when p < n4, and I + qN < n4 exactly for the first ceil((n4 - I) / N) of
 * them.
 */
#ifndef RP_SCHEDULE_H
#define RP_SCHEDULE_H

#include <stdbool.h>
#include "permute.h"

enum { SCHED_V4, SCHED_V6 };

struct sched {
	struct permute perm[2];
	__u64 ntargets, n4;   /* targets; the IPv4 ones are indexes 0..n4-1 */
	__u64 len, len4;      /* positions a round walks (this shard's), and its IPv4 ones */
	__u64 shards, shard;  /* this is shard shard of shards (1, 0: the whole set) */
	__u64 total;	      /* probes planned */
	__u64 next;	      /* next probe to send */
	__u64 round_end;      /* retries: where the round being sent ends */
	__u32 retries;
	__u64 base;	      /* the first probe of this target set */
	__u64 round0;	      /* the round it started in */
	__u64 seed;
	__u64 wave[2];	      /* per family: walked in waves of this many, each permuted (0: one) */
};

/* total: probes planned (a multiple of ntargets, at least 1 target). */
void sched_init(struct sched *s, __u64 ntargets, __u64 n4, __u64 total, __u32 retries,
		__u64 seed);
/*
 * Walk each family in waves of wave4 / wave6 positions (a multiple of which
 * is the family's size), one after the other, each in its own random order:
 * a trace's TTLs one by one (trace.h). 0: the family is one wave.
 */
void sched_set_waves(struct sched *s, __u64 wave4, __u64 wave6);
/* Positions shard of shards holds of a round of n (0 if it holds none). */
__u64 sched_shard_len(__u64 n, __u64 shards, __u64 shard);
/*
 * Walk only shard's positions of shards, rounds rounds (the probes planned:
 * rounds times the shard's length). After sched_init, before the first probe.
 */
void sched_set_shard(struct sched *s, __u64 shards, __u64 shard, __u64 rounds);
/*
 * Probe at most max targets a round (0: no limit): the first max positions
 * of the shard's order, a random sample of it (its IPv4 targets first, as a
 * round's). After sched_set_shard, before the first probe.
 */
void sched_limit(struct sched *s, __u64 max, __u64 rounds);
/* Whether target idx is this shard's (and within its limit). */
bool sched_in_shard(const struct sched *s, __u64 idx);
/* SCHED_V4 or SCHED_V6: the family of probe p. */
int sched_family(const struct sched *s, __u64 p);
/* The target index of probe p. */
__u64 sched_order(const struct sched *s, __u64 p);
/* The inverse: where target idx stands in every round (SCHED_NONE: not in this shard). */
#define SCHED_NONE (~0ULL)
__u64 sched_position(const struct sched *s, __u64 idx);
/* Where the family of probe p ends within its round (a batch never crosses it). */
__u64 sched_family_end(const struct sched *s, __u64 p);
/*
 * An ICMP error quoting only 8 bytes names its target, not its probe: the
 * newest probe sent to idx (the last round that reached its position).
 * -EINVAL if idx was never probed.
 */
int sched_newest_seq(const struct sched *s, __u64 idx, __u64 *seq);
/* Probes that may go in the next batch: at most want, within the plan and round. */
__u64 sched_batch(const struct sched *s, __u64 want);
/* Retries: open the next round once nothing is in flight; true if one opened. */
bool sched_next_round(struct sched *s, __u64 in_flight);
/* The round probe p belongs to. */
__u64 sched_round(const struct sched *s, __u64 p);
/* Probe next starts a round: the set may change here. */
bool sched_at_round_start(const struct sched *s);
/*
 * A new target set from the next probe on, for rounds more rounds (the
 * probes planned end with them). Only at a round start, without retries.
 */
void sched_rebase(struct sched *s, __u64 ntargets, __u64 n4, __u64 rounds);

#endif
