/* SPDX-License-Identifier: MIT */
/*
 * ringping ping: one destination probed as iputils ping(8) does, printed in
 * its lines (ping_fmt.h), from the engine's kernel-stamped results.
 */
#ifndef RP_PINGCMD_H
#define RP_PINGCMD_H

#include "cli.h"

/*
 * Resolve the destination, open the engine with eo (the command line's
 * options as main made them) turned to ping's, probe, print; ping's exit code.
 */
int pingcmd_main(const struct rp_opts *o, struct ringping_opts *eo);

#endif
