/* SPDX-License-Identifier: MIT */
/*
 * Echo requests: a prebuilt template per run, stamped per probe with the
 * keyed tag (ICMP id+seq), the probe's sequence number and its cookie, with
 * the checksum updated incrementally from the template's. And the userspace
 * half of validation: the cookie of a matched record.
 */
#ifndef RP_PROBE_H
#define RP_PROBE_H

#include <stdbool.h>
#include "addr.h"

#define PROBE_MAX_DATA 65000 /* ICMP data bytes; the IPv4 datagram must fit 65535 */

struct probe_key {
	__u64 k0, k1;
};

struct probe_tmpl {
	struct probe_key key;
	__u32 len;	/* ICMP message bytes: 8 + data */
	__u32 base_sum; /* one's-complement sum of the template with tag and payload zero */
	__u8 *bytes;	/* the template */
	int proto;	/* a trace's transport: 0 (ICMP echo), IPPROTO_UDP or IPPROTO_TCP */
	bool tstamp;	/* ICMP timestamp requests (probe_init_tstamp), not echo requests */
	__u16 port;	/* UDP and TCP: the destination port */
	/*
	 * UDP and TCP, per family (IPv4, IPv6): the sum of what the checksum
	 * covers and no probe changes: the template (base_sum: the bytes a probe
	 * writes zero) and the pseudo-header's source, length and protocol.
	 */
	__u32 fixed_sum[2];
};

/* data: ICMP data bytes, RP_PAYLOAD_LEN..PROBE_MAX_DATA. 0 or -errno. */
int probe_init(struct probe_tmpl *t, const struct probe_key *key, __u32 data);
/*
 * ping's -p: the data after the payload is pat (len 1..16 bytes) repeated,
 * aligned to the data's start as ping's fill is.
 */
void probe_set_pattern(struct probe_tmpl *t, const __u8 *pat, __u32 len);
/* ICMP timestamp requests (RP_TS_LEN bytes, IPv4 only; ringping_abi.h). 0 or -errno. */
int probe_init_tstamp(struct probe_tmpl *t, const struct probe_key *key);
void probe_free(struct probe_tmpl *t);
/*
 * Write the probe for (dst, seq) into buf (t->len bytes): an echo request
 * (ICMP, or ICMPv6 for an IPv6 dst), or a timestamp request (t->tstamp).
 */
void probe_build(const struct probe_tmpl *t, __u8 *buf, const struct ringping_addr *dst, __u64 seq);
/* Which of a trace's probes: its flow, the TTL it is sent with, its query (ringping_abi.h). */
struct probe_hop {
	__u32 flow, ttl, query;
};

/* A trace needs the two balancing bytes after the payload. */
#define PROBE_TRACE_MIN_DATA (RP_PAYLOAD_LEN + 2)
/*
 * Write a trace's echo request for (dst, seq) as one hop's probe: the flow's
 * identifier, the hop in the sequence field, and a checksum that stays the
 * same for every probe of one flow to dst (t->len >= 8 + PROBE_TRACE_MIN_DATA).
 */
void probe_build_trace(const struct probe_tmpl *t, __u8 *buf, const struct ringping_addr *dst,
		       __u64 seq, const struct probe_hop *h);
/*
 * A UDP or TCP trace's template (proto IPPROTO_UDP: data bytes as
 * probe_init; IPPROTO_TCP: a bare SYN of RP_TCP_SYN_LEN bytes), to port,
 * from src4 and src6 (NULL: that family is not probed): the kernel sends
 * these probes as they are, checksums and all.
 */
int probe_init_l4(struct probe_tmpl *t, const struct probe_key *key, __u32 data, int proto, __u16 port,
		  const struct ringping_addr *src4, const struct ringping_addr *src6);
/*
 * A UDP or TCP trace's probe for (dst, seq) at hop h (ringping_abi.h): ports
 * fixed per flow, the hop in the UDP checksum or the TCP sequence number.
 */
void probe_build_trace_l4(const struct probe_tmpl *t, __u8 *buf, const struct ringping_addr *dst,
			  __u64 seq, const struct probe_hop *h);
/*
 * True if the record's cookie is the one we sent to its target with its seq
 * (a timestamp probe's: its tag, for those 31 bits of seq).
 */
bool probe_cookie_ok(const struct probe_key *key, const struct rp_record *r);
/* Internet checksum of a buffer (for tests and the template). */
__u16 probe_csum(const __u8 *b, size_t len);
/* Add len bytes as big-endian 16-bit words to an unfolded one's-complement sum. */
__u32 probe_csum_add(__u32 sum, const __u8 *b, size_t len);

#endif
