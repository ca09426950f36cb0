/* SPDX-License-Identifier: MIT */
/*
 * libringping: an ICMP/ICMPv6 probing engine whose receive path runs in eBPF.
 *
 *	struct ringping_opts o = { .sz = sizeof(o), .count = 3, .period_ns = 1000000000 };
 *	struct ringping *e;
 *
 *	if (ringping_open(&e, &o) == 0 && ringping_add(e, "198.18.0.0/30") == 0)
 *		ringping_run(e, on_probe, NULL);	// on_probe: once per probe
 *	ringping_close(e);
 *
 * Every call returns 0 or a negative errno; ringping_errmsg() then holds a
 * one-line reason naming the offending token. The engine prints nothing:
 * diagnostics go to the log callback of its options. It keeps no globals of
 * its own, so two engines may run at once, each on its own thread.
 *
 * Options are versioned by size (libbpf's convention): set sz to
 * sizeof(struct ringping_opts) and leave what you do not need zero; fields
 * added later go at the end, and an older caller's smaller struct reads as
 * zero there.
 *
 * Probing with BPF needs CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF and CAP_PERFMON
 * (or root); without them the engine uses ICMP datagram sockets, which need
 * none (see enum ringping_mode).
 */
#ifndef RINGPING_H
#define RINGPING_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library exports these and nothing else (it is built with hidden visibility). */
#define RINGPING_API __attribute__((visibility("default")))

#define RINGPING_VERSION_MAJOR 0
#define RINGPING_VERSION_MINOR 2
#define RINGPING_VERSION_PATCH 0
#define RINGPING_VERSION "0.2.0"

/* The library's version at run time ("0.2.0"), which may differ from the header's. */
RINGPING_API const char *ringping_version(void);

/* An IPv6 address, or an IPv4 one mapped into ::ffff:0:0/96. */
struct ringping_addr {
	__u8 b[16];
};

#define RINGPING_ADDRSTRLEN 46
/* Dotted quad for IPv4, RFC 5952 text for IPv6; returns buf. */
RINGPING_API const char *ringping_addr_str(const struct ringping_addr *a, char *buf, size_t len);
/* An IPv4 or IPv6 literal: 0 or -EINVAL. */
RINGPING_API int ringping_addr_parse(const char *s, struct ringping_addr *a);
/* 4 or 6. */
RINGPING_API int ringping_addr_family(const struct ringping_addr *a);

/* Every probe ends in exactly one of these. */
enum ringping_status {
	RINGPING_ALIVE,		/* echo reply */
	RINGPING_UNREACHABLE,	/* ICMP destination unreachable */
	RINGPING_TIME_EXCEEDED, /* ICMP time exceeded */
	RINGPING_ERROR,		/* another ICMP error (parameter problem, packet too big) */
	RINGPING_NO_REPLY,	/* nothing within the timeout */
	RINGPING_SEND_FAILED,	/* the kernel refused the send (err says why) */
	RINGPING_STATUS__COUNT,
};

/* "alive", "unreachable", "time-exceeded", "icmp-error", "no-reply", "send-failed". */
RINGPING_API const char *ringping_status_name(enum ringping_status st);

#define RINGPING_MPLS_MAX 4

