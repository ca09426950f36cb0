// SPDX-License-Identifier: MIT
/* The RTT histogram as text bars (histogram.h). */
#include <string.h>
#include "histogram.h"

/* 3 significant digits in ns, us, ms or s. */
static const char *hist_time(char *buf, size_t len, double ns)
{
	static const char *const unit[] = { "ns", "us", "ms", "s" };
	int u = 0;

	while (ns >= 1000 && u < 3) {
		ns /= 1000;
		u++;
	}
	snprintf(buf, len, "%.3g %s", ns, unit[u]);
	return buf;
}

/* Buckets per row: the finest of 1, 2, 4, 8 (an octave) or 16 that fits the span in HIST_ROWS. */
static __u32 hist_group(__u32 first, __u32 last)
{
	__u32 g = 1;

	while (g < 16 && (last / g - first / g + 1) > HIST_ROWS)
		g *= 2;
	return g;
}

static void hist_row(FILE *f, __u32 lo_b, __u32 hi_b, __u64 c, __u64 peak, __u64 total)
{
	char lo[16], hi[16], bar[HIST_BAR + 1];
	int w = peak ? (int)((c * HIST_BAR + peak - 1) / peak) : 0;

	memset(bar, '#', (size_t)w);
	memset(bar + w, ' ', (size_t)(HIST_BAR - w));
	bar[HIST_BAR] = '\0';
	fprintf(f, "  %9s - %-9s |%s| %8llu %5.1f%%\n",
		hist_time(lo, sizeof(lo), lo_b ? ringping_hist_upper_ns(lo_b - 1) : 0),
		hist_time(hi, sizeof(hi), ringping_hist_upper_ns(hi_b)), bar, (unsigned long long)c,
		100.0 * (double)c / (double)total);
}

void histogram_print(FILE *f, const char *title, const __u32 *counts, __u32 n)
{
	__u32 b, first = n, last = 0, g, r;
	__u64 total = 0, peak = 0, c;

	for (b = 0; b < n; b++) {
		if (!counts[b])
			continue;
		first = first < b ? first : b;
		last = b;
		total += counts[b];
	}
	if (!total)
		return;
	g = hist_group(first, last);
	for (r = first / g; r <= last / g; r++) {
		for (c = 0, b = r * g; b < r * g + g && b < n; b++)
			c += counts[b];
		peak = c > peak ? c : peak;
	}
	fprintf(f, "RTT histogram, %s (%llu replies):\n", title, (unsigned long long)total);
	for (r = first / g; r <= last / g; r++) {
		__u32 hi = r * g + g - 1 < n ? r * g + g - 1 : n - 1;

		for (c = 0, b = r * g; b <= hi; b++)
			c += counts[b];
		hist_row(f, r * g, hi, c, peak, total);
	}
}
