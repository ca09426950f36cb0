// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include "output.h"

#define OUT_BUF (1 << 16)

static const char *const csv_header = "host,status,rtt_ms,ttl,icmp_type,icmp_code,from,seq\n";
static const char *const csv_probe_header =
	"host,seq,round,status,rtt_ms,tx_time,rx_time,ttl,icmp_type,icmp_code,from\n";

enum out_format output_format_for(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;

	if (!dot)
		return OUT_TEXT;
	if (!strcmp(dot, ".csv"))
		return OUT_CSV;
	if (!strcmp(dot, ".json") || !strcmp(dot, ".ndjson") || !strcmp(dot, ".jsonl"))
		return OUT_NDJSON;
	return OUT_TEXT;
}

int output_parse_format(const char *s, enum out_format *f)
{
	if (!strcmp(s, "text"))
		*f = OUT_TEXT;
	else if (!strcmp(s, "csv"))
		*f = OUT_CSV;
	else if (!strcmp(s, "ndjson") || !strcmp(s, "json"))
		*f = OUT_NDJSON;
	else
		return -EINVAL;
	return 0;
}

/* TAI - UTC is a whole number of seconds the kernel keeps; adjtimex reports it. */
static __s64 output_tai_offset(void)
{
	struct timex tmx = { 0 };

	return adjtimex(&tmx) < 0 ? 0 : (__s64)tmx.tai * 1000000000LL;
}

int output_open(struct output *o, const struct output_cfg *cfg)
{
	memset(o, 0, sizeof(*o));
	o->cfg = *cfg;
	o->diag = stderr;
	o->tai_off_ns = output_tai_offset();
	if (cfg->path && strcmp(cfg->path, "-")) {
		o->f = fopen(cfg->path, "w");
		if (!o->f)
			return -errno;
		o->own = true;
	} else {
		o->f = stdout;
	}
	/* Text on a terminal appears as hosts answer; anything else is batched. */
	if (cfg->format == OUT_TEXT && isatty(fileno(o->f)))
		setvbuf(o->f, NULL, _IOLBF, 0);
	else
		setvbuf(o->f, NULL, _IOFBF, OUT_BUF);
	if (cfg->format == OUT_CSV && cfg->multi)
		fputs(cfg->per_probe ? csv_probe_header : output_host_csv_header(), o->f);
	else if (cfg->format == OUT_CSV && !cfg->quiet)
		fputs(csv_header, o->f);
	return 0;
}

static bool output_wanted(const struct output *o, const struct ringping_probe *r)
{
	/* Probing many times, CSV and NDJSON carry probes only when asked; text unless -q. */
	if (o->cfg.multi && o->cfg.format != OUT_TEXT)
		return o->cfg.per_probe;
	if (o->cfg.quiet)
		return false;
	if (o->cfg.alive_only)
		return r->status == RINGPING_ALIVE;
	if (o->cfg.unreach_only)
		return r->status != RINGPING_ALIVE;
	return true;
}

/* Packet too big (ICMPv6 type 2) or fragmentation needed (ICMP type 3 code 4) carry the next-hop MTU. */
static bool result_mtu(const struct ringping_probe *r)
{
	if (r->status != RINGPING_UNREACHABLE)
		return false;
	return ringping_addr_family(&r->target) == 4 ? r->icmp_type == 3 && r->icmp_code == 4 : r->icmp_type == 2;
}

static void output_text(struct output *o, const struct ringping_probe *r, const char *host,
			const char *from)
{
	switch (r->status) {
	case RINGPING_ALIVE:
		if (r->rtt_ns >= 0)
			fprintf(o->f, "%s is alive (%.3f ms, ttl %u)\n", host, r->rtt_ns / 1e6, r->ttl);
		else
			fprintf(o->f, "%s is alive (ttl %u)\n", host, r->ttl);
		break;
	case RINGPING_UNREACHABLE:
	case RINGPING_TIME_EXCEEDED:
	case RINGPING_ERROR:
		fprintf(o->f, "%s is %s (ICMP type %u code %u from %s", host,
			ringping_status_name(r->status), r->icmp_type, r->icmp_code, from);
		if (result_mtu(r))
			fprintf(o->f, ", mtu %u", r->info);
		fputs(")\n", o->f);
		break;
	case RINGPING_SEND_FAILED:
		fprintf(o->f, "%s send failed (%s)\n", host, strerror(-r->err));
		break;
	default:
		fprintf(o->f, "%s is unreachable (no reply)\n", host);
		break;
	}
}

static bool result_has_icmp(const struct ringping_probe *r)
{
	return r->status <= RINGPING_ERROR;
}

