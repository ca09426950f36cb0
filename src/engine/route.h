/* SPDX-License-Identifier: MIT */
/*
 * Where link-layer frames for the packet send path go: the kernel's route to
 * the targets (egress interface, source address, gateway) and the gateway's
 * link-layer address, asked over rtnetlink. Like ZMap's gateway MAC, one next
 * hop serves every probe, so the targets must sit behind one router.
 */
#ifndef RP_ROUTE_H
#define RP_ROUTE_H

#include "addr.h"

struct route_link {
	int family;	 /* AF_INET or AF_INET6: the targets', one per run on this path */
	int ifindex;
	char ifname[16];
	__u8 src[16];	 /* source address in network order (IPv4: the first 4 bytes) */
	__u8 gw[16];	 /* gateway, likewise */
	__u8 smac[6];	 /* the interface's own address */
	__u8 dmac[6];	 /* the gateway's */
	__u32 mtu;
};

/*
 * Resolve the next hop for first and last (the ends of the target set, one family);
 * ifname and src, if not NULL, pin the interface and the source. Fails with
 * a one-line reason in err when the two ends take different routes, a target
 * is on-link or local, or the gateway's address cannot be learnt in 1 s.
 * 0 or -errno.
 */
int route_resolve(const struct ringping_addr *first, const struct ringping_addr *last, const char *ifname,
		  const struct ringping_addr *src, struct route_link *out, char *err, size_t errlen);

/*
 * The kernel's source address for dst (through interface ifindex if not 0;
 * scope_id for a link-local IPv6 dst), from a connected UDP socket: connect()
 * sends nothing. 0 or -errno.
 */
int route_source(const struct ringping_addr *dst, int ifindex, unsigned scope_id,
		 struct ringping_addr *src);

#endif
