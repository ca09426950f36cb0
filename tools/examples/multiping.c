// SPDX-License-Identifier: MIT
/*
 * A multi-host pinger on libringping: every host on the command line is
 * probed COUNT times, one probe a second each, and the callback prints a
 * line per probe as it resolves (reply, ICMP error or timeout).
 *
 *	multiping [-c COUNT] [-i MS] HOST...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ringping.h>

static struct ringping *engine;

static void on_signal(int sig)
{
	(void)sig;
	ringping_cancel(engine); /* async-signal-safe */
}

static void on_probe(void *ctx, const struct ringping_probe *p)
{
	char host[RINGPING_ADDRSTRLEN], from[RINGPING_ADDRSTRLEN];
	unsigned long *lines = ctx;

	ringping_addr_str(&p->target, host, sizeof(host));
	ringping_addr_str(&p->from, from, sizeof(from));
	if (p->status == RINGPING_ALIVE)
		printf("%u bytes from %s: icmp_seq=%llu ttl=%u time=%.3f ms\n", p->bytes, host,
		       (unsigned long long)p->round, p->ttl, p->rtt_ns / 1e6);
	else if (p->status == RINGPING_NO_REPLY || p->status == RINGPING_SEND_FAILED)
		printf("%s: icmp_seq=%llu %s\n", host, (unsigned long long)p->round,
		       ringping_status_name(p->status));
	else
		printf("%s: icmp_seq=%llu %s (type %u code %u) from %s\n", host,
		       (unsigned long long)p->round, ringping_status_name(p->status), p->icmp_type,
		       p->icmp_code, from);
	++*lines;
}

int main(int argc, char **argv)
{
	struct ringping_opts o = { .sz = sizeof(o), .count = 3, .period_ns = 1000000000ULL };
	struct ringping_summary s;
	unsigned long lines = 0;
	int c, i, err;

	while ((c = getopt(argc, argv, "c:i:")) != -1) {
		if (c == 'c')
			o.count = strtoull(optarg, NULL, 10);
		else if (c == 'i')
			o.period_ns = strtoull(optarg, NULL, 10) * 1000000ULL;
		else
			return 2;
	}
	if (optind == argc) {
		fprintf(stderr, "usage: multiping [-c COUNT] [-i MS] HOST...\n");
		return 2;
	}
	err = ringping_open(&engine, &o);
	if (err) {
		fprintf(stderr, "multiping: %s\n", ringping_errmsg(NULL));
		return 1;
	}
	for (i = optind; i < argc && !err; i++)
		err = ringping_add(engine, argv[i]);
	signal(SIGINT, on_signal);
	err = err ?: ringping_run(engine, on_probe, &lines);
	if (err)
		fprintf(stderr, "multiping: %s\n", ringping_errmsg(engine));
	else if (!ringping_summary(engine, &s))
		printf("%llu probes, %llu replies, %lu lines\n", (unsigned long long)s.probes,
		       (unsigned long long)s.replied, lines);
	ringping_close(engine);
	return err ? 1 : 0;
}
