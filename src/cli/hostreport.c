// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "hostreport.h"
#include "warn.h"

#define REP_FAIL_LINES 100 /* failing hosts listed by name; the rest are counted */
#define REP_WHY 256

static void rep_failed(struct hostreport *rep, const char *name, const char *why)
{
	if (rep->fails && rep->nfails < REP_FAIL_LINES)
		fprintf(rep->fails, "  %s: %s\n", name, why);
	rep->nfails++;
}

/* Without checks a host fails its JUnit case when it never answered. */
static const char *rep_unanswered(const struct ringping_host *s, char *why, size_t len)
{
	char from[RINGPING_ADDRSTRLEN];

	if (s->received)
		return NULL;
	if (!s->errors)
		return snprintf(why, len, "no reply (%u probes)", s->sent), why;
	snprintf(why, len, "no reply: ICMP type %u code %u from %s", s->err[0].type, s->err[0].code,
		 ringping_addr_str(&s->err[0].from, from, sizeof(from)));
	return why;
}

static void rep_host(struct hostreport *rep, const struct hostreport_in *in, __u64 i,
		     const struct ringping_host *s)
{
	char name[OUT_LABEL_MAX], why[REP_WHY], detail[160];
	const struct check_cfg *c = in->checks;
	const char *failure = NULL;
	struct ringping_addr a;
	const float *rtts;
	const __u32 *hist;
	__u32 nb;
	__u64 n;

	ringping_target(in->e, i, &a);
	output_label(in->out, &a, i, name, sizeof(name)); /* "db1 (198.19.0.1)" */
	/* -C: in text the list of RTTs stands in for the summary line, as in fping. */
	if (in->rtts && !ringping_host_rtts(in->e, i, &rtts, &n))
		output_host_rtts(in->out, &a, i, rtts, n);
	if (in->multi && !(in->rtts && in->out->cfg.format == OUT_TEXT))
		output_host(in->out, &a, i, s);
	if (checks_any(c) && !c->aggregate && checks_fail(c, s, why, sizeof(why))) {
		rep_failed(rep, name, why);
		failure = why;
	} else if (!checks_any(c)) {
		failure = rep_unanswered(s, why, sizeof(why));
	}
	if (rep->prom_on && !ringping_host_hist(in->e, i, &hist, &nb))
		prom_host(&rep->prom, &a, output_name(in->out, i), s, hist, nb);
	if (!rep->junit_on)
		return;
	if (s->has_rtt)
		snprintf(detail, sizeof(detail), "sent %u, received %u, loss %.2f%%, avg %.3f ms, p99 %.3f ms",
			 s->sent, s->received, s->loss_pct, s->avg_ms, s->p99_ms);
	else
		snprintf(detail, sizeof(detail), "sent %u, received %u, loss %.2f%%, no RTT", s->sent,
			 s->received, s->loss_pct);
	junit_case(&rep->junit, name, failure, detail);
}

/* The run as a whole: pooled statistics (--aggregate) and the minimum alive. */
static void rep_run(struct hostreport *rep, const struct hostreport_in *in,
		    const struct ringping_host *all)
{
	const struct check_cfg *c = in->checks;
	char why[REP_WHY];
	bool run_checked = c->aggregate || c->min_alive >= 0, failed = false;

	if (c->aggregate && checks_fail(c, all, why, sizeof(why)))
		rep_failed(rep, "all hosts", why), failed = true;
	if (checks_alive_fail(c, in->alive_hosts, in->probed, why, sizeof(why)))
		rep_failed(rep, "all hosts", why), failed = true;
	if (rep->junit_on && run_checked)
		junit_case(&rep->junit, "all hosts", failed ? "run-wide checks failed (see the log)" : NULL,
			   NULL);
}

static int rep_open(struct hostreport *rep, const struct hostreport_in *in)
{
	int err = 0;

	memset(rep, 0, sizeof(*rep));
	rep->fails = open_memstream(&rep->buf, &rep->len);
	if (!rep->fails)
		return -ENOMEM;
	if (in->prom_path) {
		err = prom_open(&rep->prom, in->prom_path);
		rep->prom_on = !err;
	}
	if (!err && in->junit_path) {
		err = junit_open(&rep->junit, in->junit_path);
		rep->junit_on = !err;
	}
	return err;
}

int hostreport_hosts(struct hostreport *rep, const struct hostreport_in *in, struct ringping_summary *sum)
{
	struct ringping_host s;
	__u64 i;
	int err;

	err = rep_open(rep, in);
	for (i = 0; !err && i < in->ntargets; i++) {
		if (!ringping_in_shard(in->e, i))
			continue; /* another shard's host: not this run's to report */
		err = ringping_host(in->e, i, &s);
		if (!err)
			rep_host(rep, in, i, &s);
	}
	/* Index ntargets: every host pooled, with the same buckets. */
	err = err ?: ringping_host(in->e, in->ntargets, &s);
	if (err)
		return err;
	if (in->multi)
		output_host(in->out, NULL, 0, &s);
	rep_run(rep, in, &s);
	sum->check_failures = rep->nfails;
	return 0;
}

static int rep_write(const char *what, const char *path, int err)
{
	if (err)
		cli_warn("%s '%s': %s\n", what, path, strerror(-err));
	return err;
}

int hostreport_finish(struct hostreport *rep, const struct ringping_summary *sum, FILE *diag)
{
	int err = 0;

	if (rep->prom_on)
		err = rep_write("--prometheus", rep->prom.path, prom_close(&rep->prom, sum));
	if (rep->junit_on)
		err = rep_write("--junit", rep->junit.path, junit_close(&rep->junit, sum)) ?: err;
	if (!rep->fails)
		return err;
	fclose(rep->fails);
	if (rep->nfails) {
		fprintf(diag, "\nringping: CHECKS FAILED (%llu):\n%s", (unsigned long long)rep->nfails,
			rep->buf);
		if (rep->nfails > REP_FAIL_LINES)
			fprintf(diag, "  ... and %llu more\n",
				(unsigned long long)(rep->nfails - REP_FAIL_LINES));
	}
	free(rep->buf);
	return err;
}
