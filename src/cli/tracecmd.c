// SPDX-License-Identifier: MIT
/*
 * ringping trace: the engine probes every (target, flow, TTL) hop; this
 * module keeps what each probe brought back and prints the paths, as
 * traceroute does (each query) or as mtr's report does (-c: per-hop
 * statistics), in text or NDJSON (fields: README "ringping trace").
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tracecmd.h"
#include "tracetopo.h"
#include "warn.h"

/* What one probe of a hop brought back (the last one, in a report). */
struct tc_query {
	struct ringping_addr from;
	double rtt_ms;
	__u8 status, code;
	bool set;
	__u8 nlabels;
	__u32 mpls[RINGPING_MPLS_MAX];
};

struct tracecmd {
	const struct rp_opts *o;
	struct ringping *e;
	FILE *f;
	bool live;		/* a report redrawn in place each second (a terminal) */
	bool paths_known;	/* path[] is filled: the run's numbering, fixed from its start */
	__u64 ntargets;
	__u32 hops;		/* TTLs per path */
	__u32 q;		/* slots per hop: each query, or the last answer (report) */
	__u64 nhops;
	struct tc_query *qs;	/* nhops * q */
	__u64 *path;		/* per (target, flow): its hops by TTL, hops of them */
	struct tracetopo topo;	/* router interfaces and links (NDJSON) */
	int topo_err;
};

static const char *tc_status(__u8 st)
{
	return ringping_status_name((enum ringping_status)st);
}

/* An MPLS label stack entry's fields (RFC 3032): label, traffic class, bottom of stack, TTL. */
#define TC_MPLS_FIELDS(e) (e) >> 12, ((e) >> 9) & 7, ((e) >> 8) & 1, (e) & 0xff

static void tc_json_mpls(FILE *f, const __u32 *mpls, unsigned n)
{
	fputs(",\"mpls\":[", f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "%s{\"label\":%u,\"tc\":%u,\"s\":%u,\"ttl\":%u}", i ? "," : "",
			TC_MPLS_FIELDS(mpls[i]));
	fputc(']', f);
}

static void tc_json_probe(struct tracecmd *t, const struct ringping_probe *p)
{
	char a[RINGPING_ADDRSTRLEN], from[RINGPING_ADDRSTRLEN];

	ringping_addr_str(&p->target, a, sizeof(a));
	fprintf(t->f, "{\"type\":\"probe\",\"target\":\"%s\",\"flow\":%u,\"ttl\":%u,\"query\":%" PRIu64
		",\"status\":\"%s\"", a, p->trace_flow, p->trace_ttl, (uint64_t)p->round,
		tc_status((__u8)p->status));
	if (p->status != RINGPING_NO_REPLY && p->status != RINGPING_SEND_FAILED)
		fprintf(t->f, ",\"from\":\"%s\",\"icmp_type\":%u,\"icmp_code\":%u",
			ringping_addr_str(&p->from, from, sizeof(from)), p->icmp_type, p->icmp_code);
	if (p->status != RINGPING_ALIVE && p->status != RINGPING_NO_REPLY &&
	    p->status != RINGPING_SEND_FAILED)
		fprintf(t->f, ",\"quoted_ttl\":%u", p->quoted_ttl);
	if (p->mpls_count)
		tc_json_mpls(t->f, p->mpls, p->mpls_count);
	/* A TCP trace's destination answered: how (its flags are in info). */
	if (t->o->proto == RINGPING_TRACE_TCP && p->status == RINGPING_ALIVE)
		fprintf(t->f, ",\"tcp\":\"%s\"", p->info & 0x04 ? "rst" : "syn-ack");
	if (p->rtt_ns >= 0)
		fprintf(t->f, ",\"rtt_ms\":%.3f", p->rtt_ns / 1e6);
	if (p->status == RINGPING_SEND_FAILED)
		fprintf(t->f, ",\"error\":\"%s\"", strerror(-p->err));
	fputs("}\n", t->f);
}

