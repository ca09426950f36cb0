// SPDX-License-Identifier: MIT
/*
 * A traceroute on libringping: one engine, one target, one run per TTL.
 * Each hop's router answers the probe with ICMP time exceeded; the target
 * itself with an echo reply, which ends the walk.
 *
 *	traceroute [-m MAX_TTL] HOST
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <ringping.h>

struct hop {
	int done;
};

static void on_probe(void *ctx, const struct ringping_probe *p)
{
	char from[RINGPING_ADDRSTRLEN];
	struct hop *h = ctx;

	if (p->status == RINGPING_NO_REPLY) {
		printf("*\n");
		return;
	}
	printf("%s  %.3f ms%s\n", ringping_addr_str(&p->from, from, sizeof(from)), p->rtt_ns / 1e6,
	       p->status == RINGPING_TIME_EXCEEDED ? "" : p->status == RINGPING_ALIVE ? "  (target)"
										 : "  (unreachable)");
	h->done = p->status != RINGPING_TIME_EXCEEDED;
}

int main(int argc, char **argv)
{
	struct ringping_opts o = { .sz = sizeof(o), .timeout_ns = 500000000ULL };
	struct ringping *e;
	struct hop h = { 0 };
	int c, ttl, max = 30, err;

	while ((c = getopt(argc, argv, "m:")) != -1) {
		if (c != 'm')
			return 2;
		max = atoi(optarg);
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: traceroute [-m MAX_TTL] HOST\n");
		return 2;
	}
	if (ringping_open(&e, &o)) {
		fprintf(stderr, "traceroute: %s\n", ringping_errmsg(NULL));
		return 1;
	}
	err = ringping_add(e, argv[optind]);
	for (ttl = 1; !err && !h.done && ttl <= max; ttl++) {
		printf("%2d  ", ttl);
		fflush(stdout);
		err = ringping_set_ttl(e, ttl) ?: ringping_run(e, on_probe, &h);
	}
	if (err)
		fprintf(stderr, "traceroute: %s\n", ringping_errmsg(e));
	ringping_close(e);
	return err ? 1 : h.done ? 0 : 3;
}
