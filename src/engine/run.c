// SPDX-License-Identifier: MIT
/* The run's loop: send, collect stamps and records, retire, wait; and what each probe's end feeds. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/sock_diag.h>
#include "log.h"
#include "rp_hash.h"
#include "run_int.h"

/*
 * -C keeps count RTTs per host, one per round. Retries (count 1) re-probe only
 * silent hosts, so a host's one answer may come in any round: it takes the
 * host's one slot (indexing by round ran past the host's row into the next).
 */
static __u64 run_rtt_slot(const struct run *r, __u64 round)
{
	return round < r->o->count ? round : r->o->count - 1;
}

/* A resolved probe into its host's statistics; a failed send is not a probe sent. */
static void run_track(struct run *r, __u64 idx, const struct ringping_probe *res)
{
	switch (res->status) {
	case RINGPING_SEND_FAILED:
		return;
	case RINGPING_ALIVE:
		if (!r->hs.h[idx].received && !r->trace)
			r->alive_hosts++;
		if (r->rtts && res->rtt_ns >= 0)
			r->rtts[idx * r->o->count + run_rtt_slot(r, res->round)] =
				(float)(res->rtt_ns / 1e6);
		hoststats_reply(&r->hs, idx, (__u32)res->round, res->rtt_ns);
		break;
	case RINGPING_NO_REPLY:
		break;
	default:
		/* A trace's hop answers with an error (time exceeded, above all): that is its reply. */
		if (r->trace)
			hoststats_reply(&r->hs, idx, (__u32)res->round, res->rtt_ns);
		hoststats_error(&r->hs, idx, res->status, res->icmp_type, res->icmp_code, &res->from);
		break;
	}
	hoststats_sent(&r->hs, idx);
}

/*
 * A UDP probe's destination answers with a port unreachable: that is its
 * reply. Only the end host sends one (routers forward), but not always from
 * the probed address (Linux answers for an address it holds by a local route
 * from the interface's), so whoever sent it, as traceroute has it.
 */
static bool run_udp_end(const struct run *r, const struct ringping_probe *p)
{
	return r->tmpl.proto == IPPROTO_UDP && p->status == RINGPING_UNREACHABLE &&
	       p->icmp_code == (addr_is_v4(&p->target) ? 3 : 4);
}

/*
 * A trace's probe: which hop, its identifier (a UDP or TCP probe's: its
 * source port) and sequence field; an answer from the destination marks its
 * target's distance.
 */
static void run_emit_trace(struct run *r, __u64 idx, struct ringping_probe *p)
{
	struct probe_hop h;
	__u64 t, hash;

	trace_split(&r->tm, idx, &t, &h);
	targets_addr(r->t, t, &p->target);
	p->trace_ttl = h.ttl;
	p->trace_flow = h.flow;
	hash = rp_trace_hash(r->key.k0, r->key.k1, p->target.b, h.flow);
	p->icmp_id = r->tmpl.proto ? RP_TRACE_SPORT(hash) : (__u16)hash;
	p->icmp_seq = RP_TRACE_SEQ(h.flow, h.ttl, p->round);
	if (run_udp_end(r, p))
		p->status = RINGPING_ALIVE;
	if (p->status == RINGPING_ALIVE && !r->tm.reached[t]) {
		r->tm.reached[t] = 1;
		r->alive_hosts++; /* targets reached */
	}
	/* Past the destination, or past a router that says it cannot reach it, is nothing to see. */
	if (p->status == RINGPING_ALIVE || p->status == RINGPING_UNREACHABLE)
		trace_reached(&r->tm, t, h.ttl);
}

/* What a result says of its probe beyond the ring's slot: round, target, bytes, identifiers. */
static void run_complete(struct run *r, __u64 idx, struct ringping_probe *p)
{
	__u32 tag;

	p->round = sched_round(&r->sch, p->seq);
	p->target_index = idx;
	p->bytes = r->tmpl.len;
	if (r->trace) {
		run_emit_trace(r, idx, p);
	} else {
		targets_addr(r->t, idx, &p->target);
		tag = rp_tag(r->key.k0, r->key.k1, p->target.b);
		p->icmp_id = r->dgram ? 0 : (__u16)(tag >> 16); /* datagram sockets: the kernel's */
		p->icmp_seq = (__u16)tag;
	}
}

