// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <sys/eventfd.h>
#include "hoststats.h"
#include "inflight.h"
#include "log.h"
#include "pacer.h"
#include "permute.h"
#include "probe.h"
#include "route.h"
#include "rp_hash.h"
#include "run.h"
#include "rx.h"
#include "schedule.h"
#include "sender.h"

#define NSEC 1000000000ULL
#define RUN_MAX_SLEEP_NS (100 * 1000000ULL)
#define RUN_POLL_NS (200 * 1000ULL) /* record polling period when BPF does not wake us */
#define RUN_STOP_GRACE_NS (500 * 1000000ULL) /* after Ctrl-C: replies in flight */
#define RUN_INFLIGHT_MAX (1ULL << 20)

_Static_assert((int)SCHED_V4 == (int)SND_V4 && (int)SCHED_V6 == (int)SND_V6, "a job's family indexes its sockets");

struct run {
	struct ringping *e;
	const struct ringping_opts *o;
	const struct targets *t;
	ringping_probe_fn fn;
	void *fn_ctx;
	struct probe_key key;
	struct sched sch;	       /* the order, the plan, and how far it went */
	struct probe_tmpl tmpl;
	struct tx_cfg tc, tc6;
	struct route_link link; /* --send-path packet */
	struct senders snd;
	struct sender_job *jobs, *free_jobs;
	int njobs;
	struct rx rx;	       /* the receive path: BPF, its ring buffer, its clock */
	struct inflight inf;
	struct pacer pacer;
	int epfd;
	__u64 skipped;	       /* -r: positions left out because their host had answered */
	__u64 ntargets;
	bool multi;	       /* many probes per host (-c > 1, -l) */
	bool track;	       /* per-host statistics: multi, or checks to evaluate */
	struct hoststats hs;
	struct hoststats all;  /* every host's statistics pooled, at the end */
	float *rtts;	       /* -C: every RTT, host-major; NAN where none */
	__u64 alive_hosts;
	__u64 t_start, t_last_send, stop_at;
	__u64 deadline;	       /* -w: no send after this (CLOCK_MONOTONIC); 0 = none */
	bool deadline_hit;
	__u64 interim_ns, next_interim; /* -Q */
	__u64 seed;
	double wall_start;
	bool stopping;
	bool finished;		       /* sum is the final summary */
	bool released;		       /* sockets, BPF and threads are gone */
	struct ringping_summary sum;
};

static int run_cancels(const struct run *r)
{
	return __atomic_load_n(&r->e->cancels, __ATOMIC_RELAXED);
}

static __u64 mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * NSEC + ts.tv_nsec;
}

/* A resolved probe into its host's statistics; a failed send is not a probe sent. */
static void run_track(struct run *r, __u64 idx, const struct ringping_probe *res)
{
	switch (res->status) {
	case RINGPING_SEND_FAILED:
		return;
	case RINGPING_ALIVE:
		if (!r->hs.h[idx].received)
			r->alive_hosts++;
		if (r->rtts && res->rtt_ns >= 0)
			r->rtts[idx * r->o->count + res->round] = (float)(res->rtt_ns / 1e6);
		hoststats_reply(&r->hs, idx, (__u32)res->round, res->rtt_ns);
		break;
	case RINGPING_NO_REPLY:
		break;
	default:
		hoststats_error(&r->hs, idx, res->status, res->icmp_type, res->icmp_code, &res->from);
		break;
	}
	hoststats_sent(&r->hs, idx);
}

static void run_emit(void *ctx, __u64 idx, const struct ringping_probe *res)
{
	struct run *r = ctx;
	struct ringping_probe full = *res;
	__u32 tag;

	targets_addr(r->t, idx, &full.target);
	full.round = sched_round(&r->sch, full.seq);
	full.target_index = idx;
	tag = rp_tag(r->key.k0, r->key.k1, full.target.b);
	full.icmp_id = (__u16)(tag >> 16);
	full.icmp_seq = (__u16)tag;
	full.bytes = r->tmpl.len;
	if (r->fn)
		r->fn(r->fn_ctx, &full);
	if (r->track)
		run_track(r, idx, &full);
	else if (res->status == RINGPING_ALIVE)
		r->alive_hosts++; /* one probe per target, credited at most once */
}

