/* SPDX-License-Identifier: MIT */
/*
 * --histogram: RTTs as bars in the terminal, from the engine's per-host
 * histogram (ringping_host_hist: 8 buckets per octave of nanoseconds, the
 * same the percentiles come from). Rows are log-scaled in time: whole
 * octaves, or finer when the RTTs span few, so that the rows between the
 * fastest and the slowest reply number at most HIST_ROWS.
 */
#ifndef RP_HISTOGRAM_H
#define RP_HISTOGRAM_H

#include <stdio.h>
#include "ringping.h"

#define HIST_ROWS 24
#define HIST_BAR 40

/* "RTT histogram, TITLE (N replies):" and a row per bucket group; nothing for no replies. */
void histogram_print(FILE *f, const char *title, const __u32 *counts, __u32 n);

#endif
