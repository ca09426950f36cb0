/* SPDX-License-Identifier: MIT */
/*
 * What a trace saw of the network: the router interfaces that answered (an
 * ICMP error) and the links between the responders of two consecutive TTLs
 * on one path, each with the number of (target, flow) paths it was on.
 */
#ifndef RP_TRACETOPO_H
#define RP_TRACETOPO_H

#include <stdio.h>
#include "ringping.h"

struct tracetopo_entry {
	struct ringping_addr a, b; /* an interface: b is zero */
	__u64 paths;
	__u64 last_path;	   /* the path that counted it last, + 1 */
};

struct tracetopo {
	struct tracetopo_entry *v; /* open addressing, linear probing */
	size_t cap, n;
};

/* a on path (an interface), or the link a -> b (b non-NULL). 0 or -ENOMEM. */
int tracetopo_add(struct tracetopo *t, const struct ringping_addr *a, const struct ringping_addr *b,
		  __u64 path);
/* NDJSON: a "type":"interface" record per interface, a "type":"link" record per link. */
void tracetopo_json(const struct tracetopo *t, FILE *f);
void tracetopo_free(struct tracetopo *t);

#endif
