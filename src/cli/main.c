// SPDX-License-Identifier: MIT
/*
 * ringping: parse the command line, hand the options and targets to the
 * engine (include/ringping.h, its only view of it), print each probe as the
 * engine resolves it, then the reports, and map the outcome to an exit code.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include "ringping.h"
#include "cli.h"
#include "heatmap.h"
#include "blocklist.h"
#include "histogram.h"
#include "manifest.h"
#include "mergecmd.h"
#include "hostreport.h"
#include "output.h"
#include "pingcmd.h"
#include <pthread.h>
#include "rdns.h"
#include "safefile.h"
#include "status.h"
#include "tracecmd.h"
#include "warn.h"

/* The engine signal handlers cancel; set while it runs. */
static struct ringping *volatile main_engine;
/* SIGQUIT asked for the statistics so far (the interim callback also ticks the status line). */
static volatile sig_atomic_t main_quit_asked;

struct main_ctx {
	const struct rp_opts *o;
	struct ringping *e;
	struct output out;
	struct rdns *rdns;  /* -d: rows go out through its threads */
	struct heatmap heat; /* --heatmap: each target's outcome */
	pthread_mutex_t out_mu; /* with -d: rows (its writer thread) and the status line (the run's) */
	struct status st;   /* the live status line, --status-file */
	bool stdout_tty;    /* results reach the terminal the status line is on */
	__u64 ticks;	    /* interim callbacks at the status line's pace */
	char last_warn[256]; /* the last diagnostic printed: the failure reason, often */
};

static void on_stop(int sig)
{
	(void)sig;
	if (main_engine)
		ringping_cancel(main_engine);
}

static void on_quit(int sig)
{
	(void)sig;
	main_quit_asked = 1;
	if (main_engine)
		ringping_interim(main_engine);
}

static void main_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop }, sq = { .sa_handler = on_quit };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* SIGQUIT (Ctrl-backslash) prints the statistics so far, as in ping and fping. */
	sigemptyset(&sq.sa_mask);
	sigaction(SIGQUIT, &sq, NULL);
	/* A closed stdout is a write error we report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
}

static void main_log(void *ctx, enum ringping_log_level lvl, const char *line)
{
	struct main_ctx *m = ctx;

	/*
	 * Sender threads log too: a line is written under stderr's lock, or two
	 * lines interleave ("ringping: ringping: kernel has no ...").
	 */
	flockfile(stderr);
	fputs("ringping: ", stderr);
	cli_puts_clean(stderr, line);
	if (lvl == RINGPING_LOG_WARN) /* under the same lock: threads warn at once */
		snprintf(m->last_warn, sizeof(m->last_warn), "%s", line);
	funlockfile(stderr);
}

/* The failure reason, unless the log just printed it. */
static void main_fail(void *ctx, struct ringping *e)
{
	struct main_ctx *m = ctx;
	const char *why = ringping_errmsg(e);
	size_t n = strlen(why);

	if (!n || (!strncmp(m->last_warn, why, n) && m->last_warn[n] == '\n'))
		return;
	cli_warn("%s\n", why);
}

/* The output's names: the token a target was given as, else (-d) its reverse DNS name. */
static const char *main_name(void *ctx, __u64 idx)
{
	struct main_ctx *m = ctx;
	const char *name = ringping_target_name(m->e, idx);

	return name || !m->rdns ? name : rdns_name(m->rdns, idx);
}

/* A row: a result, or a broadcast's further responder. On the run's thread, or -d's writer. */
static void main_emit(void *ctx, const struct ringping_probe *p, bool responder)
{
	struct main_ctx *m = ctx;
	bool redraw;

	if (m->rdns) /* rows then come from -d's writer, the status line from the run's thread */
		pthread_mutex_lock(&m->out_mu);
	/* Results on the status line's terminal: the line stays below them (a result's newline flushes it). */
	redraw = m->st.drawn && m->stdout_tty;
	if (redraw)
		status_clear(&m->st);
	if (responder)
		output_responder(&m->out, p);
	else
		output_result(&m->out, p);
	if (redraw)
		status_redraw(&m->st);
	if (m->rdns)
		pthread_mutex_unlock(&m->out_mu);
}

