// SPDX-License-Identifier: MIT
/*
 * Two engines at once, in two threads, probing the same hosts: each engine's
 * BPF program knows only its own key, so neither may credit the other's
 * replies. Exit 0 if each engine saw exactly its own probes answered, once.
 *
 *	twoengines [-c COUNT] HOST...
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <ringping.h>

struct job {
	struct ringping *e;
	unsigned long callbacks, replies;
	int err;
};

static void on_probe(void *ctx, const struct ringping_probe *p)
{
	struct job *j = ctx;

	j->callbacks++;
	j->replies += p->status == RINGPING_ALIVE;
}

static void *run(void *arg)
{
	struct job *j = arg;

	j->err = ringping_run(j->e, on_probe, j);
	return NULL;
}

/* One engine's verdict: every probe answered once, nothing foreign credited. */
static int check(const char *name, const struct job *j)
{
	struct ringping_summary s;

	if (j->err || ringping_summary(j->e, &s)) {
		fprintf(stderr, "%s: %s\n", name, ringping_errmsg(j->e));
		return 1;
	}
	printf("%s: %llu probes, %lu callbacks, %llu replied, %llu duplicates, %llu invalid, "
	       "%llu not ours\n", name, (unsigned long long)s.probes, j->callbacks,
	       (unsigned long long)s.replied, (unsigned long long)s.duplicates,
	       (unsigned long long)s.invalid, (unsigned long long)s.not_ours);
	return !(j->callbacks == s.probes && j->replies == s.replied && s.replied == s.probes &&
		 s.duplicates == 0 && s.invalid == 0);
}

int main(int argc, char **argv)
{
	struct ringping_opts o = { .sz = sizeof(o), .count = 5, .period_ns = 20000000ULL };
	struct job a = { 0 }, b = { 0 };
	pthread_t ta, tb;
	int c, i, err = 0;

	while ((c = getopt(argc, argv, "c:")) != -1) {
		if (c != 'c')
			return 2;
		o.count = strtoull(optarg, NULL, 10);
	}
	if (optind == argc || ringping_open(&a.e, &o) || ringping_open(&b.e, &o)) {
		fprintf(stderr, "usage: twoengines [-c COUNT] HOST... (%s)\n", ringping_errmsg(NULL));
		return 2;
	}
	for (i = optind; i < argc && !err; i++)
		err = ringping_add(a.e, argv[i]) ?: ringping_add(b.e, argv[i]);
	if (!err) {
		pthread_create(&ta, NULL, run, &a);
		pthread_create(&tb, NULL, run, &b);
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
	}
	err = err ? 1 : check("engine A", &a) | check("engine B", &b);
	ringping_close(a.e);
	ringping_close(b.e);
	return err;
}
