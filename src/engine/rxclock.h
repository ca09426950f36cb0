/* SPDX-License-Identifier: MIT */
/*
 * The receive clock. Kernels since 6.1 stamp records with CLOCK_TAI, the
 * TX stamps' clock (CLOCK_REALTIME) plus a whole number of seconds. Older
 * kernels have no TAI helper for BPF, so records carry CLOCK_MONOTONIC and are
 * moved onto TAI here by an offset measured with bracketed clock reads: the
 * two clocks run at one rate (NTP slews both), so the offset changes only when
 * the wall clock is stepped. It is measured again every RXCLOCK_CHECK_NS; a
 * change beyond the reads' own error is a step, counted, and RTTs across it
 * are the ones the in-flight ring rejects as out of range.
 */
#ifndef RP_RXCLOCK_H
#define RP_RXCLOCK_H

#include <stdbool.h>
#include <linux/types.h>

#define RXCLOCK_CHECK_NS 100000000ULL /* 100 ms */

struct rxclock {
	bool mono;	   /* records carry CLOCK_MONOTONIC */
	__s64 off_ns;	   /* CLOCK_TAI - CLOCK_MONOTONIC */
	__s64 err_ns;	   /* half the narrowest bracket: the offset's error bound */
	__u64 next_check;  /* CLOCK_MONOTONIC */
	__u64 steps;	   /* wall-clock steps seen during the run */
};

/* Best of several (MONOTONIC, TAI, MONOTONIC) brackets; *err_ns gets half its width. */
__s64 rxclock_measure(__s64 *err_ns);
void rxclock_init(struct rxclock *c, bool mono, __u64 now_mono);
/* Measure again when due; true if the offset moved (a step). */
bool rxclock_update(struct rxclock *c, __u64 now_mono);

static inline __u64 rxclock_tai(const struct rxclock *c, __u64 rx_ns)
{
	return c->mono ? (__u64)((__s64)rx_ns + c->off_ns) : rx_ns;
}

#endif