static void main_row(struct main_ctx *m, const struct ringping_probe *p, bool responder)
{
	if (m->rdns && !output_wanted(&m->out, p))
		return; /* no row, no lookup */
	if (!m->rdns || rdns_push(m->rdns, p, responder))
		main_emit(m, p, responder);
}

/* -r: a probe that will be retried is not yet the host's answer (fping prints the last). */
static void main_on_probe(void *ctx, const struct ringping_probe *p)
{
	struct main_ctx *m = ctx;

	heatmap_record(&m->heat, p);
	if (m->o->retries && p->status == RINGPING_NO_REPLY && p->round < m->o->retries)
		return;
	main_row(m, p, false);
}

/* --broadcast: every further host that answered a broadcast or multicast target. */
static void main_on_responder(void *ctx, const struct ringping_probe *p)
{
	struct main_ctx *m = ctx;

	if (p->status == RINGPING_ALIVE)
		main_row(m, p, true);
}

/* SIGQUIT or -Q: the statistics so far on stderr, as fping prints them. */
static void main_on_interim(void *ctx, struct ringping *e)
{
	struct main_ctx *m = ctx;
	struct ringping_summary s;
	struct ringping_host h;
	struct ringping_addr a;
	char stamp[16];
	time_t now = time(NULL);
	struct tm tm;
	__u64 i, n;

	if (ringping_summary(e, &s) || ringping_targets(e, &n))
		return;
	status_clear(&m->st);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	fprintf(m->out.diag, "[%s] %llu probes resolved: %llu replied, %llu errors, %llu no reply\n",
		stamp, (unsigned long long)(s.replied + s.errors + s.no_reply + s.dropped_locally +
					    s.send_failed),
		(unsigned long long)s.replied, (unsigned long long)s.errors,
		(unsigned long long)(s.no_reply + s.dropped_locally));
	for (i = 0; i < n; i++) {
		if (ringping_host(e, i, &h) || !h.sent)
			continue;
		ringping_target(e, i, &a);
		output_host_text(&m->out, m->out.diag, &a, i, &h);
	}
	fflush(m->out.diag);
}

/*
 * The engine's interim callback: a trace redraws its report (mtr's display);
 * a sweep ticks its status line each second, and says how far it is on
 * SIGQUIT and every -Q SECS (counted in the status line's seconds when there is one).
 */
static void main_interim(void *ctx, struct ringping *e)
{
	struct main_ctx *m = ctx;
	bool quit = main_quit_asked;

	if (m->o->trace) {
		tracecmd_interim(e);
		return;
	}
	main_quit_asked = 0;
	if (!quit && status_active(&m->st)) {
		if (m->rdns)
			pthread_mutex_lock(&m->out_mu);
		status_tick(&m->st, e);
		if (m->rdns)
			pthread_mutex_unlock(&m->out_mu);
		if (!m->o->interim_s || ++m->ticks % m->o->interim_s)
			return;
	}
	main_on_interim(ctx, e);
}

/* The status line: a sweep's, on a terminal's stderr, unless -q (or -Q); --status-file any sweep's. */
static bool main_status_wanted(const struct rp_opts *o)
{
	return !o->trace && !o->ping && !o->out.quiet && !o->interim_s && isatty(STDERR_FILENO);
}