void run_emit(void *ctx, __u64 idx, const struct ringping_probe *res)
{
	struct run *r = ctx;
	struct ringping_probe full = *res;

	run_complete(r, idx, &full);
	/* ping's moving average: 1/8 of each new RTT (its "ewma", times 8 as it keeps it). */
	if (r->o->adaptive && full.status == RINGPING_ALIVE && full.rtt_ns >= 0)
		r->ewma8_ns = r->ewma8_ns ? r->ewma8_ns + (__u64)full.rtt_ns - r->ewma8_ns / 8
					  : 8 * (__u64)full.rtt_ns;
	if (r->fn)
		r->fn(r->fn_ctx, &full);
	if (r->track)
		run_track(r, idx, &full);
	else if (res->status == RINGPING_ALIVE)
		r->alive_hosts++; /* one probe per target, credited at most once */
}

/* The host an answer belongs to: its target, or the trace's hop its sequence field names. */
static int run_answer_host(const struct run *r, const struct rp_record *rec, __u64 *idx)
{
	struct ringping_addr a;

	memcpy(a.b, rec->target, sizeof(a.b));
	if (targets_index(r->t, &a, idx))
		return -EINVAL;
	return r->trace ? trace_join(&r->tm, *idx, RP_TRACE_FLOW(rec->qseq), RP_TRACE_TTL(rec->qseq), idx)
			: 0;
}

/* Duplicates and late answers belong to a host too; found by address, off the hot path. */
static void run_track_extra(struct run *r, const struct rp_record *rec, enum answer_verdict v)
{
	__u64 idx;

	if (!r->track || (v != ANS_DUPLICATE && v != ANS_LATE))
		return;
	if (run_answer_host(r, rec, &idx))
		return;
	if (v == ANS_DUPLICATE)
		hoststats_duplicate(&r->hs, idx);
	else
		hoststats_late(&r->hs, idx);
}

/*
 * An ICMP error quoting 8 bytes names its target (a trace's, its hop too):
 * the newest probe to it is the one; a trace's names its query (the round
 * modulo 16), which picks among the last 16 rounds.
 */
int run_quote_seq(void *ctx, const struct rp_record *rec, __u64 *seq)
{
	struct run *r = ctx;
	__u64 idx;
	int i;

	if (run_answer_host(r, rec, &idx) || sched_newest_seq(&r->sch, idx, seq))
		return -EINVAL;
	for (i = 0; r->trace && i < 16; i++, *seq -= r->ntargets)
		if (sched_round(&r->sch, *seq) % 16 == RP_TRACE_QUERY(rec->qseq))
			return 0;
		else if (*seq < r->ntargets)
			break;
	return r->trace ? -EINVAL : 0;
}

/* A further answer to an answered probe, to the caller who asked for each (ping's DUP! lines). */
static void run_duplicate(struct run *r, __u64 seq, const struct rp_record *rec)
{
	struct ringping_probe p;
	__u64 idx;

	if (r->trace || inflight_duplicate(&r->inf, seq, rec, &p, &idx))
		return;
	run_complete(r, idx, &p);
	r->o->on_duplicate(r->o->duplicate_ctx, &p);
}

void run_on_record(void *ctx, __u64 seq, const struct rp_record *rec)
{
	struct run *r = ctx;
	struct rp_record_opt user; /* opts.user_times: the record, read now */
	enum answer_verdict v;

	if (r->o->user_times) {
		memcpy(&user, rec, rx_record_len(rec));
		user.rec.rx_ns = tx_tai_now();
		rec = &user.rec;
	}
	if (rec->flags & RP_REC_F_TSTAMP) /* its 31 bits (RP_TS_ORIG) */
		seq = inflight_widen(&r->inf, seq, RP_TS_SEQ_MASK);
	v = inflight_answer(&r->inf, seq, rec);

	if (v == ANS_DUPLICATE && r->o->on_duplicate)
		run_duplicate(r, seq, rec);
	run_track_extra(r, rec, v);
}

