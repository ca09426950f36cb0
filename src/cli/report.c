// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report.h"
#include "safefile.h"

static const struct {
	const char *name, *type, *help;
} prom_fams[PROM__COUNT] = {
	[PROM_SENT] = { "ringping_probes_sent", "gauge", "Echo requests sent to the target in the run." },
	[PROM_RECEIVED] = { "ringping_probes_received", "gauge", "Echo replies credited (duplicates and late ones not)." },
	[PROM_DUPLICATES] = { "ringping_duplicates", "gauge", "Further replies to an already answered probe." },
	[PROM_LATE] = { "ringping_late_replies", "gauge", "Replies after the probe's timeout." },
	[PROM_ERRORS] = { "ringping_icmp_errors", "gauge", "ICMP errors quoting the target's probes." },
	[PROM_LOSS] = { "ringping_loss_ratio", "gauge", "Share of probes without an echo reply." },
	[PROM_MIN] = { "ringping_rtt_min_seconds", "gauge", "Smallest RTT." },
	[PROM_AVG] = { "ringping_rtt_avg_seconds", "gauge", "Mean RTT." },
	[PROM_MAX] = { "ringping_rtt_max_seconds", "gauge", "Largest RTT." },
	[PROM_STDDEV] = { "ringping_rtt_stddev_seconds", "gauge", "Standard deviation of the RTT." },
	[PROM_JITTER] = { "ringping_rtt_jitter_seconds", "gauge", "Mean absolute difference of consecutive RTTs." },
	[PROM_QUANTILE] = { "ringping_rtt_percentile_seconds", "gauge", "RTT percentiles (within 6.25 %)." },
	[PROM_RTT] = { "ringping_rtt_seconds", "histogram", "RTT distribution." },
};

int prom_open(struct prom *p, const char *path)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->path = path;
	for (i = 0; i < PROM__COUNT; i++) {
		p->fam[i] = open_memstream(&p->buf[i], &p->len[i]);
		if (!p->fam[i]) {
			prom_free(p);
			return -ENOMEM;
		}
	}
	return 0;
}

void prom_free(struct prom *p)
{
	int i;

	for (i = 0; i < PROM__COUNT; i++) {
		if (p->fam[i])
			fclose(p->fam[i]);
		free(p->buf[i]);
		p->fam[i] = NULL;
		p->buf[i] = NULL;
	}
}

static void prom_histogram(struct prom *p, const char *t, const __u32 *h, __u32 nb,
			   double mean_ns)
{
	__u64 cum = 0, n = 0;
	FILE *f = p->fam[PROM_RTT];
	__u32 b;

	for (b = 0; b < nb; b++) /* every reply with an RTT is in one bucket */
		n += h[b];
	/* One bucket per octave: octave edges are exact edges of the histogram's buckets. */
	for (b = 0; b < nb; b++) {
		cum += h[b];
		if (b % RINGPING_HIST_PER_OCTAVE == 0 && b + 1 < nb)
			fprintf(f, "ringping_rtt_seconds_bucket{%s,le=\"%.9g\"} %" PRIu64 "\n",
				t, ringping_hist_upper_ns(b) / 1e9, (uint64_t)cum);
	}
	fprintf(f, "ringping_rtt_seconds_bucket{%s,le=\"+Inf\"} %" PRIu64 "\n", t,
		(uint64_t)n);
	fprintf(f, "ringping_rtt_seconds_count{%s} %" PRIu64 "\n", t, (uint64_t)n);
	fprintf(f, "ringping_rtt_seconds_sum{%s} %.9g\n", t, mean_ns * (double)n / 1e9);
}

/* The host's labels: target="addr", and name="db1" for a named one (escaped as label values are). */
static void prom_labels(char *buf, size_t len, const struct ringping_addr *a, const char *name)
{
	char t[RINGPING_ADDRSTRLEN];
	size_t k;

	k = (size_t)snprintf(buf, len, "target=\"%s\"", ringping_addr_str(a, t, sizeof(t)));
	if (!name || k + 10 >= len)
		return;
	k += (size_t)snprintf(buf + k, len - k, ",name=\"");
	for (; *name && k + 4 < len; name++) {
		if (*name == '\\' || *name == '"')
			buf[k++] = '\\';
		buf[k++] = *name == '\n' ? 'n' : *name;
	}
	buf[k++] = '"';
	buf[k] = '\0';
}

