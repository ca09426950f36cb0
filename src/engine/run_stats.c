// SPDX-License-Identifier: MIT
/* A run's summary (so far, or final), its meta data, and the statistics kept after it. */
#include <string.h>
#include <time.h>
#include "log.h"
#include "rp_hash.h"
#include "run_int.h"

double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run_meta(const struct run *r, struct ringping_meta *m)
{
	const struct ringping_opts *o = r->o;

	m->mode = r->dgram ? "dgram" : o->rx_mode == RINGPING_RX_XDP ? "xdp" : "socket";
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
	if (r->dgram)
		bpf = r->dg.c; /* the datagram reader counts as the BPF program would */
	c.invalid += r->rx.invalid; /* records that failed their checks */
	memset(sum, 0, sizeof(*sum));
	sum->elapsed_s = (double)(end - r->t_start) / NSEC;
	sum->send_s = (double)(r->t_last_send - r->t_start) / NSEC;
	sum->incomplete = r->stopping && !r->deadline_hit; /* -w ends a run as planned */
	sum->alive_hosts = r->alive_hosts;
	/* A shard's targets are its own (every target without shards). */
	stats_summarize(sum, &c, &bpf, r->trace ? r->ntargets : r->sch.len, r->sch.total - r->skipped);
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

int run_finish(struct run *r)
{
	__u64 end = mono_now();

	inflight_retire(&r->inf, end, true);
	run_dgram_drops(r);
	run_fill_summary(r, &r->sum, end);
	r->finished = true;
	return r->track ? run_pool(r) : 0;
}

const struct hoststats *run_hoststats(const struct run *r)
{
	return r->track ? &r->hs : NULL;
}

__u64 run_hosts(const struct run *r)
{
	return r->ntargets;
}

const struct trace_map *run_trace(const struct run *r)
{
	return r->trace ? &r->tm : NULL;
}

const struct sched *run_sched(const struct run *r)
{
	return &r->sch;
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
