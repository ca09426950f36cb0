/* SPDX-License-Identifier: MIT */
/*
 * ringping's packet parser, shared by the XDP and socket-filter programs.
 *
 * Contract: the caller copies the first n (1..RP_COPY_LEN) bytes of the packet
 * into a scratch buffer of 2 * RP_COPY_LEN bytes and says where the IP header
 * starts (l3). Every read masks its offset into the first RP_COPY_LEN bytes, so
 * the verifier sees each access in bounds whatever the packet says; the parser
 * itself compares every offset with n before trusting the bytes there, and
 * the IP total length with the packet's real length (pkt_len), so a header
 * that claims bytes the packet does not have is malformed.
 * rp_parse_ipv4() and rp_parse_ipv6() fill *r and return one enum rp_verdict.
 */
#ifndef RP_PARSE_BPF_H
#define RP_PARSE_BPF_H

#include "ringping_abi.h"
#include "rp_hash.h"

enum rp_verdict {
	RP_V_NOT_OURS,
	RP_V_MALFORMED,
	RP_V_REPLY,
	RP_V_ERROR,
	RP_V_FORGED,	/* our tag, but not the payload we sent: never recorded */
	RP_V_FRAG,	/* the first fragment of an echo reply: its sender in r->from, its
			 * identifier and sequence in r->info (rp_frag_key); not a reply yet */
	RP_V_DEFER,	/* XDP: a reply the socket program records (IP options, which the
			 * stack completes with the receiver's entry) */
};

/*
 * Every offset into the copy goes through rp_off(): hidden from the optimiser,
 * then masked, so the mask is the last thing the verifier sees before the
 * offset meets the pointer. Without the barrier clang drops masks it can prove
 * redundant or turns "+ 1" into "| 1", and verifiers before 6.13 lose the bound.
 */
static __always_inline __u32 rp_off(__u32 off)
{
	asm volatile("" : "+r"(off));
	return off & (RP_COPY_LEN - 1);
}

#define RP_OFF(o) rp_off(o)

#define RP_ETH_P_IP 0x0800
#define RP_ETH_P_8021Q 0x8100
#define RP_ETH_P_8021AD 0x88a8
#define RP_IPPROTO_ICMP 1
#define RP_ETH_P_IPV6 0x86DD
#define RP_IPPROTO_ICMPV6 58
#define RP_NH_HOPOPTS 0
#define RP_NH_ROUTING 43
#define RP_NH_FRAGMENT 44
#define RP_NH_DSTOPTS 60
/* Extension headers walked before giving up: real paths use one or two. */
#define RP_V6_MAX_EXT 6

#define RP_ICMP6_DEST_UNREACH 1
#define RP_ICMP6_PKT_TOOBIG 2
#define RP_ICMP6_TIME_EXCEEDED 3
#define RP_ICMP6_PARAMPROB 4
#define RP_ICMP6_ECHO_REQUEST 128
#define RP_ICMP6_ECHO_REPLY 129

#define RP_ICMP_ECHOREPLY 0
#define RP_ICMP_DEST_UNREACH 3
#define RP_ICMP_ECHO 8
#define RP_ICMP_TIME_EXCEEDED 11
#define RP_ICMP_PARAMETERPROB 12
#define RP_ICMP_TIMESTAMP 13
#define RP_ICMP_TIMESTAMPREPLY 14

const volatile __u64 rp_key0 = 0;
const volatile __u64 rp_key1 = 0;
const volatile __u8 rp_trace = 0; /* probes of a trace (rp_tag_ok) */
/* A trace's transport: 0 (ICMP echo), RP_IPPROTO_UDP or RP_IPPROTO_TCP; and its destination port. */
const volatile __u8 rp_trace_proto = 0;
const volatile __u16 rp_trace_port = 0;
/* What the probes are: RP_PROBE_ECHO, or RP_PROBE_TSTAMP (IPv4 timestamp requests, ringping_abi.h). */
const volatile __u8 rp_probe = RP_PROBE_ECHO;

/*
 * A reply whose tag is not its sender's may answer a broadcast or multicast
 * probe: its tag then names the target in rp_groups, and its payload is
 * checked against that target. Off (pruned by the verifier) without groups.
 */
const volatile __u8 rp_has_groups = 0;
/* XDP mode: the interface's MTU, for the socket programs beside XDP (ringping.bpf.c); 0 in socket mode. */
const volatile __u32 rp_sock_min_len = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RP_GROUPS_MAX);
	__type(key, __u32);
	__type(value, struct rp_group);
} rp_groups SEC(".maps");

