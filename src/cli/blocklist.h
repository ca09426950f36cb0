/* SPDX-License-Identifier: MIT */
/*
 * The default blocklist of a sweep: the IANA special-purpose address
 * registries' space (RFC 6890 and its updates) and multicast and reserved
 * space, which no sweep of the internet should probe (ZMap ships the same
 * idea as its blocklist.conf). It is applied as ringping_blocklist does: a
 * block or range loses that space unless it lies entirely inside one of
 * these ranges, so a sweep of 0.0.0.0/0 leaves out 10.0.0.0/8 while a sweep
 * of 10.1.2.0/24, of one's own LAN or of the lab (198.18.0.0/15), is what
 * was asked. --blocklist FILE replaces it (FILE's entries leave out what
 * they name, everywhere, as --exclude does); --blocklist none drops it.
 */
#ifndef RP_BLOCKLIST_H
#define RP_BLOCKLIST_H

#include "ringping.h"

/* Give e the default blocklist, before any target is added. 0 or -errno. */
int blocklist_default(struct ringping *e);

#endif