/* Duplicates and late answers belong to a host too; found by address, off the hot path. */
static void run_track_extra(struct run *r, const struct rp_record *rec, enum answer_verdict v)
{
	struct ringping_addr a;
	__u64 idx;

	if (!r->track || (v != ANS_DUPLICATE && v != ANS_LATE))
		return;
	memcpy(a.b, rec->target, sizeof(a.b));
	if (targets_index(r->t, &a, &idx))
		return;
	if (v == ANS_DUPLICATE)
		hoststats_duplicate(&r->hs, idx);
	else
		hoststats_late(&r->hs, idx);
}

/* An ICMP error quoting 8 bytes names its target: its newest probe is the one. */
static int run_quote_seq(void *ctx, const struct rp_record *rec, __u64 *seq)
{
	struct run *r = ctx;
	struct ringping_addr a;
	__u64 idx;

	memcpy(a.b, rec->target, sizeof(a.b));
	if (targets_index(r->t, &a, &idx))
		return -EINVAL;
	return sched_newest_seq(&r->sch, idx, seq);
}

static void run_on_record(void *ctx, __u64 seq, const struct rp_record *rec)
{
	struct run *r = ctx;

	run_track_extra(r, rec, inflight_answer(&r->inf, seq, rec));
}

static void run_on_stamp(void *ctx, __u32 key, __u64 tai_ns)
{
	struct run *r = ctx;

	inflight_tx_stamp(&r->inf, key, tai_ns);
}

/* No pace at all (--rate 0 and no -p or -i): records are polled, not woken for. */
static bool run_unpaced(const struct run *r)
{
	return !r->pacer.den;
}

/* Probes are left, a job is free and the ring has room: only the pacer can say wait. */
/*
 * Changes to the target set (made mid-run) wait for a round to start, and
 * sending pauses there until the round before is resolved: every probe in
 * flight belongs to the set it was sent to.
 */
static bool run_changes_due(const struct run *r)
{
	return __atomic_load_n(&r->e->npending, __ATOMIC_ACQUIRE) && r->multi && !r->o->retries &&
	       r->sch.next < r->sch.total && sched_at_round_start(&r->sch);
}

static bool run_may_send(const struct run *r)
{
	return !r->stopping && r->free_jobs && inflight_room(&r->inf) && sched_batch(&r->sch, 1) &&
	       !run_changes_due(r);
}

/*
 * -r: a retry round starts only when the last one is fully resolved (its
 * silent hosts are known), and waits B times longer for answers.
 */
static void run_next_round(struct run *r)
{
	if (!sched_next_round(&r->sch, r->inf.open))
		return;
	r->inf.timeout_ns = (__u64)((double)r->inf.timeout_ns * r->o->backoff);
}

/* A retry to a host that has answered (an echo reply or an ICMP error) is left out. */
static bool run_skip(const struct run *r, __u64 p, __u64 idx)
{
	const struct host_stats *h;

	if (!r->o->retries || p < r->ntargets)
		return false;
	h = &r->hs.h[idx];
	return h->received || h->unreachable || h->time_exceeded || h->other_errors;
}

static __u32 run_batch_size(struct run *r, __u64 now)
{
	__u64 n;

	if (!run_may_send(r))
		return 0;
	n = sched_batch(&r->sch, pacer_allow(&r->pacer, now));
	if (n > inflight_room(&r->inf))
		n = inflight_room(&r->inf);
	return (__u32)n;
}