static __always_inline __u32 rp_rd16(const __u8 *b, __u32 off)
{
	const __u8 *p = &b[RP_OFF(off)];

	return ((__u32)p[0] << 8) | p[1];
}

static __always_inline __u32 rp_rd32(const __u8 *b, __u32 off)
{
	return (rp_rd16(b, off) << 16) | rp_rd16(b, off + 2);
}

/* Payload words are in host (little-endian) order, as userspace wrote them. */
static __always_inline __u64 rp_rd64le(const __u8 *b, __u32 off)
{
	return rp_addr_word(&b[RP_OFF(off)]);
}

static __always_inline void rp_addr4(__u8 *dst, const __u8 *b, __u32 off)
{
	__builtin_memset(dst, 0, 10);
	dst[10] = 0xff;
	dst[11] = 0xff;
	__builtin_memcpy(dst + 12, &b[RP_OFF(off)], 4);
}

/*
 * The first fragment of a datagram (split on a link narrower than ours, or
 * by its sender): if it starts an echo reply, its sender and the reply's
 * identifier and sequence as they stand, so that the reply can be known
 * again once the stack has put it together.
 */
static __always_inline int rp_first_frag(const __u8 *b, __u32 n, __u32 icmp, __u8 reply_type,
					 struct rp_record *r)
{
	if (icmp + 8 > n || b[RP_OFF(icmp)] != reply_type)
		return RP_V_NOT_OURS;
	__builtin_memcpy(&r->info, &b[RP_OFF(icmp + 4)], 4);
	return RP_V_FRAG;
}

/* Fold a sum of 16-bit words, carried in 64 bits, to 16 bits. */
static __always_inline __u32 rp_fold(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u32)s;
}

/*
 * Internet checksum over [off, off+len) of the copied bytes, from sum; true
 * if it verifies. Words are loaded 4 bytes at a time in host order: that only
 * swaps the two bytes of the folded sum, and all ones stays all ones. sum
 * must be in host order too.
 */
static __always_inline bool rp_csum_ok_from(const __u8 *b, __u32 off, __u32 len, __u64 sum)
{
	__u32 o = RP_OFF(off), i, t, w;
	const __u8 *p = &b[o];

	if (len > RP_COPY_LEN) /* callers check off + len against the copy first */
		return false;
	for (i = 0; i < RP_COPY_LEN / 4; i++) {
		/*
		 * Hidden from clang, w keeps the load a masked offset (not a moving
		 * pointer that verifiers before 6.13 cannot bound) and the exit test
		 * a comparison with an immediate: a verifier before 6.8 cannot decide
		 * "constant > range", walks the dead branch, and the bounds it then
		 * gives len (often the header length, used later as an offset)
		 * cross and poison every pointer built from it.
		 */
		w = 4 * i;
		asm volatile("" : "+r"(w));
		if ((__s64)len - (__s64)w < 4)
			break;
		sum += *(const __u32 *)&p[w & (RP_COPY_LEN - 4)];
	}
	/* The tail: a tail exists only when off + len is inside the copy, so the mask is a no-op. */
	t = RP_OFF(o + (len & ~3U));
	if (len & 2)
		sum += *(const __u16 *)&b[t];
	if (len & 1)
		sum += b[t + (len & 2)]; /* the odd last byte is a word's low byte */
	return rp_fold(sum) == 0xffff;
}

static __always_inline bool rp_csum_ok(const __u8 *b, __u32 off, __u32 len)
{
	return rp_csum_ok_from(b, off, len, 0);
}

/*
 * SipHash of an address under the run's key (rp_hash.h's tag with m2 = 0,
 * m3 = 1; its cookie with m2 = seq, m3 = 2), out of line: inlined at each of
 * the eight places that check a tag or a cookie it made the socket programs
 * larger than 5.10's and 6.1's optmem_max (20 KiB), which SO_ATTACH_BPF
 * charges them against (ENOMEM).
 */
static __noinline __u64 rp_addr_hash(const __u8 *addr16, __u64 m2, __u64 m3)
{
	return rp_siphash4(rp_key0, rp_key1, rp_addr_word(addr16), rp_addr_word(addr16 + 8), m2, m3);
}

/*
 * Our probes carry rp_tag(target) in ICMP id+seq; a trace's carry its flow's
 * rp_trace_id in the identifier and the probe's name in the sequence field
 * (ringping_abi.h). Either way the sequence field goes to the record: for a
 * quote of 8 bytes it is all userspace has to tell a trace's probes apart.
 */
