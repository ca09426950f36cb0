// SPDX-License-Identifier: MIT
#include <stdio.h>
#include <string.h>
#include "checks.h"

static const char *const check_names[CHK__COUNT] = {
	[CHK_LOSS] = "loss", [CHK_RTT_MAX] = "max", [CHK_AVG] = "avg",
	[CHK_P50] = "p50", [CHK_P95] = "p95", [CHK_P99] = "p99",
};

const char *checks_stat_name(enum check_stat s)
{
	return s < CHK__COUNT ? check_names[s] : "?";
}

void checks_init(struct check_cfg *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < CHK__COUNT; i++)
		c->limit[i] = -1;
	c->min_alive = -1;
}

bool checks_any(const struct check_cfg *c)
{
	int i;

	for (i = 0; i < CHK__COUNT; i++)
		if (c->limit[i] >= 0)
			return true;
	return c->min_alive >= 0;
}

static double check_value(const struct ringping_host *s, enum check_stat st)
{
	switch (st) {
	case CHK_LOSS: return s->loss_pct;
	case CHK_RTT_MAX: return s->max_ms;
	case CHK_AVG: return s->avg_ms;
	case CHK_P50: return s->p50_ms;
	case CHK_P95: return s->p95_ms;
	default: return s->p99_ms;
	}
}

/* Append one reason to why, "; "-separated, never past len. */
static void check_append(char *why, size_t len, size_t *used, const char *reason)
{
	int n;

	if (*used >= len)
		return;
	n = snprintf(why + *used, len - *used, "%s%s", *used ? "; " : "", reason);
	*used += n > 0 ? (size_t)n : 0;
}

bool checks_fail(const struct check_cfg *c, const struct ringping_host *s, char *why, size_t len)
{
	size_t used = 0;
	bool failed = false, no_rtt_said = false;
	char r[96];
	int st;

	why[0] = '\0';
	for (st = 0; st < CHK__COUNT; st++) {
		double lim = c->limit[st], v;

		if (lim < 0)
			continue;
		if (st != CHK_LOSS && !s->has_rtt) {
			if (!no_rtt_said)
				check_append(why, len, &used, "no RTT measured");
			no_rtt_said = failed = true;
			continue;
		}
		v = check_value(s, st);
		if (v <= lim)
			continue;
		if (st == CHK_LOSS)
			snprintf(r, sizeof(r), "loss %.2f%% > %g%%", v, lim);
		else
			snprintf(r, sizeof(r), "%s %.3f ms > %g ms", checks_stat_name(st), v, lim);
		check_append(why, len, &used, r);
		failed = true;
	}
	return failed;
}

bool checks_alive_fail(const struct check_cfg *c, __u64 alive, __u64 targets, char *why, size_t len)
{
	double need;

	if (c->min_alive < 0)
		return false;
	need = c->min_alive_pct ? c->min_alive * (double)targets / 100 : c->min_alive;
	if ((double)alive >= need)
		return false;
	snprintf(why, len, "%llu of %llu targets alive, fewer than %g%s",
		 (unsigned long long)alive, (unsigned long long)targets, c->min_alive,
		 c->min_alive_pct ? "%" : "");
	return true;
}