void run_on_stamp(void *ctx, __u32 key, __u64 tai_ns)
{
	struct run *r = ctx;

	inflight_tx_stamp(&r->inf, key, tai_ns);
}

/* No pace at all (--rate 0 and no -p or -i): records are polled, not woken for. */
bool run_unpaced(const struct run *r)
{
	return !r->pacer.den && !r->gated;
}

/* opts.adaptive: no sooner than the RTT's moving average after the last send (nor its floor). */
static __u64 run_gap(const struct run *r)
{
	__u64 g = r->ewma8_ns / 8;

	if (!r->o->adaptive)
		return 0;
	return g > r->o->adaptive_min_ns ? g : r->o->adaptive_min_ns;
}

/*
 * ping's schedules (opts.answer_paced, opts.adaptive): the next probe goes
 * once fewer than the preload wait for an answer and the gap has passed, or
 * at the latest a period (or the gap, if longer) after the last send.
 */
static __u64 run_gate_next(const struct run *r, __u64 now)
{
	__u64 gap = run_gap(r), t = r->t_last_send + (gap > r->o->period_ns ? gap : r->o->period_ns);
	__u64 window = r->o->preload ? r->o->preload : 1;

	if (r->inf.waiting < window && r->t_last_send + gap < t)
		t = r->t_last_send + gap;
	return t > now ? t : now;
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
	       !r->trace &&
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
	double t;

	if (!sched_next_round(&r->sch, r->inf.open))
		return;
	/* Backoff compounds (1.5^1000 overflows any integer): at most an hour, as -t. */
	t = (double)r->inf.timeout_ns * r->o->backoff;
	r->inf.timeout_ns = t < (double)RUN_TIMEOUT_MAX_NS ? (__u64)t : RUN_TIMEOUT_MAX_NS;
}

/*
 * A retry to a host that has answered (an echo reply or an ICMP error) is
 * left out, and so is a trace's hop past its target's distance.
 */
static bool run_skip(const struct run *r, __u64 p, __u64 idx)
{
	const struct host_stats *h;

	if (r->trace)
		return trace_beyond(&r->tm, idx);
	if (!r->o->retries || p < r->sch.len) /* the first round probes every host */
		return false;
	h = &r->hs.h[idx];
	return h->received || h->unreachable || h->time_exceeded || h->other_errors;
}

static int run_dgram_room1(void *ctx, struct tx *tx)
{
	__u64 *room = ctx, half, n;
	__u32 mi[SK_MEMINFO_VARS];

	if (tx_meminfo(tx, mi))
		return 0;
	half = mi[SK_MEMINFO_RCVBUF] / 2;
	n = half > mi[SK_MEMINFO_RMEM_ALLOC] ? (half - mi[SK_MEMINFO_RMEM_ALLOC]) / RUN_DGRAM_PROBE_BYTES : 0;
	if (n < *room)
		*room = n;
	return 0;
}

/*
 * Datagram sockets: a probe's stamp and answer wait in the socket's receive
 * buffer until read, and a user's buffer is capped by net.core.rmem_max (208
 * KiB by default). The kernel drops an ICMP error or a stamp that finds it
 * full and counts neither, so the error would read as loss: probes go out
 * only while every socket has room, at half its buffer, for what they and
 * those still being sent may bring back.
 */
static __u64 run_dgram_room(struct run *r)
{
	__u64 room = UINT64_MAX;

	senders_each(&r->snd, run_dgram_room1, &room);
	room = room > r->dgram_out ? room - r->dgram_out : 0;
	/* A buffer too small for even one probe still sends one at a time. */
	r->dgram_full = room == 0 && r->dgram_out;
	return r->dgram_out ? room : room ?: 1;
}

