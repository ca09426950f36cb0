/* SPDX-License-Identifier: MIT */
/*
 * Inside a run: its state, shared by the loop (run.c), its set-up and
 * teardown (run_setup.c), target changes mid-run (run_retarget.c) and its
 * statistics (run_stats.c).
 */
#ifndef RP_RUN_INT_H
#define RP_RUN_INT_H

#include <time.h>
#include "dgram.h"
#include "hoststats.h"
#include "inflight.h"
#include "pacer.h"
#include "probe.h"
#include "route.h"
#include "run.h"
#include "rx.h"
#include "schedule.h"
#include "sender.h"
#include "trace.h"

#define NSEC 1000000000ULL
#define RUN_MAX_SLEEP_NS (100 * 1000000ULL)
#define RUN_POLL_NS (200 * 1000ULL) /* record polling period when BPF does not wake us */
#define RUN_STOP_GRACE_NS (500 * 1000000ULL) /* after Ctrl-C: replies in flight */
#define RUN_INFLIGHT_MAX (1ULL << 20)
#define RUN_TIMEOUT_MAX_NS (3600ULL * NSEC) /* the longest wait for an answer */
#define RUN_DGRAM_SETTLE_NS (5 * 1000000L) /* for the kernel to turn RX stamps on */
/* A datagram socket's receive buffer per probe: a stamp and an answer, ~832 bytes each. */
#define RUN_DGRAM_PROBE_BYTES 2048

_Static_assert((int)SCHED_V4 == (int)SND_V4 && (int)SCHED_V6 == (int)SND_V6,
	       "a job's family indexes its sockets");

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
	struct ringping_addr l4_src[2]; /* a UDP or TCP trace's sources, IPv4 and IPv6 (run_setup_l4) */
	__u32 group_tags[RP_GROUPS_MAX]; /* opts.broadcast: the targets many hosts may answer, */
	struct rp_group groups[RP_GROUPS_MAX]; /* under their tags (run_setup_groups) */
	__u32 ngroups;
	struct route_link link; /* --send-path packet */
	struct senders snd;
	struct sender_job *jobs, *free_jobs;
	int njobs;
	struct rx rx;	       /* the receive path: BPF, its ring buffer, its clock */
	bool dgram;	       /* ICMP datagram sockets instead of BPF and raw sockets */
	char no_bpf[128];      /* auto chose them for want of these capabilities ("" if asked) */
	struct dgram dg;       /* their receive side */
	__u64 next_drops_check; /* when to read their queues' drop counts again */
	__u64 dgram_out;       /* probes in jobs not yet collected */
	bool dgram_full;       /* their receive buffers have no room for more (run_dgram_room) */
	__u32 sock_events;     /* epoll events the sending sockets are watched for */
	struct inflight inf;
	struct pacer pacer;
	bool gated;	       /* opts.answer_paced or adaptive: answers pace the sends (run_gate_next) */
	__u64 ewma8_ns;	       /* opts.adaptive: the replies' RTT moving average, times 8 (ping's) */
	int epfd;
	__u64 skipped;	       /* positions left out: -r, hosts that had answered; a trace, hops
				* past their target's distance */
	bool trace;	       /* the hosts are a trace's hops (trace.h) */
	struct trace_map tm;
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
	bool gone;		       /* an interface the run needs is gone */
	__u64 next_link_check;	       /* when to look for them again */
	bool finished;		       /* sum is the final summary */
	bool released;		       /* sockets, BPF and threads are gone */
	struct ringping_summary sum;
};


static inline __u64 mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * NSEC + ts.tv_nsec;
}

static inline int run_cancels(const struct run *r)
{
	return __atomic_load_n(&r->e->cancels, __ATOMIC_RELAXED);
}

/* run.c: the callbacks set-up hands out, and whether the run polls. */
void run_emit(void *ctx, __u64 idx, const struct ringping_probe *res);
int run_quote_seq(void *ctx, const struct rp_record *rec, __u64 *seq);
void run_on_record(void *ctx, __u64 seq, const struct rp_record *rec);
bool run_unpaced(const struct run *r);
/* run_setup.c */
void run_dgram_drops(struct run *r);
int run_setup(struct run *r);
void run_setup_pacer(struct run *r);
void run_release(struct run *r);
/* run_retarget.c: at a round start, with nothing in flight. */
void run_retarget(struct run *r, __u64 now);
/* run_stats.c */
double wall_now(void);
int run_finish(struct run *r);

/* The targets a run walks each round: its shard's (opts.shards), within opts.max_targets. */
__u64 run_part_len(const struct ringping_opts *o, __u64 n);

#endif