static __always_inline bool rp_tag_ok(const __u8 *b, __u32 icmp, struct rp_record *r)
{
	__u32 seq16 = rp_rd16(b, icmp + 6), id = rp_rd16(b, icmp + 4);
	__u64 h;

	r->qseq = (__u16)seq16;
	/* One call site per check: the socket programs must stay small (rp_addr_hash). */
	h = rp_addr_hash(r->target, rp_trace ? RP_TRACE_FLOW(seq16) : 0, rp_trace ? 3 : 1);
	return rp_trace ? id == (__u16)h : ((id << 16) | seq16) == (__u32)h;
}

/*
 * The broadcast or multicast target a reply's tag names (the sender stays in
 * r->from). xdp: the XDP program asks. In XDP mode the socket programs leave
 * groups to XDP (pruned): a 20 KiB socket filter budget (net.core.optmem_max
 * before Linux 6.9) has no room for them, so a broadcast reply that came in
 * fragments is not seen there.
 */
static __always_inline bool rp_group(const __u8 *b, __u32 icmp, struct rp_record *r, bool xdp)
{
	const struct rp_group *g;
	__u32 tag;

	if (!rp_has_groups || (!xdp && rp_sock_min_len))
		return false;
	tag = rp_rd32(b, icmp + 4);
	g = bpf_map_lookup_elem(&rp_groups, &tag);
	if (!g)
		return false;
	__builtin_memcpy(r->target, g->addr, RP_ADDR_LEN);
	return true;
}

/*
 * A UDP or TCP probe of a trace (ringping_abi.h): ours is the port the run
 * sent from, theirs the one it sent to, seq32 the UDP checksum or the TCP
 * sequence number. Out of line for the same reason as rp_addr_hash.
 */
static __noinline bool rp_l4_ok(struct rp_record *r, __u32 ours, __u32 theirs, __u32 seq32)
{
	__u64 h;

	r->qseq = (__u16)seq32;
	if (theirs != rp_trace_port)
		return false;
	h = rp_addr_hash(r->target, RP_TRACE_FLOW(seq32 & 0xffff), 3);
	if (ours != RP_TRACE_SPORT(h))
		return false;
	return rp_trace_proto != RP_IPPROTO_TCP || seq32 == RP_TRACE_TCPSEQ(h, seq32 & 0xffff);
}

/*
 * A timestamp request or reply at icmp (RP_TS_LEN bytes there): its
 * originate names the probe, its id+seq must be that probe's tag for
 * r->target. Out of line for the same reason as rp_addr_hash.
 */
static __noinline bool rp_ts_ok(const __u8 *b, __u32 icmp, struct rp_record *r)
{
	__u32 orig = rp_rd32(b, icmp + 8), tag = rp_rd32(b, icmp + 4);

	r->qseq = (__u16)tag;
	if (!(orig & ~RP_TS_SEQ_MASK))
		return false; /* a standard originate: somebody else's request */
	r->seq = orig & RP_TS_SEQ_MASK;
	if (tag != (__u32)rp_addr_hash(r->target, r->seq, 4))
		return false;
	r->cookie = tag;
	r->flags |= RP_REC_F_TSTAMP | RP_REC_F_PAYLOAD;
	return true;
}

/* The quoted probe at off (8 bytes there): one of ours to r->target? */
static __always_inline bool rp_quote_ok(const __u8 *b, __u32 off, __u32 echo, struct rp_record *r)
{
	if (rp_trace_proto == RP_IPPROTO_UDP)
		return rp_l4_ok(r, rp_rd16(b, off), rp_rd16(b, off + 2), rp_rd16(b, off + 6));
	if (rp_trace_proto == RP_IPPROTO_TCP)
		return rp_l4_ok(r, rp_rd16(b, off), rp_rd16(b, off + 2), rp_rd32(b, off + 4));
	return b[RP_OFF(off)] == echo && rp_tag_ok(b, off, r);
}

/*
 * seq and cookie from the (quoted) payload, when it is there. The cookie is
 * checked here, not only in userspace: a sender who learnt one probe's tag
 * (it is fixed per target) can forge answers at will, and every record it
 * got into the ring buffer would take the place of a genuine one. False if
 * the payload is there and its cookie is not the one we sent with its seq.
 */
static __always_inline bool rp_read_payload(const __u8 *b, __u32 n, __u32 off, __u32 avail,
					    struct rp_record *r)
{
	if (avail < RP_PAYLOAD_LEN || off + RP_PAYLOAD_LEN > n)
		return true;
	r->seq = rp_rd64le(b, off);
	r->cookie = rp_rd64le(b, off + 8);
	if (r->cookie != rp_addr_hash(r->target, r->seq, 2))
		return false;
	r->flags |= RP_REC_F_PAYLOAD;
	return true;
}