static __u32 run_batch_size(struct run *r, __u64 now)
{
	__u64 n;

	if (!run_may_send(r))
		return 0;
	n = sched_batch(&r->sch, r->gated ? run_gate_next(r, now) <= now : pacer_allow(&r->pacer, now));
	if (n > inflight_room(&r->inf))
		n = inflight_room(&r->inf);
	if (r->dgram && n) {
		__u64 room = run_dgram_room(r);

		n = n < room ? n : room;
	}
	return (__u32)n;
}

/* Probe p to host idx in slot m of a job: a target's echo request, or a trace hop's. */
static void run_build_probe(struct run *r, struct sender_job *j, __u32 m, __u64 p, __u64 idx)
{
	struct ringping_addr a;
	struct probe_hop h;
	__u64 t = idx;
	__u8 *buf;

	if (r->trace)
		trace_split(&r->tm, idx, &t, &h);
	targets_addr(r->t, t, &a);
	buf = tx_prepare(&j->b, m, &a, (__u32)p);
	if (r->trace) {
		h.query = (__u32)sched_round(&r->sch, p);
		if (r->tmpl.proto)
			probe_build_trace_l4(&r->tmpl, buf, &a, p, &h);
		else
			probe_build_trace(&r->tmpl, buf, &a, p, &h);
		tx_set_ttl(&j->b, m, &a, (int)h.ttl);
	} else {
		probe_build(&r->tmpl, buf, &a, p);
	}
	tx_seal(&j->b, m);
}

/* Build the next n probes into a job: the in-flight ring has this thread as its one writer. */
static void run_build_job(struct run *r, struct sender_job *j, __u32 n, __u64 now)
{
	struct sched *sch = &r->sch;
	__u64 tx_user = tx_tai_now(), end = sch->next + n, fam_end = sched_family_end(sch, sch->next);
	__u64 start = sch->next;
	__u32 m = 0;

	j->fam = sched_family(sch, sch->next);
	if (end > fam_end)
		end = fam_end;
	for (; sch->next < end; sch->next++) {
		__u64 p = sch->next, idx = sched_order(sch, p);

		if (run_skip(r, p, idx)) {
			r->skipped++;
			continue;
		}
		run_build_probe(r, j, m, p, idx);
		inflight_push(&r->inf, p, idx, now, tx_user);
		if (r->o->on_send)
			r->o->on_send(r->o->send_ctx, p, idx);
		j->seq[m++] = p;
	}
	inflight_skip_to(&r->inf, sch->next);
	j->n = m;
	/*
	 * A trace's -c rounds are paced by -p (a round of every hop per period):
	 * a hop past its path's end takes its time slot too, or the rounds would
	 * come as much faster as most hops are skipped (4 a second, not 1).
	 */
	pacer_commit(&r->pacer, r->trace && r->multi && r->o->period_ns ? (__u32)(sch->next - start) : m);
	r->t_last_send = now;
}

static void run_collect(struct run *r);

static void run_send(struct run *r, __u64 now)
{
	__u32 n;

	if (run_changes_due(r) && !r->inf.open)
		run_retarget(r, now);
	/* A retry round whose hosts all answered sends nothing: the next opens at once. */
	while (run_next_round(r), (n = run_batch_size(r, now))) {
		struct sender_job *j = r->free_jobs;

		r->free_jobs = j->next;
		run_build_job(r, j, n, now);
		if (!j->n) { /* every position skipped: nothing to send */
			j->next = r->free_jobs;
			r->free_jobs = j;
			continue;
		}
		r->dgram_out += j->n;
		senders_submit(&r->snd, j);
		/*
		 * A job holds one round of one family: with a preload (ping's -l,
		 * one target, a round a probe) the next rounds go now, not after
		 * this one's answers. Otherwise answers come first: a trace skips
		 * the hops past a destination they have shown.
		 */
		if (!r->free_jobs && r->o->preload > 1)
			run_collect(r);
	}
}

