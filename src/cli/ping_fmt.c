// SPDX-License-Identifier: MIT
/*
 * ping(8)'s lines (iputils 20221126, the one Debian 12 ships), written from
 * its documented output and checked against it in the lab
 * (tests/integration/run.sh, test_ping_matches_iputils).
 */
#include <string.h>
#include "ping_fmt.h"

void ping_stats_add(struct ping_stats *s, long us)
{
	if (s->received + s->repeats - s->untimed == 1) { /* the caller counted this one already */
		s->tmin = s->tmax = us;
	} else {
		s->tmin = us < s->tmin ? us : s->tmin;
		s->tmax = us > s->tmax ? us : s->tmax;
	}
	s->tsum += us;
	s->tsum2 += (long long)us * us;
	s->rtt8 = s->rtt8 ? s->rtt8 + us - s->rtt8 / 8 : us * 8;
}

void ping_fmt_rtt(char *buf, size_t len, long us)
{
	if (us >= 100000 - 50)
		snprintf(buf, len, "%ld", (us + 500) / 1000);
	else if (us >= 10000 - 5)
		snprintf(buf, len, "%ld.%01ld", (us + 50) / 1000, ((us + 50) % 1000) / 100);
	else if (us >= 1000)
		snprintf(buf, len, "%ld.%02ld", (us + 5) / 1000, ((us + 5) % 1000) / 10);
	else
		snprintf(buf, len, "%ld.%03ld", us / 1000, us % 1000);
}

static const char *const ping_unreach4[] = {
	"Destination Net Unreachable", "Destination Host Unreachable",
	"Destination Protocol Unreachable", "Destination Port Unreachable",
	NULL, /* 4: frag needed, with its MTU */
	"Source Route Failed", "Destination Net Unknown", "Destination Host Unknown",
	"Source Host Isolated", "Destination Net Prohibited", "Destination Host Prohibited",
	"Destination Net Unreachable for Type of Service",
	"Destination Host Unreachable for Type of Service", "Packet filtered",
	"Precedence Violation", "Precedence Cutoff",
};

static void ping_fmt_error4(char *buf, size_t len, int type, int code, unsigned info)
{
	if (type == 3 && code == 4)
		snprintf(buf, len, "Frag needed and DF set (mtu = %u)", info);
	else if (type == 3 && code >= 0 && code < 16)
		snprintf(buf, len, "%s", ping_unreach4[code]);
	else if (type == 3)
		snprintf(buf, len, "Dest Unreachable, Bad Code: %d", code);
	else if (type == 11 && code < 2)
		snprintf(buf, len, "%s", code ? "Frag reassembly time exceeded" : "Time to live exceeded");
	else if (type == 11)
		snprintf(buf, len, "Time exceeded, Bad Code: %d", code);
	else if (type == 12)
		snprintf(buf, len, "Parameter problem: pointer = %u", info);
	else
		snprintf(buf, len, "Bad ICMP type: %d", type);
}

static const char *const ping_unreach6[] = {
	"No route", "Administratively prohibited", "Beyond scope of source address",
	"Address unreachable", "Port unreachable",
};

static void ping_fmt_error6(char *buf, size_t len, int type, int code, unsigned info)
{
	static const char *const param[] = { "Wrong header field ", "Unknown header ", "Unknown option " };

	if (type == 1 && code >= 0 && code < 5)
		snprintf(buf, len, "Destination unreachable: %s", ping_unreach6[code]);
	else if (type == 1)
		snprintf(buf, len, "Destination unreachable: Unknown code %d", code);
	else if (type == 2)
		snprintf(buf, len, "Packet too big: mtu=%u", info);
	else if (type == 3 && code < 2)
		snprintf(buf, len, "Time exceeded: %s", code ? "Defragmentation failure" : "Hop limit");
	else if (type == 3)
		snprintf(buf, len, "Time exceeded: Unknown code %d", code);
	else if (type == 4 && code >= 0 && code < 3)
		snprintf(buf, len, "Parameter problem: %sat %u", param[code], info);
	else
		snprintf(buf, len, "Unknown icmp type: %d", type);
}

