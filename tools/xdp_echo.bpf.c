// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Lab responder for tools/bench.sh: answers ICMP and ICMPv6 echo requests in
 * the driver (XDP_TX), so the targets' side costs a fraction of the kernel's
 * AnyIP path. Swapping addresses leaves both checksums' sums unchanged (the
 * ICMPv6 pseudo-header sums the same two addresses), so only the type byte
 * needs an incremental fix-up (RFC 1624). Everything else passes.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_ICMPV6 58

/* ~(~old + ~new + new'): the checksum after a 16-bit word goes from old to new. */
static __always_inline __u16 csum_replace16(__u16 check, __u16 old, __u16 new)
{
	__u32 s = (__u16)~check + (__u16)~old + new;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

static __always_inline void swap_mac(struct ethhdr *eth)
{
	__u8 t[6];

	__builtin_memcpy(t, eth->h_dest, 6);
	__builtin_memcpy(eth->h_dest, eth->h_source, 6);
	__builtin_memcpy(eth->h_source, t, 6);
}

static __always_inline int echo4(struct ethhdr *eth, void *end)
{
	struct iphdr *ip = (void *)(eth + 1);
	struct icmphdr *ic;
	__be32 a;

	if ((void *)(ip + 1) > end || ip->ihl != 5 || ip->protocol != IPPROTO_ICMP)
		return XDP_PASS;
	ic = (void *)(ip + 1);
	if ((void *)(ic + 1) > end || ic->type != 8 || ic->code != 0)
		return XDP_PASS;
	a = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = a;
	ic->type = 0;
	ic->checksum = csum_replace16(ic->checksum, bpf_htons(8 << 8), 0);
	swap_mac(eth);
	return XDP_TX;
}

static __always_inline int echo6(struct ethhdr *eth, void *end)
{
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct icmp6hdr *ic;
	struct in6_addr a;

	if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_ICMPV6)
		return XDP_PASS;
	ic = (void *)(ip6 + 1);
	if ((void *)(ic + 1) > end || ic->icmp6_type != 128 || ic->icmp6_code != 0)
		return XDP_PASS;
	a = ip6->saddr;
	ip6->saddr = ip6->daddr;
	ip6->daddr = a;
	ip6->hop_limit = 64;
	ic->icmp6_type = 129;
	ic->icmp6_cksum = csum_replace16(ic->icmp6_cksum, bpf_htons(128 << 8), bpf_htons(129 << 8));
	swap_mac(eth);
	return XDP_TX;
}

SEC("xdp")
int xdp_echo(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		return echo4(eth, end);
	if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		return echo6(eth, end);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
