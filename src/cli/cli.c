// SPDX-License-Identifier: MIT
/*
 * The option table binds each option to its field of struct rp_opts by
 * offsetof, with its kind and range: one generic setter per kind fills it,
 * and --help and the man page are printed from the same table.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

#define CLI_MAX_MS 3600000
#define OFF(f) offsetof(struct rp_opts, f)
#define SZ(f) sizeof(((struct rp_opts *)0)->f)

struct cli_ctx {
	struct rp_opts *o;
	char *err;
	size_t errlen;
	unsigned cmd; /* CMD_SWEEP, CMD_TRACE, CMD_PING or CMD_MERGE */
};

/* --help's headings, in their order: options by purpose, as fping's and ZMap's help. */
enum cli_group { G_TARGETS, G_PROBING, G_TIMING, G_OUTPUT, G_CHECKS, G_PATHS, G_GENERAL, G_NGROUPS };

static const char *const cli_group_names[G_NGROUPS] = {
	[G_TARGETS] = "Targets", [G_PROBING] = "Probing", [G_TIMING] = "Timing",
	[G_OUTPUT] = "Output", [G_CHECKS] = "Checks and reports (CI)",
	[G_PATHS] = "Receive and send paths", [G_GENERAL] = "General",
};

struct cli_opt;
typedef enum cli_result (*cli_fn)(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);

enum cli_kind {
	K_FLAG,	 /* bool at off := true */
	K_CONST, /* int at off := min (-4, -6) */
	K_COUNT, /* int at off += 1 (-v) */
	K_NUM,	 /* unsigned integer of SZ bytes at off, in [min, max] */
	K_REAL,	 /* double at off, in [0, max] */
	K_SECS,	 /* seconds, fractions allowed, in [0, max]: __u64 nanoseconds at off */
	K_STR,	 /* const char * at off */
	K_FN,	 /* fn does it */
};

struct cli_opt {
	const char *name;
	int val;		/* the short letter, or 0: long only */
	const char *arg;	/* the argument's name; NULL: none */
	const char *help;
	enum cli_kind kind;
	size_t off, size;
	__u64 min, max;
	size_t given;		/* K_NUM: offset of a bool "given" + 1, or 0 */
	cli_fn fn;		/* K_FN, or a check after the generic setter */
	unsigned cmds;		/* the commands that take it (CMD_*); 0: the sweep only */
	unsigned grp;		/* its heading in --help (enum cli_group) */
};

/* The commands: "ringping [options] TARGET..." (a sweep), "ringping trace ..." and "ringping ping ...". */
#define CMD_SWEEP 1u
#define CMD_TRACE 2u
#define CMD_PING 4u
#define CMD_MERGE 8u
#define BOTH .cmds = CMD_SWEEP | CMD_TRACE
#define ALL .cmds = CMD_SWEEP | CMD_TRACE | CMD_PING
#define TRACE .cmds = CMD_TRACE
#define PING .cmds = CMD_PING

#define FLAG(f) .kind = K_FLAG, .off = OFF(f)
#define NUM(f, lo, hi) .kind = K_NUM, .off = OFF(f), .size = SZ(f), .min = (lo), .max = (hi)
#define REAL(f, hi) .kind = K_REAL, .off = OFF(f), .max = (hi)
#define SECS(f, hi) .kind = K_SECS, .off = OFF(f), .max = (hi)
#define STR(f) .kind = K_STR, .off = OFF(f)
#define GIVEN(f) .given = OFF(f) + 1
#define FN(f) .kind = K_FN, .fn = (f)

