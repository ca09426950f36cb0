// SPDX-License-Identifier: MIT
/* A run's set-up and teardown: plan, pacer, sockets, BPF, jobs; released at its end. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <math.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "log.h"
#include "privs.h"
#include "rp_hash.h"
#include "run_int.h"

static int run_epoll_sock(void *ctx, struct tx *tx)
{
	struct run *r = ctx;
	struct epoll_event ev = { .events = r->sock_events };

	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, tx->fd, &ev) ? -errno : 0;
}

/* The run's one wait: records, finished jobs, requests (and, inline, TX stamps). */
static int run_epoll_fds(struct run *r)
{
	struct epoll_event ev = { .events = EPOLLIN };

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0)
		return -errno;
	if (!r->dgram && epoll_ctl(r->epfd, EPOLL_CTL_ADD, rx_epoll_fd(&r->rx), &ev))
		return -errno;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->snd.efd, &ev)) /* a sender finished a job */
		return -errno;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->e->wake_fd, &ev)) /* cancel, interim */
		return -errno;
	if (r->snd.n && !r->dgram)
		return 0;
	/* Inline: TX stamps waiting on the error queue; datagram sockets: replies and errors too. */
	r->sock_events = r->dgram ? EPOLLIN | EPOLLERR : EPOLLERR;
	return senders_each(&r->snd, run_epoll_sock, r);
}

static int run_epoll(struct run *r)
{
	int err = run_epoll_fds(r);

	if (err)
		return engine_fail(r->e, err, "epoll: %s", strerror(-err));
	return 0;
}

/*
 * Retries and traces skip positions (hosts that answered, hops past a path's
 * end), and a skipped one holds its slot until the head passes it: with room
 * for one timeout's probes only, a retry round of a mostly alive /16 would be
 * paced by the ring, not the rate. Room for a round's positions, up to this.
 */
#define RUN_INFLIGHT_SKIP_MAX (1ULL << 18)

static __u64 run_inflight_capacity(const struct run *r, __u64 total)
{
	const struct pacer *p = &r->pacer;
	/* Enough slots for every probe of one timeout at the paced rate, capped. */
	__u64 want = p->den ? (__u64)((unsigned __int128)r->o->timeout_ns * p->den /
				     p->num_ns) + 1 + r->o->batch
			    : RUN_INFLIGHT_MAX;
	__u64 round = r->sch.len < RUN_INFLIGHT_SKIP_MAX ? r->sch.len : RUN_INFLIGHT_SKIP_MAX;

	if ((r->o->retries || r->trace) && want < round)
		want = round;

	if (want > total)
		want = total;
	return want < RUN_INFLIGHT_MAX ? want : RUN_INFLIGHT_MAX;
}

/*
 * BPF or datagram sockets. Auto takes BPF where this thread may load it, or
 * where only BPF can do what was asked (XDP, the packet send path).
 */
static bool run_choose_dgram(struct run *r)
{
	const struct ringping_opts *o = r->o;

	if (o->mode != RINGPING_MODE_AUTO)
		return o->mode == RINGPING_MODE_DGRAM;
	if (o->rx_mode == RINGPING_RX_XDP || o->send_path == RINGPING_SEND_PACKET)
		return false;
	if (privs_bpf_ok(r->no_bpf, sizeof(r->no_bpf))) {
		pr_info("mode bpf: a BPF receive program and raw sockets\n");
		return false;
	}
	return true; /* said once its sockets are open (or why they are not) */
}

/* Datagram sockets: each socket's replies and errors come in on it, read by this thread. */
static int run_setup_dgram(struct run *r)
{
	rx_open_dgram(&r->rx, &r->key, run_quote_seq, run_on_record, r);
	return dgram_init(&r->dg, &r->rx, r->tc.pkt_len);
}

static int run_dgram_wire1(void *ctx, struct tx *tx)
{
	tx->on_icmp = dgram_on_icmp;
	tx->icmp_ctx = ctx;
	return 0;
}

static int run_dgram_drops1(void *ctx, struct tx *tx)
{
	dgram_drops(ctx, tx);
	return 0;
}

/* Datagram sockets' queue drops (SO_MEMINFO): ringping's own, reported as such. */
void run_dgram_drops(struct run *r)
{
	if (r->dgram)
		senders_each(&r->snd, run_dgram_drops1, &r->dg);
}

/*
 * The broadcast addresses of this namespace's IPv4 subnets, at most max: the
 * kernel makes a subnet's all-ones address a broadcast route whatever the
 * address's own "brd" says (fib_add_ifaddr), for prefixes up to /30.
 */