/* The command line's options as the engine's (its units, its defaults). */
static void main_engine_opts(const struct rp_opts *o, struct main_ctx *m, struct ringping_opts *eo)
{
	bool multi = o->count > 1 || o->loop;

	*eo = (struct ringping_opts){
		.sz = sizeof(*eo),
		/* Probing many times, -p alone sets the pace unless --rate is given too. */
		.rate = multi && o->period_ms && !o->rate_set ? 0 : o->rate,
		.count = o->count, .loop = o->loop, .period_ns = o->period_ms * 1000000ULL,
		.interval_ns = o->interval_ms * 1000000ULL, .timeout_ns = o->timeout_ms * 1000000ULL,
		.retries = o->retries, .backoff = o->backoff, .deadline_ns = o->deadline_s * 1000000000ULL,
		.seed = o->seed, .seed_set = o->seed_set,
		.size = o->probe == RINGPING_PROBE_TIMESTAMP ? 0 : o->size, .ttl = o->ttl,
		.tos = o->tos < 0 ? 0 : o->tos, .ifname = o->iface, .source = o->src,
		.source6 = o->src6, .family = o->family, .force = o->force,
		.rx_mode = o->xdp_iface ? RINGPING_RX_XDP : RINGPING_RX_SOCKET,
		.xdp_ifname = o->xdp_iface, .xdp_generic = o->xdp_generic, .xdp_pass = o->xdp_pass,
		.send_path = o->send_packet ? RINGPING_SEND_PACKET : RINGPING_SEND_RAW,
		.mode = (enum ringping_mode)o->mode,
		/*
		 * One run, then exit: once it is set up, no capability is needed, but
		 * to write the result files where root could (rename into a directory
		 * root does not own). See README, Privileges.
		 */
		.drop_caps = true,
		.keep_caps = o->out.path || o->prom_path || o->junit_path || o->heatmap_path || o->manifest_path
			     ? 1ULL << CAP_DAC_OVERRIDE : 0,
		.batch = o->batch, .sender_threads = o->sender_threads, .ringbuf_mb = o->ringbuf_mb,
		.host_stats = checks_any(&o->checks) || o->prom_path || o->junit_path || o->histogram,
		.keep_rtts = o->all_rtts, .interim_ns = o->interim_s * 1000000000ULL,
		.on_interim = main_interim, .interim_ctx = m,
		.log = main_log, .log_ctx = m,
		.log_level = o->verbose >= 2 ? RINGPING_LOG_DEBUG
			     : o->verbose ? RINGPING_LOG_INFO : RINGPING_LOG_WARN,
		.trace = o->trace, .first_hop = o->first_hop, .max_hops = o->max_hops,
		.trace_flow = o->flow, .trace_flows = o->flows,
		.trace_proto = (enum ringping_trace_proto)o->proto, .trace_port = (__u16)o->port,
		.pmtu = (enum ringping_pmtu)o->pmtu, .broadcast = o->broadcast,
		.probe = (enum ringping_probe_type)o->probe, .all_addresses = o->all_addresses,
		.shards = o->shards, .shard = o->shard, .max_targets = o->max_targets,
		.on_duplicate = o->broadcast ? main_on_responder : NULL, .duplicate_ctx = m,
	};
	/* A trace's queries go out back to back (at --rate); its -c rounds a second apart, as mtr's. */
	if (o->trace && !o->trace_report) {
		eo->period_ns = 0;
		eo->rate = o->rate;
	}
	if (tracecmd_live(o, STDOUT_FILENO))
		eo->interim_ns = 1000000000ULL; /* mtr's display: redrawn once a second */
	if (!o->trace && (main_status_wanted(o) || o->status_path))
		eo->interim_ns = 1000000000ULL; /* the status line's second */
}

/* An --exclude token that is not an address, CIDR or range may name a file. */
static int main_exclude(struct ringping *e, const char *tok)
{
	char why[256];
	int err = ringping_exclude(e, tok);

	if (!err || access(tok, R_OK))
		return err;
	snprintf(why, sizeof(why), "%s", ringping_errmsg(e));
	err = ringping_exclude_file(e, tok);
	if (err == -EINVAL && !strncmp(ringping_errmsg(e), "cannot open", 11))
		cli_warn("%s\n", why);
	return err;
}

/*
 * A sweep's blocklist comes first, so that the blocks and ranges added after
 * it lose its space (the default, unless --blocklist); a --blocklist FILE
 * leaves out what it names, everywhere, as --exclude does.
 */
static int main_targets(const struct rp_opts *o, struct ringping *e)
{
	bool own = o->blocklist && strcmp(o->blocklist, "none");
	int i, err = !o->blocklist && !o->trace ? blocklist_default(e) : 0;

	for (i = 0; i < o->ntargets && !err; i++)
		err = ringping_add(e, o->targets[i]);
	for (i = 0; i < o->nfiles && !err; i++)
		err = ringping_add_file(e, o->files[i]);
	for (i = 0; i < o->nexcludes && !err; i++)
		err = main_exclude(e, o->excludes[i]);
	if (!err && own)
		err = ringping_exclude_file(e, o->blocklist);
	if (!err && ringping_blocked(e))
		cli_warn("%llu addresses of special-purpose space left out of the blocks and ranges "
			 "(the default blocklist; --blocklist none probes them)\n",
			 (unsigned long long)ringping_blocked(e));
	return err;
}

