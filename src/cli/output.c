// SPDX-License-Identifier: MIT
/* What every format shares: the choice of format, the stream, which rows are wanted, the field tables. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>
#include <sys/timex.h>
#include "gzout.h"
#include "output_int.h"

#define OUT_BUF (1 << 16)

enum out_format output_format_for(const char *path)
{
	char name[4096];
	const char *dot;

	/* results.csv.gz is CSV, compressed (gzout). */
	snprintf(name, sizeof(name), "%s", path ? path : "");
	if (gzout_wanted(name))
		name[strlen(name) - 3] = '\0';
	dot = path ? strrchr(name, '.') : NULL;

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

int output_open(struct output *o, const struct output_cfg *cfg, char *why, size_t len)
{
	static const struct output_ops *const ops[] = {
		[OUT_TEXT] = &output_text_ops, [OUT_CSV] = &output_csv_ops,
		[OUT_NDJSON] = &output_ndjson_ops,
	};

	memset(o, 0, sizeof(*o));
	o->cfg = *cfg;
	o->ops = ops[cfg->format];
	o->diag = stderr;
	o->tai_off_ns = output_tai_offset();
	if (cfg->path) {
		int err = safefile_open(&o->sf, cfg->path, why, len);

		if (err)
			return err;
		o->f = o->sf.f;
		if (gzout_wanted(cfg->path) && !(o->f = o->gz = gzout_open(fileno(o->sf.f)))) {
			err = -errno;
			snprintf(why, len, "%s: gzip: %s", cfg->path, strerror(-err));
			safefile_abort(&o->sf);
			return err;
		}
	} else {
		o->f = stdout;
	}
	/* Text on a terminal appears as hosts answer; anything else is batched. */
	if (cfg->format == OUT_TEXT && isatty(fileno(o->f)))
		setvbuf(o->f, NULL, _IOLBF, 0);
	else
		setvbuf(o->f, NULL, _IOFBF, OUT_BUF);
	if (o->ops->header)
		o->ops->header(o);
	return 0;
}

bool output_wanted(const struct output *o, const struct ringping_probe *r)
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

const char *output_name(const struct output *o, __u64 idx)
{
	return o->name ? o->name(o->name_ctx, idx) : NULL;
}

const char *output_label(const struct output *o, const struct ringping_addr *a, __u64 idx, char *buf,
			 size_t len)
{
	char addr[RINGPING_ADDRSTRLEN];
	const char *name = output_name(o, idx);

	ringping_addr_str(a, addr, sizeof(addr));
	if (name)
		snprintf(buf, len, "%s (%s)", name, addr);
	else
		snprintf(buf, len, "%s", addr);
	return buf;
}

/* A row's strings: the addresses, the target's name and text's label. */
static void output_row(struct output *o, const struct ringping_probe *r, struct out_row *w, char *label,
		       size_t len)
{
	ringping_addr_str(&r->target, (char *)w->host, RINGPING_ADDRSTRLEN);
	ringping_addr_str(&r->from, (char *)w->from, RINGPING_ADDRSTRLEN);
	w->name = output_name(o, r->target_index);
	w->label = w->host;
	if (w->name) {
		snprintf(label, len, "%s (%s)", w->name, w->host);
		w->label = label;
	}
}

void output_result(struct output *o, const struct ringping_probe *r)
{
	char host[RINGPING_ADDRSTRLEN], from[RINGPING_ADDRSTRLEN], label[OUT_LABEL];
	struct out_row w = { o, r, host, from };

	if (!output_wanted(o, r))
		return;
	output_row(o, r, &w, label, sizeof(label));
	if (o->cfg.multi)
		o->ops->probe(o, &w);
	else
		o->ops->result(o, &w);
}

void output_responder(struct output *o, const struct ringping_probe *r)
{
	char host[RINGPING_ADDRSTRLEN], from[RINGPING_ADDRSTRLEN], label[OUT_LABEL];
	struct out_row w = { o, r, host, from };

	if (!output_wanted(o, r))
		return;
	if (!o->ops->responder)
		return output_result(o, r);
	output_row(o, r, &w, label, sizeof(label));
	o->ops->responder(o, &w);
}

