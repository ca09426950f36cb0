/* SPDX-License-Identifier: MIT */
/*
 * Keyed hashes shared by the BPF programs and userspace: SipHash-2-4 over four
 * 64-bit words, and the probe tag and cookie built on it. Both sides must get
 * the same answer, so this header uses only __u64/__u32 arithmetic and needs
 * the includer to have defined those types (vmlinux.h or <linux/types.h>).
 *
 * tag    = low 32 bits of H(k, addr, 0, 1): carried in ICMP id+seq, so an ICMP
 *          error that quotes only 8 bytes of our probe can still be checked
 *          against its quoted destination (ZMap's validation idea).
 * cookie = H(k, addr, seq, 2): carried in the payload with seq; ties a reply
 *          to one probe and makes forged payloads detectable.
 * trace  = low 16 bits of H(k, addr, flow, 3): a trace's ICMP identifier, the
 *          same for every probe of one flow to one target (Paris traceroute);
 *          the sequence field names the probe (RP_TRACE_SEQ in ringping_abi.h);
 *          a UDP or TCP trace takes its ports and TCP sequence numbers from
 *          the whole 64 bits (RP_TRACE_SPORT, RP_TRACE_TCPSEQ).
 * tstamp = low 32 bits of H(k, addr, seq31, 4): an ICMP timestamp request's
 *          id+seq, whose originate field carries seq31 (RP_TS_ORIG): a
 *          timestamp message has no room for a payload, so this is its cookie.
 */
#ifndef RP_HASH_H
#define RP_HASH_H

#define RP_ROTL(x, b) (__u64)(((x) << (b)) | ((x) >> (64 - (b))))

#define RP_SIPROUND(v0, v1, v2, v3)                                                     \
	do {                                                                            \
		v0 += v1; v1 = RP_ROTL(v1, 13); v1 ^= v0; v0 = RP_ROTL(v0, 32);         \
		v2 += v3; v3 = RP_ROTL(v3, 16); v3 ^= v2;                               \
		v0 += v3; v3 = RP_ROTL(v3, 21); v3 ^= v0;                               \
		v2 += v1; v1 = RP_ROTL(v1, 17); v1 ^= v2; v2 = RP_ROTL(v2, 32);         \
	} while (0)

#define RP_SIPWORD(v0, v1, v2, v3, m)                                                   \
	do {                                                                            \
		v3 ^= (m);                                                              \
		RP_SIPROUND(v0, v1, v2, v3);                                            \
		RP_SIPROUND(v0, v1, v2, v3);                                            \
		v0 ^= (m);                                                              \
	} while (0)

/* Six arguments: BPF calls take five at most, so it is always inlined. */
static inline __attribute__((always_inline)) __u64 rp_siphash4(__u64 k0, __u64 k1, __u64 m0, __u64 m1, __u64 m2, __u64 m3)
{
	__u64 v0 = k0 ^ 0x736f6d6570736575ULL;
	__u64 v1 = k1 ^ 0x646f72616e646f6dULL;
	__u64 v2 = k0 ^ 0x6c7967656e657261ULL;
	__u64 v3 = k1 ^ 0x7465646279746573ULL;
	__u64 b = (__u64)32 << 56; /* message length in bytes, as SipHash's last word */

	RP_SIPWORD(v0, v1, v2, v3, m0);
	RP_SIPWORD(v0, v1, v2, v3, m1);
	RP_SIPWORD(v0, v1, v2, v3, m2);
	RP_SIPWORD(v0, v1, v2, v3, m3);
	RP_SIPWORD(v0, v1, v2, v3, b);
	v2 ^= 0xff;
	RP_SIPROUND(v0, v1, v2, v3);
	RP_SIPROUND(v0, v1, v2, v3);
	RP_SIPROUND(v0, v1, v2, v3);
	RP_SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* Addresses enter the hash as two words in host byte order. */
static inline __u64 rp_addr_word(const __u8 *a)
{
	__u64 w = 0;
	int i;

	for (i = 7; i >= 0; i--)
		w = (w << 8) | a[i];
	return w;
}

static inline __attribute__((always_inline)) __u32 rp_tag(__u64 k0, __u64 k1, const __u8 *addr16)
{
	return (__u32)rp_siphash4(k0, k1, rp_addr_word(addr16), rp_addr_word(addr16 + 8), 0, 1);
}

static inline __attribute__((always_inline)) __u64 rp_cookie(__u64 k0, __u64 k1, const __u8 *addr16, __u64 seq)
{
	return rp_siphash4(k0, k1, rp_addr_word(addr16), rp_addr_word(addr16 + 8), seq, 2);
}

/* H(k, addr, flow, 3): a UDP or TCP trace's ports and sequence numbers come from it too. */
static inline __attribute__((always_inline)) __u64 rp_trace_hash(__u64 k0, __u64 k1, const __u8 *addr16, __u32 flow)
{
	return rp_siphash4(k0, k1, rp_addr_word(addr16), rp_addr_word(addr16 + 8), flow, 3);
}

static inline __attribute__((always_inline)) __u16 rp_trace_id(__u64 k0, __u64 k1, const __u8 *addr16, __u32 flow)
{
	return (__u16)rp_trace_hash(k0, k1, addr16, flow);
}

static inline __attribute__((always_inline)) __u32 rp_tstamp_tag(__u64 k0, __u64 k1, const __u8 *addr16, __u32 seq31)
{
	return (__u32)rp_siphash4(k0, k1, rp_addr_word(addr16), rp_addr_word(addr16 + 8), seq31, 4);
}

#endif /* RP_HASH_H */