/* One probe's outcome, handed to the probe callback exactly once. */
struct ringping_probe {
	struct ringping_addr target;
	__u64 seq;		/* probe sequence number in this run */
	__u64 round;		/* which pass over the targets (count, loop, retries) */
	__u64 tx_ns, rx_ns;	/* CLOCK_TAI send and answer times (kernel stamps); rx_ns 0: none */
	enum ringping_status status;
	__s64 rtt_ns;		/* replies and errors: rx - tx; -1 when unknown */
	struct ringping_addr from; /* who answered (the reporting router for errors) */
	__u8 ttl;		/* TTL / hop limit of the answer */
	__u8 icmp_type, icmp_code;
	__u32 info;		/* next-hop MTU (frag needed, packet too big) or parameter-problem
				 * pointer; a TCP trace's answer from its destination: its TCP flags */
	int err;		/* RINGPING_SEND_FAILED: -errno */
	bool tx_user;		/* the RTT rests on a userspace stamp: no kernel TX stamp came
				 * (or, in dgram mode, no kernel RX stamp) */
	__u64 target_index;	/* the target's index (ringping_target) */
	__u16 icmp_id, icmp_seq; /* the echo request's identifier and sequence (keyed, see README;
				  * dgram mode: the identifier is the kernel's, reported as 0; a UDP
				  * or TCP trace: the source port, and the name its probe carries) */
	__u32 bytes;		/* ICMP bytes sent (header and data; a UDP or TCP trace's: its header and data) */
	__u32 trace_ttl;	/* a trace: the TTL / hop limit the probe went out with (else 0) */
	__u32 trace_flow;	/* a trace: its flow */
	__u8 quoted_ttl;	/* ICMP errors: the TTL / hop limit in the quoted header of the probe */
	__u8 mpls_count;	/* MPLS label stack entries the error carried (RFC 4950), at most 4 */
	__u32 mpls[RINGPING_MPLS_MAX]; /* each as sent: label << 12 | TC << 9 | S << 8 | TTL */
	/*
	 * A timestamp probe's reply (opts.probe): the remote's receive and
	 * transmit times as it sent them (ms since midnight UT; the high bit set
	 * means "not standard"), our send time in that unit from the kernel's
	 * TX stamp (the request's originate field carries the probe's name,
	 * README), and the remote clock's offset from ours that they imply:
	 * offset_valid only when both remote times are standard.
	 */
	bool has_tstamp, offset_valid;
	__u32 ts_originate, ts_receive, ts_transmit;
	__s64 clock_offset_ns;
	/* An IPv4 reply's IP options, as they came (opts.ip_options): ip_options_len bytes. */
	__u8 ip_options_len;
	__u8 ip_options[40];
};

/* Errors of one ICMP type and code from one router. */
struct ringping_host_err {
	struct ringping_addr from;
	__u32 count;
	__u8 type, code;
	__u8 pad[2];
};

#define RINGPING_HOST_ERRS 3 /* distinct (type, code, router) kept per host */

/* One host's statistics over the run (or all hosts pooled: ringping_aggregate). */
struct ringping_host {
	__u32 sent, received, duplicates, late, reordered, errors;
	double loss_pct;	/* (sent - received) / sent, in % */
	bool has_rtt;		/* the RTT fields below are valid */
	double min_ms, avg_ms, max_ms, stddev_ms, jitter_ms;
	double p50_ms, p90_ms, p95_ms, p99_ms;
	struct ringping_host_err err[RINGPING_HOST_ERRS]; /* by type, code, router (count 0: unused) */
	__u32 err_other;	/* errors of kinds beyond those */
};

/* What the run was. */
struct ringping_meta {
	const char *mode;	/* "socket", "xdp" or "dgram" */
	const char *send_path;	/* "raw" or "packet" */
	const char *tx_stamps;	/* "keyed", "looped" or "user" (see README, Clocks) */
	const char *rx_clock;	/* "tai" or "monotonic" */
	__u64 rate, count, period_ms, seed;
	bool loop;
	__u32 key_id;		/* names the run's key without revealing it */
	double start_s, end_s;	/* wall clock, seconds since the epoch */
};

/*
 * The run's counts: every probe sent lands in exactly one of replied,
 * errors, no_reply or dropped_locally; unaccounted must be 0.
 */
struct ringping_summary {
	struct ringping_meta meta;
	__u64 targets, probes, sent, send_failed;
	__u64 alive_hosts;	/* targets with at least one echo reply */
	__u64 replied, errors, unreachable, time_exceeded, other_errors;
	__u64 no_reply, dropped_locally, unprobed;
	__s64 unaccounted;
	__u64 duplicates, late, invalid, malformed, not_ours, tx_user_stamps, rtt_bad;
	double elapsed_s;	/* first send to the end of the run */
	double send_s;		/* first send to the last */
	double send_pps;
	bool incomplete;	/* cancelled before every probe was resolved */
	bool checks;		/* the CLI's CI checks were asked for */
	__u64 check_failures;
};