static int main_exit_code(struct ringping *e, const struct ringping_summary *s)
{
	if (ringping_unresolved(e))
		return RP_EXIT_UNRESOLVED;
	if (!s->checks)
		return s->alive_hosts == s->targets ? RP_EXIT_ALL_ALIVE : RP_EXIT_SOME_DOWN;
	/* A loss ringping caused itself must not pass or fail a check as the network's. */
	if (s->dropped_locally || s->send_failed) {
		cli_warn("measurement invalid: %llu answers dropped locally, %llu sends failed\n",
			 (unsigned long long)s->dropped_locally, (unsigned long long)s->send_failed);
		return RP_EXIT_INVALID;
	}
	return s->check_failures ? RP_EXIT_CHECK : RP_EXIT_ALL_ALIVE;
}

/* --histogram: the pooled RTTs, and with -v each host's first, on stderr after the summary. */
static void main_histograms(struct main_ctx *m, struct ringping *e, __u64 ntargets)
{
	char label[OUT_LABEL_MAX];
	struct ringping_addr a;
	const __u32 *h;
	__u32 nb;
	__u64 i;

	for (i = 0; m->o->verbose && i < ntargets; i++) {
		if (!ringping_in_shard(e, i) || ringping_host_hist(e, i, &h, &nb) || ringping_target(e, i, &a))
			continue;
		output_label(&m->out, &a, i, label, sizeof(label));
		histogram_print(m->out.diag, label, h, nb);
	}
	if (!ringping_host_hist(e, ntargets, &h, &nb))
		histogram_print(m->out.diag, ntargets == 1 ? "the host" : "all hosts", h, nb);
}

/* After the run: host records, reports and checks, the summary. 0 or -errno. */
static int main_report(struct main_ctx *m, struct ringping *e, struct ringping_summary *sum)
{
	const struct rp_opts *o = m->o;
	struct hostreport_in in = {
		.e = e, .probed = sum->targets, .alive_hosts = sum->alive_hosts,
		.multi = o->count > 1 || o->loop, .checks = &o->checks,
		.prom_path = o->prom_path, .junit_path = o->junit_path, .out = &m->out,
		.rtts = o->all_rtts,
	};
	struct hostreport rep = { 0 };
	int err = 0;

	sum->checks = checks_any(&o->checks);
	ringping_targets(e, &in.ntargets);
	if (ringping_host(e, 0, &(struct ringping_host){ 0 }) == 0)
		err = hostreport_hosts(&rep, &in, sum);
	output_summary(&m->out, sum);
	if (o->histogram)
		main_histograms(m, e, in.ntargets);
	return hostreport_finish(&rep, sum, m->out.diag) ?: err;
}

/*
 * Every file the run will write, checked before the first probe: a report
 * that cannot be written is found now, not after an hour of probing, and two
 * outputs on one path would leave only one of them.
 */
static int main_check_paths(const struct rp_opts *o)
{
	const char *p[] = { o->out.path, o->prom_path, o->junit_path, o->status_path, o->heatmap_path,
			    o->manifest_path };
	static const char *const what[] = { "-o", "--prometheus", "--junit", "--status-file", "--heatmap",
					    "--manifest" };
	char why[256];
	int i, j, err;

	for (i = 0; i < 6; i++) {
		for (j = 0; p[i] && j < i; j++)
			if (p[j] && !strcmp(p[i], p[j]))
				return cli_warn("%s and %s both write '%s'\n", what[j], what[i], p[i]),
				       RP_EXIT_USAGE;
		err = p[i] ? safefile_check(p[i], why, sizeof(why)) : 0;
		if (err)
			return cli_warn("%s %s\n", what[i], why), RP_EXIT_SYSTEM;
	}
	return 0;
}

/* "1:02:03" (hours may pass 24), for the plan. */
static void main_hms(char *buf, size_t len, double s)
{
	unsigned long long t = (unsigned long long)(s + 0.5);

	snprintf(buf, len, "%llu:%02llu:%02llu", t / 3600, t / 60 % 60, t % 60);
}

