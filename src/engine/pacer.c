// SPDX-License-Identifier: MIT
#include "pacer.h"

#define NSEC 1000000000ULL

typedef unsigned __int128 u128;

void pacer_init(struct pacer *p, __u64 rate, __u32 burst, __u64 now_ns)
{
	p->num_ns = NSEC;
	p->den = rate;
	p->start_ns = now_ns;
	p->due = 0;
	p->burst = burst ? burst : 1;
}

void pacer_limit(struct pacer *p, __u64 num_ns, __u64 den)
{
	if (!den)
		return;
	/* Keep the longer interval per probe: num/den > p->num/p->den. */
	if (!p->den || (u128)num_ns * p->den > (u128)p->num_ns * den) {
		p->num_ns = num_ns;
		p->den = den;
	}
}

void pacer_preload(struct pacer *p, __u32 n)
{
	__u64 early;

	if (!p->den || n < 2)
		return;
	early = (__u64)((u128)(n - 1) * p->num_ns / p->den);
	p->start_ns = p->start_ns > early ? p->start_ns - early : 0;
	if (p->burst < n)
		p->burst = n;
}

__u64 pacer_rate(const struct pacer *p)
{
	return p->den ? (__u64)((u128)p->den * NSEC / p->num_ns) : 0;
}

/* Probes released by the schedule up to now: the first goes at start. */
static __u64 pacer_released(const struct pacer *p, __u64 now_ns)
{
	if (now_ns < p->start_ns)
		return 0;
	return (__u64)((u128)(now_ns - p->start_ns) * p->den / p->num_ns) + 1;
}

__u32 pacer_allow(struct pacer *p, __u64 now_ns)
{
	__u64 released, backlog;

	if (!p->den)
		return p->burst;
	released = pacer_released(p, now_ns);
	if (released <= p->due)
		return 0;
	backlog = released - p->due;
	if (backlog > p->burst) {
		/* Forgive the excess by moving the origin so exactly one burst is due. */
		p->start_ns += (__u64)((u128)(backlog - p->burst) * p->num_ns / p->den);
		backlog = p->burst;
	}
	return (__u32)backlog;
}

void pacer_commit(struct pacer *p, __u32 n)
{
	p->due += n;
}

__u64 pacer_next_ns(const struct pacer *p, __u32 want, __u64 now_ns)
{
	__u64 k, t;

	if (!p->den)
		return now_ns;
	/* Probe number due + want - 1 (0-based) is released at start + k * num / den. */
	k = p->due + (want ? want : 1) - 1;
	t = p->start_ns + (__u64)(((u128)k * p->num_ns + p->den - 1) / p->den);
	return t > now_ns ? t : now_ns;
}