/*
 * An error's verdict from what it quotes after the probe's first 8 bytes:
 * quoting 8 bytes is fine (routers may), quoting a payload we never sent is
 * not; a TCP probe is a bare SYN, with no payload to check.
 */
static __always_inline int rp_quote_verdict(const __u8 *b, __u32 n, __u32 off, __u32 avail,
					    struct rp_record *r)
{
	if (rp_trace_proto == RP_IPPROTO_TCP)
		return RP_V_ERROR;
	return rp_read_payload(b, n, off, avail, r) ? RP_V_ERROR : RP_V_FORGED;
}

/* An echo reply echoes the whole payload: one without it (a bare tag) is no answer. */
static __always_inline int rp_reply_payload(const __u8 *b, __u32 n, __u32 off, __u32 avail,
					    struct rp_record *r)
{
	if (!rp_read_payload(b, n, off, avail, r) || !(r->flags & RP_REC_F_PAYLOAD))
		return RP_V_FORGED;
	return RP_V_REPLY;
}

/* The whole ICMP message must verify when it lies inside the copy window. */
static __always_inline bool rp_icmp_csum(const __u8 *b, __u32 n, __u32 icmp, __u32 len,
					 struct rp_record *r)
{
	if (icmp + len > n) {
		r->flags |= RP_REC_F_CSUM_UNCHECKED;
		return true;
	}
	return rp_csum_ok(b, icmp, len);
}

/*
 * A transport checksum's pseudo-header: the addresses (words 4-byte words at
 * off: 2 for IPv4, 8 for IPv6), the length and the protocol, summed in host
 * order like the message (network-order words swapped).
 */
static __always_inline __u64 rp_pseudo_sum(const __u8 *b, __u32 off, __u32 words, __u32 len, __u32 proto)
{
	__u64 sum = __builtin_bswap16((__u16)(len >> 16)) + __builtin_bswap16((__u16)len) +
		    __builtin_bswap16((__u16)proto);
	const __u8 *a = &b[RP_OFF(off)];
	__u32 i;

#pragma unroll
	for (i = 0; i < 8; i++)
		if (i < words)
			sum += *(const __u32 *)&a[4 * i];
	return sum;
}

static __always_inline bool rp_is_tcp(__u32 proto)
{
	return rp_trace_proto == RP_IPPROTO_TCP && proto == RP_IPPROTO_TCP;
}

#define RP_TCP_SYN 0x02
#define RP_TCP_RST 0x04
#define RP_TCP_ACK 0x10

/*
 * A TCP trace's destination answers its SYN with a SYN-ACK, or with a RST
 * where nothing listens; either acknowledges the probe's sequence number plus
 * one, which names the probe as a quote's would (rp_l4_ok). r->target is the
 * packet's source; psum its pseudo-header's sum.
 */
static __always_inline int rp_parse_tcp(const __u8 *b, __u32 n, __u32 tcp, __u32 len, __u64 psum,
					struct rp_record *r)
{
	__u32 fl;

	if (len < 20 || tcp + 20 > n)
		return RP_V_MALFORMED;
	fl = b[RP_OFF(tcp + 13)];
	if (!(fl & RP_TCP_ACK) || !(fl & (RP_TCP_SYN | RP_TCP_RST)))
		return RP_V_NOT_OURS;
	if (!rp_l4_ok(r, rp_rd16(b, tcp + 2), rp_rd16(b, tcp), rp_rd32(b, tcp + 8) - 1))
		return RP_V_NOT_OURS;
	/*
	 * Linux leaves a segment's checksum to the device (CHECKSUM_PARTIAL): on
	 * a veth or from the host itself the field still holds the pseudo-
	 * header's folded sum, which the stack trusts. Summed in host order,
	 * that sum's bytes are the field's swapped.
	 */
	if (tcp + len > n) {
		r->flags |= RP_REC_F_CSUM_UNCHECKED;
	} else if (!rp_csum_ok_from(b, tcp, len, psum)) {
		if (rp_fold(psum) != __builtin_bswap16((__u16)rp_rd16(b, tcp + 16)))
			return RP_V_MALFORMED;
		r->flags |= RP_REC_F_CSUM_UNCHECKED;
	}
	__builtin_memcpy(r->from, r->target, RP_ADDR_LEN);
	r->kind = RP_KIND_REPLY;
	r->flags |= RP_REC_F_TCP;
	r->info = fl;
	return RP_V_REPLY;
}

