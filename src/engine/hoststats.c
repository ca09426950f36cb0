// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hoststats.h"

static int msb64(__u64 v)
{
	return 63 - __builtin_clzll(v);
}

static __u32 hoststats_nbuckets(__u64 max_rtt_ns)
{
	int top = msb64(max_rtt_ns | (1ULL << HS_MIN_SHIFT));

	return 1 + (__u32)(top - HS_MIN_SHIFT + 1) * HS_SUB;
}

__u64 hoststats_bytes(__u64 n, __u64 max_rtt_ns)
{
	return n * (sizeof(struct host_stats) + hoststats_nbuckets(max_rtt_ns) * sizeof(__u32));
}

int hoststats_init(struct hoststats *s, __u64 n, __u64 max_rtt_ns)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->max_ns = max_rtt_ns;
	s->nbuckets = hoststats_nbuckets(max_rtt_ns);
	s->h = calloc(n, sizeof(*s->h));
	s->hist = calloc(n, s->nbuckets * sizeof(*s->hist));
	if (!s->h || !s->hist) {
		hoststats_free(s);
		return -ENOMEM;
	}
	return 0;
}

void hoststats_free(struct hoststats *s)
{
	if (!s)
		return;
	free(s->h);
	free(s->hist);
	s->h = NULL;
	s->hist = NULL;
}

size_t hoststats_bytes_per_host(const struct hoststats *s)
{
	return sizeof(struct host_stats) + s->nbuckets * sizeof(*s->hist);
}

__u32 hoststats_bucket(const struct hoststats *s, __u64 ns)
{
	int k;
	__u32 b;

	if (ns < (1ULL << HS_MIN_SHIFT))
		return 0;
	k = msb64(ns);
	b = 1 + (__u32)(k - HS_MIN_SHIFT) * HS_SUB + (__u32)((ns >> (k - 3)) & (HS_SUB - 1));
	return b < s->nbuckets ? b : s->nbuckets - 1;
}

static double bucket_lower(__u32 b, double *width)
{
	int k = HS_MIN_SHIFT + (int)((b - 1) / HS_SUB);
	double w = ldexp(1.0, k - 3);

	*width = w;
	return ldexp(1.0, k) + (double)((b - 1) % HS_SUB) * w;
}

double hoststats_bucket_mid_ns(__u32 b)
{
	double w;

	if (b == 0)
		return (1 << HS_MIN_SHIFT) / 2.0;
	return bucket_lower(b, &w) + w / 2;
}

double hoststats_bucket_upper_ns(__u32 b)
{
	double w;

	if (b == 0)
		return 1 << HS_MIN_SHIFT;
	return bucket_lower(b, &w) + w;
}

void hoststats_sent(struct hoststats *s, __u64 i)
{
	s->h[i].sent++;
}