void prom_host(struct prom *p, const struct ringping_addr *a, const char *name, const struct ringping_host *s,
	       const __u32 *hist, __u32 nbuckets)
{
	static const int q[] = { 50, 90, 95, 99 };
	const double qv[] = { s->p50_ms, s->p90_ms, s->p95_ms, s->p99_ms };
	const __u32 counts[] = { s->sent, s->received, s->duplicates, s->late, s->errors };
	const double rtts[] = { s->min_ms, s->avg_ms, s->max_ms, s->stddev_ms, s->jitter_ms };
	char t[600];
	int k;

	prom_labels(t, sizeof(t), a, name);
	for (k = 0; k < 5; k++)
		fprintf(p->fam[PROM_SENT + k], "%s{%s} %u\n", prom_fams[PROM_SENT + k].name, t, counts[k]);
	fprintf(p->fam[PROM_LOSS], "ringping_loss_ratio{%s} %.6g\n", t, s->loss_pct / 100);
	if (!s->has_rtt)
		return; /* no sample beats a made-up one */
	for (k = 0; k < 5; k++)
		fprintf(p->fam[PROM_MIN + k], "%s{%s} %.9g\n", prom_fams[PROM_MIN + k].name, t,
			rtts[k] / 1e3);
	for (k = 0; k < 4; k++)
		fprintf(p->fam[PROM_QUANTILE],
			"ringping_rtt_percentile_seconds{%s,percentile=\"%d\"} %.9g\n", t, q[k],
			qv[k] / 1e3);
	prom_histogram(p, t, hist, nbuckets, s->avg_ms * 1e6);
}

static void prom_run(FILE *f, const struct ringping_summary *s)
{
	fputs("# HELP ringping_run_dropped_locally Answers ringping itself lost (never network loss).\n"
	      "# TYPE ringping_run_dropped_locally gauge\n", f);
	fprintf(f, "ringping_run_dropped_locally %" PRIu64 "\n", (uint64_t)s->dropped_locally);
	fputs("# HELP ringping_run_send_failed Probes the kernel refused to send.\n"
	      "# TYPE ringping_run_send_failed gauge\n", f);
	fprintf(f, "ringping_run_send_failed %" PRIu64 "\n", (uint64_t)s->send_failed);
	fputs("# HELP ringping_run_duration_seconds Time from the first send to the end of the run.\n"
	      "# TYPE ringping_run_duration_seconds gauge\n", f);
	fprintf(f, "ringping_run_duration_seconds %.6f\n", s->elapsed_s);
	fputs("# HELP ringping_run_end_timestamp_seconds When the run ended.\n"
	      "# TYPE ringping_run_end_timestamp_seconds gauge\n", f);
	fprintf(f, "ringping_run_end_timestamp_seconds %.3f\n", s->meta.end_s);
}

int prom_close(struct prom *p, const struct ringping_summary *sum)
{
	struct safefile sf;
	char why[256];
	int i, err = safefile_open(&sf, p->path, why, sizeof(why));
	FILE *f = sf.f;

	if (err)
		return prom_free(p), err;
	prom_run(f, sum);
	for (i = 0; i < PROM__COUNT; i++) {
		fflush(p->fam[i]);
		if (!p->len[i])
			continue;
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", prom_fams[i].name, prom_fams[i].help,
			prom_fams[i].name, prom_fams[i].type);
		fwrite(p->buf[i], 1, p->len[i], f);
	}
	fputs("# EOF\n", f);
	prom_free(p);
	return safefile_commit(&sf);
}

int junit_open(struct junit *j, const char *path)
{
	memset(j, 0, sizeof(*j));
	j->path = path;
	j->cases = open_memstream(&j->buf, &j->len);
	return j->cases ? 0 : -ENOMEM;
}

void junit_free(struct junit *j)
{
	if (j->cases)
		fclose(j->cases);
	free(j->buf);
	j->cases = NULL;
	j->buf = NULL;
}

static void xml_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

void junit_case(struct junit *j, const char *name, const char *failure, const char *detail)
{
	FILE *f = j->cases;

	j->tests++;
	fputs("    <testcase classname=\"ringping\" name=\"", f);
	xml_escaped(f, name);
	fputs("\">\n", f);
	if (failure) {
		j->failures++;
		fputs("      <failure type=\"ringping\" message=\"", f);
		xml_escaped(f, failure);
		fputs("\">", f);
		xml_escaped(f, failure);
		fputs("</failure>\n", f);
	}
	if (detail) {
		fputs("      <system-out>", f);
		xml_escaped(f, detail);
		fputs("</system-out>\n", f);
	}
	fputs("    </testcase>\n", f);
}

int junit_close(struct junit *j, const struct ringping_summary *sum)
{
	char why[256], ts[32];
	time_t start = (time_t)sum->meta.start_s;
	struct safefile sf;
	struct tm tm;
	int err = safefile_open(&sf, j->path, why, sizeof(why));
	FILE *f = sf.f;

	if (err)
		return junit_free(j), err;
	fflush(j->cases);
	gmtime_r(&start, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuites name=\"ringping\" tests=\"%" PRIu64 "\" failures=\"%" PRIu64
		   "\" errors=\"0\" time=\"%.3f\">\n"
		   "  <testsuite name=\"ringping\" tests=\"%" PRIu64 "\" failures=\"%" PRIu64
		   "\" errors=\"0\" skipped=\"0\" time=\"%.3f\" timestamp=\"%s\">\n",
		(uint64_t)j->tests, (uint64_t)j->failures, sum->elapsed_s, (uint64_t)j->tests,
		(uint64_t)j->failures, sum->elapsed_s, ts);
	fwrite(j->buf, 1, j->len, f);
	fputs("  </testsuite>\n</testsuites>\n", f);
	junit_free(j);
	return safefile_commit(&sf);
}
