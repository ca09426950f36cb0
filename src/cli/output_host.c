// SPDX-License-Identifier: MIT
/* Per-host statistics records: fping-like text, CSV and NDJSON from one field table. */
#include <inttypes.h>
#include <math.h>
#include "output.h"

/* One table drives the CSV header, the CSV row and the JSON object. */
#define HOST_COUNT_FIELDS(X) X(sent) X(received) X(duplicates) X(late) X(reordered) X(errors)
#define HOST_RTT_FIELDS(X)                                                                  \
	X(min_ms) X(avg_ms) X(max_ms) X(stddev_ms) X(jitter_ms) X(p50_ms) X(p90_ms) X(p95_ms) \
	X(p99_ms)

const char *output_host_csv_header(void)
{
#define X(name) "," #name
	return "host" HOST_COUNT_FIELDS(X) ",loss_pct" HOST_RTT_FIELDS(X) ",icmp_errors\n";
#undef X
}

/*
 * The error table: "type/code/router=count" items. fmt_item gets type, code,
 * router and count; sep goes between items; other ends the list if some
 * kinds were only counted.
 */
static void host_errs(FILE *f, const struct ringping_host *s, const char *fmt_item, const char *sep,
		      const char *fmt_other)
{
	char from[RINGPING_ADDRSTRLEN];
	int k;

	for (k = 0; k < RINGPING_HOST_ERRS && s->err[k].count; k++)
		fprintf(f, fmt_item, k ? sep : "", s->err[k].type, s->err[k].code,
			ringping_addr_str(&s->err[k].from, from, sizeof(from)), s->err[k].count);
	if (s->err_other)
		fprintf(f, fmt_other, k ? sep : "", s->err_other);
}

/* pooled: the run's record, which counts errors but keeps no table. */
static void host_text(FILE *f, const char *host, const struct ringping_host *s, bool pooled)
{
	fprintf(f, "%s : xmt/rcv/%%loss = %u/%u/%.2f%%", host, s->sent, s->received, s->loss_pct);
	if (s->has_rtt)
		fprintf(f, ", min/avg/max = %.3f/%.3f/%.3f ms, stddev %.3f, "
			   "p50/p90/p95/p99 = %.3f/%.3f/%.3f/%.3f ms, jitter %.3f ms",
			s->min_ms, s->avg_ms, s->max_ms, s->stddev_ms, s->p50_ms, s->p90_ms,
			s->p95_ms, s->p99_ms, s->jitter_ms);
	if (s->duplicates || s->late || s->reordered)
		fprintf(f, ", dup %u, late %u, reordered %u", s->duplicates, s->late, s->reordered);
	if (s->errors)
		fprintf(f, ", %u ICMP errors%s", s->errors, pooled ? "" : " (");
	if (s->errors && !pooled) {
		host_errs(f, s, "%stype %u code %u from %s: %u", ", ", "%sother kinds: %u");
		fputc(')', f);
	}
	fputc('\n', f);
}

static void host_csv(FILE *f, const char *host, const struct ringping_host *s)
{
	fputs(host, f);
#define X(name) fprintf(f, ",%u", s->name);
	HOST_COUNT_FIELDS(X)
#undef X
	fprintf(f, ",%.2f", s->loss_pct);
#define X(name) s->has_rtt ? fprintf(f, ",%.3f", s->name) : fputs(",", f);
	HOST_RTT_FIELDS(X)
#undef X
	fputc(',', f);
	host_errs(f, s, "%s%u/%u/%s=%u", " ", "%sother=%u");
	fputc('\n', f);
}

static void host_json(FILE *f, const char *host, const struct ringping_host *s)
{
	if (host)
		fprintf(f, "{\"type\":\"host\",\"host\":\"%s\"", host);
	else
		fputs("{\"type\":\"aggregate\"", f);
#define X(name) fprintf(f, ",\"" #name "\":%u", s->name);
	HOST_COUNT_FIELDS(X)
#undef X
	fprintf(f, ",\"loss_pct\":%.2f", s->loss_pct);
#define X(name) s->has_rtt ? fprintf(f, ",\"" #name "\":%.3f", s->name) \
			   : fputs(",\"" #name "\":null", f);
	HOST_RTT_FIELDS(X)
#undef X
	if (!host) {
		fputs("}\n", f);
		return;
	}
	fputs(",\"icmp_errors\":[", f);
	host_errs(f, s, "%s{\"type\":%u,\"code\":%u,\"from\":\"%s\",\"count\":%u}", ",",
		  "%s{\"type\":null,\"code\":null,\"from\":null,\"count\":%u}");
	fputs("]}\n", f);
}

void output_host_rtts(struct output *o, const struct ringping_addr *addr, const float *rtts, __u64 n)
{
	bool json = o->cfg.format == OUT_NDJSON;
	char host[RINGPING_ADDRSTRLEN];
	__u64 k;

	if (o->cfg.format == OUT_CSV)
		return;
	ringping_addr_str(addr, host, sizeof(host));
	fprintf(o->f, json ? "{\"type\":\"rtts\",\"host\":\"%s\",\"rtts_ms\":[" : "%s :", host);
	for (k = 0; k < n; k++) {
		const char *sep = json ? (k ? "," : "") : " ";

		if (isnan(rtts[k]))
			fprintf(o->f, "%s%s", sep, json ? "null" : "-");
		else
			fprintf(o->f, "%s%.3f", sep, rtts[k]);
	}
	fputs(json ? "]}\n" : "\n", o->f);
}

void output_host_text(FILE *f, const struct ringping_addr *addr, const struct ringping_host *s)
{
	char host[RINGPING_ADDRSTRLEN];

	host_text(f, ringping_addr_str(addr, host, sizeof(host)), s, false);
}

void output_host(struct output *o, const struct ringping_addr *addr, const struct ringping_host *s)
{
	char host[RINGPING_ADDRSTRLEN] = "(all hosts)";

	if (addr && o->cfg.alive_only && !s->received)
		return;
	if (addr && o->cfg.unreach_only && s->received)
		return;
	if (addr)
		ringping_addr_str(addr, host, sizeof(host));
	switch (o->cfg.format) {
	case OUT_CSV:
		/* CSV holds one record shape: hosts, or probes with --per-probe. */
		if (!o->cfg.per_probe && addr)
			host_csv(o->f, host, s);
		break;
	case OUT_NDJSON:
		host_json(o->f, addr ? host : NULL, s);
		break;
	default:
		host_text(o->f, host, s, !addr);
		break;
	}
}
