// SPDX-License-Identifier: MIT
/* include/ringping.h: options checked and defaulted, targets, runs, queries. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include "engine.h"
#include "rp_hash.h"
#include "run.h"
#include "schedule.h"
#include "trace.h"

#define API_MAX_NS (3600ULL * 1000000000ULL)

/* Why ringping_open failed: there is no engine to keep it in (one per thread). */
static __thread char api_open_err[256];

const char *ringping_version(void)
{
	return RINGPING_VERSION;
}

const char *ringping_addr_str(const struct ringping_addr *a, char *buf, size_t len)
{
	return addr_str(a, buf, len);
}

int ringping_addr_parse(const char *s, struct ringping_addr *a)
{
	return addr_parse(s, a);
}

int ringping_addr_family(const struct ringping_addr *a)
{
	return addr_is_v4(a) ? 4 : 6;
}

int engine_fail(struct ringping *e, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof(e->err), fmt, ap);
	va_end(ap);
	return err;
}

const char *ringping_errmsg(const struct ringping *e)
{
	return e ? e->err : api_open_err;
}

/*
 * Every diagnostic passes here: a warning is also the engine's last failure
 * reason (modules that fail say why with pr_warn), then the caller's
 * callback gets what its level asks for.
 */
static void api_log(void *ctx, enum ringping_log_level lvl, const char *line)
{
	struct ringping *e = ctx;
	size_t n;

	if (lvl == RINGPING_LOG_WARN && strncmp(line, "libbpf: ", 8) &&
	    (!e->running || pthread_equal(pthread_self(), e->run_thread))) {
		snprintf(e->err, sizeof(e->err), "%s", line);
		n = strlen(e->err);
		if (n && e->err[n - 1] == '\n')
			e->err[n - 1] = '\0';
	}
	if (e->o.log && lvl <= e->o.log_level)
		e->o.log(e->o.log_ctx, lvl, line);
}

/* A numeric option out of range: the reason names the field. */
static int api_range(const char *field, __u64 v, __u64 min, __u64 max)
{
	if (v >= min && v <= max)
		return 0;
	snprintf(api_open_err, sizeof(api_open_err), "opts.%s = %llu: expected %llu..%llu", field,
		 (unsigned long long)v, (unsigned long long)min, (unsigned long long)max);
	return -EINVAL;
}

static int api_bad(const char *why)
{
	snprintf(api_open_err, sizeof(api_open_err), "%s", why);
	return -EINVAL;
}

/* The zeros that mean "the default". */
static void api_defaults(struct ringping_opts *o)
{
	o->count = o->count ?: 1;
	o->timeout_ns = o->timeout_ns ?: 1000000000ULL;
	o->backoff = o->backoff > 0 ? o->backoff : 1.5;
	o->size = o->size ?: 56;
	o->batch = o->batch ?: 64;
	o->ringbuf_mb = o->ringbuf_mb ?: 16;
	/* IPv4 only (ICMPv6 has no timestamp): said at each IPv6 target, as -4 would. */
	if (o->probe == RINGPING_PROBE_TIMESTAMP && !o->family)
		o->family = 4;
	if (o->trace) {
		o->first_hop = o->first_hop ?: 1;
		o->max_hops = o->max_hops ?: 30;
		o->trace_flows = o->trace_flows ?: 1;
		if (!o->trace_port && o->trace_proto != RINGPING_TRACE_ICMP)
			o->trace_port = o->trace_proto == RINGPING_TRACE_UDP ? 33434 : 80;
	}
}