static int run_local_broadcasts(struct ringping_addr *out, int max)
{
	struct ifaddrs *ifa, *i;
	__u32 a, m;
	int n = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i && n < max; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask)
			continue;
		a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
		m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
		if (~m > 2) /* shorter than /31 */
			addr_from_v4(&out[n++], a | ~m);
	}
	freeifaddrs(ifa);
	return n;
}

static int run_add_group(struct run *r, const struct ringping_addr *a)
{
	char s[ADDR_STRLEN];

	for (__u32 i = 0; i < r->ngroups; i++)
		if (!memcmp(r->groups[i].addr, a->b, RP_ADDR_LEN))
			return 0;
	if (r->ngroups == RP_GROUPS_MAX)
		return engine_fail(r->e, -E2BIG, "more than %d broadcast or multicast targets (at %s)",
				   RP_GROUPS_MAX, addr_str(a, s, sizeof(s)));
	memcpy(r->groups[r->ngroups].addr, a->b, RP_ADDR_LEN);
	r->group_tags[r->ngroups++] = rp_tag(r->key.k0, r->key.k1, a->b);
	return 0;
}

/*
 * opts.broadcast: the targets many hosts may answer, for the BPF programs.
 * Multicast targets are found by walking the set (one a broadcast run is
 * small); subnet broadcast addresses by looking each up.
 */
static int run_setup_groups(struct run *r)
{
	struct ringping_addr a, bc[RP_GROUPS_MAX];
	int nbc, i, err = 0;
	__u64 idx;

	if (!r->o->broadcast)
		return 0;
	nbc = run_local_broadcasts(bc, RP_GROUPS_MAX);
	for (i = 0; i < nbc && !err; i++)
		if (!targets_index(r->t, &bc[i], &idx))
			err = run_add_group(r, &bc[i]);
	for (idx = 0; idx < r->ntargets && !err; idx++) {
		targets_addr(r->t, idx, &a);
		if (addr_is_group(&a))
			err = run_add_group(r, &a);
	}
	return err;
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
		.trace = r->trace,
		.trace_proto = !r->trace ? 0 : o->trace_proto == RINGPING_TRACE_UDP ? IPPROTO_UDP
					 : o->trace_proto == RINGPING_TRACE_TCP ? IPPROTO_TCP : 0,
		.trace_port = o->trace_port,
		.probe = o->probe == RINGPING_PROBE_TIMESTAMP ? RP_PROBE_TSTAMP : RP_PROBE_ECHO,
		.ipopts = o->ip_options_len > 0,
		.group_tags = r->group_tags, .groups = r->groups, .ngroups = r->ngroups,
	};
	int err = run_setup_groups(r);

	if (err)
		return err;
	lc.ngroups = r->ngroups;
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
void run_setup_pacer(struct run *r)
{
	const struct ringping_opts *o = r->o;
	bool by_period = r->multi && o->period_ns;

	pacer_init(&r->pacer, o->rate, o->batch, 0);
	if (by_period) {
		__u64 want = pacer_rate(&r->pacer);

		pacer_limit(&r->pacer, o->period_ns, r->sch.len ?: 1); /* a round per period: the shard's */
		if (o->rate && want == o->rate && pacer_rate(&r->pacer) == o->rate)
			pr_warn("--rate %llu stretches -p %llu over %llu targets to %.0f ms\n",
				(unsigned long long)o->rate, (unsigned long long)(o->period_ns / 1000000),
				(unsigned long long)r->sch.len, 1e3 * r->sch.len / o->rate);
	}
	if (o->interval_ns)
		pacer_limit(&r->pacer, o->interval_ns, 1);
	r->gated = o->answer_paced || o->adaptive;
}

/* A shard (opts.shards) and a limit (opts.max_targets): the same rounds over fewer positions. */
__u64 run_part_len(const struct ringping_opts *o, __u64 n)
{
	__u64 len = o->shards > 1 ? sched_shard_len(n, o->shards, o->shard) : n;

	return o->max_targets && o->max_targets < len ? o->max_targets : len;
}

static void run_setup_part(struct run *r)
{
	const struct ringping_opts *o = r->o;
	__u64 len = run_part_len(o, r->ntargets), rounds;

	rounds = o->loop ? UINT64_MAX / 2 / (len ?: 1) : o->count * (1 + o->retries);
	if (o->shards > 1)
		sched_set_shard(&r->sch, o->shards, o->shard, rounds);
	sched_limit(&r->sch, o->max_targets, rounds);
}

