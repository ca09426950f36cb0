/* SPDX-License-Identifier: MIT */
/*
 * iputils ping(8)'s lines, byte for byte: the RTT with its precision, the
 * ICMP errors' words, the statistics block and SIGQUIT's status line. Pure
 * functions of the counts, for the unit tests.
 */
#ifndef RP_PING_FMT_H
#define RP_PING_FMT_H

#include <stdbool.h>
#include <stdio.h>

/* What ping counts, its RTTs in microseconds as ping keeps them. */
struct ping_stats {
	long transmitted, received, repeats, errors;
	long untimed;		/* replies and duplicates without an RTT (not in the figures) */
	long long tsum, tsum2;	/* over replies and duplicates, as ping's */
	long tmin, tmax;
	long rtt8;		/* ping's moving average, times 8 (its "ewma") */
	long pipe;		/* the most requests out at once when an answer came */
};

/* One RTT (a reply's or a duplicate's, already counted in received or repeats), in microseconds. */
void ping_stats_add(struct ping_stats *s, long us);
/* "0.043", "1.23", "12.3" or "123": ping's precision for an RTT of us microseconds. */
void ping_fmt_rtt(char *buf, size_t len, long us);
/* The words after "icmp_seq=N " for an ICMP error of this family, type and code. */
void ping_fmt_error(char *buf, size_t len, int family, int type, int code, unsigned info);
/*
 * The statistics block, from its blank line on. elapsed_ms: the run's time;
 * ipg: ping's inter-packet gap is printed (no interval), over send_us.
 */
void ping_fmt_summary(FILE *f, const char *host, const struct ping_stats *s, long elapsed_ms, bool ipg,
		      long send_us);
/* The last record route printed, for ping's "(same route)". */
struct ping_rr {
	int len;
	unsigned char b[40];
};

/* An IPv4 address (network order) as ping names it: "addr", or "name (addr)". */
typedef const char *(*ping_addr_fn)(void *ctx, const unsigned char *addr4);

/*
 * A reply's IP options as ping prints them after its line: NOP, LSRR/SSRR,
 * RR (or "\t(same route)" when rr holds the same), TS with its relative
 * times and unrecorded hops, an unknown option's number.
 */
void ping_fmt_options(FILE *f, const unsigned char *opt, int len, struct ping_rr *rr, ping_addr_fn addr,
		      void *ctx);
/* SIGQUIT's line ("\r2/2 packets, 0% loss, min/avg/ewma/max = ..."). */
void ping_fmt_status(FILE *f, const struct ping_stats *s);

#endif
