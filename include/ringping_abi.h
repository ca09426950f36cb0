/* SPDX-License-Identifier: MIT */
/*
 * The one contract between ringping's BPF programs and its userspace:
 * ring-buffer records, per-CPU counters and the probe payload layout.
 * Fixed-width types only, explicit padding, no pointers, so that the
 * BPF object (bpfel) and the loader agree byte for byte.
 */
#ifndef RINGPING_ABI_H
#define RINGPING_ABI_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* Addresses are stored as 16 bytes; IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d). */
#define RP_ADDR_LEN 16

/* What a record reports. */
enum rp_kind {
	RP_KIND_REPLY = 1, /* echo reply from the probed address */
	RP_KIND_ERROR = 2, /* ICMP error quoting one of our probes */
};

/* Record flags. */
enum rp_rec_flags {
	RP_REC_F_PAYLOAD = 1 << 0,	  /* seq and cookie were read from the (quoted) payload */
	RP_REC_F_CSUM_UNCHECKED = 1 << 1, /* ICMP message longer than the copy window */
	RP_REC_F_RX_USER = 1 << 2,	  /* datagram path: no kernel RX stamp, a userspace one */
	RP_REC_F_TCP = 1 << 3,		  /* a TCP trace's answer from its destination: SYN-ACK or
					   * RST (flags in info), named by its acknowledgment */
	RP_REC_F_TSTAMP = 1 << 4,	  /* an ICMP timestamp probe's answer: seq holds its 31 bits
					   * (RP_TS_ORIG), cookie the request's id+seq, a reply's ts
					   * the remote's times */
	RP_REC_F_IPOPT = 1 << 5,	  /* an IPv4 reply's IP options follow: struct rp_record_opt */
};

/* MPLS label stack entries kept from an ICMP error's extension (RFC 4950). */
#define RP_MPLS_MAX 4

/*
 * One matched packet. Written by BPF into the ring buffer, read once by the
 * consumer. The receive time comes from bpf_ktime_get_tai_ns() (CLOCK_TAI);
 * see README "Clocks".
 */
struct rp_record {
	__u64 rx_ns;		   /* CLOCK_TAI when the BPF program ran */
	__u64 seq;		   /* probe sequence number from the payload */
	__u64 cookie;		   /* keyed cookie from the payload, checked in userspace */
	__u8 target[RP_ADDR_LEN];  /* probed address: reply source, or quoted destination */
	__u8 from[RP_ADDR_LEN];	   /* source of this packet (target, or reporting router) */
	__u8 kind;		   /* enum rp_kind */
	__u8 family;		   /* 4 or 6 */
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 ttl;		   /* TTL / hop limit of the received packet */
	__u8 flags;		   /* enum rp_rec_flags */
	__u16 qseq;		   /* the (quoted) echo request's ICMP sequence field */
	__u32 info;		   /* next-hop MTU (frag needed), pointer (param problem) */
	__u8 qttl;		   /* ICMP errors: the TTL / hop limit of the quoted IP header */
	__u8 nlabels;		   /* MPLS label stack entries the error carried (RFC 4950) */
	__u16 pad1;
	union {
		__u32 mpls[RP_MPLS_MAX]; /* those entries: label 20 bits, TC 3, S 1, TTL 8 */
		struct {
			__u32 orig, recv, xmit; /* a timestamp reply's three fields, host order */
		} ts;
	};
};

/*
 * An IPv4 echo reply that carries IP options (record route, timestamps: ping's
 * -R and -T), when the run asked for them (rp_ipopts): the record, then the
 * options as they came (len bytes of opt).
 */
#define RP_IPOPT_MAX 40
struct rp_record_opt {
	struct rp_record rec;	   /* flags has RP_REC_F_IPOPT */
	__u8 len;
	__u8 pad[7];
	__u8 opt[RP_IPOPT_MAX];
};

/*
 * Per-CPU counters, one array slot. Every ICMP packet the program sees lands
 * in exactly one of reply/error/not_ours/malformed/forged; rb_full counts matched
 * packets whose record could not be reserved (a local drop, never network loss).
 */
struct rp_counters {
	__u64 reply;
	__u64 error;
	__u64 not_ours;
	__u64 malformed;
	__u64 rb_full;
	__u64 forged;	/* our tag, not our payload (or none on a reply): never recorded */
	__u64 pad[2];
} __attribute__((aligned(64)));

/*
 * Probe payload, at the start of the ICMP data (host byte order: the sender
 * and the BPF program run on the same machine). seq is the probe's position
 * in the run's permutation; cookie = rp_cookie(key, target, seq).
 */
struct rp_payload {
	__u64 seq;
	__u64 cookie;
};

