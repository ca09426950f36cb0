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
