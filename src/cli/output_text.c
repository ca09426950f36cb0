// SPDX-License-Identifier: MIT
/* Text: fping's lines ("host is alive", "host : [round], ...", per-host statistics), and the summary. */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "output_int.h"

/* -D: "[seconds.micros] " of the answer, or of the send when there was none. */
static void text_stamp(struct output *o, const struct ringping_probe *r)
{
	char buf[32];
	const char *t;

	if (!o->cfg.timestamps)
		return;
	t = out_time(o, r->rx_ns ? r->rx_ns : r->tx_ns, buf, sizeof(buf));
	fprintf(o->f, "[%s] ", t ? t : "-");
}

/* A reply from another address than the target (a broadcast's or multicast's responder). */
static void text_from(struct output *o, const struct out_row *w)
{
	if (memcmp(&w->r->from, &w->r->target, sizeof(w->r->from)))
		fprintf(o->f, ", from %s", w->from);
}

/* A timestamp reply: the remote clock's offset from ours, or why there is none. */
static void text_offset(struct output *o, const struct ringping_probe *r)
{
	if (r->offset_valid)
		fprintf(o->f, ", offset %+.3f ms", r->clock_offset_ns / 1e6);
	else if (r->has_tstamp)
		fprintf(o->f, ", remote time not standard (receive %#x transmit %#x)", r->ts_receive,
			r->ts_transmit);
}

static void text_result(struct output *o, const struct out_row *w)
{
	const struct ringping_probe *r = w->r;

	text_stamp(o, r);
	switch (r->status) {
	case RINGPING_ALIVE:
		if (r->rtt_ns >= 0)
			fprintf(o->f, "%s is alive (%.3f ms, ttl %u", w->label, r->rtt_ns / 1e6, r->ttl);
		else
			fprintf(o->f, "%s is alive (ttl %u", w->label, r->ttl);
		text_offset(o, r);
		text_from(o, w);
		fputs(")\n", o->f);
		break;
	case RINGPING_UNREACHABLE:
	case RINGPING_TIME_EXCEEDED:
	case RINGPING_ERROR:
		fprintf(o->f, "%s is %s (ICMP type %u code %u from %s", w->label,
			ringping_status_name(r->status), r->icmp_type, r->icmp_code, w->from);
		if (out_has_mtu(r))
			fprintf(o->f, ", mtu %u", r->info);
		fputs(")\n", o->f);
		break;
	case RINGPING_SEND_FAILED:
		fprintf(o->f, "%s send failed (%s)\n", w->label, strerror(-r->err));
		break;
	default:
		fprintf(o->f, "%s is unreachable (no reply)\n", w->label);
		break;
	}
}

/* fping -c style: "host : [round], 0.027 ms, ttl 64". */
static void text_probe(struct output *o, const struct out_row *w)
{
	const struct ringping_probe *r = w->r;

	text_stamp(o, r);
	fprintf(o->f, "%s : [%" PRIu64 "], ", w->label, (uint64_t)r->round);
	switch (r->status) {
	case RINGPING_ALIVE:
		if (r->rtt_ns >= 0)
			fprintf(o->f, "%.3f ms, ttl %u", r->rtt_ns / 1e6, r->ttl);
		else
			fprintf(o->f, "reply, ttl %u", r->ttl);
		text_offset(o, r);
		text_from(o, w);
		fputc('\n', o->f);
		break;
	case RINGPING_NO_REPLY:
		fputs("timed out\n", o->f);
		break;
	case RINGPING_SEND_FAILED:
		fprintf(o->f, "send failed (%s)\n", strerror(-r->err));
		break;
	default:
		fprintf(o->f, "%s (ICMP type %u code %u from %s)\n", ringping_status_name(r->status),
			r->icmp_type, r->icmp_code, w->from);
		break;
	}
}

/* pooled: the run's record, which counts errors but keeps no table. */
void out_host_text(FILE *f, const char *host, const struct ringping_host *s, bool pooled)
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
		out_host_errs(f, s, "%stype %u code %u from %s: %u", ", ", "%sother kinds: %u");
		fputc(')', f);
	}
	fputc('\n', f);
}

static void text_host(struct output *o, const char *host, const char *name, const char *label,
		      const struct ringping_host *s)
{
	out_host_text(o->f, host ? label : "(all hosts)", s, !host);
}

/* fping's -C line: "host : 0.027 - 0.031". */
static void text_rtts(struct output *o, const char *host, const char *name, const char *label,
		      const float *rtts, __u64 n)
{
	__u64 k;

	fprintf(o->f, "%s :", label);
	for (k = 0; k < n; k++)
		if (isnan(rtts[k]))
			fputs(" -", o->f);
		else
			fprintf(o->f, " %.3f", rtts[k]);
	fputc('\n', o->f);
}

/* -s: every counter, from the one table that also drives the NDJSON summary (output_ndjson.c). */
static void out_summary_full(FILE *f, const struct ringping_summary *s)
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

/* ", 3 ICMP errors": a count only where it is not zero, plural when it says so. */
static void out_nonzero(FILE *f, __u64 n, const char *what, bool plural)
{
	if (n)
		fprintf(f, ", %" PRIu64 " %s%s", (uint64_t)n, what, plural && n != 1 ? "s" : "");
}

/*
 * The default: at most three lines, as ping's two of statistics. Targets and
 * how many answered; probes and where they ended (ringping's own losses only
 * when there are any, never mixed into the network's); the time, and the send
 * rate only where it measures something (many probes, a measurable time).
 */
static void out_summary_short(FILE *f, const struct ringping_summary *s)
{
	/* Loss as ping's: requests without a reply, errors among them; ringping's drops apart. */
	__u64 done = s->replied + s->errors + s->no_reply, lost = done - s->replied;

	fprintf(f, "%" PRIu64 " target%s, %" PRIu64 " alive", (uint64_t)s->targets,
		s->targets == 1 ? "" : "s", (uint64_t)s->alive_hosts);
	out_nonzero(f, s->targets - s->alive_hosts, "not", false);
	fprintf(f, "%s\n", s->incomplete ? " (interrupted)" : "");
	fprintf(f, "%" PRIu64 " probe%s: %" PRIu64 " replied, %.2f%% loss", (uint64_t)s->probes,
		s->probes == 1 ? "" : "s", (uint64_t)s->replied, done ? 100.0 * lost / done : 0.0);
	out_nonzero(f, s->errors, "ICMP error", true);
	out_nonzero(f, s->duplicates, "duplicate", true);
	out_nonzero(f, s->dropped_locally, "dropped by ringping (not the network's loss)", false);
	out_nonzero(f, s->send_failed, "failed send", true);
	out_nonzero(f, s->unprobed, "not sent", false);
	if (s->unaccounted)
		fprintf(f, ", %" PRId64 " unaccounted", (int64_t)s->unaccounted);
	if (s->elapsed_s < 1)
		fprintf(f, "\n%.3f ms", s->elapsed_s * 1e3);
	else
		fprintf(f, "\n%.3f s", s->elapsed_s);
	if (s->sent >= 100 && s->send_s >= 0.01)
		fprintf(f, ", %.0f probes/s", s->send_pps);
	fputc('\n', f);
}

void out_summary_text(FILE *f, const struct ringping_summary *s, bool full)
{
	if (full)
		out_summary_full(f, s);
	else
		out_summary_short(f, s);
}

/* No summary on the result stream: it goes to stderr as text, whatever the format. */
const struct output_ops output_text_ops = {
	.result = text_result, .probe = text_probe, .host = text_host, .rtts = text_rtts,
};