static void output_csv(struct output *o, const struct ringping_probe *r, const char *host,
		       const char *from)
{
	/* No field can hold a comma, quote or newline: addresses and fixed words. */
	fprintf(o->f, "%s,%s,", host, ringping_status_name(r->status));
	if (r->rtt_ns >= 0)
		fprintf(o->f, "%.3f", r->rtt_ns / 1e6);
	if (result_has_icmp(r))
		fprintf(o->f, ",%u,%u,%u,%s", r->ttl, r->icmp_type, r->icmp_code, from);
	else
		fputs(",,,,", o->f);
	fprintf(o->f, ",%" PRIu64 "\n", (uint64_t)r->seq);
}

static void output_json(struct output *o, const struct ringping_probe *r, const char *host,
			const char *from)
{
	fprintf(o->f, "{\"type\":\"result\",\"host\":\"%s\",\"status\":\"%s\",\"rtt_ms\":", host,
		ringping_status_name(r->status));
	if (r->rtt_ns >= 0)
		fprintf(o->f, "%.3f", r->rtt_ns / 1e6);
	else
		fputs("null", o->f);
	if (result_has_icmp(r))
		fprintf(o->f, ",\"ttl\":%u,\"icmp_type\":%u,\"icmp_code\":%u,\"from\":\"%s\"", r->ttl,
			r->icmp_type, r->icmp_code, from);
	else
		fputs(",\"ttl\":null,\"icmp_type\":null,\"icmp_code\":null,\"from\":null", o->f);
	fprintf(o->f, ",\"seq\":%" PRIu64, (uint64_t)r->seq);
	if (result_mtu(r))
		fprintf(o->f, ",\"mtu\":%u", r->info);
	if (r->status == RINGPING_SEND_FAILED)
		fprintf(o->f, ",\"error\":\"%s\"", strerror(-r->err));
	fputs("}\n", o->f);
}

/* fping -c style: "host : [round], 0.027 ms, ttl 64". */
static void output_probe_text(struct output *o, const struct ringping_probe *r, const char *host,
			      const char *from)
{
	fprintf(o->f, "%s : [%" PRIu64 "], ", host, (uint64_t)r->round);
	switch (r->status) {
	case RINGPING_ALIVE:
		if (r->rtt_ns >= 0)
			fprintf(o->f, "%.3f ms, ttl %u\n", r->rtt_ns / 1e6, r->ttl);
		else
			fprintf(o->f, "reply, ttl %u\n", r->ttl);
		break;
	case RINGPING_NO_REPLY:
		fputs("timed out\n", o->f);
		break;
	case RINGPING_SEND_FAILED:
		fprintf(o->f, "send failed (%s)\n", strerror(-r->err));
		break;
	default:
		fprintf(o->f, "%s (ICMP type %u code %u from %s)\n", ringping_status_name(r->status),
			r->icmp_type, r->icmp_code, from);
		break;
	}
}

/* CLOCK_TAI ns as wall-clock seconds since the epoch, or the word for none. */
static void output_time(const struct output *o, __u64 tai_ns, const char *none)
{
	__s64 t = (__s64)tai_ns - o->tai_off_ns;

	if (!tai_ns)
		fputs(none, o->f);
	else
		fprintf(o->f, "%" PRId64 ".%06" PRId64, (int64_t)(t / 1000000000),
			(int64_t)(t % 1000000000 / 1000));
}

static void output_probe_csv(struct output *o, const struct ringping_probe *r, const char *host,
			     const char *from)
{
	fprintf(o->f, "%s,%" PRIu64 ",%" PRIu64 ",%s,", host, (uint64_t)r->seq, (uint64_t)r->round,
		ringping_status_name(r->status));
	if (r->rtt_ns >= 0)
		fprintf(o->f, "%.3f", r->rtt_ns / 1e6);
	fputc(',', o->f);
	output_time(o, r->tx_ns, "");
	fputc(',', o->f);
	output_time(o, r->rx_ns, "");
	if (result_has_icmp(r))
		fprintf(o->f, ",%u,%u,%u,%s\n", r->ttl, r->icmp_type, r->icmp_code, from);
	else
		fputs(",,,,\n", o->f);
}

static void output_probe_json(struct output *o, const struct ringping_probe *r, const char *host,
			      const char *from)
{
	fprintf(o->f, "{\"type\":\"probe\",\"host\":\"%s\",\"seq\":%" PRIu64 ",\"round\":%" PRIu64
		      ",\"status\":\"%s\",\"rtt_ms\":", host, (uint64_t)r->seq, (uint64_t)r->round,
		ringping_status_name(r->status));
	if (r->rtt_ns >= 0)
		fprintf(o->f, "%.3f", r->rtt_ns / 1e6);
	else
		fputs("null", o->f);
	fputs(",\"tx_time\":", o->f);
	output_time(o, r->tx_ns, "null");
	fputs(",\"rx_time\":", o->f);
	output_time(o, r->rx_ns, "null");
	if (result_has_icmp(r))
		fprintf(o->f, ",\"ttl\":%u,\"icmp_type\":%u,\"icmp_code\":%u,\"from\":\"%s\"}\n",
			r->ttl, r->icmp_type, r->icmp_code, from);
	else
		fputs(",\"ttl\":null,\"icmp_type\":null,\"icmp_code\":null,\"from\":null}\n", o->f);
}

