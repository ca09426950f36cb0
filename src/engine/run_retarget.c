// SPDX-License-Identifier: MIT
/* Target changes made mid-run, taken at a round start: the new set, statistics carried over. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "run_int.h"

/* Per-host statistics (and -C's RTTs) follow their addresses into the new set. */
static int run_remap(struct run *r, const struct targets *nt)
{
	__u64 i, j, count = r->o->count;
	struct ringping_addr a;
	struct hoststats hs;
	float *rtts = NULL;

	if (hoststats_init(&hs, nt->count, r->hs.max_ns))
		return -ENOMEM;
	if (r->rtts && !(rtts = malloc(nt->count * count * sizeof(*rtts)))) {
		hoststats_free(&hs);
		return -ENOMEM;
	}
	r->alive_hosts = 0;
	for (i = 0; i < nt->count; i++) {
		for (j = 0; rtts && j < count; j++)
			rtts[i * count + j] = NAN;
		targets_addr(nt, i, &a);
		if (targets_index(r->t, &a, &j))
			continue; /* new: nothing to carry */
		hoststats_copy(&hs, i, &r->hs, j);
		if (rtts)
			memcpy(&rtts[i * count], &r->rtts[j * count], count * sizeof(*rtts));
		r->alive_hosts += hs.h[i].received > 0;
	}
	hoststats_free(&r->hs);
	r->hs = hs;
	free(r->rtts);
	r->rtts = rtts;
	return 0;
}

/* The set with the changes made so far: 0, or -errno (e->t untouched). Under e->mu. */
static int run_changed_set(struct run *r, struct targets *nt)
{
	struct targets pend;
	int err;

	err = targets_dup(nt, &r->e->t);
	if (err)
		return err;
	err = targets_dup(&pend, &r->e->pending);
	err = err ?: targets_take(nt, &pend);
	err = err ?: targets_finalize(nt);
	targets_free(&pend);
	if (!err && !nt->count)
		err = -ENOENT;
	if (err && err != -ENOENT)
		pr_warn("the target set did not change: %s\n",
			err != -ENOMEM && nt->err[0] ? nt->err : strerror(-err));
	if (err)
		targets_free(nt);
	return err;
}

void run_retarget(struct run *r, __u64 now)
{
	struct ringping *e = r->e;
	__u64 rounds;
	struct targets nt;
	int err;

	pthread_mutex_lock(&e->mu);
	err = run_changed_set(r, &nt);
	err = err ?: run_remap(r, &nt);
	if (err != -ENOENT) { /* nothing left to probe: the changes wait for the run's end */
		targets_free(&e->pending);
		targets_init(&e->pending);
		e->pending.family = e->o.family;
		e->pending.v4_tstamp = e->t.v4_tstamp;
		e->pending.force = e->o.force;
		__atomic_store_n(&e->npending, 0, __ATOMIC_RELEASE);
	}
	if (!err) {
		targets_free(&e->t);
		e->t = nt;
	}
	pthread_mutex_unlock(&e->mu);
	if (err == -ENOENT) {
		pr_info("no targets left after the changes: the run ends\n");
		r->stopping = r->deadline_hit = true; /* an end as planned, not an interruption */
		r->stop_at = now;
	}
	if (err)
		return;
	rounds = r->o->loop ? (UINT64_MAX / 2 - r->sch.next) / nt.count
			    : r->o->count - sched_round(&r->sch, r->sch.next);
	r->ntargets = nt.count;
	sched_rebase(&r->sch, nt.count, nt.count4, rounds);
	run_setup_pacer(r);
	r->pacer.start_ns = now;
}