static enum cli_result cli_vcount(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_pow2(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_backoff(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_min_alive(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_list(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_source(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_xdp_mode(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_send_path(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_mode(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_format(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_proto(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_version(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_help(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_tos(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_ping_iface(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_dontfrag(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_ping_pmtu(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_probe(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_pattern(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_ipopt(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_flowlabel(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);
static enum cli_result cli_heatmap_by(struct cli_ctx *c, const struct cli_opt *opt, const char *arg);

static const struct cli_opt cli_opts[] = {
	{ "ipv4", '4', NULL, "IPv4 only: names resolve to A records, IPv6 targets are refused",
	  .kind = K_CONST, .off = OFF(family), .min = 4, ALL, .grp = G_TARGETS },
	{ "ipv6", '6', NULL, "IPv6 only: names resolve to AAAA records, IPv4 targets are refused",
	  .kind = K_CONST, .off = OFF(family), .min = 6, ALL, .grp = G_TARGETS },
	{ "force", 0, NULL, "allow more than 2^24 IPv6 targets (up to 2^48)", FLAG(force), .grp = G_TARGETS },
	{ "file", 'f', "FILE", "read targets from FILE ('-' = stdin)", FN(cli_list), .grp = G_TARGETS },
	{ "all", 'm', NULL, "a host name stands for every address it resolves to, not only the first "
	  "(fping's -m)", FLAG(all_addresses), .grp = G_TARGETS },
	{ "shards", 0, "N", "split the sweep into N parts, one per machine or job (1..65536; needs --seed): "
	  "each probes the targets at its positions of the one seeded order", NUM(shards, 1, 65536),
	  GIVEN(shards_set), .grp = G_TARGETS },
	{ "shard", 0, "I", "the part this run probes, 0..N-1 (default: SLURM_ARRAY_TASK_ID of a job "
	  "array, or JOB_COMPLETION_INDEX)", NUM(shard, 0, 65535), GIVEN(shard_set), .grp = G_TARGETS },
	{ "blocklist", 0, "FILE|none", "replace the default blocklist (special-purpose space, left out of "
	  "blocks and ranges that reach beyond it) with FILE's entries, left out everywhere; none: no "
	  "blocklist", STR(blocklist), .grp = G_TARGETS },
	{ "max-targets", 0, "N", "probe at most N of the targets: the first N of the seeded order, a random "
	  "sample (ZMap's)", NUM(max_targets, 1, UINT64_MAX), .grp = G_TARGETS },
	{ "dry-run", 0, NULL, "print the plan (targets after exclusions, probes, time at the pace, memory) "
	  "and send nothing", FLAG(dry_run), .grp = G_TARGETS },
	{ "exclude", 0, "T", "leave out an address, CIDR, range, or a file of them", FN(cli_list), .grp = G_TARGETS },
	{ "count", 'c', "N", "probes per target (default 1); the order is walked N times",
	  NUM(count, 1, 1000000), .grp = G_PROBING },
	{ "count", 'c', "N", "trace: N rounds of every hop, reported as per-hop statistics (mtr's report)",
	  NUM(count, 1, 1000000), TRACE, .grp = G_PROBING },
	{ "count", 'c', "N", "send N probes (default: until Ctrl-C, or -w)", NUM(count, 1, 1000000),
	  GIVEN(count_set), PING, .grp = G_PROBING },
	{ "interval", 'i', "SECS", "seconds between probes (default 1; fractions allowed; under 0.002 only as root)",
	  SECS(ping_interval_ns, 3600), GIVEN(ping_interval_set), PING, .grp = G_TIMING },
	{ "timeout", 'W', "SECS", "wait this long for each reply (default 10; 0: an hour, the longest)",
	  SECS(ping_timeout_ns, 3600), PING, .grp = G_TIMING },
	{ "deadline", 'w', "SECS", "stop after SECS, however many probes went out or came back",
	  SECS(ping_deadline_ns, 31536000), PING, .grp = G_TIMING },
	{ "size", 's', "BYTES", "ICMP data bytes per probe (16..65000, default 56)", NUM(size, 16, 65000),
	  GIVEN(size_set), PING, .grp = G_PROBING },
	{ "ttl", 't', "N", "IP TTL / IPv6 hop limit of the probes (1..255)", NUM(ttl, 1, 255), PING, .grp = G_PROBING },
	{ "tos", 'Q', "TOS", "IP TOS / IPv6 traffic class byte (decimal or 0x hex)", FN(cli_tos), PING, .grp = G_PROBING },
	{ "interface", 'I', "IFACE|ADDR", "send on interface IFACE, or from source address ADDR",
	  FN(cli_ping_iface), PING, .grp = G_PATHS },
	{ "numeric", 'n', NULL, "addresses only: no names looked up", FLAG(numeric), PING, .grp = G_OUTPUT },
	{ "quiet", 'q', NULL, "only the first line and the statistics", FLAG(out.quiet), PING, .grp = G_OUTPUT },
	{ "timestamp", 'D', NULL, "start each answer's line with the Unix time [seconds.microseconds]",
	  FLAG(out.timestamps), PING, .grp = G_OUTPUT },
	{ "audible", 'a', NULL, "ring the terminal's bell at each reply", FLAG(audible), PING, .grp = G_OUTPUT },
	{ "broadcast", 'b', NULL, "allow an IPv4 broadcast destination (every host that answers is shown)",
	  FLAG(broadcast), PING, .grp = G_TARGETS },
	{ "pmtudisc", 'M', "MODE", "path MTU discovery: do (DF, never fragment), want (DF, fragment past a "
	  "known MTU: the kernel's default), dont (no DF) or probe (DF, known MTU ignored)",
	  FN(cli_ping_pmtu), PING, .grp = G_PROBING },
	{ "preload", 'l', "N", "send N probes at once, then one per interval (over 3 only as root)",
	  NUM(ping_preload, 1, 65536), PING, .grp = G_TIMING },
	{ "flood", 'f', NULL, "a dot per request sent, a backspace per reply; without -i, the next as soon "
	  "as one is answered, and 100 a second at least (root only)", FLAG(ping_flood), PING, .grp = G_TIMING },
	{ "adaptive", 'A', NULL, "the interval follows the RTT's moving average: about one request unanswered "
	  "at a time (under 2 ms only as root)", FLAG(ping_adaptive), PING, .grp = G_TIMING },
	{ "outstanding", 'O', NULL, "say 'no answer yet' for a request still unanswered when the next goes",
	  FLAG(ping_outstanding), PING, .grp = G_OUTPUT },
	{ "pattern", 'p', "HEX", "fill the data after ringping's 16 bytes with this pattern (up to 16 "
	  "bytes in hex)", FN(cli_pattern), PING, .grp = G_PROBING },
	{ "mark", 'm', "MARK", "tag the requests with this SO_MARK (policy routing, firewall rules)",
	  NUM(mark, 0, UINT32_MAX), PING, .grp = G_PROBING },
	{ "dontroute", 'r', NULL, "no routing: a host on an attached network only (SO_DONTROUTE)",
	  FLAG(dontroute), PING, .grp = G_PROBING },
	{ "sndbuf", 'S', "BYTES", "the sending socket's buffer (SO_SNDBUF)", NUM(sndbuf, 1, 2147483647), PING, .grp = G_PATHS },
	{ "record-route", 'R', NULL, "IPv4: the route each request and its reply took, as the routers "
	  "record it (IP option)", FN(cli_ipopt), PING, .grp = G_PROBING },
	{ "ip-timestamp", 'T', "TYPE", "IPv4: timestamps from the routers on the way (IP option): tsonly "
	  "or tsandaddr (each with its router's address)", FN(cli_ipopt), PING, .grp = G_PROBING },
	{ "flowlabel", 'F', "LABEL", "IPv6: the requests' flow label, 20 bits (0x hex or decimal; 0: one "
	  "chosen at random)", FN(cli_flowlabel), PING, .grp = G_PROBING },
	{ "user-latency", 'U', NULL, "RTTs from userspace at both ends (send call to read), not the "
	  "kernel's stamps (ping's old user-to-user latency)", FLAG(ping_user_times), PING, .grp = G_OUTPUT },
	{ "strict-source", 'B', NULL, "keep the source address the first request got, whatever the routes "
	  "do later", FLAG(ping_strict_source), PING, .grp = G_PROBING },
	{ "vcount", 'C', "N", "as -c N, and report every RTT of each host (fping's -C)",
	  NUM(count, 1, 1000000), .fn = cli_vcount, .grp = G_PROBING },
	{ "loop", 'l', NULL, "probe until stopped (Ctrl-C), as -c without end", FLAG(loop), .grp = G_PROBING },
	{ "loop", 'l', NULL, "trace: rounds until stopped (Ctrl-C), then the report as with -c",
	  FLAG(loop), TRACE, .grp = G_PROBING },
	{ "period", 'p', "MS", "between probes to one host when probing many times (default 1000; 0 = back to back)",
	  NUM(period_ms, 0, CLI_MAX_MS), GIVEN(period_set), .grp = G_TIMING },
	{ "interval", 'i', "MS", "at least this long between any two sends (default 0; --rate still caps)",
	  NUM(interval_ms, 0, CLI_MAX_MS), .grp = G_TIMING },
	{ "retry", 'r', "N", "a sweep retries a silent host N times (default 0)", NUM(retries, 0, 1000), .grp = G_PROBING },
	{ "backoff", 'B', "F", "each retry waits F times longer than the last (default 1.5)",
	  REAL(backoff, 100), .fn = cli_backoff, .grp = G_PROBING },
	{ "squiet", 'Q', "SECS", "like -q, and the statistics so far every SECS seconds (also on SIGQUIT)",
	  NUM(interim_s, 1, 86400), .grp = G_OUTPUT },
	{ "deadline", 'w', "SECS", "send nothing after SECS; probes in flight still get their timeout",
	  NUM(deadline_s, 1, 31536000), .grp = G_TIMING },
	{ "max-runtime", 0, "SECS", "as -w (ZMap's name): send nothing after SECS",
	  NUM(deadline_s, 1, 31536000), .grp = G_TIMING },
	{ "timestamp", 'D', NULL, "start text result lines with the wall-clock time of the answer",
	  FLAG(out.timestamps), .grp = G_OUTPUT },
	{ "per-probe", 0, NULL, "with -c/-l: a CSV/NDJSON record per probe too", FLAG(per_probe), .grp = G_OUTPUT },
	{ "max-loss", 0, "PCT", "check: loss at most PCT % per host (exit 5 if not)",
	  REAL(checks.limit[CHK_LOSS], 100), .grp = G_CHECKS },
	{ "max-rtt", 0, "MS", "check: no RTT above MS", REAL(checks.limit[CHK_RTT_MAX], CLI_MAX_MS), .grp = G_CHECKS },
	{ "max-avg", 0, "MS", "check: average RTT at most MS", REAL(checks.limit[CHK_AVG], CLI_MAX_MS), .grp = G_CHECKS },
	{ "max-p50", 0, "MS", "check: median RTT at most MS", REAL(checks.limit[CHK_P50], CLI_MAX_MS), .grp = G_CHECKS },
	{ "max-p95", 0, "MS", "check: 95th percentile RTT at most MS",
	  REAL(checks.limit[CHK_P95], CLI_MAX_MS), .grp = G_CHECKS },
	{ "max-p99", 0, "MS", "check: 99th percentile RTT at most MS",
	  REAL(checks.limit[CHK_P99], CLI_MAX_MS), .grp = G_CHECKS },
	{ "prometheus", 0, "FILE", "write per-host statistics as OpenMetrics text (node_exporter textfile)",
	  STR(prom_path), .grp = G_CHECKS },
	{ "junit", 0, "FILE", "write a JUnit XML report, a test case per host", STR(junit_path), .grp = G_CHECKS },
	{ "aggregate", 0, NULL, "apply the checks to the whole run, not each host",
	  FLAG(checks.aggregate), .grp = G_CHECKS },
	{ "min-alive", 0, "N|PCT%", "check: at least N targets (or PCT % of them) alive",
	  FN(cli_min_alive), .grp = G_CHECKS },
	{ "max-hops", 'm', "N", "trace: the largest TTL probed (1..63, default 30)",
	  NUM(max_hops, 1, RINGPING_TRACE_MAX_TTL), TRACE, .grp = G_PROBING },
	{ "first-hop", 'f', "N", "trace: the first TTL probed (default 1)", NUM(first_hop, 1, RINGPING_TRACE_MAX_TTL),
	  TRACE, .grp = G_PROBING },
	{ "queries", 'q', "N", "trace: probes per hop, each shown (1..16, default 3)", NUM(queries, 1, 16),
	  TRACE, .grp = G_PROBING },
	{ "flow", 0, "N", "trace: the flow the probes belong to (0..63, default 0): what load balancers hash",
	  NUM(flow, 0, RINGPING_TRACE_MAX_FLOWS - 1), TRACE, .grp = G_PROBING },
	{ "flows", 0, "K", "trace: trace K flows from --flow on, each on its own (default 1)",
	  NUM(flows, 1, RINGPING_TRACE_MAX_FLOWS), TRACE, .grp = G_PROBING },
	{ "proto", 0, "P", "trace: icmp (echo requests, default), udp (to --port, 33434) or tcp (SYN to --port, 80)",
	  FN(cli_proto), TRACE, .grp = G_PROBING },
	{ "port", 0, "N", "trace: the destination port of UDP and TCP probes (fixed, as Paris traceroute's)",
	  NUM(port, 1, 65535), TRACE, .grp = G_PROBING },
	{ "rate", 0, "PPS", "probes per second (default 10000; 0 = as fast as possible)",
	  NUM(rate, 0, 100000000), GIVEN(rate_set), BOTH, .grp = G_TIMING },
	{ "seed", 0, "N", "seed of the random probing order (default: random)",
	  NUM(seed, 0, UINT64_MAX), GIVEN(seed_set), BOTH, .grp = G_PROBING },
	{ "timeout", 't', "MS", "wait this long for each reply (default 1000)", NUM(timeout_ms, 1, 3600000), BOTH, .grp = G_TIMING },
	{ "ttl", 'H', "N", "IP TTL of the probes (1..255)", NUM(ttl, 1, 255), .grp = G_PROBING },
	{ "broadcast", 0, NULL, "allow broadcast and multicast targets (198.18.77.255, ff02::1%eth0): every "
	  "host that answers one is shown, checked by the probe's payload", FLAG(broadcast), .grp = G_TARGETS },
	{ "dontfrag", 'M', NULL, "never fragment (DF): a probe larger than the path's MTU gets 'frag needed' / "
	  "'packet too big' (its MTU in the result), then fails to send", FN(cli_dontfrag), BOTH, .grp = G_PROBING },
	{ "tos", 'O', "N", "IP TOS byte of the probes (0..255)", NUM(tos, 0, 255), .grp = G_PROBING },
	{ "size", 'b', "BYTES", "ICMP data bytes per probe (16..65000, default 56)", NUM(size, 16, 65000),
	  GIVEN(size_set), BOTH, .grp = G_PROBING },
	{ "probe", 0, "TYPE", "echo (echo requests, the default) or timestamp (ICMP timestamp requests, "
	  "RFC 792: each reply gives the remote's clock and its offset from ours; IPv4, BPF mode)",
	  FN(cli_probe), .cmds = CMD_SWEEP | CMD_PING, .grp = G_PROBING },
	{ "interface", 'I', "IFACE", "send and receive on IFACE only", STR(iface), BOTH, .grp = G_PATHS },
	{ "src", 'S', "ADDR", "source address of the probes (once per family)", FN(cli_source), BOTH, .grp = G_PATHS },
	{ "xdp", 0, "IFACE", "receive with XDP on IFACE instead of a socket filter", STR(xdp_iface), ALL, .grp = G_PATHS },
	{ "xdp-mode", 0, "MODE", "native (default) or generic", FN(cli_xdp_mode), ALL, .grp = G_PATHS },
	{ "xdp-pass", 0, NULL, "let matched replies reach the stack (default: drop them after recording)",
	  FLAG(xdp_pass), .grp = G_PATHS },
	{ "format", 0, "FMT", "text (default), csv or ndjson", FN(cli_format), BOTH, .grp = G_OUTPUT },
	{ "output", 'o', "FILE", "write results to FILE (format from .csv/.json/.ndjson; .gz: gzip-compressed)", STR(out.path), .grp = G_OUTPUT },
	{ "alive", 'a', NULL, "show only targets that are alive", FLAG(out.alive_only), .grp = G_OUTPUT },
	{ "unreach", 'u', NULL, "show only targets that did not answer", FLAG(out.unreach_only), .grp = G_OUTPUT },
	{ "quiet", 'q', NULL, "no per-target results, only the summary", FLAG(out.quiet), .grp = G_OUTPUT },
	{ "numeric", 'n', NULL, "addresses only: no names in the output (default: a target given by name "
	  "shows it, 'db1 (198.19.0.1)', and CSV/NDJSON have a name field)", FLAG(numeric), .grp = G_OUTPUT },
	{ "rdns", 'd', NULL, "each answering address's reverse DNS name on its rows (fping's -d), looked up "
	  "off the probing thread: rows may come late, probes never do", FLAG(rdns), .grp = G_OUTPUT },
	{ "histogram", 0, NULL, "after the summary, the RTTs as a histogram in the terminal (log-scaled "
	  "time; all hosts pooled, and each host with -v)", FLAG(histogram), .grp = G_OUTPUT },
	{ "heatmap", 0, "FILE", "draw the swept IPv4 block as a PNG: a Hilbert curve, a pixel per address "
	  "(a /16 is 256x256; larger blocks share pixels), coloured by outcome, with a legend",
	  STR(heatmap_path), .grp = G_OUTPUT },
	{ "heatmap-by", 0, "WHAT", "outcome (default) or rtt: answering pixels by their mean RTT, log-scaled",
	  FN(cli_heatmap_by), .grp = G_OUTPUT },
	{ "manifest", 0, "FILE", "write a JSON manifest of the run (targets digest, seed, shard, counts, the "
	  "results file's size and CRC) for 'ringping merge'", STR(manifest_path), .grp = G_OUTPUT },
	{ "status-file", 0, "FILE", "write the status line as CSV to FILE each second (ZMap's status "
	  "updates), for a machine to follow", STR(status_path), .grp = G_OUTPUT },
	{ "stats", 's', NULL, "the summary with every counter (default: three lines)", FLAG(out.stats), .grp = G_OUTPUT },
	{ "mode", 0, "MODE", "auto (default: bpf with the privileges for it, else dgram), bpf (BPF receive "
	  "program, raw sockets) or dgram (ICMP datagram sockets: no root needed)", FN(cli_mode), ALL, .grp = G_PATHS },
	{ "send-path", 0, "PATH", "raw (default: raw ICMP socket) or packet (AF_PACKET frames to the targets' gateway)",
	  FN(cli_send_path), .grp = G_PATHS },
	{ "batch", 0, "N", "probes per sendmmsg call (1..1024, default 64)", NUM(batch, 1, 1024), BOTH, .grp = G_PATHS },
	{ "sender-threads", 0, "N", "sending threads, one socket each (0 = inline; default: one per CPU at --rate 0, else 0)",
	  NUM(sender_threads, 0, 64), GIVEN(threads_set), BOTH, .grp = G_PATHS },
	{ "ringbuf-size", 0, "MB", "BPF ring buffer size, power of two (default 16)",
	  NUM(ringbuf_mb, 1, 1024), .fn = cli_pow2, BOTH, .grp = G_PATHS },
	{ "verbose", 'v', NULL, "more diagnostics (twice: libbpf debug)", .kind = K_COUNT, .off = OFF(verbose), ALL, .grp = G_OUTPUT },
	{ "output", 'o', "FILE", "write the merged results to FILE (default: stdout; .gz: compressed)",
	  STR(out.path), .cmds = CMD_MERGE, .grp = G_OUTPUT },
	{ "version", 'V', NULL, "print the version and exit", FN(cli_version), .cmds = CMD_SWEEP | CMD_TRACE | CMD_PING | CMD_MERGE, .grp = G_GENERAL },
	{ "help", 'h', NULL, "print this help and exit", FN(cli_help), .cmds = CMD_SWEEP | CMD_TRACE | CMD_PING | CMD_MERGE, .grp = G_GENERAL },
};

#define CLI_NOPTS (sizeof(cli_opts) / sizeof(cli_opts[0]))
#define CLI_LONG_ONLY 256 /* getopt's value of long-only option i: CLI_LONG_ONLY + i */

static const char cli_synopsis[] =
	"TARGET: an IPv4 or IPv6 address, host name, CIDR block (198.19.0.0/16,\n"
	"2001:db8::/120) or range (198.19.0.1-198.19.0.200).\n";

static const char cli_exits[] =
	"Exit codes:\n"
	"  0  every target answered (with checks: every check passed)\n"
	"  1  some target did not answer\n"
	"  2  a host name did not resolve\n"
	"  3  bad arguments\n"
	"  4  system failure (privileges, BPF, sockets, writing a file)\n"
	"  5  a check failed (--max-loss, --max-rtt, ...)\n"
	"  6  checks given, but ringping itself dropped answers or failed sends:\n"
	"     the measurement is invalid, neither pass nor fail\n"
	"  7  ringping merge: the manifests are not one whole sweep\n";

static const char cli_merge_synopsis[] =
	"Check that the --manifest files of a sharded sweep are its N shards, all of\n"
	"them once, each complete and with its results file unchanged, and write the\n"
	"results as one (CSV with one header; NDJSON with a \"merge\" record for the\n"
	"shards' summaries).\n";

static const char cli_merge_exits[] =
	"Exit codes:\n"
	"  0  the shards make one whole sweep; its results written\n"
	"  3  bad arguments\n"
	"  4  system failure (reading, writing)\n"
	"  7  they do not (a shard missing or twice, another sweep's, unfinished,\n"
	"     a results file missing or changed): each reason on stderr\n";

static bool cli_takes(const struct cli_opt *c, unsigned cmd)
{
	return (c->cmds ? c->cmds : CMD_SWEEP) & cmd;
}

/* "-c, --count N" or "    --rate PPS". */
static void cli_left(const struct cli_opt *c, char *buf, size_t len)
{
	if (c->val)
		snprintf(buf, len, "-%c, --%s%s%s", c->val, c->name, c->arg ? " " : "",
			 c->arg ? c->arg : "");
	else
		snprintf(buf, len, "    --%s%s%s", c->name, c->arg ? " " : "", c->arg ? c->arg : "");
}

static const char cli_trace_synopsis[] =
	"Every TARGET (as above) at each TTL from --first-hop to --max-hops, --queries\n"
	"probes per hop (ICMP echo, UDP or TCP SYN: --proto), stopping past the\n"
	"destination: the routers on the way, with kernel-stamped RTTs. Probes keep\n"
	"one flow (Paris traceroute).\n";

static const char cli_trace_exits[] =
	"Exit codes:\n"
	"  0  every target reached\n"
	"  1  some target not reached\n"
	"  2  a host name did not resolve\n"
	"  3  bad arguments\n"
	"  4  system failure\n";

static const char cli_ping_synopsis[] =
	"DESTINATION (one address or host name) probed as iputils ping(8) does, with\n"
	"its option letters and its lines; the RTTs are kernel stamps. ping's -e -L\n"
	"-N -C -d -E -3 are not supported yet.\n";

static const char cli_ping_exits[] =
	"Exit codes (ping's):\n"
	"  0  a reply came\n"
	"  1  none did (or fewer than -c by the -w deadline)\n"
	"  2  any other error\n";

/* One option: its left column, then its help wrapped at 80 columns under itself. */
static void cli_usage_opt(FILE *f, const struct cli_opt *c)
{
	const char *h = c->help;
	char left[48];
	int w, first = 1;

	cli_left(c, left, sizeof(left));
	fprintf(f, "  %-26s", left);
	if (strlen(left) > 26)
		fputs("\n                            ", f);
	while (*h) {
		w = (int)strlen(h);
		if (w > 51) {
			for (w = 51; w > 0 && h[w] != ' '; w--)
				;
			if (!w)
				w = 51;
		}
		fprintf(f, "%s%.*s\n", first ? " " : "                             ", w, h);
		first = 0;
		h += w;
		while (*h == ' ')
			h++;
	}
}

static void cli_usage_of(FILE *f, unsigned cmd)
{
	size_t i;
	unsigned g;

	if (cmd == CMD_TRACE)
		fprintf(f, "Usage: ringping trace [options] TARGET...\n%s", cli_trace_synopsis);
	else if (cmd == CMD_PING)
		fprintf(f, "Usage: ringping ping [options] DESTINATION\n%s", cli_ping_synopsis);
	else if (cmd == CMD_MERGE)
		fprintf(f, "Usage: ringping merge [-o FILE] MANIFEST...\n%s", cli_merge_synopsis);
	else
		fprintf(f, "Usage: ringping [options] TARGET...\n       ringping trace [options] TARGET... "
			"(ringping trace --help)\n       ringping ping [options] DESTINATION "
			"(ringping ping --help)\n       ringping merge [-o FILE] MANIFEST... (ringping merge --help)\n%s",
			cli_synopsis);
	for (g = 0; g < G_NGROUPS; g++) {
		bool head = false;

		for (i = 0; i < CLI_NOPTS; i++) {
			if (cli_opts[i].grp != g || !cli_takes(&cli_opts[i], cmd))
				continue;
			if (!head)
				fprintf(f, "\n%s:\n", cli_group_names[g]);
			head = true;
			cli_usage_opt(f, &cli_opts[i]);
		}
	}
	fprintf(f, "\n%s", cmd == CMD_TRACE ? cli_trace_exits : cmd == CMD_PING ? cli_ping_exits
			   : cmd == CMD_MERGE ? cli_merge_exits : cli_exits);
}

void cli_usage(FILE *f)
{
	cli_usage_of(f, CMD_SWEEP);
}

/* roff escapes: a backslash and a leading dot or quote. */
static void cli_roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '-')
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void cli_man_opt(FILE *f, const struct cli_opt *c)
{
	fputs(".TP\n.B ", f);
	if (c->val)
		fprintf(f, "\\-%c\\fR, \\fB", c->val);
	fputs("\\-\\-", f);
	cli_roff(f, c->name);
	if (c->arg) {
		fputs(" \\fI", f);
		cli_roff(f, c->arg);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	cli_roff(f, c->help);
	fputc('\n', f);
}

/* The options of cmd (only: none the sweep takes too) as .TP paragraphs under --help's headings. */
static void cli_man(FILE *f, unsigned cmd, bool only)
{
	size_t i;
	unsigned g;

	for (g = 0; g < G_NGROUPS; g++) {
		bool head = false;

		for (i = 0; i < CLI_NOPTS; i++) {
			const struct cli_opt *c = &cli_opts[i];

			if (c->grp != g || !cli_takes(c, cmd) || (only && cli_takes(c, CMD_SWEEP)))
				continue;
			if (!head)
				fprintf(f, ".SS %s\n", cli_group_names[g]);
			head = true;
			cli_man_opt(f, c);
		}
	}
}

void cli_usage_man(FILE *f)
{
	cli_man(f, CMD_SWEEP, false);
}

void cli_usage_man_trace(FILE *f)
{
	cli_man(f, CMD_TRACE, true);
}

void cli_usage_man_ping(FILE *f)
{
	cli_man(f, CMD_PING, false);
}

void cli_words(FILE *f, int cmd, bool with_arg_only)
{
	static const unsigned cmds[] = { CMD_SWEEP, CMD_TRACE, CMD_PING, CMD_MERGE };
	const char *sep = "";
	size_t i;

	for (i = 0; i < CLI_NOPTS; i++) {
		const struct cli_opt *c = &cli_opts[i];

		if (!cli_takes(c, cmds[cmd]) || (with_arg_only && !c->arg))
			continue;
		if (c->val)
			fprintf(f, "%s-%c", sep, c->val), sep = " ";
		fprintf(f, "%s--%s", sep, c->name);
		sep = " ";
	}
}

static const struct cli_opt *cli_find(int val, unsigned cmd)
{
	if (val >= CLI_LONG_ONLY && val < CLI_LONG_ONLY + (int)CLI_NOPTS)
		return &cli_opts[val - CLI_LONG_ONLY];
	for (size_t i = 0; val && i < CLI_NOPTS; i++)
		if (cli_opts[i].val == val && cli_takes(&cli_opts[i], cmd))
			return &cli_opts[i];
	return NULL;
}

/* Parse a whole decimal token within [min, max]. */
static int cli_u64(const char *s, __u64 min, __u64 max, __u64 *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static enum cli_result cli_bad_value(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	snprintf(c->err, c->errlen, "bad value '%s' for --%s: expected %" PRIu64 "..%" PRIu64, arg,
		 opt->name, (uint64_t)opt->min, (uint64_t)opt->max);
	return CLI_BAD;
}

static void *cli_field(struct cli_ctx *c, const struct cli_opt *opt)
{
	return (char *)c->o + opt->off;
}

static enum cli_result cli_number(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	void *f = cli_field(c, opt);
	__u64 v;

	if (cli_u64(arg, opt->min, opt->max, &v))
		return cli_bad_value(c, opt, arg);
	if (opt->size == sizeof(__u64))
		memcpy(f, &v, sizeof(v));
	else
		*(__u32 *)f = (__u32)v; /* int and __u32 fields: the range keeps it positive */
	if (opt->given)
		*(bool *)((char *)c->o + opt->given - 1) = true;
	return opt->fn ? opt->fn(c, opt, arg) : CLI_RUN;
}

/* A decimal number (fractions allowed) in [0, max]. */
static enum cli_result cli_real(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0 && v <= (double)opt->max)) {
		snprintf(c->err, c->errlen, "bad value '%s' for --%s: expected a number 0..%g", arg,
			 opt->name, (double)opt->max);
		return CLI_BAD;
	}
	*(double *)cli_field(c, opt) = v;
	return opt->fn ? opt->fn(c, opt, arg) : CLI_RUN;
}

/* Seconds as ping takes them ("0.2", "5"): nanoseconds, in [0, max] seconds. */
static enum cli_result cli_secs(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	char *end;
	double v;
	__u64 ns;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || *arg == '-' || *arg == '+' || !(v >= 0 && v <= (double)opt->max))
		return snprintf(c->err, c->errlen, "bad value '%s' for -%c: expected seconds 0..%g", arg,
				opt->val, (double)opt->max), CLI_BAD;
	ns = (__u64)(v * 1e9 + 0.5);
	memcpy(cli_field(c, opt), &ns, sizeof(ns));
	if (opt->given)
		*(bool *)((char *)c->o + opt->given - 1) = true;
	return CLI_RUN;
}

/* A TOS byte, decimal or 0x hex (ping's -Q). */
static enum cli_result cli_tos(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-' || v > 255)
		return snprintf(c->err, c->errlen, "bad value '%s' for -Q: expected 0..255 (or 0x00..0xff)",
				arg), CLI_BAD;
	c->o->tos = (int)v;
	return CLI_RUN;
}

static enum cli_result cli_vcount(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	c->o->all_rtts = true;
	return CLI_RUN;
}

static enum cli_result cli_pow2(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	__u32 v = *(__u32 *)cli_field(c, opt);

	return v & (v - 1) ? cli_bad_value(c, opt, arg) : CLI_RUN;
}

static enum cli_result cli_backoff(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	if (c->o->backoff >= 1)
		return CLI_RUN;
	snprintf(c->err, c->errlen, "bad value '%s' for --backoff: expected 1..100", arg);
	return CLI_BAD;
}

/* N targets, or PCT% of them. */
static enum cli_result cli_min_alive(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	struct check_cfg *k = &c->o->checks;
	struct cli_opt pct = { .name = opt->name, .max = 100 }, num = { .name = opt->name, .max = 1000000000000ULL };
	char buf[32];
	size_t n = strlen(arg);

	pct.off = num.off = OFF(checks.min_alive);
	k->min_alive_pct = n > 1 && n < sizeof(buf) && arg[n - 1] == '%';
	if (!k->min_alive_pct)
		return cli_real(c, &num, arg);
	memcpy(buf, arg, n - 1);
	buf[n - 1] = '\0';
	if (cli_real(c, &pct, buf) != CLI_RUN)
		return snprintf(c->err, c->errlen, "bad value '%s' for --min-alive: expected N or PCT%%",
				arg), CLI_BAD;
	return CLI_RUN;
}

static enum cli_result cli_list(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	struct rp_opts *o = c->o;
	bool files = opt->val == 'f';
	int *n = files ? &o->nfiles : &o->nexcludes;
	int cap = files ? (int)(sizeof(o->files) / sizeof(o->files[0]))
			: (int)(sizeof(o->excludes) / sizeof(o->excludes[0]));

	if (*n == cap)
		return snprintf(c->err, c->errlen, "too many %s at '%s'", files ? "-f files" : "--exclude",
				arg), CLI_BAD;
	(files ? o->files : o->excludes)[(*n)++] = arg;
	return CLI_RUN;
}

/* Once per family: IPv4 probes take the IPv4 source, IPv6 probes the IPv6 one. */
static enum cli_result cli_source(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	struct ringping_addr a;

	if (ringping_addr_parse(arg, &a))
		return snprintf(c->err, c->errlen, "bad source address '%s'", arg), CLI_BAD;
	if (ringping_addr_family(&a) == 4)
		c->o->src = arg;
	else
		c->o->src6 = arg;
	return CLI_RUN;
}

/* ping's -I: an address is the source, anything else an interface. */
static enum cli_result cli_ping_iface(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	struct ringping_addr a;

	if (ringping_addr_parse(arg, &a))
		return *arg ? (c->o->iface = arg, CLI_RUN)
			    : (snprintf(c->err, c->errlen, "empty value for -I"), CLI_BAD);
	return cli_source(c, opt, arg);
}

/* A two-word option: *second is whether arg named the second word. */
static enum cli_result cli_choice(struct cli_ctx *c, const struct cli_opt *opt, const char *arg,
				  const char *first, const char *second, bool *is_second)
{
	if (strcmp(arg, first) && strcmp(arg, second))
		return snprintf(c->err, c->errlen, "bad value '%s' for --%s: expected %s or %s", arg,
				opt->name, first, second),
		       CLI_BAD;
	*is_second = !strcmp(arg, second);
	return CLI_RUN;
}

static enum cli_result cli_xdp_mode(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	return cli_choice(c, opt, arg, "native", "generic", &c->o->xdp_generic);
}

static enum cli_result cli_send_path(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	return cli_choice(c, opt, arg, "raw", "packet", &c->o->send_packet);
}

/* arg as one of three names (an enum's order): its index into *out, or the error naming all three. */
static enum cli_result cli_choice3(struct cli_ctx *c, const struct cli_opt *opt, const char *arg,
				   const char *const names[3], int *out)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(arg, names[i])) {
			*out = i;
			return CLI_RUN;
		}
	return snprintf(c->err, c->errlen, "bad value '%s' for --%s: expected %s, %s or %s", arg,
			opt->name, names[0], names[1], names[2]),
	       CLI_BAD;
}

static enum cli_result cli_mode(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	static const char *const modes[3] = { "auto", "bpf", "dgram" }; /* enum ringping_mode's order */

	return cli_choice3(c, opt, arg, modes, &c->o->mode);
}

static enum cli_result cli_dontfrag(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	c->o->pmtu = RINGPING_PMTU_DO;
	return CLI_RUN;
}

/* ping's -M: its four words, enum ringping_pmtu's order past the default. */
static enum cli_result cli_ping_pmtu(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	static const char *const modes[] = { "dont", "want", "do", "probe" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(arg, modes[i])) {
			c->o->pmtu = RINGPING_PMTU_DONT + i;
			return CLI_RUN;
		}
	return snprintf(c->err, c->errlen, "bad value '%s' for -M: expected do, want, dont or probe", arg),
	       CLI_BAD;
}

static enum cli_result cli_probe(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	if (strcmp(arg, "echo") && strcmp(arg, "timestamp"))
		return snprintf(c->err, c->errlen, "bad value '%s' for --probe: expected echo or timestamp",
				arg), CLI_BAD;
	c->o->probe = arg[0] == 't' ? RINGPING_PROBE_TIMESTAMP : RINGPING_PROBE_ECHO;
	return CLI_RUN;
}

/* ping's -p: hex digits, two to a byte (a last odd one is a byte of its own), 16 bytes at most. */
static enum cli_result cli_pattern(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	struct rp_opts *o = c->o;
	size_t i;

	for (i = 0; arg[i]; i++)
		if (!isxdigit((unsigned char)arg[i]))
			return snprintf(c->err, c->errlen, "patterns must be specified as hex digits: %s",
					arg + i), CLI_BAD;
	o->pattern_len = 0;
	for (i = 0; arg[i] && o->pattern_len < sizeof(o->pattern); i += 2) {
		char byte[3] = { arg[i], arg[i + 1], 0 };

		o->pattern[o->pattern_len++] = (__u8)strtoul(byte, NULL, 16);
		if (!arg[i + 1])
			break;
	}
	return CLI_RUN;
}

/*
 * ping's -R (a NOP, then record route with room for 9 addresses) and -T
 * (timestamps only, or with addresses: 9 or 4 of them), as its bytes; one of
 * the two, as in ping.
 */
static enum cli_result cli_ipopt(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	struct rp_opts *o = c->o;

	if (o->ip_options_len)
		return snprintf(c->err, c->errlen, "only one of -T or -R may be used"), CLI_BAD;
	memset(o->ip_options, 0, sizeof(o->ip_options));
	o->ip_options_len = 40;
	if (opt->val == 'R') {
		memcpy(o->ip_options, (const __u8[]){ 1, 7, 39, 4 }, 4);
		return CLI_RUN;
	}
	if (strcmp(arg, "tsonly") && strcmp(arg, "tsandaddr")) {
		o->ip_options_len = 0;
		return snprintf(c->err, c->errlen, !strcmp(arg, "tsprespec")
				? "-T tsprespec is not supported yet" : "invalid timestamp type: %s", arg),
		       CLI_BAD;
	}
	o->ip_options_len = arg[2] == 'o' ? 40 : 36;
	memcpy(o->ip_options, (const __u8[]){ 68, (__u8)o->ip_options_len, 5, arg[2] == 'o' ? 0 : 1 }, 4);
	return CLI_RUN;
}

/* ping's -F: 0x hex or decimal, 20 bits at most; its words for the rest. */
static enum cli_result cli_flowlabel(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	bool hex = arg[0] == '0' && (arg[1] == 'x' || arg[1] == 'X');
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(hex ? arg + 2 : arg, &end, hex ? 16 : 10);
	if (*end || end == (hex ? arg + 2 : arg) || errno || strchr(arg, '-'))
		return snprintf(c->err, c->errlen, "bad value for flowinfo: %s", arg), CLI_BAD;
	if (v > 0xfffff)
		return snprintf(c->err, c->errlen, "flow value is greater than 20 bits: %s", arg), CLI_BAD;
	c->o->flowlabel = (__u32)v;
	c->o->flowlabel_set = true;
	return CLI_RUN;
}

static enum cli_result cli_proto(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	static const char *const protos[3] = { "icmp", "udp", "tcp" }; /* enum ringping_trace_proto's */

	return cli_choice3(c, opt, arg, protos, &c->o->proto);
}

static enum cli_result cli_format(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	if (output_parse_format(arg, &c->o->out.format))
		return snprintf(c->err, c->errlen,
				"bad value '%s' for --format: expected text, csv or ndjson", arg),
		       CLI_BAD;
	c->o->format_set = true;
	return CLI_RUN;
}

static enum cli_result cli_heatmap_by(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	if (strcmp(arg, "outcome") && strcmp(arg, "rtt"))
		return snprintf(c->err, c->errlen, "bad value '%s' for --heatmap-by: expected outcome or rtt",
				arg), CLI_BAD;
	c->o->heatmap_rtt = !strcmp(arg, "rtt");
	return CLI_RUN;
}

static enum cli_result cli_version(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	printf("ringping %s\n", RINGPING_VERSION);
	return CLI_EXIT_OK;
}

static enum cli_result cli_help(struct cli_ctx *c, const struct cli_opt *opt, const char *arg)
{
	cli_usage_of(stdout, c->cmd);
	return CLI_EXIT_OK;
}

/* iputils ping's letters "ringping ping" does not take yet: said so, not "unknown". */
static const char cli_ping_later[] = "CdeELN3";

/* One option: the setter its kind names. */
static enum cli_result cli_one(struct cli_ctx *c, int val, const char *arg, const char *tok)
{
	const struct cli_opt *opt = cli_find(val, c->cmd);

	if (!opt && c->cmd == CMD_PING && tok[0] == '-' && tok[1] && tok[1] != '-' && !tok[2] &&
	    strchr(cli_ping_later, tok[1])) {
		snprintf(c->err, c->errlen, "ping's option '%s' is not supported yet", tok);
		return CLI_BAD;
	}
	if (!opt) {
		snprintf(c->err, c->errlen, "unknown or incomplete option '%s'", tok);
		return CLI_BAD;
	}
	switch (opt->kind) {
	case K_FLAG: *(bool *)cli_field(c, opt) = true; return CLI_RUN;
	case K_CONST: *(int *)cli_field(c, opt) = (int)opt->min; return CLI_RUN;
	case K_COUNT: ++*(int *)cli_field(c, opt); return CLI_RUN;
	case K_NUM: return cli_number(c, opt, arg);
	case K_REAL: return cli_real(c, opt, arg);
	case K_SECS: return cli_secs(c, opt, arg);
	case K_STR:
		if (!*arg) /* an empty name would mean "any" to the kernel, silently */
			return snprintf(c->err, c->errlen, "empty value for --%s", opt->name), CLI_BAD;
		*(const char **)cli_field(c, opt) = arg;
		return CLI_RUN;
	case K_FN: return opt->fn(c, opt, arg);
	}
	return CLI_BAD;
}

static void cli_defaults(struct rp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->rate = 10000;
	o->count = 1;
	o->period_ms = 1000;
	o->backoff = 1.5;
	checks_init(&o->checks);
	o->tos = -1;
	o->size = 56;
	o->timeout_ms = 1000;
	o->batch = 64;
	o->ringbuf_mb = 16;
	o->out.format = OUT_TEXT;
	o->max_hops = 30;
	o->first_hop = 1;
	o->queries = 3;
	o->flows = 1;
	o->ping_interval_ns = 1000000000ULL;
	o->ping_timeout_ns = 10000000000ULL;
}

/* A trace: its numbers together, and -c (a report) or -q (each probe shown). */
static enum cli_result cli_check_trace(struct cli_ctx *c)
{
	struct rp_opts *o = c->o;

	if (o->first_hop > o->max_hops)
		return snprintf(c->err, c->errlen, "--first-hop %u is past --max-hops %u", o->first_hop,
				o->max_hops), CLI_BAD;
	if (o->flow + o->flows > RINGPING_TRACE_MAX_FLOWS)
		return snprintf(c->err, c->errlen, "--flow %u --flows %u: flows end at %d", o->flow,
				o->flows, RINGPING_TRACE_MAX_FLOWS - 1), CLI_BAD;
	if (o->loop && o->count > 1)
		return snprintf(c->err, c->errlen, "'-c' and '-l' exclude each other"), CLI_BAD;
	if (o->port && o->proto == RINGPING_TRACE_ICMP)
		return snprintf(c->err, c->errlen, "--port %u: ICMP probes have no port (--proto udp or tcp)",
				o->port), CLI_BAD;
	o->trace_report = o->count > 1 || o->loop;
	if (!o->trace_report)
		o->count = o->queries;
	if (!o->threads_set)
		o->sender_threads = 0;
	return CLI_RUN;
}

/* ping: one destination, ping's defaults, and its rule for short intervals. */
static enum cli_result cli_check_ping(struct cli_ctx *c)
{
	struct rp_opts *o = c->o;

	if (o->ntargets != 1)
		return snprintf(c->err, c->errlen, o->ntargets ? "one destination only, not '%s' too"
							    : "no destination", o->ntargets ? o->targets[1] : ""),
		       CLI_BAD;
	/* -f without -i: no interval, the answers set the pace (ping's flood). */
	if (o->ping_flood && !o->ping_interval_set)
		o->ping_interval_ns = 0;
	/* iputils' rules, and why: an unprivileged user must not flood (ping(8), -i, -l). */
	if (o->ping_interval_ns < 2000000 && getuid() != 0)
		return snprintf(c->err, c->errlen, "cannot flood; minimal interval allowed for user is 2ms"),
		       CLI_BAD;
	if (o->ping_preload > 3 && getuid() != 0)
		return snprintf(c->err, c->errlen, "cannot set preload to value greater than 3: %u",
				o->ping_preload), CLI_BAD;
	o->numeric = o->numeric || o->ping_flood; /* as ping: no name lookups in a flood */
	o->sender_threads = 0;
	return CLI_RUN;
}

/* A timestamp request is RFC 792's 20 bytes: no size to choose, no room for a payload. */
static enum cli_result cli_check_probe(struct cli_ctx *c)
{
	if (c->o->probe != RINGPING_PROBE_TIMESTAMP)
		return CLI_RUN;
	if (c->o->size_set)
		return snprintf(c->err, c->errlen, "'%s' and --probe timestamp exclude each other: a "
				"timestamp request is 20 bytes", c->o->ping ? "-s" : "-b"), CLI_BAD;
	if (c->o->family == 6)
		return snprintf(c->err, c->errlen, "'-6' and --probe timestamp exclude each other: "
				"ICMPv6 has no timestamp message"), CLI_BAD;
	if (c->o->mode == RINGPING_MODE_DGRAM)
		return snprintf(c->err, c->errlen, "'--mode dgram' and --probe timestamp exclude each other: "
				"datagram sockets send echo requests only"), CLI_BAD;
	if (c->o->broadcast)
		return snprintf(c->err, c->errlen, "'%s' and --probe timestamp exclude each other: the "
				"probes are matched by their target's key", c->o->ping ? "-b" : "--broadcast"),
		       CLI_BAD;
	c->o->size = 12; /* what the request carries after its header */
	return CLI_RUN;
}

/* A whole decimal number from an environment variable, or false. */
static bool cli_env_u64(const char *name, __u64 *v)
{
	const char *s = getenv(name);

	return s && !cli_u64(s, 0, UINT64_MAX, v);
}

/*
 * The shard: --shards/--shard, or a job scheduler's index (Slurm's job
 * arrays: SLURM_ARRAY_TASK_ID from SLURM_ARRAY_TASK_MIN, of
 * SLURM_ARRAY_TASK_COUNT; Kubernetes' Indexed Jobs: JOB_COMPLETION_INDEX, of
 * --shards). Every shard must walk one permutation: --seed is required.
 */
static enum cli_result cli_check_shards(struct cli_ctx *c)
{
	struct rp_opts *o = c->o;
	__u64 id, min = 0, count;

	if (!o->shard_set && cli_env_u64("SLURM_ARRAY_TASK_ID", &id) &&
	    cli_env_u64("SLURM_ARRAY_TASK_COUNT", &count)) {
		cli_env_u64("SLURM_ARRAY_TASK_MIN", &min);
		o->shard = id >= min ? id - min : id;
		o->shards = o->shards_set ? o->shards : count;
		o->shard_set = o->shards_set = true;
	} else if (!o->shard_set && o->shards_set && cli_env_u64("JOB_COMPLETION_INDEX", &id)) {
		o->shard = id;
		o->shard_set = true;
	}
	if (!o->shards_set && !o->shard_set)
		return CLI_RUN;
	if (o->shards_set != o->shard_set)
		return snprintf(c->err, c->errlen, "--shards and --shard go together (or a job array's "
				"index: SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX)"), CLI_BAD;
	if (o->shard >= o->shards)
		return snprintf(c->err, c->errlen, "--shard %llu: expected 0..%llu (--shards %llu)",
				(unsigned long long)o->shard, (unsigned long long)o->shards - 1,
				(unsigned long long)o->shards), CLI_BAD;
	if (!o->seed_set)
		return snprintf(c->err, c->errlen, "--shards needs --seed: every shard walks the one order "
				"that seed makes"), CLI_BAD;
	return CLI_RUN;
}

static enum cli_result cli_check(struct cli_ctx *c, int argc, char **argv)
{
	struct rp_opts *o = c->o;

	o->targets = argv + optind;
	o->ntargets = argc - optind;
	if (cli_check_probe(c) != CLI_RUN)
		return CLI_BAD;
	if (o->ping)
		return cli_check_ping(c);
	if (o->merge)
		return o->ntargets ? CLI_RUN
				   : (snprintf(c->err, c->errlen, "no manifests (ringping merge M0.json M1.json ...)"),
				      CLI_BAD);
	if (!o->ntargets && !o->nfiles)
		return snprintf(c->err, c->errlen, "no targets (give addresses, CIDRs or -f FILE)"),
		       CLI_BAD;
	if (o->loop && (o->count > 1 || o->all_rtts))
		return snprintf(c->err, c->errlen, "'-c' and '-l' exclude each other"), CLI_BAD;
	if (o->retries && (o->loop || o->count > 1))
		return snprintf(c->err, c->errlen, "'-r' retries a sweep's silent hosts; with -c/-l "
				"every host is probed again anyway"), CLI_BAD;
	if (o->out.alive_only && o->out.unreach_only)
		return snprintf(c->err, c->errlen, "'-a' and '-u' exclude each other"), CLI_BAD;
	if (!o->trace && cli_check_shards(c) != CLI_RUN)
		return CLI_BAD;
	if (!o->format_set && o->out.path)
		o->out.format = output_format_for(o->out.path);
	/* Unpaced, every core sends; paced, one thread is plenty and adds no handoff. */
	if (!o->threads_set)
		o->sender_threads = o->rate ? 0 : (int)sysconf(_SC_NPROCESSORS_ONLN);
	return o->trace ? cli_check_trace(c) : CLI_RUN;
}

/* getopt_long's tables from ours: short letters, and a value per long-only option. */
static void cli_getopt_tables(struct option *longopts, char *shortopts, unsigned cmd)
{
	size_t i, n = 0;

	*shortopts++ = ':';
	for (i = 0; i < CLI_NOPTS; i++) {
		const struct cli_opt *c = &cli_opts[i];

		if (!cli_takes(c, cmd))
			continue;
		longopts[n++] = (struct option){ c->name, c->arg ? required_argument : no_argument, NULL,
					       c->val ? c->val : CLI_LONG_ONLY + (int)i };
		if (c->val) {
			*shortopts++ = (char)c->val;
			if (c->arg)
				*shortopts++ = ':';
		}
	}
	*shortopts = '\0';
	memset(&longopts[n], 0, sizeof(longopts[0]));
}

enum cli_result cli_parse(int argc, char **argv, struct rp_opts *o, char *err, size_t errlen)
{
	struct option longopts[CLI_NOPTS + 1];
	struct cli_ctx c = { o, err, errlen, CMD_SWEEP };
	char shortopts[2 * CLI_NOPTS + 2];
	enum cli_result res;
	int val, idx;

	cli_defaults(o);
	/* "ringping trace ...", "ringping ping ...", "ringping merge ...": that command's options, from the word after it on. */
	if (argc > 1 && (!strcmp(argv[1], "trace") || !strcmp(argv[1], "ping") || !strcmp(argv[1], "merge"))) {
		o->trace = argv[1][0] == 't';
		o->ping = argv[1][0] == 'p';
		o->merge = argv[1][0] == 'm';
		c.cmd = o->trace ? CMD_TRACE : o->ping ? CMD_PING : CMD_MERGE;
		argv++;
		argc--;
	}
	cli_getopt_tables(longopts, shortopts, c.cmd);
	optind = 0; /* 0, not 1: glibc then forgets a group ("-zq") left half read by the last call */
	opterr = 0;
	while ((val = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const char *tok = argv[optind - 1];
		char letter[3] = { '-', (char)optopt, '\0' };

		/* A bad letter in a group ("-zq") is named itself, not the word before it. */
		if ((val == '?' || val == ':') && optopt > 0 && optopt < CLI_LONG_ONLY)
			tok = letter;
		if (val == '?' || val == ':')
			val = 0;
		res = cli_one(&c, val, optarg, tok);
		if (res != CLI_RUN)
			return res;
	}
	return cli_check(&c, argc, argv);
}