/* Build the next n probes into a job: the in-flight ring has this thread as its one writer. */
static void run_build_job(struct run *r, struct sender_job *j, __u32 n, __u64 now)
{
	struct sched *sch = &r->sch;
	__u64 tx_user = tx_tai_now(), end = sch->next + n, fam_end = sched_family_end(sch, sch->next);
	struct ringping_addr a;
	__u32 m = 0;

	j->fam = sched_family(sch, sch->next);
	if (end > fam_end)
		end = fam_end;
	for (; sch->next < end; sch->next++) {
		__u64 p = sch->next, idx = sched_order(sch, p);
		__u8 *buf;

		if (run_skip(r, p, idx)) {
			r->skipped++;
			continue;
		}
		targets_addr(r->t, idx, &a);
		buf = tx_prepare(&j->b, m, &a, (__u32)p);
		probe_build(&r->tmpl, buf, &a, p);
		tx_seal(&j->b, m);
		inflight_push(&r->inf, p, idx, now, tx_user);
		j->seq[m++] = p;
	}
	j->n = m;
	pacer_commit(&r->pacer, m);
	r->t_last_send = now;
}

static void run_retarget(struct run *r, __u64 now);

static void run_send(struct run *r, __u64 now)
{
	__u32 n;

	run_next_round(r);
	if (run_changes_due(r) && !r->inf.open)
		run_retarget(r, now);
	while ((n = run_batch_size(r, now))) {
		struct sender_job *j = r->free_jobs;

		r->free_jobs = j->next;
		run_build_job(r, j, n, now);
		if (!j->n) { /* every position skipped: nothing to send */
			j->next = r->free_jobs;
			r->free_jobs = j;
			continue;
		}
		senders_submit(&r->snd, j);
	}
}

static void run_setup_pacer(struct run *r);

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

static void run_retarget(struct run *r, __u64 now)
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

/* Finished jobs: their stamps and failures go to the ring, the job back to the pool. */
static void run_collect(struct run *r)
{
	struct sender_job *j = senders_take_done(&r->snd), *next;
	__u32 i;

	for (; j; j = next) {
		next = j->next;
		for (i = 0; i < j->nstamps; i++)
			inflight_tx_stamp(&r->inf, j->stamps[i].key, j->stamps[i].tai_ns);
		for (i = 0; i < j->n; i++)
			if (j->b.status[i])
				inflight_send_failed(&r->inf, j->seq[i], j->b.status[i]);
		j->next = r->free_jobs;
		r->free_jobs = j;
	}
	r->inf.kstamp = senders_kstamp(&r->snd);
}

static bool run_done(const struct run *r)
{
	return (r->stopping || r->sch.next >= r->sch.total) && r->inf.open == 0;
}

static void run_check_stop(struct run *r, __u64 now)
{
	if (r->stopping)
		return;
	if (run_cancels(r)) {
		r->stopping = true;
		r->stop_at = now + (r->inf.timeout_ns < RUN_STOP_GRACE_NS ? r->inf.timeout_ns
									   : RUN_STOP_GRACE_NS);
	} else if (r->deadline && now >= r->deadline) {
		/* Past -w nothing more is sent; what is in flight still gets its timeout. */
		r->stopping = r->deadline_hit = true;
		r->stop_at = now + r->inf.timeout_ns;
	}
}

static void run_check_interim(struct run *r, __u64 now)
{
	bool due = r->interim_ns && now >= r->next_interim;
	int asked = __atomic_load_n(&r->e->interims, __ATOMIC_RELAXED);

	if (due)
		r->next_interim += r->interim_ns;
	if (due || asked != r->e->interims_seen) {
		r->e->interims_seen = asked;
		if (r->o->on_interim)
			r->o->on_interim(r->o->interim_ctx, r->e);
	}
}

