// SPDX-License-Identifier: MIT
#include "pacer.h"

#define NSEC 1000000000ULL

void pacer_init(struct pacer *p, __u64 rate, __u32 burst, __u64 now_ns)
{
	p->rate = rate;
	p->start_ns = now_ns;
	p->due = 0;
	p->burst = burst ? burst : 1;
}

/* Probes released by the schedule up to now: the first goes at start. */
static __u64 pacer_released(const struct pacer *p, __u64 now_ns)
{
	if (now_ns < p->start_ns)
		return 0;
	return (__u64)((unsigned __int128)(now_ns - p->start_ns) * p->rate / NSEC) + 1;
}

__u32 pacer_allow(struct pacer *p, __u64 now_ns)
{
	__u64 released, backlog;

	if (!p->rate)
		return p->burst;
	released = pacer_released(p, now_ns);
	if (released <= p->due)
		return 0;
	backlog = released - p->due;
	if (backlog > p->burst) {
		/* Forgive the excess by moving the origin so exactly one burst is due. */
		p->start_ns += (__u64)((unsigned __int128)(backlog - p->burst) * NSEC / p->rate);
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

	if (!p->rate)
		return now_ns;
	/* Probe number due + want - 1 (0-based) is released at start + k / rate. */
	k = p->due + (want ? want : 1) - 1;
	t = p->start_ns + (__u64)(((unsigned __int128)k * NSEC + p->rate - 1) / p->rate);
	return t > now_ns ? t : now_ns;
}
