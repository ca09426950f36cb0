// SPDX-License-Identifier: MIT
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"


enum {
	OPT_SEED = 256, OPT_RATE, OPT_EXCLUDE, OPT_XDP, OPT_XDP_MODE, OPT_XDP_PASS, OPT_FORMAT,
	OPT_BATCH, OPT_RINGBUF, OPT_THREADS, OPT_SEND_PATH, OPT_PER_PROBE, OPT_AGGREGATE,
	OPT_PROMETHEUS, OPT_JUNIT, OPT_FORCE, OPT_MIN_ALIVE, OPT_MAX_LOSS, OPT_MAX_RTT, OPT_MAX_AVG, OPT_MAX_P50, OPT_MAX_P95, OPT_MAX_P99,
};

#define CLI_MAX_MS 3600000

struct cli_opt {
	struct option opt;
	const char *arg;
	const char *help;
	__u64 min, max; /* numeric options: accepted range (max 0: not numeric) */
};

static const struct cli_opt cli_opts[] = {
	{ { "ipv4", no_argument, NULL, '4' }, NULL, "IPv4 only: names resolve to A records, IPv6 targets are refused" },
	{ { "ipv6", no_argument, NULL, '6' }, NULL, "IPv6 only: names resolve to AAAA records, IPv4 targets are refused" },
	{ { "force", no_argument, NULL, OPT_FORCE }, NULL, "allow more than 2^24 IPv6 targets (up to 2^48)" },
	{ { "file", required_argument, NULL, 'f' }, "FILE", "read targets from FILE ('-' = stdin)" },
	{ { "exclude", required_argument, NULL, OPT_EXCLUDE }, "T", "leave out an address, CIDR, range, or a file of them" },
	{ { "count", required_argument, NULL, 'c' }, "N", "probes per target (default 1); the order is walked N times", 1, 1000000 },
	{ { "vcount", required_argument, NULL, 'C' }, "N", "as -c N, and report every RTT of each host (fping's -C)", 1, 1000000 },
	{ { "loop", no_argument, NULL, 'l' }, NULL, "probe until stopped (Ctrl-C), as -c without end" },
	{ { "period", required_argument, NULL, 'p' }, "MS", "between probes to one host when probing many times (default 1000; 0 = back to back)", 0, CLI_MAX_MS },
	{ { "interval", required_argument, NULL, 'i' }, "MS", "at least this long between any two sends (default 0; --rate still caps)", 0, CLI_MAX_MS },
	{ { "retry", required_argument, NULL, 'r' }, "N", "a sweep retries a silent host N times (default 0)", 0, 1000 },
	{ { "backoff", required_argument, NULL, 'B' }, "F", "each retry waits F times longer than the last (default 1.5)" },
	{ { "squiet", required_argument, NULL, 'Q' }, "SECS", "like -q, and the statistics so far every SECS seconds (also on SIGQUIT)", 1, 86400 },
	{ { "deadline", required_argument, NULL, 'w' }, "SECS", "send nothing after SECS; probes in flight still get their timeout", 1, 31536000 },
	{ { "timestamp", no_argument, NULL, 'D' }, NULL, "start text result lines with the wall-clock time of the answer" },
	{ { "per-probe", no_argument, NULL, OPT_PER_PROBE }, NULL, "with -c/-l: a CSV/NDJSON record per probe too" },
	{ { "max-loss", required_argument, NULL, OPT_MAX_LOSS }, "PCT", "check: loss at most PCT % per host (exit 5 if not)" },
	{ { "max-rtt", required_argument, NULL, OPT_MAX_RTT }, "MS", "check: no RTT above MS" },
	{ { "max-avg", required_argument, NULL, OPT_MAX_AVG }, "MS", "check: average RTT at most MS" },
	{ { "max-p50", required_argument, NULL, OPT_MAX_P50 }, "MS", "check: median RTT at most MS" },
	{ { "max-p95", required_argument, NULL, OPT_MAX_P95 }, "MS", "check: 95th percentile RTT at most MS" },
	{ { "max-p99", required_argument, NULL, OPT_MAX_P99 }, "MS", "check: 99th percentile RTT at most MS" },
	{ { "prometheus", required_argument, NULL, OPT_PROMETHEUS }, "FILE", "write per-host statistics as OpenMetrics text (node_exporter textfile)" },
	{ { "junit", required_argument, NULL, OPT_JUNIT }, "FILE", "write a JUnit XML report, a test case per host" },
	{ { "aggregate", no_argument, NULL, OPT_AGGREGATE }, NULL, "apply the checks to the whole run, not each host" },
	{ { "min-alive", required_argument, NULL, OPT_MIN_ALIVE }, "N|PCT%", "check: at least N targets (or PCT % of them) alive" },
	{ { "rate", required_argument, NULL, OPT_RATE }, "PPS", "probes per second (default 10000; 0 = as fast as possible)", 0, 100000000 },
	{ { "seed", required_argument, NULL, OPT_SEED }, "N", "seed of the random probing order (default: random)", 0, UINT64_MAX },
	{ { "timeout", required_argument, NULL, 't' }, "MS", "wait this long for each reply (default 1000)", 1, 3600000 },
	{ { "ttl", required_argument, NULL, 'H' }, "N", "IP TTL of the probes (1..255)", 1, 255 },
	{ { "tos", required_argument, NULL, 'O' }, "N", "IP TOS byte of the probes (0..255)", 0, 255 },
	{ { "size", required_argument, NULL, 'b' }, "BYTES", "ICMP data bytes per probe (16..65000, default 56)", 16, 65000 },
	{ { "interface", required_argument, NULL, 'I' }, "IFACE", "send and receive on IFACE only" },
	{ { "src", required_argument, NULL, 'S' }, "ADDR", "source address of the probes" },
	{ { "xdp", required_argument, NULL, OPT_XDP }, "IFACE", "receive with XDP on IFACE instead of a socket filter" },
	{ { "xdp-mode", required_argument, NULL, OPT_XDP_MODE }, "MODE", "native (default) or generic" },
	{ { "xdp-pass", no_argument, NULL, OPT_XDP_PASS }, NULL, "let matched replies reach the stack (default: drop them after recording)" },
	{ { "format", required_argument, NULL, OPT_FORMAT }, "FMT", "text (default), csv or ndjson" },
	{ { "output", required_argument, NULL, 'o' }, "FILE", "write results to FILE (format from .csv/.json/.ndjson)" },
	{ { "alive", no_argument, NULL, 'a' }, NULL, "show only targets that are alive" },
	{ { "unreach", no_argument, NULL, 'u' }, NULL, "show only targets that did not answer" },
	{ { "quiet", no_argument, NULL, 'q' }, NULL, "no per-target results, only the summary" },
	{ { "send-path", required_argument, NULL, OPT_SEND_PATH }, "PATH", "raw (default: raw ICMP socket) or packet (AF_PACKET frames to the targets' gateway)" },
	{ { "batch", required_argument, NULL, OPT_BATCH }, "N", "probes per sendmmsg call (1..1024, default 64)", 1, 1024 },
	{ { "sender-threads", required_argument, NULL, OPT_THREADS }, "N", "sending threads, one socket each (0 = inline; default: one per CPU at --rate 0, else 0)", 0, 64 },
	{ { "ringbuf-size", required_argument, NULL, OPT_RINGBUF }, "MB", "BPF ring buffer size, power of two (default 16)", 1, 1024 },
	{ { "verbose", no_argument, NULL, 'v' }, NULL, "more diagnostics (twice: libbpf debug)" },
	{ { "version", no_argument, NULL, 'V' }, NULL, "print the version and exit" },
	{ { "help", no_argument, NULL, 'h' }, NULL, "print this help and exit" },
};