/* Requests (cancel, interim) wake the wait through the engine's eventfd: empty it. */
static void run_drain_wake(const struct run *r)
{
	__u64 v;

	if (read(r->e->wake_fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		pr_debug("eventfd: %s\n", strerror(errno));
}

/* Sleep until the next send is due, a timeout expires, or records arrive. */
static void run_wait(struct run *r, __u64 now)
{
	__u64 wake = now + RUN_MAX_SLEEP_NS, t;
	struct epoll_event ev[4];
	struct timespec ts;

	if (run_may_send(r)) {
		/* Wake for a small batch rather than for every probe at moderate rates. */
		__u32 want = pacer_rate(&r->pacer) / 2000 ? (__u32)(pacer_rate(&r->pacer) / 2000) : 1;

		if (want > r->o->batch)
			want = r->o->batch;
		t = pacer_next_ns(&r->pacer, want, now);
		wake = t < wake ? t : wake;
	}
	t = inflight_next_deadline(&r->inf);
	if (t && t < wake)
		wake = t;
	if (r->stopping && r->stop_at < wake)
		wake = r->stop_at;
	if (!r->stopping && r->deadline && r->deadline < wake)
		wake = r->deadline;
	if (r->interim_ns && r->next_interim < wake)
		wake = r->next_interim;
	if (run_unpaced(r) && r->inf.open && now + RUN_POLL_NS < wake)
		wake = now + RUN_POLL_NS;
	if (wake <= now)
		return;
	ts.tv_sec = (wake - now) / NSEC;
	ts.tv_nsec = (wake - now) % NSEC;
	epoll_pwait2(r->epfd, ev, 4, &ts, NULL);
	run_drain_wake(r);
}

static int run_loop(struct run *r)
{
	__u64 now;
	int err;

	while (!run_done(r)) {
		now = mono_now();
		run_check_stop(r, now);
		run_collect(r); /* frees jobs the sender threads finished */
		run_send(r, now);
		run_collect(r); /* inline jobs finish in run_send: their stamps before records */
		/* Stamps before records: a reply's stamp is queued before the reply exists. */
		senders_poll(&r->snd, run_on_stamp, r);
		if (rx_clock_check(&r->rx, now))
			pr_warn("the wall clock was stepped: RTTs across the step are discarded\n");
		err = rx_consume(&r->rx);
		if (err) {
			pr_warn("ring buffer: %s\n", strerror(-err));
			return err;
		}
		now = mono_now();
		inflight_retire(&r->inf, now, r->stopping && (now >= r->stop_at || run_cancels(r) > 1));
		run_check_interim(r, now);
		if (run_batch_size(r, now) == 0 && !run_done(r))
			run_wait(r, now);
	}
	return 0;
}

static int run_epoll(struct run *r)
{
	struct epoll_event ev = { .events = EPOLLIN };

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0)
		return -errno;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, rx_epoll_fd(&r->rx), &ev))
		return -errno;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->snd.efd, &ev)) /* a sender finished a job */
		return -errno;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->e->wake_fd, &ev)) /* cancel, interim */
		return -errno;
	if (r->snd.n)
		return 0;
	ev.events = EPOLLERR; /* inline: TX stamps waiting on the error queue */
	for (int f = 0; f < SND__FAMS; f++)
		if (r->snd.t[0].tx[f].open &&
		    epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->snd.t[0].tx[f].fd, &ev))
			return -errno;
	return 0;
}

static __u64 run_inflight_capacity(const struct run *r, __u64 total)
{
	const struct pacer *p = &r->pacer;
	/* Enough slots for every probe of one timeout at the paced rate, capped. */
	__u64 want = p->den ? (__u64)((unsigned __int128)r->o->timeout_ns * p->den /
				     p->num_ns) + 1 + r->o->batch
			    : RUN_INFLIGHT_MAX;

	if (want > total)
		want = total;
	return want < RUN_INFLIGHT_MAX ? want : RUN_INFLIGHT_MAX;
}

static int run_setup_bpf(struct run *r)
{
	const struct ringping_opts *o = r->o;
	bool xdp = o->rx_mode == RINGPING_RX_XDP;
	struct loader_cfg lc = {
		.key0 = r->key.k0,
		.key1 = r->key.k1,
		.mode = xdp ? LOADER_XDP : LOADER_SOCKET,
		.ifname = xdp ? o->xdp_ifname : o->ifname,
		.xdp_generic = o->xdp_generic,
		.xdp_drop = !o->xdp_pass,
		.ringbuf_bytes = o->ringbuf_mb << 20,
		/* Unpaced, this thread is never idle for long: a wake-up per record is waste. */
		.rb_no_wakeup = run_unpaced(r),
		.v4 = r->t->count4 > 0,
		.v6 = r->t->count4 < r->t->count,
	};

	return rx_open(&r->rx, &lc, &r->key, run_quote_seq, run_on_record, r);
}