static void tc_on_probe(void *ctx, const struct ringping_probe *p)
{
	struct tracecmd *t = ctx;
	struct tc_query *s;
	__u64 slot;

	if (t->o->out.format == OUT_NDJSON)
		tc_json_probe(t, p);
	if (p->target_index >= t->nhops)
		return;
	slot = t->o->trace_report ? 0 : p->round;
	if (slot >= t->q || (t->o->trace_report && p->status == RINGPING_NO_REPLY))
		return;
	s = &t->qs[p->target_index * t->q + slot];
	*s = (struct tc_query){ .from = p->from, .rtt_ms = p->rtt_ns >= 0 ? p->rtt_ns / 1e6 : NAN,
				.status = (__u8)p->status, .code = p->icmp_code,
				.set = true, .nlabels = p->mpls_count };
	memcpy(s->mpls, p->mpls, sizeof(s->mpls));
}

/* Each (target, flow)'s hops in TTL order, from the engine's own numbering: once a run. */
static int tc_paths(struct tracecmd *t)
{
	__u64 i, tgt;
	__u32 flow, ttl;

	for (i = 0; !t->paths_known && i < t->nhops; i++) {
		if (ringping_hop(t->e, i, &tgt, &flow, &ttl))
			return -EINVAL;
		t->path[(tgt * t->o->flows + flow - t->o->flow) * t->hops + ttl - t->o->first_hop] = i;
	}
	t->paths_known = true;
	return 0;
}

/*
 * Where a path ends: the first TTL the destination answered (*reached), or
 * the first that drew an unreachable, as traceroute stops there; 0 if none.
 */
static __u32 tc_end(const struct tracecmd *t, const __u64 *path, bool *reached)
{
	__u32 h, k;

	for (h = 0; h < t->hops; h++)
		for (k = 0; k < t->q; k++) {
			const struct tc_query *s = &t->qs[path[h] * t->q + k];

			*reached = s->set && s->status == RINGPING_ALIVE;
			if (*reached || (s->set && s->status == RINGPING_UNREACHABLE))
				return t->o->first_hop + h;
		}
	return 0;
}

/* traceroute's marks for an unreachable (ICMP codes; ICMPv6's as their nearest kin). */
static const char *tc_mark(const struct tc_query *s, bool v6)
{
	static const char *const v4[16] = { "!N", "!H", "!P", "", "!F", "!S", "!N", "!H", "!H",
					    "!X", "!X", "!N", "!H", "!X", "!V", "!C" };
	static const char *const v6m[8] = { "!N", "!X", "!H", "!H", "", "!X", "!X", "!H" };

	if (s->status == RINGPING_SEND_FAILED)
		return " (send failed)";
	if (s->status != RINGPING_UNREACHABLE && s->status != RINGPING_ERROR)
		return "";
	if (s->status == RINGPING_ERROR)
		return " !E";
	return v6 ? (s->code < 8 ? v6m[s->code] : "!X") : (s->code < 16 ? v4[s->code] : "!X");
}

/* A responder's MPLS label stack after its address, as traceroute -e prints it. */
static void tc_text_mpls(FILE *f, const struct tc_query *s)
{
	for (unsigned i = 0; i < s->nlabels; i++)
		fprintf(f, "%s" "MPLS:L=%u,E=%u,S=%u,T=%u", i ? "/" : " <", TC_MPLS_FIELDS(s->mpls[i]));
	if (s->nlabels)
		fputc('>', f);
}

static void tc_text_hop(struct tracecmd *t, __u64 hop, __u32 ttl, bool v6)
{
	char a[RINGPING_ADDRSTRLEN];
	const struct ringping_addr *last = NULL;
	__u32 k;

	fprintf(t->f, "%2u ", ttl);
	for (k = 0; k < t->q; k++) {
		const struct tc_query *s = &t->qs[hop * t->q + k];
		const char *m;

		if (!s->set || s->status == RINGPING_NO_REPLY) {
			fputs(" *", t->f);
			continue;
		}
		if (s->status != RINGPING_SEND_FAILED && (!last || memcmp(last, &s->from, sizeof(*last)))) {
			fprintf(t->f, " %s", ringping_addr_str(&s->from, a, sizeof(a)));
			tc_text_mpls(t->f, s);
		}
		if (s->status != RINGPING_SEND_FAILED)
			last = &s->from;
		m = tc_mark(s, v6);
		if (!isnan(s->rtt_ms))
			fprintf(t->f, "  %.3f ms", s->rtt_ms);
		fprintf(t->f, "%s%s", *m && *m != ' ' ? " " : "", m);
	}
	fputc('\n', t->f);
}

