// SPDX-License-Identifier: MIT
/* NDJSON: an object per line, rows from field tables, and the summary as the last record. */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>
#include "output_int.h"

/* Strings here are addresses, fixed words and strerror() texts: nothing to escape. */
static void json_row(struct output *o, const struct out_table *t, const struct out_row *w)
{
	char buf[64];
	const char *v;

	fprintf(o->f, "{\"type\":\"%s\"", t->type);
	for (int i = 0; i < t->n; i++) {
		v = t->f[i].get(w, buf, sizeof(buf));
		if (!v && t->f[i].optional)
			continue;
		if (!v)
			fprintf(o->f, ",\"%s\":null", t->f[i].name);
		else
			fprintf(o->f, t->f[i].str ? ",\"%s\":\"%s\"" : ",\"%s\":%s", t->f[i].name, v);
	}
	fputs("}\n", o->f);
}

static void json_result(struct output *o, const struct out_row *w)
{
	json_row(o, &out_result_fields, w);
}

static void json_probe(struct output *o, const struct out_row *w)
{
	json_row(o, &out_probe_fields, w);
}

static void json_responder(struct output *o, const struct out_row *w)
{
	json_row(o, &out_responder_fields, w);
}

static void json_host(struct output *o, const char *host, const char *name, const char *label,
		      const struct ringping_host *s)
{
	FILE *f = o->f;

	if (!host)
		fputs("{\"type\":\"aggregate\"", f);
	else
		fprintf(f, "{\"type\":\"host\",\"host\":\"%s\"", host);
	if (host && name)
		fprintf(f, ",\"name\":\"%s\"", name); /* names are host name characters only */
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
	out_host_errs(f, s, "%s{\"type\":%u,\"code\":%u,\"from\":\"%s\",\"count\":%u}", ",",
		      "%s{\"type\":null,\"code\":null,\"from\":null,\"count\":%u}");
	fputs("]}\n", f);
}

static void json_rtts(struct output *o, const char *host, const char *name, const char *label,
		      const float *rtts, __u64 n)
{
	__u64 k;

	fprintf(o->f, "{\"type\":\"rtts\",\"host\":\"%s\"", host);
	if (name)
		fprintf(o->f, ",\"name\":\"%s\"", name);
	fputs(",\"rtts_ms\":[", o->f);
	for (k = 0; k < n; k++)
		if (isnan(rtts[k]))
			fprintf(o->f, "%snull", k ? "," : "");
		else
			fprintf(o->f, "%s%.3f", k ? "," : "", rtts[k]);
	fputs("]}\n", o->f);
}

static void json_iso8601(FILE *f, const char *name, double t)
{
	time_t sec = (time_t)t;
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, ",\"%s\":\"%s.%06dZ\"", name, buf, (int)((t - (double)sec) * 1e6));
}

static void json_meta(FILE *f, const struct ringping_meta *m)
{
	struct utsname u;

	if (uname(&u))
		strcpy(u.release, "unknown");
	fprintf(f, ",\"version\":\"%s\",\"kernel\":\"%s\",\"send_path\":\"%s\","
		   "\"tx_stamps\":\"%s\",\"rx_clock\":\"%s\","
		   "\"rate\":%" PRIu64 ",\"count\":%" PRIu64 ",\"loop\":%s,\"period_ms\":%" PRIu64
		   ",\"seed\":%" PRIu64 ",\"key_id\":\"%08x\"",
		RINGPING_VERSION, u.release, m->send_path, m->tx_stamps ? m->tx_stamps : "keyed",
		m->rx_clock ? m->rx_clock : "tai", (uint64_t)m->rate, (uint64_t)m->count,
		m->loop ? "true" : "false", (uint64_t)m->period_ms, (uint64_t)m->seed, m->key_id);
	json_iso8601(f, "start", m->start_s);
	json_iso8601(f, "end", m->end_s);
}

static void json_summary(FILE *f, const struct ringping_summary *s)
{
	fprintf(f, "{\"type\":\"summary\",\"mode\":\"%s\"", s->meta.mode);
	json_meta(f, &s->meta);
#define X(name) fprintf(f, ",\"" #name "\":%" PRIu64, (uint64_t)s->name);
	SUMMARY_U64_FIELDS(X)
#undef X
	fprintf(f, ",\"unaccounted\":%" PRId64 ",\"elapsed_s\":%.6f,\"send_s\":%.6f,"
		   "\"send_pps\":%.0f,\"incomplete\":%s}\n",
		(int64_t)s->unaccounted, s->elapsed_s, s->send_s, s->send_pps,
		s->incomplete ? "true" : "false");
}

const struct output_ops output_ndjson_ops = {
	.result = json_result, .probe = json_probe, .responder = json_responder, .host = json_host, .rtts = json_rtts,
	.summary = json_summary,
};