/* ---- The engine ---- */

struct ringping; /* opaque */

enum ringping_rx_mode {
	RINGPING_RX_SOCKET,	/* a socket filter on raw ICMP sockets: any interface */
	RINGPING_RX_XDP,	/* XDP on xdp_ifname: replies never climb the stack */
};

enum ringping_send_path {
	RINGPING_SEND_RAW,	/* raw ICMP sockets: the kernel routes each probe */
	RINGPING_SEND_PACKET,	/* AF_PACKET frames to the next hop of the targets: one family */
};

/*
 * How probes go out and answers come in. BPF: raw sockets and a BPF receive
 * program (root, or CAP_NET_RAW, CAP_NET_ADMIN, CAP_BPF and CAP_PERFMON).
 * DGRAM: ICMP datagram ("ping") sockets, no privilege at all where the
 * sysctl net.ipv4.ping_group_range covers the caller's group; kernel TX and
 * RX stamps all the same, no XDP, no packet send path. AUTO: BPF when this
 * thread holds those capabilities (or XDP or the packet path is asked for),
 * DGRAM otherwise, said once at INFO level.
 */
enum ringping_mode { RINGPING_MODE_AUTO, RINGPING_MODE_BPF, RINGPING_MODE_DGRAM };

/*
 * Path MTU discovery for the probes (opts.pmtu): the kernel's default (DF set,
 * IPv4 probes larger than a path MTU it learned are fragmented), DONT (never
 * DF), WANT (that default, said explicitly), DO (DF, never fragmented: larger
 * probes fail to send with EMSGSIZE once the MTU is known, and a router's
 * fragmentation needed / packet too big reports it first) or PROBE (DF, the
 * learned MTU ignored). IP_MTU_DISCOVER's and IPV6_MTU_DISCOVER's modes.
 */
enum ringping_pmtu {
	RINGPING_PMTU_DEFAULT, RINGPING_PMTU_DONT, RINGPING_PMTU_WANT, RINGPING_PMTU_DO, RINGPING_PMTU_PROBE,
};
/*
 * What a sweep's or ping's probes are (opts.probe): echo requests, or ICMP
 * timestamp requests (RFC 792 type 13, IPv4 only: ICMPv6 has none; BPF mode,
 * as datagram sockets send echo requests only; not for traces or broadcast).
 */
enum ringping_probe_type { RINGPING_PROBE_ECHO, RINGPING_PROBE_TIMESTAMP };
/* What a trace's probes are (opts.trace_proto). */
enum ringping_trace_proto { RINGPING_TRACE_ICMP, RINGPING_TRACE_UDP, RINGPING_TRACE_TCP };

enum ringping_log_level { RINGPING_LOG_WARN, RINGPING_LOG_INFO, RINGPING_LOG_DEBUG };

/* A diagnostic line (with its newline) from the engine or libbpf beneath it. */
typedef void (*ringping_log_fn)(void *ctx, enum ringping_log_level level, const char *line);
/* One probe's outcome: called once per probe, on the thread in ringping_run(). */
typedef void (*ringping_probe_fn)(void *ctx, const struct ringping_probe *p);
/* A probe is about to go out (opts.on_send): on the run's thread, in send order. */
typedef void (*ringping_send_fn)(void *ctx, __u64 seq, __u64 target_index);
/* Interim statistics are due (interim_ns, or ringping_interim()): on the run's thread. */
typedef void (*ringping_interim_fn)(void *ctx, struct ringping *e);