void output_host(struct output *o, const struct ringping_addr *addr, __u64 idx, const struct ringping_host *s)
{
	char host[RINGPING_ADDRSTRLEN], label[OUT_LABEL];

	if (addr && o->cfg.alive_only && !s->received)
		return;
	if (addr && o->cfg.unreach_only && s->received)
		return;
	if (!addr)
		return o->ops->host(o, NULL, NULL, NULL, s);
	o->ops->host(o, ringping_addr_str(addr, host, sizeof(host)), output_name(o, idx),
		     output_label(o, addr, idx, label, sizeof(label)), s);
}

void output_host_rtts(struct output *o, const struct ringping_addr *addr, __u64 idx, const float *rtts,
		      __u64 n)
{
	char host[RINGPING_ADDRSTRLEN], label[OUT_LABEL];

	if (o->ops->rtts)
		o->ops->rtts(o, ringping_addr_str(addr, host, sizeof(host)), output_name(o, idx),
			     output_label(o, addr, idx, label, sizeof(label)), rtts, n);
}

void output_host_text(struct output *o, FILE *f, const struct ringping_addr *addr, __u64 idx,
		      const struct ringping_host *s)
{
	char label[OUT_LABEL];

	out_host_text(f, output_label(o, addr, idx, label, sizeof(label)), s, false);
}

void output_summary(struct output *o, const struct ringping_summary *s)
{
	if (o->ops->summary)
		o->ops->summary(o->f, s);
	fflush(o->f);
	out_summary_text(o->diag, s, o->cfg.stats);
}

int output_close(struct output *o)
{
	int err = 0;

	if (!o->f)
		return 0;
	/* The compressed stream first: its trailer lands in the file, then the file goes into place. */
	if (o->gz && fclose(o->gz))
		err = -(errno ? errno : EIO);
	o->gz = NULL;
	if (err && o->sf.f)
		safefile_abort(&o->sf);
	else if (o->sf.f)
		err = safefile_commit(&o->sf);
	else if (fflush(o->f) || ferror(o->f))
		err = -(errno ? errno : EIO);
	o->f = NULL;
	return err;
}

bool out_has_icmp(const struct ringping_probe *r)
{
	return r->status <= RINGPING_ERROR;
}

/* Packet too big (ICMPv6 type 2) or fragmentation needed (ICMP type 3 code 4) carry the next-hop MTU. */
bool out_has_mtu(const struct ringping_probe *r)
{
	if (r->status != RINGPING_UNREACHABLE)
		return false;
	return ringping_addr_family(&r->target) == 4 ? r->icmp_type == 3 && r->icmp_code == 4
						      : r->icmp_type == 2;
}

const char *out_time(const struct output *o, __u64 tai_ns, char *buf, size_t len)
{
	__s64 t = (__s64)tai_ns - o->tai_off_ns;

	if (!tai_ns)
		return NULL;
	snprintf(buf, len, "%" PRId64 ".%06" PRId64, (int64_t)(t / 1000000000),
		 (int64_t)(t % 1000000000 / 1000));
	return buf;
}