void ping_fmt_error(char *buf, size_t len, int family, int type, int code, unsigned info)
{
	if (family == 6)
		ping_fmt_error6(buf, len, type, code, info);
	else
		ping_fmt_error4(buf, len, type, code, info);
}

/* The integer square root ping's mdev takes (floor). */
static long long ping_isqrt(long long v)
{
	long long r = 0, b = 1LL << 62;

	if (v <= 0)
		return 0;
	while (b > v)
		b >>= 2;
	for (; b; b >>= 2) {
		if (v >= r + b) {
			v -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
	}
	return r;
}

static void ping_fmt_rtts(FILE *f, const struct ping_stats *s)
{
	long total = s->received + s->repeats - s->untimed;
	long long avg = s->tsum / total, var;

	/* ping's variance: exact while the sum's square fits, else from the mean. */
	if (s->tsum < 0x7fffffff)
		var = (s->tsum2 - s->tsum * s->tsum / total) / total;
	else
		var = s->tsum2 / total - avg * avg;
	var = ping_isqrt(var);
	fprintf(f, "rtt min/avg/max/mdev = %ld.%03ld/%llu.%03lld/%ld.%03ld/%lld.%03lld ms", s->tmin / 1000,
		s->tmin % 1000, (unsigned long long)(avg / 1000), avg % 1000, s->tmax / 1000, s->tmax % 1000,
		var / 1000, var % 1000);
}

void ping_fmt_summary(FILE *f, const char *host, const struct ping_stats *s, long elapsed_ms, bool ipg,
		      long send_us)
{
	const char *comma = "";

	fprintf(f, "\n--- %s ping statistics ---\n", host);
	fprintf(f, "%ld packets transmitted, %ld received", s->transmitted, s->received);
	if (s->repeats)
		fprintf(f, ", +%ld duplicates", s->repeats);
	if (s->errors)
		fprintf(f, ", +%ld errors", s->errors);
	if (s->transmitted)
		fprintf(f, ", %g%% packet loss, time %ldms",
			(double)(s->transmitted - s->received) * 100.0 / (double)s->transmitted, elapsed_ms);
	fputc('\n', f);
	if (s->received && s->received + s->repeats > s->untimed) {
		ping_fmt_rtts(f, s);
		comma = ", ";
	}
	if (s->pipe > 1) {
		fprintf(f, "%spipe %ld", comma, s->pipe);
		comma = ", ";
	}
	if (s->received && ipg && s->transmitted > 1) {
		long gap = send_us / (s->transmitted - 1);

		fprintf(f, "%sipg/ewma %ld.%03ld/%ld.%03ld ms", comma, gap / 1000, gap % 1000, s->rtt8 / 8000,
			(s->rtt8 / 8) % 1000);
	}
	fputc('\n', f);
}

void ping_fmt_status(FILE *f, const struct ping_stats *s)
{
	long loss = s->transmitted ? (s->transmitted - s->received) * 100 / s->transmitted : 0;

	fprintf(f, "\r%ld/%ld packets, %ld%% loss", s->received, s->transmitted, loss);
	if (s->received + s->repeats > s->untimed) {
		long total = s->received + s->repeats - s->untimed;
		long long avg = s->tsum / total;

		fprintf(f, ", min/avg/ewma/max = %ld.%03ld/%lld.%03lld/%ld.%03ld/%ld.%03ld ms", s->tmin / 1000,
			s->tmin % 1000, avg / 1000, avg % 1000, s->rtt8 / 8000, (s->rtt8 / 8) % 1000,
			s->tmax / 1000, s->tmax % 1000);
	}
	fputc('\n', f);
}

#define PING_OPT_EOL 0
#define PING_OPT_NOP 1
#define PING_OPT_RR 7
#define PING_OPT_TS 68
#define PING_OPT_LSRR 131
#define PING_OPT_SSRR 137
#define PING_OPT_MINOFF 4 /* an option's pointer to its first slot */

static unsigned long ping_be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static void ping_opt_addr(FILE *f, const unsigned char *a, ping_addr_fn addr, void *ctx)
{
	if (!a[0] && !a[1] && !a[2] && !a[3])
		fputs("\t0.0.0.0", f);
	else
		fprintf(f, "\t%s", addr(ctx, a));
}

/* A source route (loose or strict): the addresses before its pointer. */
static void ping_opt_srr(FILE *f, const unsigned char *p, ping_addr_fn addr, void *ctx)
{
	int j = p[2] > p[1] ? p[1] : p[2]; /* ping trusts the pointer; past the option is not ours to read */
	const unsigned char *a = p + 3;

	fprintf(f, "\n%cSRR: ", p[0] == PING_OPT_SSRR ? 'S' : 'L');
	for (; j > PING_OPT_MINOFF; j -= 4, a += 4) {
		ping_opt_addr(f, a, addr, ctx);
		fputc('\n', f);
	}
}

/* Record route: the addresses recorded, unless the last reply's were the same (ping compares from the pointer on). */
static void ping_opt_rr(FILE *f, const unsigned char *p, struct ping_rr *rr, ping_addr_fn addr, void *ctx)
{
	int i = p[2] > p[1] ? p[1] : p[2];
	const unsigned char *a = p + 3;

	i -= PING_OPT_MINOFF;
	if (i <= 0)
		return;
	if (i == rr->len && !memcmp(p + 2, rr->b, (size_t)i)) {
		fputs("\t(same route)", f);
		return;
	}
	rr->len = i;
	memcpy(rr->b, p + 2, (size_t)i);
	fputs("\nRR: ", f);
	for (; i > 0; i -= 4, a += 4) {
		ping_opt_addr(f, a, addr, ctx);
		fputc('\n', f);
	}
}

/* One timestamp: the first of its kind absolute, the others relative to the one before. */
static void ping_opt_stamp(FILE *f, unsigned long l, long *std, long *nonstd)
{
	long v = (long)(l & 0x7fffffff);

	if (l & 0x80000000) {
		fprintf(f, *nonstd ? "\t%ld not-standard" : "\t%ld absolute not-standard", *nonstd ? v - *nonstd : v);
		*nonstd = v;
	} else {
		fprintf(f, *std ? "\t%ld" : "\t%ld absolute", *std ? v - *std : v);
		*std = v;
	}
}

/* Timestamps, with their routers' addresses unless flags say timestamps only. */
static void ping_opt_ts(FILE *f, const unsigned char *p, ping_addr_fn addr, void *ctx)
{
	int i = (p[2] > p[1] ? p[1] : p[2]) - 5;
	unsigned flags = p[3];
	const unsigned char *c = p + 4;
	long std = 0, nonstd = 0;

	if (i <= 0)
		return;
	fputs("\nTS: ", f);
	for (;;) {
		if ((flags & 0xf) != 0) {
			ping_opt_addr(f, c, addr, ctx);
			c += 4;
			i -= 4;
			if (i <= 0)
				break;
		}
		ping_opt_stamp(f, ping_be32(c), &std, &nonstd);
		c += 4;
		i -= 4;
		fputc('\n', f);
		if (i <= 0)
			break;
	}
	if (flags >> 4)
		fprintf(f, "Unrecorded hops: %u\n", flags >> 4);
}

void ping_fmt_options(FILE *f, const unsigned char *opt, int len, struct ping_rr *rr, ping_addr_fn addr,
		      void *ctx)
{
	unsigned char buf[48] = { 0 }; /* the last slot may be read 3 bytes past the options, as ping reads it */
	const unsigned char *p = buf;
	int olen;

	len = len < 0 ? 0 : len > 40 ? 40 : len;
	memcpy(buf, opt, (size_t)len);
	while (len > 0 && *p != PING_OPT_EOL) {
		if (*p == PING_OPT_NOP) {
			fputs("\nNOP", f);
			len--, p++;
			continue;
		}
		olen = len > 1 ? p[1] : 0;
		if (olen < 2 || olen > len)
			break;
		if (*p == PING_OPT_LSRR || *p == PING_OPT_SSRR)
			ping_opt_srr(f, p, addr, ctx);
		else if (*p == PING_OPT_RR)
			ping_opt_rr(f, p, rr, addr, ctx);
		else if (*p == PING_OPT_TS)
			ping_opt_ts(f, p, addr, ctx);
		else
			fprintf(f, "\nunknown option %x", *p);
		len -= olen;
		p += olen;
	}
}