/* --dry-run: the plan on stdout, nothing sent. The exit code. */
static int main_dry_run(const struct rp_opts *o, struct ringping *e)
{
	struct ringping_plan p;
	char hms[48];
	__u64 n = 0;

	if (ringping_plan(e, &p) || ringping_targets(e, &n))
		return cli_warn("%s\n", ringping_errmsg(e)), RP_EXIT_USAGE;
	printf("targets  %llu (IPv4 %llu, IPv6 %llu)", (unsigned long long)p.targets,
	       (unsigned long long)p.targets4, (unsigned long long)p.targets6);
	if (o->shards > 1)
		printf(", shard %llu of %llu", (unsigned long long)o->shard, (unsigned long long)o->shards);
	if (p.targets < n)
		printf(": %llu of the set's %llu", (unsigned long long)p.targets, (unsigned long long)n);
	if (o->loop)
		printf("\nprobes   until stopped (-l)\n");
	else
		printf("\nprobes   %llu (%llu per target%s)\n", (unsigned long long)p.probes,
		       (unsigned long long)o->count, o->retries ? ", and up to -r more per silent one" : "");
	if (p.pps > 0)
		printf("pace     %.0f probes/s\n", p.pps);
	else
		printf("pace     as fast as the machine sends (--rate 0)\n");
	main_hms(hms, sizeof(hms), p.seconds);
	if (p.seconds > 0)
		printf("time     %s (%.1f s: sending, then the timeout for the last replies)\n", hms, p.seconds);
	printf("memory   %.1f MiB (in-flight ring, host statistics, RTT lists, BPF ring buffer)\n",
	       p.memory / 1048576.0);
	printf("nothing sent (--dry-run)\n");
	return fflush(stdout) ? RP_EXIT_SYSTEM : RP_EXIT_ALL_ALIVE;
}

/* --manifest: what this run (shard) was and did, and its results file's size and CRC, for merge. 0 or -errno. */
static int main_manifest(const struct rp_opts *o, struct ringping *e, const struct ringping_summary *sum)
{
	static const char *const fmt[] = { [OUT_TEXT] = "text", [OUT_CSV] = "csv", [OUT_NDJSON] = "ndjson" };
	struct manifest *mf = calloc(1, sizeof(*mf));
	char why[512];
	int err = mf ? 0 : -ENOMEM;

	if (err)
		return err;
	manifest_from_run(mf, e, sum, sum->meta.seed, o->shards, o->shard, o->count);
	snprintf(mf->format, sizeof(mf->format), "%s", fmt[o->out.format]);
	mf->has_results = o->out.path && strcmp(o->out.path, "-");
	if (mf->has_results) {
		/* Absolute: merge may run elsewhere (it also looks beside the manifest). */
		char *abs = realpath(o->out.path, NULL);

		snprintf(mf->results, sizeof(mf->results), "%s", abs ? abs : o->out.path);
		free(abs);
		err = manifest_digest_file(o->out.path, &mf->results_bytes, &mf->results_crc32);
	}
	if (err)
		cli_warn("--manifest: reading back '%s': %s\n", o->out.path, strerror(-err));
	else if ((err = manifest_write(o->manifest_path, mf, why, sizeof(why))))
		cli_warn("--manifest %s\n", why);
	free(mf);
	return err;
}

/* Before the run: the heatmap's table, the status line, the results stream and its names. 0 or the exit code. */
static int main_probe_open(struct main_ctx *m, struct ringping *e)
{
	struct output_cfg oc = m->o->out;
	char why[256];

	oc.multi = m->o->count > 1 || m->o->loop;
	oc.quiet = oc.quiet || m->o->interim_s; /* -Q is -q with interim summaries, as fping's */
	oc.per_probe = m->o->per_probe;
	oc.tstamp = m->o->probe == RINGPING_PROBE_TIMESTAMP;
	oc.names = !m->o->numeric && (ringping_named(e) || m->o->rdns);
	if (m->o->heatmap_path &&
	    heatmap_open(&m->heat, e, m->o->heatmap_path, m->o->heatmap_rtt, why, sizeof(why)))
		return cli_warn("--heatmap %s\n", why), RP_EXIT_USAGE;
	m->st.loop = m->o->loop;
	m->st.timeout_s = m->o->timeout_ms / 1e3;
	m->stdout_tty = isatty(STDOUT_FILENO);
	if (status_open(&m->st, main_status_wanted(m->o), m->o->status_path, why, sizeof(why)))
		return cli_warn("--status-file %s\n", why), RP_EXIT_SYSTEM;
	if (output_open(&m->out, &oc, why, sizeof(why))) {
		status_close(&m->st, e);
		return cli_warn("-o %s\n", why), RP_EXIT_SYSTEM;
	}
	if (oc.names) {
		m->out.name = main_name;
		m->out.name_ctx = m;
	}
	if (oc.names && m->o->rdns && rdns_open(&m->rdns, main_emit, m))
		cli_warn("-d: no resolver threads: rows without reverse names\n");
	return 0;
}