/* What the run will send: how many probes, in which order, at which pace. */
static int run_plan(struct run *r, __u64 seed)
{
	const struct ringping_opts *o = r->o;
	__u64 total, n4 = r->t->count4;

	r->ntargets = r->t->count;
	r->trace = o->trace;
	if (r->trace) { /* the hosts are the trace's hops, TTL by TTL */
		if (trace_map_init(&r->tm, n4, r->t->count - n4, o->first_hop, o->max_hops,
				   o->trace_flow, o->trace_flows))
			return -ENOMEM; /* the numbers were checked at ringping_open */
		r->ntargets = trace_count(&r->tm);
		n4 = trace_count4(&r->tm);
	}
	r->multi = o->count > 1 || o->loop;
	r->track = r->multi || o->retries || o->host_stats || o->keep_rtts || r->trace;
	/* -l: as many rounds as 64-bit sequence numbers allow, i.e. until stopped. */
	total = o->loop ? (UINT64_MAX / 2 / r->ntargets) * r->ntargets
			: r->ntargets * o->count * (1 + o->retries);
	sched_init(&r->sch, r->ntargets, n4, total, o->retries, seed);
	if (!r->trace)
		run_setup_part(r);
	if (r->trace)
		sched_set_waves(&r->sch, trace_wave(&r->tm, 4), trace_wave(&r->tm, 6));
	r->seed = seed;
	run_setup_pacer(r);
	return 0;
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
	r->tc.dgram = r->dgram;
	r->tc.pmtu = o->pmtu;
	r->tc.broadcast = o->broadcast;
	r->tc.mark = o->mark;
	r->tc.dontroute = o->dontroute;
	r->tc.sndbuf = o->sndbuf;
	r->tc.flowlabel = o->flowlabel;
	r->tc.ip_options = o->ip_options;
	r->tc.ip_options_len = o->ip_options_len;
	r->tc.no_bpf = r->no_bpf[0] ? r->no_bpf : NULL;
	r->tc6 = r->tc; /* the same settings, but for the family and its source */
	r->tc6.family = AF_INET6;
	if (o->flowlabel && r->t->count > r->t->count4)
		targets_addr(r->t, r->t->count4, &r->tc6.flow_dst);
	r->tc6.src = e->src6_set ? &e->src6 : NULL;
	return o->send_path == RINGPING_SEND_PACKET ? run_setup_link(r) : 0;
}

/*
 * A UDP or TCP trace's checksums cover the source address: one per family,
 * the one given or the kernel's choice for the family's first target, and
 * the send sockets bound to it so that the kernel sends from no other.
 */
static int run_setup_l4(struct run *r)
{
	const struct ringping_opts *o = r->o;
	struct tx_cfg *tc[2] = { &r->tc, &r->tc6 };
	__u64 first[2] = { 0, r->t->count4 }, end[2] = { r->t->count4, r->t->count };
	int ifindex = o->ifname ? (int)if_nametoindex(o->ifname) : 0, err;
	struct ringping_addr dst;
	char buf[ADDR_STRLEN];

	for (int i = 0; i < 2; i++) {
		if (first[i] == end[i])
			continue;
		targets_addr(r->t, first[i], &dst);
		if (tc[i]->src)
			r->l4_src[i] = *tc[i]->src;
		else if ((err = route_source(&dst, ifindex, r->t->scope_id, &r->l4_src[i])))
			return engine_fail(r->e, err, "no source address for %s: %s",
					   addr_str(&dst, buf, sizeof(buf)), strerror(-err));
		tc[i]->src = &r->l4_src[i];
	}
	err = probe_init_l4(&r->tmpl, &r->key, o->size,
			    o->trace_proto == RINGPING_TRACE_UDP ? IPPROTO_UDP : IPPROTO_TCP, o->trace_port,
			    r->tc.src, r->tc6.src);
	for (int i = 0; !err && i < 2; i++) {
		tc[i]->proto = r->tmpl.proto;
		tc[i]->pkt_len = r->tmpl.len;
	}
	return err;
}

/* Set up: nothing this thread does from here on needs a capability it keeps not. */
static int run_drop_caps(struct run *r)
{
	char left[256];
	int err = privs_drop(r->o->keep_caps);

	if (err)
		return engine_fail(r->e, err, "dropping capabilities: %s", strerror(-err));
	privs_describe(left, sizeof(left));
	pr_info("capabilities after set-up: %s\n", left);
	return 0;
}

/* The probes' template: a UDP or TCP trace's, timestamp requests, or echo requests (with -p's pattern). */
static int run_setup_probes(struct run *r)
{
	const struct ringping_opts *o = r->o;
	int err;

	if (r->trace && o->trace_proto != RINGPING_TRACE_ICMP)
		return run_setup_l4(r);
	if (o->probe == RINGPING_PROBE_TIMESTAMP)
		return probe_init_tstamp(&r->tmpl, &r->key);
	err = probe_init(&r->tmpl, &r->key, o->size);
	if (!err && !r->trace)
		probe_set_pattern(&r->tmpl, o->pattern, o->pattern_len);
	return err;
}

