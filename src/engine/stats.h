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
#include "ringping.h"
#include "inflight.h"

/*
 * Fill the counts; the caller sets elapsed_s, send_s, incomplete and
 * alive_hosts first. planned: probes the run meant to send (targets x count).
 */
void stats_summarize(struct ringping_summary *s, const struct inflight_counts *c,
		     const struct rp_counters *bpf, __u64 targets, __u64 planned);

#endif