#define CLI_NOPTS (sizeof(cli_opts) / sizeof(cli_opts[0]))

void cli_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: ringping [options] TARGET...\n"
		   "TARGET: an IPv4 address, host name, CIDR block (198.19.0.0/16) or range\n"
		   "(198.19.0.1-198.19.0.200). Exit: 0 all answered, 1 some did not, 2 a name\n"
		   "did not resolve, 3 bad arguments, 4 system failure.\n\nOptions:\n");
	for (i = 0; i < CLI_NOPTS; i++) {
		const struct cli_opt *c = &cli_opts[i];
		char left[48];

		if (c->opt.val < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", c->opt.val, c->opt.name,
				 c->arg ? " " : "", c->arg ? c->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", c->opt.name, c->arg ? " " : "",
				 c->arg ? c->arg : "");
		fprintf(f, "  %-26s %s\n", left, c->help);
	}
}

static const struct cli_opt *cli_find(int val)
{
	size_t i;

	for (i = 0; i < CLI_NOPTS; i++)
		if (cli_opts[i].opt.val == val)
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

struct cli_ctx {
	struct rp_opts *o;
	char *err;
	size_t errlen;
};

static enum cli_result cli_bad_value(struct cli_ctx *c, int val, const char *arg, __u64 min,
				     __u64 max)
{
	const struct cli_opt *opt = cli_find(val);

	snprintf(c->err, c->errlen, "bad value '%s' for --%s: expected %" PRIu64 "..%" PRIu64, arg,
		 opt ? opt->opt.name : "?", (uint64_t)min, (uint64_t)max);
	return CLI_BAD;
}

static enum cli_result cli_number(struct cli_ctx *c, int val, const char *arg)
{
	const struct cli_opt *opt = cli_find(val);
	struct rp_opts *o = c->o;
	__u64 v = 0;

	if (cli_u64(arg, opt->min, opt->max, &v))
		return cli_bad_value(c, val, arg, opt->min, opt->max);
	switch (val) {
	case OPT_RATE: o->rate = v; o->rate_set = true; break;
	case OPT_SEED: o->seed = v; o->seed_set = true; break;
	case 'c': o->count = v; break;
	case 'C': o->count = v; o->all_rtts = true; break;
	case 'p': o->period_ms = v; o->period_set = true; break;
	case 'i': o->interval_ms = v; break;
	case 'Q': o->interim_s = v; break;
	case 'r': o->retries = (__u32)v; break;
	case 'w': o->deadline_s = v; break;
	case 't': o->timeout_ms = v; break;
	case 'H': o->ttl = (int)v; break;
	case 'O': o->tos = (int)v; break;
	case 'b': o->size = (__u32)v; break;
	case OPT_BATCH: o->batch = (__u32)v; break;
	case OPT_THREADS: o->sender_threads = (int)v; o->threads_set = true; break;
	case OPT_RINGBUF:
		if (v & (v - 1))
			return cli_bad_value(c, val, arg, 1, 1024);
		o->ringbuf_mb = (__u32)v;
		break;
	}
	return CLI_RUN;
}

/* A decimal number (fractions allowed) in [0, max]. */
static enum cli_result cli_real(struct cli_ctx *c, int val, const char *arg, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= 0 && v <= max)) {
		snprintf(c->err, c->errlen, "bad value '%s' for --%s: expected a number 0..%g", arg,
			 cli_find(val)->opt.name, max);
		return CLI_BAD;
	}
	*out = v;
	return CLI_RUN;
}