/*
 * RFC 4884 extensions follow an ICMP error's original datagram field: qlen
 * bytes long (the header's length field), at least 128; a field of 0 from a
 * router older than RFC 4884 means 128 when the message is long enough (as
 * traceroute reads RFC 4950's). An MPLS label stack object (class 1, type 1)
 * first in the structure is copied into the record, RP_MPLS_MAX entries at
 * most, to the bottom of the stack.
 */
static __always_inline void rp_mpls(const __u8 *b, __u32 n, __u32 icmp, __u32 len, __u32 qlen,
				    struct rp_record *r)
{
	__u32 e, olen, i, o;

	if (qlen && qlen < 128)
		return;
	qlen = qlen ? qlen : 128;
	e = icmp + 8 + qlen;
	if (8 + qlen + 8 > len || e + 8 > n || (b[RP_OFF(e)] >> 4) != 2)
		return;
	olen = rp_rd16(b, e + 4);
	if (b[RP_OFF(e + 6)] != 1 || b[RP_OFF(e + 7)] != 1 || olen < 8 || 8 + qlen + 4 + olen > len)
		return;
#pragma unroll
	for (i = 0; i < RP_MPLS_MAX; i++) {
		o = e + 8 + 4 * i;
		if (4 + 4 * (i + 1) > olen || o + 4 > n)
			break;
		r->mpls[i] = rp_rd32(b, o);
		r->nlabels = (__u8)(i + 1);
		if (r->mpls[i] & 0x100) /* bottom of stack */
			break;
	}
}

static __always_inline int rp_parse_reply(const __u8 *b, __u32 n, __u32 l3, __u32 icmp,
					  __u32 len, struct rp_record *r, bool xdp)
{
	rp_addr4(r->target, b, l3 + 12);
	__builtin_memcpy(r->from, r->target, RP_ADDR_LEN);
	if (!rp_tag_ok(b, icmp, r) && !rp_group(b, icmp, r, xdp))
		return RP_V_NOT_OURS;
	if (!rp_icmp_csum(b, n, icmp, len, r))
		return RP_V_MALFORMED;
	r->kind = RP_KIND_REPLY;
	return rp_reply_payload(b, n, icmp + 8, len - 8, r);
}

/* An ICMP error is ours if it quotes an echo request whose tag fits its destination. */
static __always_inline int rp_parse_error(const __u8 *b, __u32 n, __u32 l3, __u32 icmp,
					  __u32 len, struct rp_record *r)
{
	__u32 q = icmp + 8, qhl, qicmp;

	if (len < 8 + 20 || q + 20 > n)
		return RP_V_MALFORMED;
	if ((b[RP_OFF(q)] >> 4) != 4)
		return RP_V_NOT_OURS;
	qhl = (b[RP_OFF(q)] & 0xf) * 4;
	if (qhl < 20)
		return RP_V_MALFORMED;
	if (b[RP_OFF(q + 9)] != (rp_trace_proto ? rp_trace_proto : RP_IPPROTO_ICMP))
		return RP_V_NOT_OURS;
	qicmp = q + qhl;
	if (len < 8 + qhl + 8 || qicmp + 8 > n)
		return RP_V_MALFORMED;
	rp_addr4(r->target, b, q + 16);
	if (rp_probe == RP_PROBE_TSTAMP) {
		/* Its originate names the probe: a quote of only 8 bytes cannot be checked. */
		if (b[RP_OFF(qicmp)] != RP_ICMP_TIMESTAMP || len < 8 + qhl + 12 || qicmp + 12 > n ||
		    !rp_ts_ok(b, qicmp, r))
			return RP_V_NOT_OURS;
	} else if (!rp_quote_ok(b, qicmp, RP_ICMP_ECHO, r)) {
		return RP_V_NOT_OURS;
	}
	if (!rp_icmp_csum(b, n, icmp, len, r))
		return RP_V_MALFORMED;
	rp_addr4(r->from, b, l3 + 12);
	r->kind = RP_KIND_ERROR;
	r->qttl = b[RP_OFF(q + 8)];
	rp_mpls(b, n, icmp, len, 4 * (__u32)b[RP_OFF(icmp + 5)], r);
	if (r->icmp_type == RP_ICMP_DEST_UNREACH)
		r->info = rp_rd16(b, icmp + 6);
	else if (r->icmp_type == RP_ICMP_PARAMETERPROB)
		r->info = b[RP_OFF(icmp + 4)];
	if (rp_probe == RP_PROBE_TSTAMP)
		return RP_V_ERROR;
	return rp_quote_verdict(b, n, qicmp + 8, len - 8 - qhl - 8, r);
}