static int api_check_numbers(const struct ringping_opts *o)
{
	return api_range("count", o->count, 1, 1000000) ?:
	       api_range("timeout_ns", o->timeout_ns, 1000000, API_MAX_NS) ?:
	       api_range("period_ns", o->period_ns, 0, API_MAX_NS) ?:
	       api_range("interval_ns", o->interval_ns, 0, API_MAX_NS) ?:
	       api_range("retries", o->retries, 0, 1000) ?:
	       api_range("size", o->size, RP_PAYLOAD_LEN, 65000) ?:
	       api_range("ttl", (__u64)o->ttl, 0, 255) ?:
	       api_range("tos", (__u64)o->tos, 0, 255) ?:
	       api_range("batch", o->batch, 1, 1024) ?:
	       api_range("sender_threads", (__u64)o->sender_threads, 0, 64) ?:
	       api_range("ringbuf_mb", o->ringbuf_mb, 1, 1024) ?:
	       api_range("rate", o->rate, 0, 100000000) ?:
	       api_range("preload", o->preload, 0, 65536) ?:
	       api_range("pattern_len", o->pattern_len, 0, 16) ?:
	       api_range("ip_options_len", o->ip_options_len, 0, 40) ?:
	       api_range("flowlabel", o->flowlabel, 0, 0xfffff) ?:
	       api_range("adaptive_min_ns", o->adaptive_min_ns, 0, API_MAX_NS) ?:
	       api_range("pmtu", o->pmtu, RINGPING_PMTU_DEFAULT, RINGPING_PMTU_PROBE);
}

/* A trace: TTLs and flows fit the sequence field's 6 bits each (ringping_abi.h). */
static int api_check_trace(const struct ringping_opts *o)
{
	int err;

	if (!o->trace)
		return 0;
	err = api_range("max_hops", o->max_hops, 1, RP_TRACE_MAX_TTL) ?:
	      api_range("first_hop", o->first_hop, 1, o->max_hops) ?:
	      api_range("trace_flow", o->trace_flow, 0, RP_TRACE_MAX_FLOWS - 1) ?:
	      api_range("trace_flows", o->trace_flows, 1, RP_TRACE_MAX_FLOWS - o->trace_flow) ?:
	      api_range("size", o->size, PROBE_TRACE_MIN_DATA, 65000) ?:
	      api_range("trace_proto", o->trace_proto, RINGPING_TRACE_ICMP, RINGPING_TRACE_TCP);
	if (err)
		return err;
	if (o->retries)
		return api_bad("opts.trace: no retries (count repeats every hop)");
	if (o->send_path == RINGPING_SEND_PACKET || o->mode == RINGPING_MODE_DGRAM)
		return api_bad("opts.trace: raw sockets and BPF only (no packet send path, no dgram mode)");
	return 0;
}

/* Shards: a part of one permutation, so its seed must be the same on every machine. */
static int api_check_shards(const struct ringping_opts *o)
{
	if (o->shards <= 1 && !o->shard)
		return 0;
	if (o->shards > RINGPING_MAX_SHARDS || o->shard >= o->shards)
		return api_bad("opts.shard: expected 0..shards-1, and shards at most 65536");
	if (!o->seed_set)
		return api_bad("opts.shards: every shard needs the same fixed seed (opts.seed_set)");
	if (o->trace)
		return api_bad("opts.shards: not for traces");
	return 0;
}