struct ringping_opts {
	size_t sz;		/* sizeof(struct ringping_opts) */
	__u64 rate;		/* probes/s at most; 0: as fast as the sockets take them */
	__u64 count;		/* probes per target; 0: 1 */
	bool loop;		/* probe until cancelled */
	__u64 period_ns;	/* between two probes to one target (spread over the targets) */
	__u64 interval_ns;	/* at least this between any two sends */
	__u64 timeout_ns;	/* wait for each answer; 0: 1 s */
	__u32 retries;		/* a sweep's silent targets get this many more probes */
	double backoff;		/* each retry waits this many times longer; 0: 1.5 */
	__u64 deadline_ns;	/* no sends after this long; 0: none */
	__u64 seed;		/* the order of the targets; seed_set false: random */
	bool seed_set;
	__u32 size;		/* ICMP data bytes; 0: 56 */
	int ttl;		/* TTL / hop limit; 0: the kernel's */
	int tos;		/* TOS / traffic class; 0: the kernel's */
	const char *ifname;	/* send (and, in socket mode, receive) on this interface only */
	const char *source;	/* source address of the IPv4 probes (a literal) */
	const char *source6;	/* source address of the IPv6 probes (a literal) */
	int family;		/* 4 or 6: targets of that family only; 0: both */
	bool force;		/* lift the guard on IPv6 blocks over 2^24 addresses */
	enum ringping_rx_mode rx_mode;
	const char *xdp_ifname;	/* RINGPING_RX_XDP: the interface the replies come in on */
	bool xdp_generic;	/* XDP in skb mode, for drivers without native XDP */
	bool xdp_pass;		/* XDP: pass matched replies on to the stack as well */
	enum ringping_send_path send_path;
	__u32 batch;		/* probes per sendmmsg(); 0: 64 */
	int sender_threads;	/* threads sending batches; 0: send on the run's thread */
	__u32 ringbuf_mb;	/* the BPF ring buffer, MiB (a power of two); 0: 16 */
	bool host_stats;	/* per-host statistics (always kept with count > 1, loop or retries) */
	bool keep_rtts;		/* keep every RTT (ringping_host_rtts) */
	__u64 interim_ns;	/* call on_interim this often; 0: only when ringping_interim() asks */
	ringping_interim_fn on_interim;
	void *interim_ctx;
	ringping_log_fn log;	/* NULL: diagnostics are dropped */
	void *log_ctx;
	enum ringping_log_level log_level; /* the most detailed level passed to log */
	enum ringping_mode mode;	/* 0: RINGPING_MODE_AUTO */
	/*
	 * Least privilege for one-shot programs (the CLI): once a run is set up
	 * (programs loaded, sockets open), each of its threads drops every
	 * capability but those in keep_caps (a bit per CAP_* number). A later
	 * run of the same process then has no privilege left to set up with.
	 */
	bool drop_caps;
	__u64 keep_caps;
	/*
	 * A trace (the CLI's "ringping trace"): every target is probed at each
	 * TTL from first_hop (0: 1) to max_hops (0: 30; at most 63), count
	 * rounds of them (the queries per hop), or until cancelled (loop). Its
	 * probes are those of flow trace_flow (trace_flows > 1: that many flows
	 * from it on, at most 64 in all): within a flow every field per-flow load
	 * balancers hash stays the same (Paris traceroute; README). Each
	 * (target, flow, TTL) is a hop with an index of its own, which is what
	 * the probes' target_index, ringping_host() and the -C RTTs then speak
	 * of (ringping_hop() decodes one); any answer is the hop's reply, a
	 * time-exceeded error above all. TTLs past a target's echo reply are
	 * not probed again. BPF mode and the raw send path only.
	 *
	 * trace_proto chooses the probes: RINGPING_TRACE_ICMP (echo requests),
	 * RINGPING_TRACE_UDP (to trace_port, 0: 33434; the destination's port
	 * unreachable is its answer, and the probe's status then alive) or
	 * RINGPING_TRACE_TCP (a SYN to trace_port, 0: 80; a SYN-ACK or RST is the
	 * answer). UDP and TCP probes go out from one source address per family
	 * (src/src6 if set, else the kernel's choice for the first target), as
	 * their checksums cover it.
	 */
	bool trace;
	__u32 first_hop, max_hops;
	__u32 trace_flow, trace_flows;
	enum ringping_trace_proto trace_proto;
	__u16 trace_port;
	/*
	 * Every further answer to a probe already answered (a duplicate): its
	 * own result (who sent it, its TTL, its RTT from the probe's send
	 * time), on the run's thread, while the probe's slot lasts (its
	 * timeout). Not for traces. NULL: duplicates are only counted.
	 */
	ringping_probe_fn on_duplicate;
	void *duplicate_ctx;
	enum ringping_pmtu pmtu;	/* path MTU discovery and the DF bit; 0: the kernel's default */
	/*
	 * Broadcast and multicast targets (ping -b): IPv4 multicast and limited
	 * broadcast, the broadcast address of a local IPv4 subnet, IPv6
	 * multicast (ff02::1%eth0): every host that answers, from whatever
	 * address, is checked against the probe's payload; the first answer is
	 * the probe's, each further one a duplicate (on_duplicate, with its
	 * sender in from). At most 64 such targets; BPF mode, the raw send path.
	 */
	bool broadcast;
	enum ringping_probe_type probe;	/* 0: echo requests */
	/*
	 * ping's schedules (the CLI's "ringping ping -l, -f, -A"). preload: the
	 * first preload probes go out back to back, then the pace goes on (0:
	 * 1). answer_paced (ping's flood): as soon as fewer than preload probes
	 * wait for an answer, the next goes; and period_ns after the last send
	 * at the latest, answered or not. adaptive (ping -A): answer-paced, the
	 * next no sooner than the replies' RTT moving average (ping's: 1/8 of each
	 * new RTT), nor than adaptive_min_ns, after the last send, and no later
	 * than the larger of that and period_ns. Both: for one target; the count
	 * of probes waiting is over every target.
	 */
	__u32 preload;
	bool answer_paced;
	bool adaptive;
	__u64 adaptive_min_ns;
	/* Each probe as it is about to go out: its seq and target (ping's -O, pipe, flood dots). */
	ringping_send_fn on_send;
	void *send_ctx;
	/*
	 * The sending sockets (ping's -m, -r, -S): SO_MARK (0: none; needs
	 * CAP_NET_ADMIN), SO_DONTROUTE (directly attached hosts only; not on the
	 * packet send path, which routes nothing), SO_SNDBUF in bytes (0:
	 * ringping's own, 4 MiB).
	 */
	__u32 mark;
	bool dontroute;
	__u32 sndbuf;
	/*
	 * ping's -p: echo request data after the 16 bytes of sequence number and
	 * cookie is this pattern repeated, aligned to the data's start as ping
	 * aligns it (pattern_len 0: ping's own bytes 0x10, 0x11, ...; at most 16).
	 */
	__u8 pattern[16];
	__u32 pattern_len;
	/*
	 * IP options on every IPv4 probe (ping's -R record route, -T
	 * timestamps: IP_OPTIONS' bytes, a multiple of 4 up to 40): each IPv4
	 * reply's options come back in its result (ip_options). The raw send
	 * path, BPF mode; IPv6 probes carry none.
	 */
	__u8 ip_options[40];
	__u32 ip_options_len;
	/*
	 * The IPv6 probes' flow label (ping's -F; 1..0xfffff, 0: none), leased
	 * from the kernel's flow label manager for the run's sockets.
	 */
	__u32 flowlabel;
	/*
	 * RTTs from userspace times at both ends (ping's -U, "user-to-user"):
	 * from just before the probe's batch went to the kernel to when its
	 * answer was read, not the kernel's stamps; results say tx_user.
	 */
	bool user_times;
	/*
	 * A host name added as a target stands for every address it resolves
	 * to (fping's -m), not only the first; each keeps the name
	 * (ringping_target_name).
	 */
	bool all_addresses;
	/*
	 * Shards (ZMap's --shards/--shard): this run probes only shard shard
	 * (0..shards-1) of shards parts of the target set: the positions shard,
	 * shard + shards, ... of the seeded probing order. Runs of every shard
	 * with the same seed_set seed and target set probe disjoint parts whose
	 * union is the whole set. 0 or 1: the whole set. Not for traces. The
	 * summary's targets count this shard's; ringping_in_shard says which.
	 */
	__u64 shards, shard;
	/*
	 * Probe at most this many of the run's targets (its shard's) a round:
	 * the first of the seeded order, a random sample (IPv4 first in a mixed
	 * set). 0: all. ZMap's --max-targets.
	 */
	__u64 max_targets;
};

