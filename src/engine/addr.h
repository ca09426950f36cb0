/* SPDX-License-Identifier: MIT */
/* 16-byte addresses (IPv4 mapped into ::ffff:0:0/96) and 128-bit arithmetic on them. */
#ifndef RP_ADDR_H
#define RP_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "ringping_abi.h"
#include "ringping.h"

typedef unsigned __int128 u128;

_Static_assert(sizeof(struct ringping_addr) == RP_ADDR_LEN, "one address size, BPF's and the API's");

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */

bool addr_is_v4(const struct ringping_addr *a);
/* IPv6 that needs a zone: link-local unicast (fe80::/10) or interface- and link-local multicast (ff01::/16, ff02::/16). */
bool addr_is_scoped(const struct ringping_addr *a);
/* Many hosts may answer it: IPv4 multicast (224.0.0.0/4) or limited broadcast, IPv6 multicast (ff00::/8). */
bool addr_is_group(const struct ringping_addr *a);
void addr_from_v4(struct ringping_addr *a, __u32 host_order);
__u32 addr_v4(const struct ringping_addr *a); /* host order */
u128 addr_to_u128(const struct ringping_addr *a);
void addr_from_u128(struct ringping_addr *a, u128 v);
/* Parse an IPv4 or IPv6 literal; 0 or -EINVAL. */
int addr_parse(const char *s, struct ringping_addr *a);
/* Format as dotted quad for IPv4, RFC 5952 text for IPv6. */
const char *addr_str(const struct ringping_addr *a, char *buf, size_t len);

#endif