static int api_check(const struct ringping_opts *o)
{
	int err = api_check_numbers(o) ?: api_check_trace(o) ?: api_check_shards(o);

	if (err)
		return err;
	if (o->ringbuf_mb & (o->ringbuf_mb - 1))
		return api_bad("opts.ringbuf_mb: expected a power of two");
	if (!(o->backoff >= 1 && o->backoff <= 100))
		return api_bad("opts.backoff: expected 1..100");
	if (o->loop && o->count > 1)
		return api_bad("opts.loop and opts.count > 1 exclude each other");
	if (o->loop && o->keep_rtts)
		return api_bad("opts.keep_rtts keeps count RTTs per target: not with opts.loop");
	if (o->retries && (o->loop || o->count > 1))
		return api_bad("opts.retries: a sweep's silent hosts only (not with count > 1 or loop)");
	if (o->family && o->family != 4 && o->family != 6)
		return api_bad("opts.family: expected 0, 4 or 6");
	if (o->rx_mode == RINGPING_RX_XDP && !o->xdp_ifname)
		return api_bad("opts.rx_mode RINGPING_RX_XDP needs opts.xdp_ifname");
	if (o->rx_mode > RINGPING_RX_XDP || o->send_path > RINGPING_SEND_PACKET ||
	    o->mode > RINGPING_MODE_DGRAM)
		return api_bad("opts.rx_mode, opts.send_path or opts.mode: unknown value");
	if (o->broadcast && (o->mode == RINGPING_MODE_DGRAM || o->send_path == RINGPING_SEND_PACKET || o->trace))
		return api_bad("opts.broadcast: BPF mode and the raw send path only, and no trace");
	if ((o->answer_paced || o->adaptive) && !o->period_ns)
		return api_bad("opts.answer_paced and opts.adaptive need opts.period_ns: the longest a "
			       "probe waits when answers stop coming");
	if (o->probe > RINGPING_PROBE_TIMESTAMP)
		return api_bad("opts.probe: unknown value");
	if (o->ip_options_len && ((o->ip_options_len & 3) || o->mode == RINGPING_MODE_DGRAM ||
				  o->send_path == RINGPING_SEND_PACKET || o->trace))
		return api_bad("opts.ip_options: a multiple of 4 bytes, BPF mode and the raw send path, no trace");
	if (o->probe == RINGPING_PROBE_TIMESTAMP && (o->mode == RINGPING_MODE_DGRAM || o->trace || o->broadcast))
		return api_bad("opts.probe RINGPING_PROBE_TIMESTAMP: BPF mode only (datagram sockets "
			       "send echo requests only), and no trace or broadcast");
	if (o->probe == RINGPING_PROBE_TIMESTAMP && o->family == 6)
		return api_bad("opts.probe RINGPING_PROBE_TIMESTAMP: IPv4 only (ICMPv6 has no timestamp message)");
	if (o->mode == RINGPING_MODE_DGRAM &&
	    (o->rx_mode == RINGPING_RX_XDP || o->send_path == RINGPING_SEND_PACKET))
		return api_bad("opts.mode RINGPING_MODE_DGRAM has no XDP and no packet send path "
			       "(both need BPF and raw sockets)");
	return 0;
}

/* A source address token of the family its field is for. */
static int api_source(const char *tok, int family, struct ringping_addr *a, bool *set)
{
	if (!tok)
		return 0;
	if (addr_parse(tok, a) || ringping_addr_family(a) != family) {
		snprintf(api_open_err, sizeof(api_open_err), "bad IPv%d source address '%s'", family,
			 tok);
		return -EINVAL;
	}
	*set = true;
	return 0;
}

/* Options as given (an older, smaller struct reads as zeros beyond its end). */
static int api_copy_opts(struct ringping_opts *dst, const struct ringping_opts *src)
{
	size_t n = src ? src->sz : sizeof(*dst), i;

	memset(dst, 0, sizeof(*dst));
	if (!src)
		return 0;
	if (n < sizeof(size_t))
		return api_bad("opts.sz: set it to sizeof(struct ringping_opts)");
	for (i = sizeof(*dst); i < n; i++) /* a newer caller's fields this library lacks */
		if (((const char *)src)[i])
			return api_bad("opts: fields this library does not know are set");
	memcpy(dst, src, n < sizeof(*dst) ? n : sizeof(*dst));
	dst->sz = sizeof(*dst);
	return 0;
}

static int api_init(struct ringping *e, const struct ringping_opts *opts)
{
	int err = api_copy_opts(&e->o, opts);

	if (err)
		return err;
	api_defaults(&e->o);
	err = api_check(&e->o);
	err = err ?: api_source(e->o.source, 4, &e->src, &e->src_set);
	err = err ?: api_source(e->o.source6, 6, &e->src6, &e->src6_set);
	if (err)
		return err;
	e->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (e->wake_fd < 0) {
		snprintf(api_open_err, sizeof(api_open_err), "eventfd: %s", strerror(errno));
		return -errno;
	}
	e->sink = (struct log_sink){ .fn = api_log, .ctx = e,
				     .level = e->o.log && e->o.log_level > RINGPING_LOG_WARN
						      ? (enum log_level)e->o.log_level
						      : LOG_WARN };
	targets_init(&e->t);
	targets_init(&e->pending);
	e->t.family = e->pending.family = e->o.family;
	e->t.v4_tstamp = e->pending.v4_tstamp = e->o.probe == RINGPING_PROBE_TIMESTAMP;
	e->t.force = e->pending.force = e->o.force;
	pthread_mutex_init(&e->mu, NULL);
	return 0;
}