/* What a run would do (ringping_plan), worked out without sending. */
struct ringping_plan {
	__u64 targets;		/* the run's: its shard's, within max_targets */
	__u64 targets4, targets6; /* the whole set's, by family */
	__u64 probes;		/* count rounds of them (0 with loop: until stopped) */
	__u64 probes_max;	/* with every retry sent */
	double pps;		/* the pace: rate, or the period's (0: as fast as the machine sends) */
	double seconds;		/* sending at pps, then the last timeout (and retries') ; 0 unpaced */
	__u64 memory;		/* bytes the run allocates: in-flight ring, host statistics, RTT lists, ring buffer */
};

/* A trace's limits: its probes carry TTL and flow in 6 bits each. */
#define RINGPING_TRACE_MAX_TTL 63
#define RINGPING_TRACE_MAX_FLOWS 64

/* A new engine. 0, or -errno with *e NULL (-EINVAL: ringping_errmsg(NULL) says which option). */
RINGPING_API int ringping_open(struct ringping **e, const struct ringping_opts *opts);
/* Stop every run, free everything; NULL-safe. */
RINGPING_API void ringping_close(struct ringping *e);
/* The last failure's reason, one line naming the offending token (NULL: of ringping_open). */
RINGPING_API const char *ringping_errmsg(const struct ringping *e);