/* Timestamp probes need raw sockets (IPv6 targets were refused as they came: opts.family 4). */
static int run_check_tstamp(struct run *r)
{
	if (!r->dgram)
		return 0;
	return engine_fail(r->e, -EPERM, "timestamp probes need BPF mode (%s): datagram sockets send "
			   "echo requests only", r->no_bpf[0] ? r->no_bpf : "asked for dgram");
}

/*
 * Timestamp probes: TX stamps keyed by 31 bits (all the originate field
 * holds), and the offset of TAI from UT, which remote clocks speak.
 */
static void run_setup_clocks(struct run *r)
{
	if (r->o->probe == RINGPING_PROBE_TIMESTAMP)
		r->inf.key_mask = RP_TS_SEQ_MASK;
	r->inf.tai_utc_ns = tx_tai_offset();
}

int run_setup(struct run *r)
{
	const struct ringping_opts *o = r->o;
	__u64 seed = o->seed; /* random unless given, and reported either way */
	int err;

	if (getrandom(&r->key, sizeof(r->key), 0) != sizeof(r->key) ||
	    (!o->seed_set && getrandom(&seed, sizeof(seed), 0) != sizeof(seed)))
		return engine_fail(r->e, -errno, "getrandom (the run's key): %s", strerror(errno));
	if (run_plan(r, seed))
		return -ENOMEM;
	r->dgram = run_choose_dgram(r);
	if (r->dgram && r->trace)
		return engine_fail(r->e, -EPERM, "a trace needs BPF mode (%s); datagram sockets "
				   "cannot trace yet", r->no_bpf[0] ? r->no_bpf : "asked for dgram");
	if (o->probe == RINGPING_PROBE_TIMESTAMP && (err = run_check_tstamp(r)))
		return err;
	if (r->track && hoststats_init(&r->hs, r->ntargets, o->timeout_ns))
		return -ENOMEM;
	if (o->keep_rtts && run_setup_rtts(r))
		return -ENOMEM;
	err = run_tx_cfgs(r) ?: run_setup_probes(r);
	err = err ?: inflight_init(&r->inf, run_inflight_capacity(r, r->sch.total),
				   o->timeout_ns, run_emit, r);
	if (!err)
		run_setup_clocks(r);
	if (!err && o->ip_options_len)
		err = inflight_keep_ipopts(&r->inf);
	r->inf.user_times = o->user_times;
	err = err ?: run_setup_jobs(r);
	if (err)
		return err;
	/* The receive path goes first, so no reply can beat it. */
	err = r->dgram ? run_setup_dgram(r) : run_setup_bpf(r);
	err = err ?: senders_start(&r->snd, o->sender_threads,
				   (const struct tx_cfg *const[SND__FAMS]){
					   r->sch.n4 ? &r->tc : NULL,
					   r->sch.n4 < r->ntargets ? &r->tc6 : NULL },
				   o->batch, o->drop_caps ? &o->keep_caps : NULL);
	if (!err && r->dgram)
		senders_each(&r->snd, run_dgram_wire1, &r->dg);
	if (!err && r->no_bpf[0])
		pr_warn("no %s: probing through ICMP datagram sockets (mode dgram)\n", r->no_bpf);
	/*
	 * The first socket asking for RX stamps has the kernel turn them on from
	 * a work queue, a little later: replies that beat it come unstamped
	 * (over half of single-probe runs here did). Give it the moment.
	 */
	if (!err && r->dgram)
		nanosleep(&(struct timespec){ 0, RUN_DGRAM_SETTLE_NS }, NULL);
	err = err ?: run_epoll(r);
	return err ?: o->drop_caps ? run_drop_caps(r) : 0;
}

/* The run is over: its sockets, BPF programs, threads and buffers go; statistics stay. */
void run_release(struct run *r)
{
	int i;

	if (r->released)
		return;
	r->released = true;
	if (r->inf.c.stamp_stray)
		pr_debug("%llu TX stamps matched no probe waiting for one\n",
			 (unsigned long long)r->inf.c.stamp_stray);
	if (r->dg.rx_unstamped)
		pr_debug("%llu answers came without a kernel RX stamp\n",
			 (unsigned long long)r->dg.rx_unstamped);
	senders_stop(&r->snd);
	rx_close(&r->rx);
	dgram_free(&r->dg);
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
	trace_map_free(&r->tm);
	free(r->rtts);
	free(r);
}
