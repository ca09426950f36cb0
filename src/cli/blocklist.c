// SPDX-License-Identifier: MIT
/* The default blocklist (blocklist.h). */
#include "blocklist.h"

static const char *const blocklist_ranges[] = {
	/* IPv4 special-purpose (IANA registry), multicast, reserved and broadcast. */
	"0.0.0.0/8",	   /* "this network" (RFC 791) */
	"10.0.0.0/8",	   /* private use (RFC 1918) */
	"100.64.0.0/10",   /* shared address space, carrier-grade NAT (RFC 6598) */
	"127.0.0.0/8",	   /* loopback (RFC 1122) */
	"169.254.0.0/16",  /* link local (RFC 3927) */
	"172.16.0.0/12",   /* private use (RFC 1918) */
	"192.0.0.0/24",	   /* IETF protocol assignments (RFC 6890) */
	"192.0.2.0/24",	   /* documentation, TEST-NET-1 (RFC 5737) */
	"192.88.99.0/24",  /* deprecated 6to4 relay anycast (RFC 7526) */
	"192.168.0.0/16",  /* private use (RFC 1918) */
	"198.18.0.0/15",   /* benchmarking (RFC 2544) */
	"198.51.100.0/24", /* documentation, TEST-NET-2 (RFC 5737) */
	"203.0.113.0/24",  /* documentation, TEST-NET-3 (RFC 5737) */
	"224.0.0.0/4",	   /* multicast (RFC 5771) */
	"240.0.0.0/4",	   /* reserved (RFC 1112), and the limited broadcast 255.255.255.255 */
	/* IPv6 special-purpose (IANA registry) and multicast. */
	"::/127",	   /* unspecified and loopback (RFC 4291) */
	"64:ff9b:1::/48",  /* local-use IPv4/IPv6 translation (RFC 8215) */
	"100::/64",	   /* discard-only (RFC 6666) */
	"2001:2::/48",	   /* benchmarking (RFC 5180) */
	"2001:db8::/32",   /* documentation (RFC 3849) */
	"fc00::/7",	   /* unique local (RFC 4193) */
	"fe80::/10",	   /* link-local unicast (RFC 4291) */
	"ff00::/8",	   /* multicast (RFC 4291) */
};

int blocklist_default(struct ringping *e)
{
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(blocklist_ranges) / sizeof(blocklist_ranges[0]); i++)
		err = ringping_blocklist(e, blocklist_ranges[i]);
	return err;
}