int ringping_open(struct ringping **out, const struct ringping_opts *opts)
{
	struct ringping *e = calloc(1, sizeof(*e));
	int err;

	*out = NULL;
	api_open_err[0] = '\0';
	if (!e)
		return api_bad("out of memory"), -ENOMEM;
	e->wake_fd = -1;
	err = api_init(e, opts);
	if (err) {
		if (!api_open_err[0])
			snprintf(api_open_err, sizeof(api_open_err), "%s", strerror(-err));
		if (e->wake_fd >= 0)
			close(e->wake_fd);
		free(e);
		return err;
	}
	log_hook_libbpf();
	*out = e;
	return 0;
}

void ringping_close(struct ringping *e)
{
	if (!e)
		return;
	run_free(e->last);
	targets_free(&e->t);
	targets_free(&e->pending);
	targets_list_free(&e->deny);
	pthread_mutex_destroy(&e->mu);
	if (e->wake_fd >= 0)
		close(e->wake_fd);
	free(e);
}

/* Whether a set of ranges holds IPv4 (mapped) or IPv6 addresses. */
static bool api_has_family(const struct target_list *l, bool v4)
{
	struct ringping_addr a;

	for (size_t i = 0; i < l->n; i++) {
		addr_from_u128(&a, l->v[i].lo);
		if (addr_is_v4(&a) == v4)
			return true;
	}
	return false;
}

/* Mid-run: the change waits for the next round; the run must have a socket for it. */
static int api_pending(struct ringping *e, struct targets *tmp)
{
	if (e->run_packet)
		return engine_fail(e, -EOPNOTSUPP, "packet send path: targets change between runs only");
	if ((!e->run_v4 && api_has_family(&tmp->inc, true)) ||
	    (!e->run_v6 && api_has_family(&tmp->inc, false)))
		return engine_fail(e, -EAFNOSUPPORT, "this run sends no IPv%d probes: add %s between runs",
				   e->run_v4 ? 6 : 4, e->run_v4 ? "IPv6 targets" : "IPv4 targets");
	__atomic_add_fetch(&e->npending, 1, __ATOMIC_RELEASE);
	return targets_take(&e->pending, tmp);
}

/*
 * One token, or a file of them, parsed on its own, then moved into the
 * engine's set (or, while a run goes on, into the changes its next round
 * takes). The newest word wins: an address added after its exclusion is in.
 */
static int api_change(struct ringping *e, const char *what, bool file, bool exclude)
{
	const struct log_sink *prev = log_current();
	struct targets tmp;
	int err;

	targets_init(&tmp);
	tmp.family = e->o.family;
	tmp.v4_tstamp = e->t.v4_tstamp;
	tmp.force = e->o.force;
	tmp.all_addrs = e->o.all_addresses;
	tmp.deny = &e->deny;
	log_bind(&e->sink); /* a name that does not resolve is warned about */
	err = file ? targets_add_file(&tmp, what, exclude) : targets_add(&tmp, what, exclude);
	log_bind(prev);
	if (err) {
		engine_fail(e, err, "%s", err != -ENOMEM && tmp.err[0] ? tmp.err : strerror(-err));
		goto out;
	}
	pthread_mutex_lock(&e->mu);
	err = e->running ? api_pending(e, &tmp) : targets_take(&e->t, &tmp);
	if (!e->running)
		e->finalized = false;
	pthread_mutex_unlock(&e->mu);
	if (err && err != -EOPNOTSUPP && err != -EAFNOSUPPORT)
		engine_fail(e, err, "%s", e->t.err[0] ? e->t.err : strerror(-err));
out:
	targets_free(&tmp);
	return err;
}