/* Finished jobs: their stamps and failures go to the ring, the job back to the pool. */
static void run_collect(struct run *r)
{
	struct sender_job *j = senders_take_done(&r->snd), *next;
	bool kstamp;
	__u32 i;

	for (; j; j = next) {
		next = j->next;
		for (i = 0; i < j->nstamps; i++)
			inflight_tx_stamp(&r->inf, j->stamps[i].key, j->stamps[i].tai_ns);
		for (i = 0; i < j->n; i++) {
			if (!j->b.status[i])
				continue;
			inflight_send_failed(&r->inf, j->seq[i], j->b.status[i]);
			if (j->b.status[i] == -ENODEV || j->b.status[i] == -ENXIO)
				r->gone = true;
		}
		r->dgram_out -= j->n;
		j->next = r->free_jobs;
		r->free_jobs = j;
	}
	kstamp = senders_kstamp(&r->snd);
	if (r->inf.kstamp && !kstamp) /* no stamp is coming: answers waiting for one resolve */
		inflight_release_pending(&r->inf);
	r->inf.kstamp = kstamp;
}

static bool run_done(const struct run *r)
{
	return (r->stopping || r->sch.next >= r->sch.total) && r->inf.open == 0;
}

/*
 * The interfaces the run depends on (XDP's, -I's) still there, checked every
 * 100 ms: deleted, they leave no error to see (sends to a vanished route fail
 * as unreachable, an XDP link is just gone).
 */
static void run_check_links(struct run *r, __u64 now)
{
	const char *xdp = r->o->rx_mode == RINGPING_RX_XDP ? r->o->xdp_ifname : NULL;

	if (now < r->next_link_check)
		return;
	r->next_link_check = now + RUN_MAX_SLEEP_NS;
	if ((xdp && (int)if_nametoindex(xdp) != r->rx.ld.ifindex) ||
	    (r->o->ifname && !if_nametoindex(r->o->ifname)))
		r->gone = true;
}

static void run_check_stop(struct run *r, __u64 now)
{
	if (r->stopping)
		return;
	run_check_links(r, now);
	if (r->gone) {
		/* The interface went away: nothing more can go out, nor come back on it. */
		pr_warn("the interface the run sends on is gone: the run ends early\n");
		r->stopping = true;
		r->stop_at = now;
	} else if (run_cancels(r)) {
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

	if (run_may_send(r) && !r->dgram_full) {
		/* Wake for a small batch rather than for every probe at moderate rates. */
		__u32 want = pacer_rate(&r->pacer) / 2000 ? (__u32)(pacer_rate(&r->pacer) / 2000) : 1;

		if (want > r->o->batch)
			want = r->o->batch;
		t = r->gated ? run_gate_next(r, now) : pacer_next_ns(&r->pacer, want, now);
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
	if ((r->dgram_full || (run_unpaced(r) && r->inf.open)) && now + RUN_POLL_NS < wake)
		wake = now + RUN_POLL_NS;
	if (wake <= now)
		return;
	ts.tv_sec = (wake - now) / NSEC;
	ts.tv_nsec = (wake - now) % NSEC;
	epoll_pwait2(r->epfd, ev, 4, &ts, NULL);
	run_drain_wake(r);
}

static int run_dgram_consume1(void *ctx, struct tx *tx)
{
	struct run *r = ctx;
	int n = dgram_consume(&r->dg, tx, (int)r->snd.stamp_cap);

	return n < 0 ? n : 0;
}

/* Datagram sockets: each one's replies (its errors came with senders_poll's stamps). */
static int run_dgram_consume(struct run *r, __u64 now)
{
	int err = senders_each(&r->snd, run_dgram_consume1, r);

	if (!err && now >= r->next_drops_check) {
		r->next_drops_check = now + RUN_MAX_SLEEP_NS;
		run_dgram_drops(r);
	}
	return err;
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
		err = r->dgram ? run_dgram_consume(r, now) : rx_consume(&r->rx);
		if (err) {
			pr_warn("%s: %s\n", r->dgram ? "receiving" : "ring buffer", strerror(-err));
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
	pacer_preload(&r->pacer, o->preload);
	err = run_loop(r);
	err = run_finish(r) ?: err;
	if (!err && r->gone)
		err = -ENODEV; /* the summary stands; the run did not do what it was asked */
out:
	if (err == -ENOMEM && !e->err[0])
		engine_fail(e, err, "out of memory");
	run_release(r);
	return err;
}
