/* SPDX-License-Identifier: MIT */
/*
 * The live status of a long run, once a second (ZMap's and masscan's): one
 * line on a terminal's stderr, redrawn in place (sent/total, rate, replies
 * and hit rate, errors, ringping's own drops, elapsed, time left), and/or
 * the same figures as CSV lines in a file for a machine to follow (ZMap's
 * --status-updates-file). It reads the engine's running summary from the
 * interim callback: nothing on the path of a probe.
 */
#ifndef RP_STATUS_H
#define RP_STATUS_H

#include <stdbool.h>
#include <stdio.h>
#include "ringping.h"

struct status {
	FILE *tty;	   /* stderr when it is a terminal and the line is wanted, else NULL */
	FILE *csv;	   /* --status-file, or NULL */
	bool drawn;	   /* a line stands on the terminal */
	bool loop;	   /* no end planned: no total, no time left */
	double timeout_s;  /* the last probe's wait, in the time left */
	double last_s;	   /* elapsed at the last tick */
	__u64 last_sent;   /* sent at the last tick */
	char line[256];	   /* the line as last drawn */
};

/*
 * tty: draw the line on stderr (when it is a terminal). path: --status-file,
 * or NULL. 0, or -errno with a one-line reason in why.
 */
int status_open(struct status *st, bool tty, const char *path, char *why, size_t len);
static inline bool status_active(const struct status *st)
{
	return st->tty || st->csv;
}
/* A second has passed: redraw the line, append a CSV line. */
void status_tick(struct status *st, struct ringping *e);
/*
 * A result line is about to reach the same terminal: take the status line
 * away first, and draw it again below the result (status_redraw).
 */
void status_clear(struct status *st);
void status_redraw(struct status *st);
/* The run ended: a last CSV line, the terminal's line erased, the file closed. 0 or -errno. */
int status_close(struct status *st, struct ringping *e);

#endif