/*
 * A timestamp reply (RFC 792: 20 bytes) from the probed address, naming one
 * of our requests to it; its three times go to the record.
 */
static __always_inline int rp_parse_tsreply(const __u8 *b, __u32 n, __u32 l3, __u32 icmp,
					    __u32 len, struct rp_record *r)
{
	if (len < RP_TS_LEN || icmp + RP_TS_LEN > n)
		return RP_V_MALFORMED;
	rp_addr4(r->target, b, l3 + 12);
	__builtin_memcpy(r->from, r->target, RP_ADDR_LEN);
	if (!rp_ts_ok(b, icmp, r))
		return RP_V_NOT_OURS;
	if (!rp_icmp_csum(b, n, icmp, len, r))
		return RP_V_MALFORMED;
	r->kind = RP_KIND_REPLY;
	r->ts.orig = rp_rd32(b, icmp + 8);
	r->ts.recv = rp_rd32(b, icmp + 12);
	r->ts.xmit = rp_rd32(b, icmp + 16);
	return RP_V_REPLY;
}

/* frags (XDP, a constant): note first fragments of echo replies (RP_V_FRAG). */
static __always_inline int rp_parse_ipv4(const __u8 *b, __u32 n, __u32 pkt_len, __u32 l3,
					 struct rp_record *r, bool frags)
{
	__u32 hl, tot, icmp, len;

	if (l3 + 20 > n)
		return RP_V_MALFORMED;
	if ((b[RP_OFF(l3)] >> 4) != 4)
		return RP_V_MALFORMED;
	hl = (b[RP_OFF(l3)] & 0xf) * 4;
	tot = rp_rd16(b, l3 + 2);
	if (hl < 20 || tot < hl || l3 + hl > n || l3 + tot > pkt_len)
		return RP_V_MALFORMED;
	/*
	 * XDP runs before the stack checks the header; a reply it would drop is
	 * not a reply. A socket sees only what the stack checked, and perhaps
	 * changed since: a record route or timestamp option gets the receiver's
	 * entry, the checksum left as it came.
	 */
	if (frags && !rp_csum_ok(b, l3, hl))
		return RP_V_MALFORMED;
	if (b[RP_OFF(l3 + 9)] != RP_IPPROTO_ICMP && !rp_is_tcp(b[RP_OFF(l3 + 9)]))
		return RP_V_NOT_OURS;
	icmp = l3 + hl;
	/* Fragments are reassembled by the stack; XDP sees them before that (rp_frags). */
	if (rp_rd16(b, l3 + 6) & 0x3fff) {
		if (!frags || (rp_rd16(b, l3 + 6) & 0x3fff) != 0x2000 ||
		    b[RP_OFF(l3 + 9)] != RP_IPPROTO_ICMP)
			return RP_V_NOT_OURS;
		rp_addr4(r->from, b, l3 + 12);
		return rp_first_frag(b, n, icmp, RP_ICMP_ECHOREPLY, r);
	}
	len = tot - hl;
	if (len < 8 || icmp + 8 > n)
		return RP_V_MALFORMED;

	r->family = 4;
	r->ttl = b[RP_OFF(l3 + 8)];
	if (b[RP_OFF(l3 + 9)] == RP_IPPROTO_TCP) {
		rp_addr4(r->target, b, l3 + 12);
		return rp_parse_tcp(b, n, icmp, len, rp_pseudo_sum(b, l3 + 12, 2, len, RP_IPPROTO_TCP), r);
	}
	r->icmp_type = b[RP_OFF(icmp)];
	r->icmp_code = b[RP_OFF(icmp + 1)];
	switch (r->icmp_type) {
	case RP_ICMP_ECHOREPLY:
		if (rp_probe != RP_PROBE_ECHO)
			return RP_V_NOT_OURS;
		return rp_parse_reply(b, n, l3, icmp, len, r, frags);
	case RP_ICMP_TIMESTAMPREPLY:
		if (rp_probe != RP_PROBE_TSTAMP)
			return RP_V_NOT_OURS;
		return rp_parse_tsreply(b, n, l3, icmp, len, r);
	case RP_ICMP_DEST_UNREACH:
	case RP_ICMP_TIME_EXCEEDED:
	case RP_ICMP_PARAMETERPROB:
		return rp_parse_error(b, n, l3, icmp, len, r);
	default:
		return RP_V_NOT_OURS;
	}
}