/* Inline sending needs one job; each sender thread gets two, one sending while one is built. */
static int run_setup_jobs(struct run *r)
{
	int i, err;

	r->njobs = r->o->sender_threads ? 2 * r->o->sender_threads : 1;
	r->jobs = calloc(r->njobs, sizeof(*r->jobs));
	if (!r->jobs)
		return -ENOMEM;
	for (i = 0; i < r->njobs; i++) {
		err = sender_job_init(&r->jobs[i], r->o->batch, r->tc.pkt_len, &r->tc);
		if (err)
			return err;
		r->jobs[i].next = r->free_jobs;
		r->free_jobs = &r->jobs[i];
	}
	return 0;
}

/* The packet path sends every probe to the next hop of the target set's two ends. */
static int run_setup_link(struct run *r)
{
	const struct ringping_opts *o = r->o;
	const struct ringping *e = r->e;
	struct ringping_addr first, last;
	char err[256];
	int rc;

	targets_addr(r->t, 0, &first);
	targets_addr(r->t, r->ntargets - 1, &last);
	rc = route_resolve(&first, &last, o->ifname,
			   addr_is_v4(&first) ? (e->src_set ? &e->src : NULL) : (e->src6_set ? &e->src6 : NULL),
			   &r->link, err, sizeof(err));
	if (rc)
		return engine_fail(r->e, rc, "%s", err);
	if ((r->link.family == AF_INET6 ? 40 : 20) + 8 + o->size > r->link.mtu)
		return engine_fail(r->e, -EMSGSIZE, "packet send path: --size %u does not fit the "
				   "MTU of %s (%u)", o->size, r->link.ifname, r->link.mtu);
	r->tc.link = r->tc6.link = &r->link; /* one family per run on this path */
	return 0;
}

/* -C keeps every RTT: 4 bytes per probe, so it is refused beyond 1 GiB. */
static int run_setup_rtts(struct run *r)
{
	__u64 n = r->ntargets * r->o->count, i;

	if (n > (1ULL << 28))
		return engine_fail(r->e, -ENOMEM, "-C %llu for %llu targets needs %llu MiB; at most 1024",
				   (unsigned long long)r->o->count, (unsigned long long)r->ntargets,
				   (unsigned long long)(n * 4 >> 20));
	r->rtts = malloc(n * sizeof(*r->rtts));
	if (!r->rtts)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		r->rtts[i] = NAN;
	return 0;
}

/*
 * Probing many times, -p spread over the targets sets the pace (a round per
 * period); --rate caps it only when given. -i bounds every gap. The slowest wins.
 */
static void run_setup_pacer(struct run *r)
{
	const struct ringping_opts *o = r->o;
	bool by_period = r->multi && o->period_ns;

	pacer_init(&r->pacer, o->rate, o->batch, 0);
	if (by_period) {
		__u64 want = pacer_rate(&r->pacer);

		pacer_limit(&r->pacer, o->period_ns, r->ntargets);
		if (o->rate && want == o->rate && pacer_rate(&r->pacer) == o->rate)
			pr_warn("--rate %llu stretches -p %llu over %llu targets to %.0f ms\n",
				(unsigned long long)o->rate, (unsigned long long)(o->period_ns / 1000000),
				(unsigned long long)r->ntargets, 1e3 * r->ntargets / o->rate);
	}
	if (o->interval_ns)
		pacer_limit(&r->pacer, o->interval_ns, 1);
}