/* mtr's report line: loss and RTT statistics of the hop, its last responder. */
static void tc_report_hop(struct tracecmd *t, __u64 hop, __u32 ttl)
{
	const struct tc_query *s = &t->qs[hop * t->q];
	struct ringping_host h;
	char a[RINGPING_ADDRSTRLEN] = "???";

	if (ringping_host(t->e, hop, &h))
		return;
	if (s->set)
		ringping_addr_str(&s->from, a, sizeof(a));
	fprintf(t->f, "%3u  %-39s %5.1f%% %5u", ttl, a, h.loss_pct, h.sent);
	if (h.has_rtt)
		fprintf(t->f, " %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f %7.3f\n",
			isnan(s->rtt_ms) ? h.avg_ms : s->rtt_ms, h.avg_ms, h.min_ms, h.max_ms,
			h.stddev_ms, h.p50_ms, h.p90_ms, h.p99_ms, h.jitter_ms);
	else
		fputc('\n', t->f);
}

static bool tc_answered(const struct tc_query *s)
{
	return s->set && s->status != RINGPING_NO_REPLY && s->status != RINGPING_SEND_FAILED;
}

/* The hop's last responder, or NULL. */
static const struct tc_query *tc_last(const struct tracecmd *t, __u64 hop)
{
	const struct tc_query *s = NULL;

	for (__u32 k = 0; k < t->q; k++)
		if (tc_answered(&t->qs[hop * t->q + k]))
			s = &t->qs[hop * t->q + k];
	return s;
}

static void tc_json_hop(struct tracecmd *t, __u64 hop, __u32 ttl, const char *target, __u32 flow)
{
	const struct tc_query *s = tc_last(t, hop);
	char a[RINGPING_ADDRSTRLEN];
	struct ringping_host h;

	if (ringping_host(t->e, hop, &h))
		return;
	fprintf(t->f, "{\"type\":\"hop\",\"target\":\"%s\",\"flow\":%u,\"ttl\":%u,\"sent\":%u,"
		"\"received\":%u,\"loss_pct\":%.2f", target, flow, ttl, h.sent, h.received, h.loss_pct);
	if (s)
		fprintf(t->f, ",\"from\":\"%s\",\"status\":\"%s\"",
			ringping_addr_str(&s->from, a, sizeof(a)), tc_status(s->status));
	if (h.has_rtt)
		fprintf(t->f, ",\"min_ms\":%.3f,\"avg_ms\":%.3f,\"max_ms\":%.3f,\"stddev_ms\":%.3f,"
			"\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"jitter_ms\":%.3f",
			h.min_ms, h.avg_ms, h.max_ms, h.stddev_ms, h.p50_ms, h.p90_ms, h.p99_ms,
			h.jitter_ms);
	fputs("}\n", t->f);
}

#define TC_CSV_HEADER "target,flow,ttl,from,status,sent,received,loss_pct,min_ms,avg_ms,max_ms," \
		      "stddev_ms,p50_ms,p90_ms,p99_ms,jitter_ms\n"

/* CSV: the hop record's fields in one row; empty where NDJSON leaves them out. */
static void tc_csv_hop(struct tracecmd *t, __u64 hop, __u32 ttl, const char *target, __u32 flow)
{
	const struct tc_query *s = tc_last(t, hop);
	char a[RINGPING_ADDRSTRLEN] = "";
	struct ringping_host h;

	if (ringping_host(t->e, hop, &h))
		return;
	if (s)
		ringping_addr_str(&s->from, a, sizeof(a));
	fprintf(t->f, "%s,%u,%u,%s,%s,%u,%u,%.2f", target, flow, ttl, a, s ? tc_status(s->status) : "",
		h.sent, h.received, h.loss_pct);
	if (h.has_rtt)
		fprintf(t->f, ",%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n", h.min_ms, h.avg_ms, h.max_ms,
			h.stddev_ms, h.p50_ms, h.p90_ms, h.p99_ms, h.jitter_ms);
	else
		fputs(",,,,,,,,\n", t->f);
}