/*
 * Targets: an address, a CIDR block, an a-b range or a host name (resolved
 * now; one that does not resolve is counted, see ringping_unresolved). The
 * newest word wins: an address added after it was excluded is in again.
 *
 * Thread-safe, also while a run goes on (from its callbacks or another
 * thread): then the change waits for the run's next round (count > 1 or
 * loop), where sending pauses until the round before is resolved, per-host
 * statistics follow their addresses and the new ones start at zero; a
 * change no round is left for waits for the next run. Mid-run, a target of
 * a family the run has no socket for is refused (-EAFNOSUPPORT: add it
 * between runs), and so is any change on the packet send path (-EOPNOTSUPP).
 * Removing every target ends the run.
 */
RINGPING_API int ringping_add(struct ringping *e, const char *token);
/* Tokens from a file ("-": standard input), whitespace separated, '#' comments. */
RINGPING_API int ringping_add_file(struct ringping *e, const char *path);
/* Leave out (or, mid-run, remove) an address, CIDR block or range (never a name). */
RINGPING_API int ringping_exclude(struct ringping *e, const char *token);
/* Exclusions from a file, as ringping_add_file reads it. */
RINGPING_API int ringping_exclude_file(struct ringping *e, const char *path);
/* Names that did not resolve. */
RINGPING_API unsigned ringping_unresolved(const struct ringping *e);
/* How many targets are left after merging and exclusions: 0 or -errno (too many, memory). */
RINGPING_API int ringping_targets(struct ringping *e, __u64 *count);
/*
 * Target idx (0 .. count-1, IPv4 first, ascending): 0 or -ENOENT. Indexes
 * shift when the set changes; queries during a run belong on its thread
 * (its callbacks).
 */
RINGPING_API int ringping_target(const struct ringping *e, __u64 idx, struct ringping_addr *out);
/*
 * The host name target idx was added as ("db1"), or NULL for one given as an
 * address. When two names resolved to one address, the first added. Valid
 * until the set changes or the engine closes.
 */