static void hs_add_rtt(struct hoststats *s, __u64 i, __u64 ns)
{
	struct host_stats *h = &s->h[i];
	double d;

	if (h->rtt_n == 0 || ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	if (h->rtt_n) {
		h->jitter_sum += ns > h->last_ns ? (double)(ns - h->last_ns) : (double)(h->last_ns - ns);
		h->jitter_n++;
	}
	h->last_ns = ns;
	h->rtt_n++;
	d = (double)ns - h->mean_ns;
	h->mean_ns += d / h->rtt_n;
	h->m2 += d * ((double)ns - h->mean_ns);
	s->hist[i * s->nbuckets + hoststats_bucket(s, ns)]++;
}

void hoststats_reply(struct hoststats *s, __u64 i, __u32 round, __s64 rtt_ns)
{
	struct host_stats *h = &s->h[i];

	h->received++;
	if (round + 1 < h->next_round)
		h->reordered++;
	else
		h->next_round = round + 1;
	if (rtt_ns >= 0)
		hs_add_rtt(s, i, (__u64)rtt_ns);
}

/* Count an error under its kind; kinds beyond HS_ERRS are counted together. */
static void hs_err_add(struct host_stats *h, __u8 type, __u8 code, const struct ringping_addr *from)
{
	int k;

	for (k = 0; k < HS_ERRS && h->err[k].count; k++) {
		struct ringping_host_err *e = &h->err[k];

		if (e->type == type && e->code == code && !memcmp(&e->from, from, sizeof(*from))) {
			e->count++;
			return;
		}
	}
	if (k == HS_ERRS) {
		h->err_other++;
		return;
	}
	h->err[k] = (struct ringping_host_err){ .from = *from, .count = 1, .type = type, .code = code };
}

void hoststats_error(struct hoststats *s, __u64 i, enum ringping_status st, __u8 type, __u8 code,
		     const struct ringping_addr *from)
{
	struct host_stats *h = &s->h[i];

	if (st == RINGPING_UNREACHABLE)
		h->unreachable++;
	else if (st == RINGPING_TIME_EXCEEDED)
		h->time_exceeded++;
	else
		h->other_errors++;
	hs_err_add(h, type, code, from);
}

void hoststats_duplicate(struct hoststats *s, __u64 i)
{
	s->h[i].duplicates++;
}

void hoststats_late(struct hoststats *s, __u64 i)
{
	s->h[i].late++;
}

/* Chan et al.'s pairwise update merges two Welford states exactly. */
void hoststats_merge(struct hoststats *agg, const struct hoststats *s, __u64 i)
{
	const struct host_stats *h = &s->h[i];
	struct host_stats *a = &agg->h[0];
	__u32 b, nb = agg->nbuckets < s->nbuckets ? agg->nbuckets : s->nbuckets;
	double n = (double)a->rtt_n + h->rtt_n, d = h->mean_ns - a->mean_ns;

	a->sent += h->sent;
	a->received += h->received;
	a->duplicates += h->duplicates;
	a->late += h->late;
	a->reordered += h->reordered;
	a->unreachable += h->unreachable;
	a->time_exceeded += h->time_exceeded;
	a->other_errors += h->other_errors;
	if (!h->rtt_n)
		return;
	if (!a->rtt_n || h->min_ns < a->min_ns)
		a->min_ns = h->min_ns;
	if (h->max_ns > a->max_ns)
		a->max_ns = h->max_ns;
	a->m2 += h->m2 + d * d * a->rtt_n * h->rtt_n / n;
	a->mean_ns += d * h->rtt_n / n;
	a->jitter_sum += h->jitter_sum;
	a->jitter_n += h->jitter_n;
	a->rtt_n += h->rtt_n;
	for (b = 0; b < nb; b++)
		agg->hist[b] += s->hist[i * s->nbuckets + b];
}

/*
 * Nearest rank: the smallest value with at least q of the samples at or
 * below it. It lies in bucket b and in [min, max], so in their intersection;
 * the midpoint of that is never further from it than half a bucket.
 */
static double hs_percentile(const struct hoststats *s, __u64 i, double q)
{
	const struct host_stats *h = &s->h[i];
	const __u32 *hist = &s->hist[i * s->nbuckets];
	__u64 rank = (__u64)ceil(q * h->rtt_n), cum = 0;
	double lo = (double)h->min_ns, hi = (double)h->max_ns, b_lo;
	__u32 b;

	if (rank < 1)
		rank = 1;
	for (b = 0; b < s->nbuckets; b++) {
		cum += hist[b];
		if (cum >= rank)
			break;
	}
	if (b < s->nbuckets - 1) { /* the last bucket also holds everything above the timeout */
		b_lo = b ? 2 * hoststats_bucket_mid_ns(b) - hoststats_bucket_upper_ns(b) : 0;
		lo = b_lo > lo ? b_lo : lo;
		hi = hoststats_bucket_upper_ns(b) < hi ? hoststats_bucket_upper_ns(b) : hi;
	}
	return (lo + hi) / 2 / 1e6;
}

void hoststats_summary(const struct hoststats *s, __u64 i, struct ringping_host *o)
{
	const struct host_stats *h = &s->h[i];

	memset(o, 0, sizeof(*o));
	o->sent = h->sent;
	o->received = h->received;
	o->duplicates = h->duplicates;
	o->late = h->late;
	o->reordered = h->reordered;
	o->errors = h->unreachable + h->time_exceeded + h->other_errors;
	o->loss_pct = h->sent ? 100.0 * (h->sent - h->received) / h->sent : 0;
	memcpy(o->err, h->err, sizeof(o->err));
	o->err_other = h->err_other;
	o->has_rtt = h->rtt_n > 0;
	if (!o->has_rtt)
		return;
	o->min_ms = h->min_ns / 1e6;
	o->max_ms = h->max_ns / 1e6;
	o->avg_ms = h->mean_ns / 1e6;
	o->stddev_ms = sqrt(h->m2 / h->rtt_n) / 1e6;
	o->jitter_ms = h->jitter_n ? h->jitter_sum / h->jitter_n / 1e6 : 0;
	o->p50_ms = hs_percentile(s, i, 0.50);
	o->p90_ms = hs_percentile(s, i, 0.90);
	o->p95_ms = hs_percentile(s, i, 0.95);
	o->p99_ms = hs_percentile(s, i, 0.99);
}

void hoststats_copy(struct hoststats *dst, __u64 i, const struct hoststats *src, __u64 j)
{
	dst->h[i] = src->h[j];
	memcpy(&dst->hist[i * dst->nbuckets], &src->hist[j * src->nbuckets],
	       dst->nbuckets * sizeof(*dst->hist));
}