/* What the run will send: how many probes, in which order, at which pace. */
static void run_plan(struct run *r, __u64 seed)
{
	const struct ringping_opts *o = r->o;
	__u64 total;

	r->ntargets = r->t->count;
	r->multi = o->count > 1 || o->loop;
	r->track = r->multi || o->retries || o->host_stats || o->keep_rtts;
	/* -l: as many rounds as 64-bit sequence numbers allow, i.e. until stopped. */
	total = o->loop ? (UINT64_MAX / 2 / r->ntargets) * r->ntargets
			: r->ntargets * o->count * (1 + o->retries);
	sched_init(&r->sch, r->ntargets, r->t->count4, total, o->retries, seed);
	r->seed = seed;
	run_setup_pacer(r);
}

/* The sockets' settings per family; the packet path adds its link. */
static int run_tx_cfgs(struct run *r)
{
	const struct ringping_opts *o = r->o;
	const struct ringping *e = r->e;

	/* TOS 0 is what the kernel sends anyway: 0 leaves the socket's default alone. */
	r->tc = (struct tx_cfg){ .family = AF_INET, .ttl = o->ttl, .tos = o->tos ? o->tos : -1,
				 .ifname = o->ifname, .src = e->src_set ? &e->src : NULL,
				 .scope_id = r->t->scope_id, .pkt_len = 8 + o->size };
	r->tc6 = r->tc; /* the same settings, but for the family and its source */
	r->tc6.family = AF_INET6;
	r->tc6.src = e->src6_set ? &e->src6 : NULL;
	return o->send_path == RINGPING_SEND_PACKET ? run_setup_link(r) : 0;
}

static int run_setup(struct run *r)
{
	const struct ringping_opts *o = r->o;
	__u64 seed = o->seed; /* random unless given, and reported either way */
	int err;

	if (getrandom(&r->key, sizeof(r->key), 0) != sizeof(r->key) ||
	    (!o->seed_set && getrandom(&seed, sizeof(seed), 0) != sizeof(seed)))
		return -errno;
	run_plan(r, seed);
	if (r->track && hoststats_init(&r->hs, r->ntargets, o->timeout_ns))
		return -ENOMEM;
	if (o->keep_rtts && run_setup_rtts(r))
		return -ENOMEM;
	err = run_tx_cfgs(r);
	err = err ?: probe_init(&r->tmpl, &r->key, o->size);
	err = err ?: inflight_init(&r->inf, run_inflight_capacity(r, r->sch.total),
				   o->timeout_ns, run_emit, r);
	err = err ?: run_setup_jobs(r);
	if (err)
		return err;
	/* The receive path goes first, so no reply can beat it. */
	err = run_setup_bpf(r);
	err = err ?: senders_start(&r->snd, o->sender_threads,
				   (const struct tx_cfg *const[SND__FAMS]){
					   r->sch.n4 ? &r->tc : NULL,
					   r->sch.n4 < r->ntargets ? &r->tc6 : NULL },
				   o->batch);
	return err ?: run_epoll(r);
}

/* The run is over: its sockets, BPF programs, threads and buffers go; statistics stay. */
static void run_release(struct run *r)
{
	int i;

	if (r->released)
		return;
	r->released = true;
	if (r->inf.c.stamp_stray)
		pr_debug("%llu TX stamps matched no probe waiting for one\n",
			 (unsigned long long)r->inf.c.stamp_stray);
	senders_stop(&r->snd);
	rx_close(&r->rx);
	if (r->epfd >= 0)
		close(r->epfd);
	for (i = 0; i < r->njobs; i++)
		sender_job_free(&r->jobs[i]);
	free(r->jobs);
	r->jobs = NULL;
	r->njobs = 0;
	inflight_free(&r->inf);
}

bool run_started(const struct run *r)
{
	return r && r->t_start;
}