static void output_probe(struct output *o, const struct ringping_probe *r, const char *host,
			 const char *from)
{
	switch (o->cfg.format) {
	case OUT_CSV:
		output_probe_csv(o, r, host, from);
		break;
	case OUT_NDJSON:
		output_probe_json(o, r, host, from);
		break;
	default:
		output_probe_text(o, r, host, from);
		break;
	}
}

/* -D: "[seconds.micros] " of the answer, or of the send when there was none. */
static void output_stamp(struct output *o, const struct ringping_probe *r)
{
	if (!o->cfg.timestamps || o->cfg.format != OUT_TEXT)
		return;
	fputc('[', o->f);
	output_time(o, r->rx_ns ? r->rx_ns : r->tx_ns, "-");
	fputs("] ", o->f);
}

void output_result(struct output *o, const struct ringping_probe *r)
{
	char host[RINGPING_ADDRSTRLEN], from[RINGPING_ADDRSTRLEN];

	if (!output_wanted(o, r))
		return;
	output_stamp(o, r);
	ringping_addr_str(&r->target, host, sizeof(host));
	ringping_addr_str(&r->from, from, sizeof(from));
	if (o->cfg.multi)
		return output_probe(o, r, host, from);
	switch (o->cfg.format) {
	case OUT_CSV:
		output_csv(o, r, host, from);
		break;
	case OUT_NDJSON:
		output_json(o, r, host, from);
		break;
	default:
		output_text(o, r, host, from);
		break;
	}
}

/* One table drives both summary forms, so text and JSON cannot drift apart. */
#define SUMMARY_U64_FIELDS(X)                                                                   \
	X(targets) X(alive_hosts) X(probes) X(sent) X(replied) X(errors) X(unreachable)         \
	X(time_exceeded) X(other_errors) X(no_reply) X(dropped_locally) X(send_failed)          \
	X(unprobed) X(duplicates) X(late) X(invalid) X(malformed) X(not_ours) X(tx_user_stamps) \
	X(rtt_bad) X(check_failures)

static void output_iso8601(FILE *f, const char *name, double t)
{
	time_t sec = (time_t)t;
	struct tm tm;
	char buf[32];

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, ",\"%s\":\"%s.%06dZ\"", name, buf, (int)((t - (double)sec) * 1e6));
}

static void output_meta_json(FILE *f, const struct ringping_meta *m)
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
	output_iso8601(f, "start", m->start_s);
	output_iso8601(f, "end", m->end_s);
}

static void output_summary_json(FILE *f, const struct ringping_summary *s)
{
	fprintf(f, "{\"type\":\"summary\",\"mode\":\"%s\"", s->meta.mode);
	output_meta_json(f, &s->meta);
#define X(name) fprintf(f, ",\"" #name "\":%" PRIu64, (uint64_t)s->name);
	SUMMARY_U64_FIELDS(X)
#undef X
	fprintf(f, ",\"unaccounted\":%" PRId64 ",\"elapsed_s\":%.6f,\"send_s\":%.6f,"
		   "\"send_pps\":%.0f,\"incomplete\":%s}\n",
		(int64_t)s->unaccounted, s->elapsed_s, s->send_s, s->send_pps,
		s->incomplete ? "true" : "false");
}

static void output_summary_text(FILE *f, const struct ringping_summary *s)
{
	fprintf(f, "\n--- ringping summary (%s mode)%s ---\n", s->meta.mode,
		s->incomplete ? " INCOMPLETE: interrupted" : "");
#define X(name) fprintf(f, " %16s %" PRIu64 "\n", #name, (uint64_t)s->name);
	SUMMARY_U64_FIELDS(X)
#undef X
	fprintf(f, " %16s %" PRId64 "\n", "unaccounted", (int64_t)s->unaccounted);
	fprintf(f, " %16s %.3f s (sending %.3f s)\n", "elapsed", s->elapsed_s, s->send_s);
	fprintf(f, " %16s %.0f probes/s\n", "send rate", s->send_pps);
}

void output_summary(struct output *o, const struct ringping_summary *s)
{
	if (o->cfg.format == OUT_NDJSON)
		output_summary_json(o->f, s);
	fflush(o->f);
	output_summary_text(o->diag, s);
}

int output_close(struct output *o)
{
	int err = 0;

	if (!o->f)
		return 0;
	if (fflush(o->f) || ferror(o->f))
		err = -(errno ? errno : EIO);
	if (o->own && fclose(o->f) && !err)
		err = -errno;
	o->f = NULL;
	return err;
}