int ringping_blocklist(struct ringping *e, const char *token)
{
	struct targets tmp;
	int err;

	targets_init(&tmp);
	pthread_mutex_lock(&e->mu);
	err = targets_deny_add(&tmp, &e->deny, token);
	pthread_mutex_unlock(&e->mu);
	if (err)
		engine_fail(e, err, "%s", err != -ENOMEM && tmp.err[0] ? tmp.err : strerror(-err));
	targets_free(&tmp);
	return err;
}

__u64 ringping_blocked(const struct ringping *e)
{
	return e->t.blocked > UINT64_MAX ? UINT64_MAX : (__u64)e->t.blocked;
}

int ringping_add(struct ringping *e, const char *token)
{
	return api_change(e, token, false, false);
}

int ringping_add_file(struct ringping *e, const char *path)
{
	return api_change(e, path, true, false);
}

int ringping_exclude(struct ringping *e, const char *token)
{
	return api_change(e, token, false, true);
}

int ringping_exclude_file(struct ringping *e, const char *path)
{
	return api_change(e, path, true, true);
}

unsigned ringping_unresolved(const struct ringping *e)
{
	return e->t.unresolved;
}

static int api_finalize(struct ringping *e)
{
	int err;

	if (e->finalized)
		return 0;
	err = targets_finalize(&e->t);
	if (err == -ENOMEM)
		return engine_fail(e, err, "out of memory");
	if (err)
		return engine_fail(e, err, "%s", e->t.err);
	e->finalized = true;
	return 0;
}

int ringping_targets(struct ringping *e, __u64 *count)
{
	int err = api_finalize(e);

	*count = err ? 0 : e->t.count;
	return err;
}

int ringping_target(const struct ringping *e, __u64 idx, struct ringping_addr *out)
{
	if (!e->finalized || idx >= e->t.count)
		return -ENOENT;
	targets_addr(&e->t, idx, out);
	return 0;
}

const char *ringping_target_name(const struct ringping *e, __u64 idx)
{
	return e->finalized ? targets_name(&e->t, idx) : NULL;
}

__u64 ringping_targets_digest(struct ringping *e)
{
	__u64 n, h = 0, i;

	if (ringping_targets(e, &n))
		return 0;
	/* The set as its sorted disjoint ranges: one word per range, the same however it was written. */
	for (i = 0; i < e->t.inc.n; i++) {
		const struct target_range *r = &e->t.inc.v[i];

		h = rp_siphash4(0x72696e6770696e67ULL, 0x74617267657473ULL, h ^ (__u64)(r->lo >> 64),
				(__u64)r->lo, (__u64)(r->hi >> 64), (__u64)r->hi);
	}
	return h ^ n;
}

bool ringping_in_shard(const struct ringping *e, __u64 idx)
{
	if (e->o.shards <= 1 && !e->o.max_targets)
		return true; /* every target is the run's */
	return e->last && sched_in_shard(run_sched(e->last), idx);
}

__u64 ringping_named(const struct ringping *e)
{
	return e->t.names.n;
}

int ringping_hops(const struct ringping *e, __u64 *count)
{
	const struct trace_map *m = e->last ? run_trace(e->last) : NULL;

	if (!m)
		return -ENODATA;
	*count = trace_count(m);
	return 0;
}

int ringping_hop(const struct ringping *e, __u64 idx, __u64 *target, __u32 *flow, __u32 *ttl)
{
	const struct trace_map *m = e->last ? run_trace(e->last) : NULL;
	struct probe_hop h;

	if (!m)
		return -ENODATA;
	if (idx >= trace_count(m))
		return -ENOENT;
	trace_split(m, idx, target, &h);
	*flow = h.flow;
	*ttl = h.ttl;
	return 0;
}

int ringping_set_ttl(struct ringping *e, int ttl)
{
	if (e->running)
		return engine_fail(e, -EBUSY, "the TTL changes between runs only");
	if (ttl < 0 || ttl > 255)
		return engine_fail(e, -EINVAL, "TTL %d: expected 0..255", ttl);
	e->o.ttl = ttl;
	return 0;
}