void run_free(struct run *r)
{
	if (!r)
		return;
	run_release(r);
	probe_free(&r->tmpl);
	hoststats_free(&r->hs);
	hoststats_free(&r->all);
	free(r->rtts);
	free(r);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_meta(const struct run *r, struct ringping_meta *m)
{
	const struct ringping_opts *o = r->o;

	m->mode = o->rx_mode == RINGPING_RX_XDP ? "xdp" : "socket";
	m->send_path = o->send_path == RINGPING_SEND_PACKET ? "packet" : "raw";
	m->tx_stamps = !senders_kstamp(&r->snd) ? "user" : senders_looped(&r->snd) ? "looped" : "keyed";
	m->rx_clock = r->rx.rxc.mono ? "monotonic" : "tai";
	m->rate = pacer_rate(&r->pacer);
	m->count = o->count;
	m->loop = o->loop;
	m->period_ms = r->multi ? o->period_ns / 1000000 : 0;
	m->seed = r->seed;
	m->key_id = (__u32)rp_siphash4(r->key.k0, r->key.k1, 0, 0, 0, 3);
	m->start_s = r->wall_start;
	m->end_s = wall_now();
}

/* The counts as they stand; end: when the run ended, or now. */
static void run_fill_summary(const struct run *r, struct ringping_summary *sum, __u64 end)
{
	struct rp_counters bpf = { 0 };
	struct inflight_counts c = r->inf.c;

	if (r->rx.ld.skel && loader_counters(&r->rx.ld, &bpf))
		pr_warn("reading BPF counters failed\n");
	c.invalid += r->rx.invalid; /* records that failed their checks */
	memset(sum, 0, sizeof(*sum));
	sum->elapsed_s = (double)(end - r->t_start) / NSEC;
	sum->send_s = (double)(r->t_last_send - r->t_start) / NSEC;
	sum->incomplete = r->stopping && !r->deadline_hit; /* -w ends a run as planned */
	sum->alive_hosts = r->alive_hosts;
	stats_summarize(sum, &c, &bpf, r->ntargets, r->sch.total - r->skipped);
	run_meta(r, &sum->meta);
}

void run_summary(const struct run *r, struct ringping_summary *s)
{
	if (r->finished)
		*s = r->sum;
	else
		run_fill_summary(r, s, mono_now());
}

/* Every host's statistics pooled into one, with the same buckets. */
static int run_pool(struct run *r)
{
	__u64 i;
	int err;

	err = hoststats_init(&r->all, 1, r->hs.max_ns);
	for (i = 0; !err && i < r->ntargets; i++)
		hoststats_merge(&r->all, &r->hs, i);
	return err;
}

static int run_finish(struct run *r)
{
	__u64 end = mono_now();

	inflight_retire(&r->inf, end, true);
	run_fill_summary(r, &r->sum, end);
	r->finished = true;
	return r->track ? run_pool(r) : 0;
}

const struct hoststats *run_hoststats(const struct run *r)
{
	return r->track ? &r->hs : NULL;
}

const struct hoststats *run_pooled(const struct run *r)
{
	return r->all.h ? &r->all : NULL;
}

const float *run_rtts(const struct run *r, __u64 *per_host)
{
	*per_host = r->o->count;
	return r->rtts;
}

int run_probe(struct ringping *e, ringping_probe_fn fn, void *ctx, struct run **out)
{
	struct run *r = calloc(1, sizeof(*r));
	const struct ringping_opts *o = &e->o;
	int err;

	*out = r;
	if (!r)
		return -ENOMEM;
	*r = (struct run){ .e = e, .o = o, .t = &e->t, .fn = fn, .fn_ctx = ctx, .epfd = -1,
			   .snd.efd = -1 };
	err = run_setup(r);
	if (err)
		goto out;
	r->t_start = r->t_last_send = mono_now();
	r->deadline = o->deadline_ns ? r->t_start + o->deadline_ns : 0;
	r->interim_ns = o->interim_ns;
	r->next_interim = r->t_start + r->interim_ns;
	r->wall_start = wall_now();
	r->pacer.start_ns = r->t_start;
	err = run_loop(r);
	err = run_finish(r) ?: err;
out:
	if (err == -ENOMEM && !e->err[0])
		engine_fail(e, err, "out of memory");
	run_release(r);
	return err;
}