/*
 * IPv6 extension headers from *off (next header *nh) up to the upper layer.
 * NOT_OURS for a fragment that is not the first (only the first holds the
 * ICMPv6 header), MALFORMED for a header past n or end, or a chain longer
 * than RP_V6_MAX_EXT; else the upper layer's offset in *off, its protocol
 * in *nh, and *frag set for a first fragment. -1 means "go on".
 */
static __always_inline int rp_v6_walk(const __u8 *b, __u32 n, __u32 end, __u32 *off, __u32 *nh,
				      bool *frag)
{
	__u32 i;

	for (i = 0; i < RP_V6_MAX_EXT; i++) {
		if (*nh != RP_NH_HOPOPTS && *nh != RP_NH_ROUTING && *nh != RP_NH_DSTOPTS &&
		    *nh != RP_NH_FRAGMENT)
			return -1;
		if (*off + 8 > n || *off + 8 > end)
			return RP_V_MALFORMED;
		if (*nh == RP_NH_FRAGMENT) {
			if (rp_rd16(b, *off + 2) & 0xfff8)
				return RP_V_NOT_OURS;
			*frag = true;
			*nh = b[RP_OFF(*off)];
			*off += 8;
			continue;
		}
		*nh = b[RP_OFF(*off)];
		*off += ((__u32)b[RP_OFF(*off + 1)] + 1) * 8;
	}
	if (*nh == RP_NH_HOPOPTS || *nh == RP_NH_ROUTING || *nh == RP_NH_DSTOPTS ||
	    *nh == RP_NH_FRAGMENT)
		return RP_V_MALFORMED;
	return -1;
}

/*
 * ICMPv6's checksum covers a pseudo-header (rp_pseudo_sum) with next header 58.
 */
static __always_inline bool rp_icmp6_csum(const __u8 *b, __u32 n, __u32 l3, __u32 icmp, __u32 len,
					  bool frag, struct rp_record *r)
{
	if (frag || icmp + len > n) {
		r->flags |= RP_REC_F_CSUM_UNCHECKED;
		return true;
	}
	return rp_csum_ok_from(b, icmp, len, rp_pseudo_sum(b, l3 + 8, 8, len, RP_IPPROTO_ICMPV6));
}

static __always_inline void rp_addr6(__u8 *dst, const __u8 *b, __u32 off)
{
	__builtin_memcpy(dst, &b[RP_OFF(off)], 16);
}

/*
 * ::ffff:a.b.c.d in an IPv6 header is no probe of ours: IPv4 targets are
 * probed over IPv4, and their tag is the same 16 bytes, so such a packet
 * would pass for the answer to a.b.c.d.
 */
static __always_inline bool rp_addr_mapped(const __u8 *a)
{
	__u8 z = a[0] | a[1] | a[2] | a[3] | a[4] | a[5] | a[6] | a[7] | a[8] | a[9];

	return z == 0 && a[10] == 0xff && a[11] == 0xff;
}

static __always_inline int rp_parse_reply6(const __u8 *b, __u32 n, __u32 l3, __u32 icmp,
					   __u32 len, bool frag, struct rp_record *r, bool xdp)
{
	rp_addr6(r->target, b, l3 + 8);
	__builtin_memcpy(r->from, r->target, RP_ADDR_LEN);
	if (rp_addr_mapped(r->target) || (!rp_tag_ok(b, icmp, r) && !rp_group(b, icmp, r, xdp)))
		return RP_V_NOT_OURS;
	if (!rp_icmp6_csum(b, n, l3, icmp, len, frag, r))
		return RP_V_MALFORMED;
	r->kind = RP_KIND_REPLY;
	return rp_reply_payload(b, n, icmp + 8, len - 8, r);
}

