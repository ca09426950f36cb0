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
	return "host" HOST_COUNT_FIELDS(X) ",loss_pct" HOST_RTT_FIELDS(X)
	       ",err_type,err_code,err_from\n";
#undef X
}

/* from NULL: the pooled record, which counts errors but keeps no last one. */
static void host_text(FILE *f, const char *host, const struct host_summary *s, const char *from)
{
	fprintf(f, "%s : xmt/rcv/%%loss = %u/%u/%.2f%%", host, s->sent, s->received, s->loss_pct);
	if (s->has_rtt)
		fprintf(f, ", min/avg/max = %.3f/%.3f/%.3f ms, stddev %.3f, "
			   "p50/p90/p95/p99 = %.3f/%.3f/%.3f/%.3f ms, jitter %.3f ms",
			s->min_ms, s->avg_ms, s->max_ms, s->stddev_ms, s->p50_ms, s->p90_ms,
			s->p95_ms, s->p99_ms, s->jitter_ms);
	if (s->duplicates || s->late || s->reordered)
		fprintf(f, ", dup %u, late %u, reordered %u", s->duplicates, s->late, s->reordered);
	if (s->errors && from)
		fprintf(f, ", %u ICMP errors (last: type %u code %u from %s)", s->errors, s->err_type,
			s->err_code, from);
	else if (s->errors)
		fprintf(f, ", %u ICMP errors", s->errors);
	fputc('\n', f);
}

static void host_csv(FILE *f, const char *host, const struct host_summary *s, const char *from)
{
	fputs(host, f);
#define X(name) fprintf(f, ",%u", s->name);
	HOST_COUNT_FIELDS(X)
#undef X
	fprintf(f, ",%.2f", s->loss_pct);
#define X(name) s->has_rtt ? fprintf(f, ",%.3f", s->name) : fputs(",", f);
	HOST_RTT_FIELDS(X)
#undef X
	if (s->errors)
		fprintf(f, ",%u,%u,%s\n", s->err_type, s->err_code, from);
	else
		fputs(",,,\n", f);
}

static void host_json(FILE *f, const char *host, const struct host_summary *s, const char *from)
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
	if (s->errors && host)
		fprintf(f, ",\"err_type\":%u,\"err_code\":%u,\"err_from\":\"%s\"}\n", s->err_type,
			s->err_code, from);
	else
		fputs(",\"err_type\":null,\"err_code\":null,\"err_from\":null}\n", f);
}

void output_host_rtts(struct output *o, const struct rp_addr *addr, const float *rtts, __u64 n)
{
	bool json = o->cfg.format == OUT_NDJSON;
	char host[ADDR_STRLEN];
	__u64 k;

	if (o->cfg.format == OUT_CSV)
		return;
	addr_str(addr, host, sizeof(host));
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

void output_host_text(FILE *f, const struct rp_addr *addr, const struct host_summary *s)
{
	char host[ADDR_STRLEN], from[ADDR_STRLEN];

	host_text(f, addr_str(addr, host, sizeof(host)), s, addr_str(&s->err_from, from, sizeof(from)));
}

void output_host(struct output *o, const struct rp_addr *addr, const struct host_summary *s)
{
	char host[ADDR_STRLEN] = "(all hosts)", from[ADDR_STRLEN];

	if (addr && o->cfg.alive_only && !s->received)
		return;
	if (addr && o->cfg.unreach_only && s->received)
		return;
	if (addr)
		addr_str(addr, host, sizeof(host));
	addr_str(&s->err_from, from, sizeof(from));
	switch (o->cfg.format) {
	case OUT_CSV:
		/* CSV holds one record shape: hosts, or probes with --per-probe. */
		if (!o->cfg.per_probe && addr)
			host_csv(o->f, host, s, from);
		break;
	case OUT_NDJSON:
		host_json(o->f, addr ? host : NULL, s, from);
		break;
	default:
		host_text(o->f, host, s, addr ? from : NULL);
		break;
	}
}
