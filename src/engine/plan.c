// SPDX-License-Identifier: MIT
/*
 * A run's plan without the run (ringping_plan, --dry-run): the targets it
 * would probe, its probes, how long they take at its pace, and the memory it
 * would allocate, from the options and the target set alone: no socket, no
 * BPF, no privilege, in the time the set takes to count (one range for
 * 0.0.0.0/0).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include "engine.h"
#include "hoststats.h"
#include "inflight.h"
#include "run_int.h"

/* The pace run_setup_pacer sets: --rate, a round per period, -i; 0 unpaced. */
static double plan_pps(const struct ringping_opts *o, __u64 len)
{
	double pps = (double)o->rate;
	bool multi = o->count > 1 || o->loop;

	if (multi && o->period_ns && len) {
		double by_period = (double)len * 1e9 / (double)o->period_ns;

		pps = pps && pps < by_period ? pps : by_period;
	}
	if (o->interval_ns) {
		double by_gap = 1e9 / (double)o->interval_ns;

		pps = pps && pps < by_gap ? pps : by_gap;
	}
	return pps;
}

/* The in-flight ring: a timeout's worth of probes at the pace (run_inflight_capacity's rule). */
static __u64 plan_inflight(const struct ringping_opts *o, double pps, __u64 total, __u64 len)
{
	__u64 want = pps > 0 ? (__u64)(pps * (double)o->timeout_ns / 1e9) + 1 + o->batch : RUN_INFLIGHT_MAX;
	__u64 n = 1;

	if (o->retries && want < len)
		want = len;
	want = want < total ? want : total;
	want = want < RUN_INFLIGHT_MAX ? want : RUN_INFLIGHT_MAX;
	while (n < want)
		n <<= 1;
	return n * sizeof(struct inflight_slot);
}

/* Sending at pps, then the last probe's timeout, and each retry round's (timeouts grow by backoff). */
static double plan_seconds(const struct ringping_opts *o, double pps, __u64 probes)
{
	double s = (double)probes / pps + (double)o->timeout_ns / 1e9, t = (double)o->timeout_ns / 1e9;
	__u32 k;

	for (k = 0; k < o->retries; k++) {
		t *= o->backoff;
		s += t;
	}
	return s;
}

int ringping_plan(struct ringping *e, struct ringping_plan *p)
{
	const struct ringping_opts *o = &e->o;
	__u64 n, len, hosts;
	int err = ringping_targets(e, &n);

	*p = (struct ringping_plan){ 0 };
	if (err)
		return err;
	if (!n)
		return -ENOENT;
	len = run_part_len(o, n);
	p->targets = len;
	p->targets4 = e->t.count4;
	p->targets6 = n - e->t.count4;
	p->probes = o->loop ? 0 : len * o->count;
	p->probes_max = p->probes * (1 + o->retries);
	p->pps = plan_pps(o, len);
	if (p->pps > 0 && !o->loop)
		p->seconds = plan_seconds(o, p->pps, p->probes);
	hosts = o->count > 1 || o->loop || o->retries || o->host_stats || o->keep_rtts ? n : 0;
	p->memory = plan_inflight(o, p->pps, o->loop ? UINT64_MAX : p->probes_max, len) +
		    hoststats_bytes(hosts, o->timeout_ns) +
		    (o->keep_rtts ? n * o->count * sizeof(float) : 0) +
		    (o->mode == RINGPING_MODE_DGRAM ? 0 : (__u64)o->ringbuf_mb << 20);
	return 0;
}