/* An ICMPv6 error is ours if it quotes an echo request whose tag fits its destination. */
static __always_inline int rp_parse_error6(const __u8 *b, __u32 n, __u32 l3, __u32 icmp,
					   __u32 len, bool frag, struct rp_record *r)
{
	__u32 q = icmp + 8, qoff = q + 40, qnh, end = icmp + len;
	bool qfrag = false;
	int v;

	if (len < 8 + 40 || q + 40 > n)
		return RP_V_MALFORMED;
	if ((b[RP_OFF(q)] >> 4) != 6)
		return RP_V_NOT_OURS;
	qnh = b[RP_OFF(q + 6)];
	v = rp_v6_walk(b, n, end, &qoff, &qnh, &qfrag);
	if (v >= 0)
		return v;
	if (qnh != (rp_trace_proto ? rp_trace_proto : RP_IPPROTO_ICMPV6))
		return RP_V_NOT_OURS;
	if (qoff + 8 > n || qoff + 8 > end)
		return RP_V_MALFORMED;
	rp_addr6(r->target, b, q + 24);
	if (rp_addr_mapped(r->target) || !rp_quote_ok(b, qoff, RP_ICMP6_ECHO_REQUEST, r))
		return RP_V_NOT_OURS;
	if (!rp_icmp6_csum(b, n, l3, icmp, len, frag, r))
		return RP_V_MALFORMED;
	rp_addr6(r->from, b, l3 + 8);
	r->kind = RP_KIND_ERROR;
	r->qttl = b[RP_OFF(q + 7)];
	/* Packet too big and parameter problem hold 32-bit values where the others have a length. */
	if (r->icmp_type == RP_ICMP6_DEST_UNREACH || r->icmp_type == RP_ICMP6_TIME_EXCEEDED)
		rp_mpls(b, n, icmp, len, 8 * (__u32)b[RP_OFF(icmp + 4)], r);
	if (r->icmp_type == RP_ICMP6_PKT_TOOBIG || r->icmp_type == RP_ICMP6_PARAMPROB)
		r->info = rp_rd32(b, icmp + 4); /* the MTU, or the pointer */
	return rp_quote_verdict(b, n, qoff + 8, end - qoff - 8, r);
}

/* pkt_len counts from l3 to the end of the packet; frags as for IPv4. */
static __always_inline int rp_parse_ipv6(const __u8 *b, __u32 n, __u32 pkt_len, __u32 l3,
					 struct rp_record *r, bool frags)
{
	__u32 plen, off = l3 + 40, nh, icmp, len, end;
	bool frag = false;
	int v;

	if (l3 + 40 > n || (b[RP_OFF(l3)] >> 4) != 6)
		return RP_V_MALFORMED;
	plen = rp_rd16(b, l3 + 4);
	end = l3 + 40 + plen;
	if (end > pkt_len)
		return RP_V_MALFORMED;
	nh = b[RP_OFF(l3 + 6)];
	v = rp_v6_walk(b, n, end, &off, &nh, &frag);
	if (v >= 0)
		return v;
	/*
	 * A first fragment holds the ICMPv6 header but not the whole message its
	 * checksum covers: never credited unchecked. Reassembled by the stack, it
	 * reaches the socket program whole (in XDP mode too: rp_frags).
	 */
	if (frags && frag && nh == RP_IPPROTO_ICMPV6) {
		rp_addr6(r->from, b, l3 + 8);
		return rp_first_frag(b, n, off, RP_ICMP6_ECHO_REPLY, r);
	}
	if (frag || (nh != RP_IPPROTO_ICMPV6 && !rp_is_tcp(nh)))
		return RP_V_NOT_OURS;
	icmp = off;
	len = end - icmp;
	if (icmp >= end || len < 8 || icmp + 8 > n)
		return RP_V_MALFORMED;
	r->family = 6;
	r->ttl = b[RP_OFF(l3 + 7)];
	if (nh == RP_IPPROTO_TCP) {
		rp_addr6(r->target, b, l3 + 8);
		if (rp_addr_mapped(r->target))
			return RP_V_NOT_OURS;
		return rp_parse_tcp(b, n, icmp, len, rp_pseudo_sum(b, l3 + 8, 8, len, RP_IPPROTO_TCP), r);
	}
	r->icmp_type = b[RP_OFF(icmp)];
	r->icmp_code = b[RP_OFF(icmp + 1)];
	switch (r->icmp_type) {
	case RP_ICMP6_ECHO_REPLY:
		return rp_parse_reply6(b, n, l3, icmp, len, frag, r, frags);
	case RP_ICMP6_DEST_UNREACH:
	case RP_ICMP6_PKT_TOOBIG:
	case RP_ICMP6_TIME_EXCEEDED:
	case RP_ICMP6_PARAMPROB:
		return rp_parse_error6(b, n, l3, icmp, len, frag, r);
	default:
		return RP_V_NOT_OURS;
	}
}

/* Ethernet with up to two VLAN tags; returns the L3 offset, or 0 if not IPv4. */
static __always_inline __u32 rp_parse_eth(const __u8 *b, __u32 n, __u32 *proto)
{
	__u32 off = 14, i;

	if (n < 14)
		return 0;
	*proto = rp_rd16(b, 12);
	for (i = 0; i < 2; i++) {
		if (*proto != RP_ETH_P_8021Q && *proto != RP_ETH_P_8021AD)
			break;
		if (off + 4 > n)
			return 0;
		*proto = rp_rd16(b, off + 2);
		off += 4;
	}
	return off;
}

#endif /* RP_PARSE_BPF_H */
