/* SPDX-License-Identifier: MIT */
/*
 * CI checks: limits on loss and RTT statistics, per host or for the run as
 * a whole (--aggregate), and a minimum of hosts alive (fping's -x). A check
 * on an RTT statistic fails for a host that gave no RTT at all: nothing was
 * measured, so nothing was shown to be within the limit.
 */
#ifndef RP_CHECKS_H
#define RP_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include "ringping.h"

enum check_stat { CHK_LOSS, CHK_RTT_MAX, CHK_AVG, CHK_P50, CHK_P95, CHK_P99, CHK__COUNT };

struct check_cfg {
	double limit[CHK__COUNT]; /* < 0: not checked; loss in %, the rest in ms */
	bool aggregate;		  /* check the pooled statistics, not each host */
	double min_alive;	  /* < 0: not checked */
	bool min_alive_pct;	  /* min_alive is a percentage of the targets */
};

void checks_init(struct check_cfg *c);
/* Any limit or minimum set. */
bool checks_any(const struct check_cfg *c);
/* Check one summary; on failure write "loss 5.00% > 1%"-style reasons (joined by "; ") and return true. */
bool checks_fail(const struct check_cfg *c, const struct ringping_host *s, char *why, size_t len);
/* The minimum-alive check; on failure the reason. */
bool checks_alive_fail(const struct check_cfg *c, __u64 alive, __u64 targets, char *why, size_t len);
const char *checks_stat_name(enum check_stat s);

#endif