/* A path's router interfaces, and its links: a router at one TTL to what answered at the next. */
static void tc_topo_path(struct tracecmd *t, const __u64 *path, __u32 last, __u64 id)
{
	__u32 h, k, j;

	for (h = 0; t->o->first_hop + h <= last; h++)
		for (k = 0; k < t->q; k++) {
			const struct tc_query *s = &t->qs[path[h] * t->q + k];

			if (!tc_answered(s))
				continue;
			if (s->status != RINGPING_ALIVE)
				t->topo_err |= tracetopo_add(&t->topo, &s->from, NULL, id);
			for (j = 0; h && j < t->q; j++) {
				const struct tc_query *p = &t->qs[path[h - 1] * t->q + j];

				if (tc_answered(p) && p->status != RINGPING_ALIVE &&
				    memcmp(&p->from, &s->from, sizeof(s->from)))
					t->topo_err |= tracetopo_add(&t->topo, &p->from, &s->from, id);
			}
		}
}

/* One (target, flow): its hops up to the destination (all of them if it never answered). */
static bool tc_print_path(struct tracecmd *t, __u64 tgt, __u32 flow)
{
	const __u64 *path = &t->path[(tgt * t->o->flows + flow - t->o->flow) * t->hops];
	bool reached = false;
	__u32 end = tc_end(t, path, &reached), last = end ? end : t->o->max_hops, ttl;
	struct ringping_addr addr;
	char a[RINGPING_ADDRSTRLEN];

	ringping_target(t->e, tgt, &addr);
	ringping_addr_str(&addr, a, sizeof(a));
	if (t->o->out.format == OUT_TEXT)
		fprintf(t->f, "%strace to %s, flow %u, %u hops max%s\n", tgt || flow != t->o->flow ? "\n" : "",
			a, flow, t->o->max_hops, reached ? "" : ": not reached");
	if (t->o->out.format == OUT_TEXT && t->o->trace_report)
		fprintf(t->f, "HOP  %-39s %6s %5s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", "HOST", "LOSS",
			"SNT", "LAST", "AVG", "BEST", "WRST", "STDEV", "P50", "P90", "P99", "JITTER");
	for (ttl = t->o->first_hop; ttl <= last; ttl++) {
		__u64 hop = path[ttl - t->o->first_hop];

		if (t->o->out.format == OUT_NDJSON)
			tc_json_hop(t, hop, ttl, a, flow);
		else if (t->o->out.format == OUT_CSV)
			tc_csv_hop(t, hop, ttl, a, flow);
		else if (t->o->trace_report)
			tc_report_hop(t, hop, ttl);
		else
			tc_text_hop(t, hop, ttl, ringping_addr_family(&addr) == 6);
	}
	if (t->o->out.format == OUT_NDJSON)
		tc_topo_path(t, path, last, tgt * t->o->flows + flow - t->o->flow);
	return reached;
}

static void tc_summary(struct tracecmd *t, __u64 ntargets, __u64 reached, const struct ringping_summary *s)
{
	if (t->o->out.format == OUT_NDJSON)
		fprintf(t->f, "{\"type\":\"summary\",\"targets\":%" PRIu64 ",\"reached\":%" PRIu64
			",\"hops\":%" PRIu64 ",\"probes\":%" PRIu64 ",\"sent\":%" PRIu64
			",\"answered\":%" PRIu64 ",\"no_reply\":%" PRIu64 ",\"dropped_locally\":%" PRIu64
			",\"send_failed\":%" PRIu64 ",\"unprobed\":%" PRIu64 ",\"unaccounted\":%" PRId64
			",\"not_ours\":%" PRIu64 ",\"invalid\":%" PRIu64 ",\"tx_user_stamps\":%" PRIu64
			",\"elapsed_s\":%.6f}\n",
			(uint64_t)ntargets, (uint64_t)reached, (uint64_t)t->nhops, (uint64_t)s->probes,
			(uint64_t)s->sent, (uint64_t)(s->replied + s->errors), (uint64_t)s->no_reply,
			(uint64_t)s->dropped_locally, (uint64_t)s->send_failed, (uint64_t)s->unprobed,
			(int64_t)s->unaccounted, (uint64_t)s->not_ours, (uint64_t)s->invalid,
			(uint64_t)s->tx_user_stamps, s->elapsed_s);
	fprintf(stderr, "ringping: %" PRIu64 " of %" PRIu64 " targets reached; %" PRIu64
		" probes sent, %" PRIu64 " answered, %" PRIu64 " no reply in %.3f s\n",
		(uint64_t)reached, (uint64_t)ntargets, (uint64_t)s->sent,
		(uint64_t)(s->replied + s->errors), (uint64_t)s->no_reply, s->elapsed_s);
	if (s->dropped_locally || s->send_failed)
		fprintf(stderr, "ringping: %" PRIu64 " answers dropped by ringping, %" PRIu64
			" sends failed\n", (uint64_t)s->dropped_locally, (uint64_t)s->send_failed);
}

