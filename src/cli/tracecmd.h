/* SPDX-License-Identifier: MIT */
/* ringping trace: run the engine's trace, print each path (text or NDJSON) and a summary. */
#ifndef RP_TRACECMD_H
#define RP_TRACECMD_H

#include "cli.h"

/*
 * Trace ntargets targets (already added to e, opened with opts.trace):
 * the exit code. on_fail reports a failed run's reason.
 */
int tracecmd_probe(const struct rp_opts *o, struct ringping *e, __u64 ntargets,
		   void (*on_fail)(void *ctx, struct ringping *e), void *fail_ctx);

/*
 * mtr's in-place display: -c or -l, text, to a terminal (fd). The engine's
 * interim callback (once a second) then calls tracecmd_interim to redraw.
 */
bool tracecmd_live(const struct rp_opts *o, int fd);
void tracecmd_interim(struct ringping *e);

#endif