void out_host_errs(FILE *f, const struct ringping_host *s, const char *fmt_item, const char *sep,
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

/* ---- the fields of result and probe rows ---- */

static const char *f_host(const struct out_row *w, char *b, size_t n) { return w->host; }
static const char *f_name(const struct out_row *w, char *b, size_t n) { return w->name; }
static const char *f_status(const struct out_row *w, char *b, size_t n)
{
	return ringping_status_name(w->r->status);
}

static const char *f_u64(char *b, size_t n, __u64 v)
{
	snprintf(b, n, "%" PRIu64, (uint64_t)v);
	return b;
}

static const char *f_seq(const struct out_row *w, char *b, size_t n) { return f_u64(b, n, w->r->seq); }
static const char *f_round(const struct out_row *w, char *b, size_t n) { return f_u64(b, n, w->r->round); }

static const char *f_rtt(const struct out_row *w, char *b, size_t n)
{
	if (w->r->rtt_ns < 0)
		return NULL;
	snprintf(b, n, "%.3f", w->r->rtt_ns / 1e6);
	return b;
}

/* TTL, type, code and sender exist for replies and ICMP errors only. */
static const char *f_ttl(const struct out_row *w, char *b, size_t n)
{
	return out_has_icmp(w->r) ? f_u64(b, n, w->r->ttl) : NULL;
}

static const char *f_type(const struct out_row *w, char *b, size_t n)
{
	return out_has_icmp(w->r) ? f_u64(b, n, w->r->icmp_type) : NULL;
}

static const char *f_code(const struct out_row *w, char *b, size_t n)
{
	return out_has_icmp(w->r) ? f_u64(b, n, w->r->icmp_code) : NULL;
}

/* Who answered: a router's error, or a host answering for a broadcast or multicast target. */
static const char *f_from(const struct out_row *w, char *b, size_t n)
{
	bool other = memcmp(&w->r->from, &w->r->target, sizeof(w->r->from)) != 0;

	return out_has_icmp(w->r) || (w->r->status == RINGPING_ALIVE && other) ? w->from : NULL;
}

static const char *f_mtu(const struct out_row *w, char *b, size_t n)
{
	return out_has_mtu(w->r) ? f_u64(b, n, w->r->info) : NULL;
}

static const char *f_error(const struct out_row *w, char *b, size_t n)
{
	return w->r->status == RINGPING_SEND_FAILED ? strerror(-w->r->err) : NULL;
}

static const char *f_tx(const struct out_row *w, char *b, size_t n) { return out_time(w->o, w->r->tx_ns, b, n); }
static const char *f_rx(const struct out_row *w, char *b, size_t n) { return out_time(w->o, w->r->rx_ns, b, n); }

bool out_csv_column(const struct output *o, const struct out_field *f)
{
	return !f->optional || (f->tstamp && o->cfg.tstamp) || (f->names && o->cfg.names);
}

/* A timestamp reply's: the remote's times (ms since midnight UT), ours, and the offset. */
static const char *f_ts_orig(const struct out_row *w, char *b, size_t n)
{
	return w->r->has_tstamp ? f_u64(b, n, w->r->ts_originate) : NULL;
}

static const char *f_ts_recv(const struct out_row *w, char *b, size_t n)
{
	return w->r->has_tstamp ? f_u64(b, n, w->r->ts_receive) : NULL;
}

static const char *f_ts_xmit(const struct out_row *w, char *b, size_t n)
{
	return w->r->has_tstamp ? f_u64(b, n, w->r->ts_transmit) : NULL;
}

static const char *f_offset(const struct out_row *w, char *b, size_t n)
{
	if (!w->r->offset_valid)
		return NULL;
	snprintf(b, n, "%.3f", w->r->clock_offset_ns / 1e6);
	return b;
}

#define TS_FIELDS                                                                              \
	{ "ts_originate", f_ts_orig, false, true, true }, { "ts_receive", f_ts_recv, false, true, true }, \
	{ "ts_transmit", f_ts_xmit, false, true, true }, { "clock_offset_ms", f_offset, false, true, true }

#define NAME_FIELD { "name", f_name, true, true, .names = true }

static const struct out_field result_fields[] = {
	{ "host", f_host, true }, NAME_FIELD, { "status", f_status, true }, { "rtt_ms", f_rtt },
	{ "ttl", f_ttl }, { "icmp_type", f_type }, { "icmp_code", f_code },
	{ "from", f_from, true }, { "seq", f_seq },
	{ "mtu", f_mtu, false, true }, { "error", f_error, true, true }, TS_FIELDS,
};

static const struct out_field probe_fields[] = {
	{ "host", f_host, true }, NAME_FIELD, { "seq", f_seq }, { "round", f_round },
	{ "status", f_status, true }, { "rtt_ms", f_rtt }, { "tx_time", f_tx },
	{ "rx_time", f_rx }, { "ttl", f_ttl }, { "icmp_type", f_type }, { "icmp_code", f_code },
	{ "from", f_from, true }, { "mtu", f_mtu, false, true }, { "error", f_error, true, true },
	TS_FIELDS,
};

static const struct out_field responder_fields[] = {
	{ "host", f_host, true }, NAME_FIELD, { "from", f_from, true }, { "seq", f_seq }, { "round", f_round },
	{ "rtt_ms", f_rtt }, { "rx_time", f_rx }, { "ttl", f_ttl },
};

const struct out_table out_responder_fields = { "responder", responder_fields,
						sizeof(responder_fields) / sizeof(responder_fields[0]) };
const struct out_table out_result_fields = { "result", result_fields,
					     sizeof(result_fields) / sizeof(result_fields[0]) };
const struct out_table out_probe_fields = { "probe", probe_fields,
					    sizeof(probe_fields) / sizeof(probe_fields[0]) };