/* After the reports: the results stream, the manifest (of a run that ran), the heatmap. 0 or -errno. */
static int main_probe_files(struct main_ctx *m, struct ringping *e, const struct ringping_summary *sum)
{
	char why[256];
	int err = output_close(&m->out), oerr;

	rdns_free(m->rdns);
	m->rdns = NULL;
	if (err)
		cli_warn("writing results: %s\n", strerror(-err));
	if (m->o->manifest_path && sum->meta.mode && (oerr = main_manifest(m->o, e, sum)))
		err = err ?: oerr;
	if (m->o->heatmap_path && (oerr = heatmap_write(&m->heat, why, sizeof(why)))) {
		cli_warn("--heatmap %s\n", why);
		err = err ?: oerr;
	}
	heatmap_free(&m->heat);
	return err;
}

/* Probe and report; the exit code. */
static int main_probe(struct main_ctx *m, struct ringping *e)
{
	struct ringping_summary sum = { 0 };
	bool have_sum;
	int err, oerr;

	if ((err = main_probe_open(m, e)))
		return err;
	err = ringping_run(e, main_on_probe, m);
	main_engine = NULL;
	have_sum = !ringping_summary(e, &sum);
	if (m->rdns) /* every row out before the reports; an interrupted run's without waiting for names */
		rdns_close(m->rdns, have_sum && sum.incomplete);
	oerr = status_close(&m->st, e);
	if (oerr)
		cli_warn("writing --status-file: %s\n", strerror(-oerr));
	if (err)
		main_fail(m, e);
	if (have_sum)
		err = main_report(m, e, &sum) ?: err;
	err = main_probe_files(m, e, &sum) ?: err;
	return err || !have_sum ? RP_EXIT_SYSTEM : main_exit_code(e, &sum);
}

/*
 * A caller may start us with 0, 1 or 2 closed: the first sockets would take
 * them, and results written to "stdout" would go out of an interface as
 * frames. They are /dev/null then; if even that fails, nothing is safe.
 */
static int main_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct main_ctx m = { 0 };
	struct ringping_opts eo;
	struct ringping *e = NULL;
	struct rp_opts o;
	char err_msg[512];
	int err, code;
	__u64 n;

	if (main_std_fds())
		return RP_EXIT_SYSTEM;
	switch (cli_parse(argc, argv, &o, err_msg, sizeof(err_msg))) {
	case CLI_EXIT_OK:
		return 0;
	case CLI_BAD:
		cli_warn("%s (try --help)\n", err_msg);
		return o.ping ? 2 : RP_EXIT_USAGE; /* ping's exit code for any error */
	default:
		break;
	}
	m.o = &o;
	pthread_mutex_init(&m.out_mu, NULL);
	main_engine_opts(&o, &m, &eo);
	if (o.ping)
		return pingcmd_main(&o, &eo);
	if (o.merge)
		return mergecmd_main(&o);
	err = ringping_open(&e, &eo);
	if (err) {
		cli_warn("%s\n", ringping_errmsg(NULL));
		return err == -EINVAL ? RP_EXIT_USAGE : RP_EXIT_SYSTEM;
	}
	m.e = e;
	err = main_targets(&o, e) ?: ringping_targets(e, &n);
	if (err) {
		main_fail(&m, e);
		code = err == -ENOMEM ? RP_EXIT_SYSTEM : RP_EXIT_USAGE;
	} else if (!n) {
		cli_warn("no targets left to probe\n");
		code = ringping_unresolved(e) ? RP_EXIT_UNRESOLVED : RP_EXIT_USAGE;
	} else if (o.dry_run) {
		code = main_dry_run(&o, e);
	} else if (!(code = main_check_paths(&o))) {
		main_engine = e; /* before the handlers: a signal is never lost */
		main_signals();
		code = o.trace ? tracecmd_probe(&o, e, n, main_fail, &m) : main_probe(&m, e);
	}
	ringping_close(e);
	return code;
}