RINGPING_API const char *ringping_target_name(const struct ringping *e, __u64 idx);
#define RINGPING_MAX_SHARDS 65536
/*
 * Blocklist: an address, CIDR or range that blocks and ranges added after it
 * lose (a sweep of 0.0.0.0/0 leaves out 10.0.0.0/8 ...), except a block or
 * range that lies entirely inside one blocklisted range: the caller asked
 * for that space itself (a /24 of its own LAN). Single addresses and names
 * are never blocklisted. ringping_blocked counts the addresses it took out.
 */
RINGPING_API int ringping_blocklist(struct ringping *e, const char *token);
RINGPING_API __u64 ringping_blocked(const struct ringping *e);
/*
 * A digest of the target set after merging and exclusions (64 bits; the same
 * set gives the same digest however its tokens were written): shards of one
 * sweep must share it. 0 if the set cannot be finalized.
 */
RINGPING_API __u64 ringping_targets_digest(struct ringping *e);
/* The next run's plan for the current targets and options. 0 or -errno (no targets: -ENOENT). */
RINGPING_API int ringping_plan(struct ringping *e, struct ringping_plan *p);
/* Whether target idx is the last run's: its shard's, within opts.max_targets (always true without either). */
RINGPING_API bool ringping_in_shard(const struct ringping *e, __u64 idx);
/* How many names the set keeps (0: every target was given as an address). */
RINGPING_API __u64 ringping_named(const struct ringping *e);

/* The TTL / hop limit of the next run's probes (not a trace's: each of those has its own). */
RINGPING_API int ringping_set_ttl(struct ringping *e, int ttl);
/*
 * A trace's hops (opts.trace), from the run's start on: how many (*count),
 * and hop idx's target index, flow and TTL. 0, -ENODATA before a trace ran,
 * -ENOENT past the last.
 */
RINGPING_API int ringping_hops(const struct ringping *e, __u64 *count);
RINGPING_API int ringping_hop(const struct ringping *e, __u64 idx, __u64 *target, __u32 *flow,
			      __u32 *ttl);

/*
 * Probe every target as the options say; fn gets each probe's outcome,
 * exactly once. Returns when every probe is resolved, or when cancelled.
 * An engine runs again after that (with the statistics of the new run).
 */
RINGPING_API int ringping_run(struct ringping *e, ringping_probe_fn fn, void *ctx);
/*
 * Async-signal-safe and thread-safe. The first call stops sending and waits
 * out the answers in flight (at most 0.5 s); a second ends the wait. Made
 * between runs, it ends the next run as soon as it starts.
 */
RINGPING_API void ringping_cancel(struct ringping *e);
/* Async-signal-safe: call on_interim at the run's next turn. */
RINGPING_API void ringping_interim(struct ringping *e);

/* The last run's summary (from on_interim: so far). 0, or -ENODATA before any run. */
RINGPING_API int ringping_summary(const struct ringping *e, struct ringping_summary *s);
/* Target idx's statistics over the run (host_stats). 0, -ENODATA or -ENOENT. */
RINGPING_API int ringping_host(const struct ringping *e, __u64 idx, struct ringping_host *h);
/* Every target's RTTs (keep_rtts): count per target, in ms, NAN where none. */
RINGPING_API int ringping_host_rtts(const struct ringping *e, __u64 idx, const float **rtts, __u64 *n);
/*
 * Target idx's RTT histogram (host_stats): counts[b] replies in bucket b,
 * whose upper bound is ringping_hist_upper_ns(b). idx = the target count:
 * all targets pooled, and ringping_host(e, count, h) their statistics.
 */
RINGPING_API int ringping_host_hist(const struct ringping *e, __u64 idx, const __u32 **counts, __u32 *n);
RINGPING_API double ringping_hist_upper_ns(__u32 bucket);
/* Buckets per octave of nanoseconds: every 8th upper bound is a power of two. */
#define RINGPING_HIST_PER_OCTAVE 8

#ifdef __cplusplus
}
#endif

#endif