/* ANSI: cursor home, clear the screen. */
#define TC_CLEAR "\033[H\033[2J"

/* The trace the interim callback redraws: the CLI runs one at a time. */
static struct tracecmd *tc_live_cmd;

bool tracecmd_live(const struct rp_opts *o, int fd)
{
	return o->trace && o->trace_report && o->out.format == OUT_TEXT && !o->out.path && isatty(fd);
}

/* Every (target, flow)'s path; how many targets were reached on every flow. */
static __u64 tc_print_paths(struct tracecmd *t)
{
	__u64 tgt, reached = 0;

	for (tgt = 0; tgt < t->ntargets; tgt++) {
		bool all = true;

		for (__u32 f = t->o->flow; f < t->o->flow + t->o->flows; f++)
			all &= tc_print_path(t, tgt, f);
		reached += all;
	}
	return reached;
}

/* mtr's display: the report so far, from the top of the screen (once a second, -c and -l). */
void tracecmd_interim(struct ringping *e)
{
	struct tracecmd *t = tc_live_cmd;

	if (!t || t->e != e || tc_paths(t))
		return;
	fputs(TC_CLEAR, t->f);
	tc_print_paths(t);
	fflush(t->f);
}

/* After the run: every path, then the summary; 0 if every target was reached. */
static int tc_report(struct tracecmd *t)
{
	struct ringping_summary s;
	__u64 reached;

	if (tc_paths(t) || ringping_summary(t->e, &s))
		return RP_EXIT_SYSTEM;
	if (t->live) /* the last table in the place of the live one */
		fputs(TC_CLEAR, t->f);
	if (t->o->out.format == OUT_CSV)
		fputs(TC_CSV_HEADER, t->f);
	reached = tc_print_paths(t);
	if (t->topo_err)
		return cli_warn("out of memory for the trace's interfaces and links\n"), RP_EXIT_SYSTEM;
	tracetopo_json(&t->topo, t->f);
	tc_summary(t, t->ntargets, reached, &s);
	if (fflush(t->f) || ferror(t->f))
		return cli_warn("writing results: %s\n", strerror(errno)), RP_EXIT_SYSTEM;
	return reached == t->ntargets ? RP_EXIT_ALL_ALIVE : RP_EXIT_SOME_DOWN;
}

int tracecmd_probe(const struct rp_opts *o, struct ringping *e, __u64 ntargets,
		   void (*on_fail)(void *ctx, struct ringping *e), void *fail_ctx)
{
	struct tracecmd t = { .o = o, .e = e, .f = stdout, .ntargets = ntargets };
	int code = RP_EXIT_SYSTEM, err;

	t.hops = o->max_hops - o->first_hop + 1;
	t.q = o->trace_report ? 1 : o->queries;
	t.nhops = ntargets * o->flows * t.hops;
	t.qs = calloc(t.nhops * t.q, sizeof(*t.qs));
	t.path = calloc(t.nhops, sizeof(*t.path));
	if (!t.qs || !t.path) {
		cli_warn("out of memory for %" PRIu64 " hops\n", (uint64_t)t.nhops);
		goto out;
	}
	t.live = tracecmd_live(o, fileno(t.f));
	tc_live_cmd = t.live ? &t : NULL;
	err = ringping_run(e, tc_on_probe, &t);
	tc_live_cmd = NULL;
	if (err)
		on_fail(fail_ctx, e);
	code = err ? RP_EXIT_SYSTEM : tc_report(&t);
out:
	free(t.qs);
	free(t.path);
	tracetopo_free(&t.topo);
	return code;
}
