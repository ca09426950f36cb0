// SPDX-License-Identifier: MIT
/* ringping: parse the command line, build the target set, run, map the outcome to an exit code. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "log.h"
#include "run.h"
#include "targets.h"

static void on_stop(int sig)
{
	(void)sig;
	run_request_stop();
}

static void on_quit(int sig)
{
	(void)sig;
	run_request_interim();
}

static void main_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop }, sq = { .sa_handler = on_quit };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* SIGQUIT (Ctrl-backslash) prints the statistics so far, as in ping and fping. */
	sigemptyset(&sq.sa_mask);
	sigaction(SIGQUIT, &sq, NULL);
	/* A closed stdout is a write error we report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
}

/* An --exclude token that is not an address, CIDR or range may name a file. */
static int main_exclude(struct targets *t, const char *tok)
{
	FILE *f;
	int err;

	if (targets_add(t, tok, true) == 0)
		return 0;
	f = fopen(tok, "r");
	if (!f)
		return -EINVAL; /* t->err names the token */
	err = targets_add_stream(t, f, tok, true);
	fclose(f);
	return err;
}

static int main_targets(const struct rp_opts *o, struct targets *t)
{
	int i, err = 0;

	t->family = o->family;
	t->force = o->force;
	for (i = 0; i < o->ntargets && !err; i++)
		err = targets_add(t, o->targets[i], false);
	for (i = 0; i < o->nfiles && !err; i++)
		err = targets_add_file(t, o->files[i], false);
	for (i = 0; i < o->nexcludes && !err; i++)
		err = main_exclude(t, o->excludes[i]);
	if (err)
		return err;
	return targets_finalize(t);
}

static int main_exit_code(const struct targets *t, const struct run_summary *s)
{
	if (t->unresolved)
		return RP_EXIT_UNRESOLVED;
	if (!s->checks)
		return s->alive_hosts == s->targets ? RP_EXIT_ALL_ALIVE : RP_EXIT_SOME_DOWN;
	/* A loss ringping caused itself must not pass or fail a check as the network's. */
	if (s->dropped_locally || s->send_failed) {
		fprintf(stderr, "ringping: measurement invalid: %llu answers dropped locally, "
				"%llu sends failed\n", (unsigned long long)s->dropped_locally,
			(unsigned long long)s->send_failed);
		return RP_EXIT_INVALID;
	}
	return s->check_failures ? RP_EXIT_CHECK : RP_EXIT_ALL_ALIVE;
}

int main(int argc, char **argv)
{
	struct run_summary sum;
	struct targets t;
	struct rp_opts o;
	char err_msg[512];
	int err, code;

	switch (cli_parse(argc, argv, &o, err_msg, sizeof(err_msg))) {
	case CLI_EXIT_OK:
		return 0;
	case CLI_BAD:
		fprintf(stderr, "ringping: %s (try --help)\n", err_msg);
		return RP_EXIT_USAGE;
	default:
		break;
	}
	log_set_level(o.verbose >= 2 ? LOG_DEBUG : o.verbose ? LOG_INFO : LOG_WARN);
	log_hook_libbpf();
	targets_init(&t);
	err = main_targets(&o, &t);
	if (err) {
		fprintf(stderr, "ringping: %s\n", err == -ENOMEM ? "out of memory" : t.err);
		code = err == -ENOMEM ? RP_EXIT_SYSTEM : RP_EXIT_USAGE;
		goto out;
	}
	if (!t.count) {
		fprintf(stderr, "ringping: no targets left to probe\n");
		code = t.unresolved ? RP_EXIT_UNRESOLVED : RP_EXIT_USAGE;
		goto out;
	}
	main_signals();
	err = run_probe(&o, &t, &sum);
	code = err ? RP_EXIT_SYSTEM : main_exit_code(&t, &sum);
out:
	targets_free(&t);
	return code;
}