/* N targets, or PCT% of them. */
static enum cli_result cli_min_alive(struct cli_ctx *c, const char *arg)
{
	struct check_cfg *k = &c->o->checks;
	char buf[32];
	size_t n = strlen(arg);

	k->min_alive_pct = n > 1 && n < sizeof(buf) && arg[n - 1] == '%';
	if (!k->min_alive_pct)
		return cli_real(c, OPT_MIN_ALIVE, arg, 1e12, &k->min_alive);
	memcpy(buf, arg, n - 1);
	buf[n - 1] = '\0';
	if (cli_real(c, OPT_MIN_ALIVE, buf, 100, &k->min_alive) != CLI_RUN)
		return snprintf(c->err, c->errlen, "bad value '%s' for --min-alive: expected N or PCT%%",
				arg), CLI_BAD;
	return CLI_RUN;
}

/* A two-word option: *second is whether arg named the second word. */
static enum cli_result cli_choice(struct cli_ctx *c, int val, const char *arg, const char *first,
				  const char *second, bool *is_second)
{
	if (strcmp(arg, first) && strcmp(arg, second))
		return snprintf(c->err, c->errlen, "bad value '%s' for --%s: expected %s or %s", arg,
				cli_find(val)->opt.name, first, second),
		       CLI_BAD;
	*is_second = !strcmp(arg, second);
	return CLI_RUN;
}

static enum cli_result cli_string(struct cli_ctx *c, int val, const char *arg)
{
	struct rp_opts *o = c->o;