/* Changes the run did not reach wait in the set for the next run. */
static void api_run_over(struct ringping *e)
{
	pthread_mutex_lock(&e->mu);
	if (__atomic_load_n(&e->npending, __ATOMIC_ACQUIRE)) {
		if (targets_take(&e->t, &e->pending))
			pr_warn("out of memory: target changes lost\n");
		__atomic_store_n(&e->npending, 0, __ATOMIC_RELEASE);
		e->finalized = false;
	}
	e->running = false;
	pthread_mutex_unlock(&e->mu);
}

int ringping_run(struct ringping *e, ringping_probe_fn fn, void *ctx)
{
	const struct log_sink *prev = log_current();
	int err;

	pthread_mutex_lock(&e->mu); /* from here on, changes from other threads wait their turn */
	err = e->running ? engine_fail(e, -EBUSY, "a run is going on") : api_finalize(e);
	if (!err && !e->t.count)
		err = engine_fail(e, -ENOENT, "no targets left to probe");
	e->running = !err;
	/* The sockets the run opens: a change mid-run must fit them. */
	e->run_v4 = e->t.count4 > 0;
	e->run_v6 = e->t.count > e->t.count4;
	e->run_packet = e->o.send_path == RINGPING_SEND_PACKET;
	pthread_mutex_unlock(&e->mu);
	if (err)
		return err;
	run_free(e->last);
	e->last = NULL;
	e->err[0] = '\0';
	e->run_thread = pthread_self();
	log_bind(&e->sink);
	err = run_probe(e, fn, ctx, &e->last);
	api_run_over(e);
	log_bind(prev);
	/* A cancel ends the run it came in; one made between runs ends the next. */
	__atomic_store_n(&e->cancels, 0, __ATOMIC_RELAXED);
	if (err && !run_started(e->last)) { /* nothing was probed: nothing to query */
		run_free(e->last);
		e->last = NULL;
	}
	if (err && !e->err[0])
		engine_fail(e, err, "%s", strerror(-err));
	return err;
}

/* Async-signal-safe: an atomic add and a write(2). */
static void api_wake(struct ringping *e, int *counter)
{
	__u64 one = 1;
	int saved = errno;

	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
	if (write(e->wake_fd, &one, sizeof(one)) < 0) {
		/* full (2^64 - 1 wakes pending): the run wakes anyway */
	}
	errno = saved;
}

void ringping_cancel(struct ringping *e)
{
	api_wake(e, &e->cancels);
}

void ringping_interim(struct ringping *e)
{
	api_wake(e, &e->interims);
}

int ringping_summary(const struct ringping *e, struct ringping_summary *s)
{
	if (!e->last)
		return -ENODATA;
	run_summary(e->last, s);
	return 0;
}

/* Host idx of the last run, or idx = count: all of them pooled. */
static const struct hoststats *api_hosts(const struct ringping *e, __u64 *idx)
{
	const struct hoststats *hs = e->last ? run_hoststats(e->last) : NULL;

	if (hs && *idx == run_hosts(e->last)) {
		*idx = 0;
		return run_pooled(e->last);
	}
	return hs && *idx < run_hosts(e->last) ? hs : NULL;
}

int ringping_host(const struct ringping *e, __u64 idx, struct ringping_host *h)
{
	const struct hoststats *hs = api_hosts(e, &idx);

	if (!hs)
		return e->last ? -ENOENT : -ENODATA;
	hoststats_summary(hs, idx, h);
	return 0;
}

int ringping_host_rtts(const struct ringping *e, __u64 idx, const float **rtts, __u64 *n)
{
	const float *all = e->last ? run_rtts(e->last, n) : NULL;

	if (!all || idx >= run_hosts(e->last))
		return e->last ? -ENOENT : -ENODATA;
	*rtts = all + idx * *n;
	return 0;
}

int ringping_host_hist(const struct ringping *e, __u64 idx, const __u32 **counts, __u32 *n)
{
	const struct hoststats *hs = api_hosts(e, &idx);

	if (!hs)
		return e->last ? -ENOENT : -ENODATA;
	*counts = &hs->hist[idx * hs->nbuckets];
	*n = hs->nbuckets;
	return 0;
}

double ringping_hist_upper_ns(__u32 bucket)
{
	return hoststats_bucket_upper_ns(bucket);
}
