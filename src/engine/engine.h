/* SPDX-License-Identifier: MIT */
/*
 * The engine behind include/ringping.h: its options (defaults filled in),
 * its target set, its log sink, the cancel and interim requests signal
 * handlers and other threads may make, and the last run, kept for queries.
 */
#ifndef RP_ENGINE_H
#define RP_ENGINE_H

#include <pthread.h>
#include <stdbool.h>
#include "ringping.h"
#include "addr.h"
#include "log.h"
#include "targets.h"

struct run;

struct ringping {
	struct ringping_opts o;	/* as given, with defaults for the zeros */
	struct ringping_addr src, src6;
	bool src_set, src6_set;
	struct targets t;
	struct target_list deny; /* the blocklist blocks and ranges are added through */
	bool finalized;		/* t is sorted and indexed; adding reopens it */
	struct log_sink sink;
	char err[256];		/* the last failure's reason */
	int cancels, interims;	/* requests: atomics, written from signal handlers too */
	int interims_seen;	/* interim requests answered (one made between runs waits) */
	int wake_fd;		/* eventfd: a request wakes the run's wait */
	pthread_mutex_t mu;	/* running, pending: a change may come from another thread */
	bool running;
	struct targets pending;	/* changes made during a run, for its next round */
	int npending;		/* atomic: changes waiting in pending */
	bool run_v4, run_v6;	/* the families the run has sockets for */
	bool run_packet;	/* the run sends on the packet path (one gateway) */
	pthread_t run_thread;	/* the thread in ringping_run: its warnings are the reason */
	struct run *last;	/* the last run's statistics, until the next run or close */
};

/* Record a one-line reason for the failure err and return err. */
int engine_fail(struct ringping *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