	switch (val) {
	case 'f':
		if (o->nfiles == (int)(sizeof(o->files) / sizeof(o->files[0])))
			return snprintf(c->err, c->errlen, "too many -f files at '%s'", arg), CLI_BAD;
		o->files[o->nfiles++] = arg;
		break;
	case OPT_EXCLUDE:
		if (o->nexcludes == (int)(sizeof(o->excludes) / sizeof(o->excludes[0])))
			return snprintf(c->err, c->errlen, "too many --exclude at '%s'", arg), CLI_BAD;
		o->excludes[o->nexcludes++] = arg;
		break;
	case 'I': o->iface = arg; break;
	case OPT_XDP: o->xdp_iface = arg; break;
	case 'o': o->out.path = arg; break;
	case OPT_PROMETHEUS: o->prom_path = arg; break;
	case OPT_JUNIT: o->junit_path = arg; break;
	case 'S': {
		struct ringping_addr a;

		/* Once per family: IPv4 probes take the IPv4 source, IPv6 probes the IPv6 one. */
		if (ringping_addr_parse(arg, &a))
			return snprintf(c->err, c->errlen, "bad source address '%s'", arg), CLI_BAD;
		if (ringping_addr_family(&a) == 4)
			o->src = arg;
		else
			o->src6 = arg;
		break;
	}
	case OPT_XDP_MODE:
		return cli_choice(c, val, arg, "native", "generic", &o->xdp_generic);
	case OPT_SEND_PATH:
		return cli_choice(c, val, arg, "raw", "packet", &o->send_packet);
	case OPT_MAX_LOSS: return cli_real(c, val, arg, 100, &o->checks.limit[CHK_LOSS]);
	case OPT_MAX_RTT: return cli_real(c, val, arg, CLI_MAX_MS, &o->checks.limit[CHK_RTT_MAX]);
	case OPT_MAX_AVG: return cli_real(c, val, arg, CLI_MAX_MS, &o->checks.limit[CHK_AVG]);
	case OPT_MAX_P50: return cli_real(c, val, arg, CLI_MAX_MS, &o->checks.limit[CHK_P50]);
	case OPT_MAX_P95: return cli_real(c, val, arg, CLI_MAX_MS, &o->checks.limit[CHK_P95]);
	case OPT_MAX_P99: return cli_real(c, val, arg, CLI_MAX_MS, &o->checks.limit[CHK_P99]);
	case OPT_MIN_ALIVE: return cli_min_alive(c, arg);
	case 'B':
		if (cli_real(c, val, arg, 100, &o->backoff) != CLI_RUN || o->backoff < 1)
			return snprintf(c->err, c->errlen, "bad value '%s' for --backoff: expected 1..100",
					arg), CLI_BAD;
		break;
	case OPT_FORMAT:
		if (output_parse_format(arg, &o->out.format))
			return snprintf(c->err, c->errlen,
					"bad value '%s' for --format: expected text, csv or ndjson", arg),
			       CLI_BAD;
		o->format_set = true;
		break;
	}
	return CLI_RUN;
}

static enum cli_result cli_flag(struct cli_ctx *c, int val)
{
	struct rp_opts *o = c->o;

	switch (val) {
	case 'a': o->out.alive_only = true; break;
	case 'u': o->out.unreach_only = true; break;
	case 'q': o->out.quiet = true; break;
	case 'v': o->verbose++; break;
	case OPT_XDP_PASS: o->xdp_pass = true; break;
	case 'l': o->loop = true; break;
	case '4': o->family = 4; break;
	case '6': o->family = 6; break;
	case OPT_FORCE: o->force = true; break;
	case 'D': o->out.timestamps = true; break;
	case OPT_PER_PROBE: o->per_probe = true; break;
	case OPT_AGGREGATE: o->checks.aggregate = true; break;
	case 'V': printf("ringping %s\n", RINGPING_VERSION); return CLI_EXIT_OK;
	case 'h': cli_usage(stdout); return CLI_EXIT_OK;
	}
	return CLI_RUN;
}

static enum cli_result cli_one(struct cli_ctx *c, int val, const char *arg, const char *tok)
{
	const struct cli_opt *opt = cli_find(val);

	if (!opt) {
		snprintf(c->err, c->errlen, "unknown or incomplete option '%s'", tok);
		return CLI_BAD;
	}
	if (!opt->arg)
		return cli_flag(c, val);
	if (opt->max)
		return cli_number(c, val, arg);
	return cli_string(c, val, arg);
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
}

static enum cli_result cli_check(struct cli_ctx *c, int argc, char **argv)
{
	struct rp_opts *o = c->o;

	o->targets = argv + optind;
	o->ntargets = argc - optind;
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
	if (!o->format_set && o->out.path)
		o->out.format = output_format_for(o->out.path);
	/* Unpaced, every core sends; paced, one thread is plenty and adds no handoff. */
	if (!o->threads_set)
		o->sender_threads = o->rate ? 0 : (int)sysconf(_SC_NPROCESSORS_ONLN);
	return CLI_RUN;
}

enum cli_result cli_parse(int argc, char **argv, struct rp_opts *o, char *err, size_t errlen)
{
	struct option longopts[CLI_NOPTS + 1];
	struct cli_ctx c = { o, err, errlen };
	char shortopts[64], *p = shortopts;
	enum cli_result res;
	size_t i;
	int val, idx;

	cli_defaults(o);
	*p++ = ':';
	for (i = 0; i < CLI_NOPTS; i++) {
		longopts[i] = cli_opts[i].opt;
		if (cli_opts[i].opt.val < 256) {
			*p++ = (char)cli_opts[i].opt.val;
			if (cli_opts[i].arg)
				*p++ = ':';
		}
	}
	*p = '\0';
	memset(&longopts[CLI_NOPTS], 0, sizeof(longopts[0]));
	optind = 1;
	opterr = 0;
	while ((val = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const char *tok = argv[optind - 1];

		if (val == '?' || val == ':')
			val = 0;
		res = cli_one(&c, val, optarg, tok);
		if (res != CLI_RUN)
			return res;
	}
	return cli_check(&c, argc, argv);
}