#define RP_PAYLOAD_LEN 16

/*
 * ICMP timestamp probes (rp_probe = RP_PROBE_TSTAMP; IPv4 only, ICMPv6 has no
 * timestamp): a 20-byte request whose originate field holds RP_TS_ORIG(seq),
 * the probe's sequence number's low 31 bits with the high bit that RFC 792
 * asks of a value that is not milliseconds since midnight UT, and whose
 * id+seq is rp_tstamp_tag(key, target, those 31 bits). The remote copies
 * originate into its reply, so reply and quoting error both name the probe.
 * Our send time comes from the kernel's TX stamp, not from that field.
 */
#define RP_PROBE_ECHO 0
#define RP_PROBE_TSTAMP 1
#define RP_TS_LEN 20
#define RP_TS_SEQ_MASK 0x7fffffffU
#define RP_TS_ORIG(seq) ((__u32)(0x80000000U | ((__u32)(seq) & RP_TS_SEQ_MASK)))

/*
 * Broadcast and multicast targets (many hosts answer one probe, each from its
 * own address): userspace lists each under its tag, the echo request's
 * identifier << 16 | sequence, in the rp_groups map before attaching.
 */
#define RP_GROUPS_MAX 64
struct rp_group {
	__u8 addr[RP_ADDR_LEN];
};

/*
 * A trace's probes (rp_trace set before load) name themselves in the ICMP
 * sequence field, which a router quoting only 8 bytes still returns: the flow
 * (6 bits), the TTL it was sent with (6 bits) and the query (4 bits, modulo
 * 16). The identifier is rp_trace_id(key, target, flow), fixed per flow, and
 * two bytes after the payload keep the sum of the message constant, so the
 * fields load balancers hash (identifier, checksum) never change within a flow.
 */
#define RP_TRACE_SEQ(flow, ttl, query) \
	((__u16)((((flow) & 0x3f) << 10) | (((ttl) & 0x3f) << 4) | ((query) & 0xf)))
#define RP_TRACE_FLOW(seq16) (((seq16) >> 10) & 0x3f)
#define RP_TRACE_TTL(seq16) (((seq16) >> 4) & 0x3f)
#define RP_TRACE_QUERY(seq16) ((seq16) & 0xf)
#define RP_TRACE_MAX_TTL 63
#define RP_TRACE_MAX_FLOWS 64
#define RP_TRACE_COMP_OFF (8 + RP_PAYLOAD_LEN) /* the two balancing bytes, in the ICMP message */

/*
 * A trace over UDP or TCP (rp_trace_proto) names its probes in the first 8
 * bytes of the transport header, all a router must quote. With
 * h = H(key, target, flow, 3) (rp_hash.h), per flow:
 *   source port      RP_TRACE_SPORT(h), destination port the run's port: the
 *                    fields load balancers hash, fixed within a flow;
 *   UDP checksum     RP_TRACE_SEQ(flow, ttl, query), the two bytes after the
 *                    payload (RP_TRACE_COMP_OFF, as for ICMP) making it come out so;
 *   TCP sequence     RP_TRACE_TCPSEQ(h, RP_TRACE_SEQ(...)): a SYN-ACK or RST from
 *                    the destination acknowledges it plus one.
 * A UDP probe's payload is an echo request's (seq and cookie); a TCP probe is a
 * bare SYN whose timestamp option's TSval is the run's sequence number's low
 * 32 bits (RP_TCP_TSVAL_OFF), which its looped TX stamp is keyed by.
 */
#define RP_TRACE_SPORT(h) ((__u16)(0x8000 | (((h) >> 16) & 0x7fff)))
#define RP_TRACE_TCPSEQ(h, seq16) ((__u32)((((h) >> 32) & 0xffff) << 16) | (__u32)(seq16))
#define RP_TCP_SYN_LEN 40	/* header (20) + MSS, SACK permitted, timestamps, NOP, window scale */
#define RP_TCP_TSVAL_OFF 28	/* in the SYN: 20 + MSS (4) + SACK permitted (2) + kind, length */
#define RP_IPPROTO_TCP 6
#define RP_IPPROTO_UDP 17
/*
 * Bytes the BPF program copies out of a packet before parsing: Ethernet with
 * two VLAN tags (22) + outer IPv4 with options (60) + ICMP (8) + quoted IPv4
 * with options (60) + quoted ICMP (8) + payload (16) = 174, rounded up. An
 * MPLS extension after a 128-byte quote (RFC 4884) fits behind Ethernet, an
 * IPv6 header and ICMPv6 (190) with its headers (8) and 4 entries (16): 214.
 */
#define RP_COPY_LEN 256

#endif /* RINGPING_ABI_H */
