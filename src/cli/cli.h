/* SPDX-License-Identifier: MIT */
/* Command line: one option table drives getopt_long, the usage text and the man page. */
#ifndef RP_CLI_H
#define RP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include "ringping.h"
#include "checks.h"
#include "output.h"

struct rp_opts {
	char **targets;
	int ntargets;
	const char *files[16];
	int nfiles;
	const char *excludes[64];
	int nexcludes;
	int family;	     /* -4/-6: 4 or 6; 0 both */
	bool force;	     /* lift the IPv6 size guard */
	bool all_addresses;  /* -m: every address of a name */
	__u64 shards, shard; /* --shards, --shard (or a job array's index) */
	bool shards_set, shard_set;
	bool dry_run;	     /* --dry-run: the plan, nothing sent */
	const char *blocklist; /* --blocklist FILE or "none"; NULL: the default */
	const char *manifest_path; /* --manifest FILE */
	bool merge;	     /* ringping merge MANIFEST...: the manifests in targets */
	__u64 max_targets;   /* --max-targets: at most N targets, a random sample */
	bool rdns;	     /* -d: reverse DNS names on the rows */
	bool histogram;	     /* --histogram: RTT bars after the summary */
	const char *heatmap_path; /* --heatmap FILE.png */
	bool heatmap_rtt;    /* --heatmap-by rtt */
	__u64 seed;
	bool seed_set;
	__u64 count;	     /* probes per target */
	bool loop;	     /* -l: until stopped */
	bool all_rtts;	     /* -C: keep and report every RTT */
	__u64 period_ms;     /* -p: between probes to one host; 0 = back to back */
	bool period_set;
	__u64 interval_ms;   /* -i: between any two sends; 0 = no minimum */
	__u64 interim_s;     /* -Q: statistics every SECS; 0 = only on SIGQUIT */
	__u32 retries;	     /* -r: a sweep's silent hosts get this many more probes */
	double backoff;	     /* -B: each retry's timeout is the last one's times this */
	__u64 deadline_s;    /* -w: no sends after SECS; 0 = none */
	bool per_probe;	     /* a record per probe in CSV/NDJSON when probing many times */
	const char *prom_path;  /* --prometheus FILE */
	const char *junit_path; /* --junit FILE */
	const char *status_path; /* --status-file FILE: the status line as CSV, each second */
	struct check_cfg checks;
	__u64 rate;	     /* probes/s; 0 = as fast as possible */
	bool rate_set;	     /* given: it caps -p too; else -p alone paces a multi-probe run */
	int ttl;	     /* 0 = kernel default */
	int tos;	     /* -1 = kernel default */
	__u32 size;	     /* ICMP data bytes */
	bool size_set;	     /* -b (ping: -s) given */
	int probe;	     /* --probe: enum ringping_probe_type */
	const char *iface;
	const char *src, *src6; /* -S for IPv4 probes, and for IPv6 probes */
	__u64 timeout_ms;
	const char *xdp_iface;
	bool xdp_generic;
	bool xdp_pass;	     /* keep matched replies in XDP mode */
	bool send_packet;    /* AF_PACKET frames instead of the raw ICMP socket */
	int mode;	     /* --mode: enum ringping_mode */
	__u32 batch;
	int sender_threads; /* 0 = send inline on the run's thread */
	bool threads_set;
	__u32 ringbuf_mb;
	struct output_cfg out;
	bool format_set;
	int verbose;
	/* ringping trace */
	bool trace;
	__u32 max_hops, first_hop; /* -m, -f: the TTLs probed */
	__u32 queries;	     /* -q: probes per hop, each shown */
	__u32 flow, flows;   /* --flow, --flows */
	int proto;	     /* --proto: enum ringping_trace_proto */
	__u32 port;	     /* --port; 0: the protocol's default */
	bool trace_report;   /* -c N > 1: per-hop statistics instead of each probe */
	/* ringping ping: iputils ping's options, where they mean something else than ours */
	bool ping;
	bool count_set;	     /* -c: N probes; else until Ctrl-C or -w */
	__u64 ping_interval_ns, ping_timeout_ns, ping_deadline_ns; /* -i, -W, -w */
	bool numeric, audible; /* -n, -a */
	int pmtu;	     /* -M: enum ringping_pmtu */
	bool broadcast;	     /* --broadcast, ping's -b: many hosts may answer a target */
	bool ping_interval_set; /* -i given (-f without it: no interval) */
	__u32 ping_preload;  /* -l */
	bool ping_flood, ping_adaptive, ping_outstanding, ping_strict_source; /* -f, -A, -O, -B */
	bool ping_user_times; /* -U */
	__u32 mark;	     /* -m: SO_MARK */
	bool dontroute;	     /* -r: SO_DONTROUTE */
	__u32 sndbuf;	     /* -S: SO_SNDBUF */
	__u8 pattern[16];    /* -p */
	__u32 pattern_len;
	__u32 flowlabel;     /* -F: the IPv6 requests' flow label */
	bool flowlabel_set;  /* -F given (0: a label of ringping's choice, as ping's kernel chooses) */
	__u8 ip_options[40]; /* -R, -T: the IP options of the IPv4 requests */
	__u32 ip_options_len;
};

/* Exit codes, as fping's ("ringping ping" has ping's: 0 a reply came, 1 none, 2 any error). */
enum rp_exit {
	RP_EXIT_ALL_ALIVE = 0,
	RP_EXIT_SOME_DOWN = 1,
	RP_EXIT_UNRESOLVED = 2,
	RP_EXIT_USAGE = 3,
	RP_EXIT_SYSTEM = 4,
	RP_EXIT_CHECK = 5,   /* a CI check failed */
	RP_EXIT_INVALID = 6, /* checks asked for, but ringping lost answers or sends itself */
	RP_EXIT_MERGE = 7,   /* ringping merge: the manifests are not one whole sweep */
};

enum cli_result { CLI_RUN, CLI_EXIT_OK, CLI_BAD };

/* Parse argv into *o. CLI_BAD leaves a one-line reason, naming the token, in err. */
enum cli_result cli_parse(int argc, char **argv, struct rp_opts *o, char *err, size_t errlen);
void cli_usage(FILE *f);
/* The options as roff (.TP paragraphs), for the man page. */
void cli_usage_man(FILE *f);
/* The options only "ringping trace" takes, the same way. */
void cli_usage_man_trace(FILE *f);
/* The options of "ringping ping", the same way. */
void cli_usage_man_ping(FILE *f);
/*
 * The option words of a command (0: the sweep, 1: trace, 2: ping, 3: merge) on one
 * line, space-separated, or only those that take an argument: for the shell
 * completion (tools/ringping.bash.in).
 */
void cli_words(FILE *f, int cmd, bool with_arg_only);

#endif
