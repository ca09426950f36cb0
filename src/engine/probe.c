// SPDX-License-Identifier: MIT
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"
#include "rp_hash.h"

__u32 probe_csum_add(__u32 sum, const __u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += ((__u32)b[i] << 8) | b[i + 1];
	if (len & 1)
		sum += (__u32)b[len - 1] << 8;
	return sum;
}

/* One's-complement sum folded to 16 bits, not complemented. */
static __u16 csum_sum16(__u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __u16 csum_fold(__u32 sum)
{
	return (__u16)~csum_sum16(sum);
}

__u16 probe_csum(const __u8 *b, size_t len)
{
	return csum_fold(probe_csum_add(0, b, len));
}

int probe_init(struct probe_tmpl *t, const struct probe_key *key, __u32 data)
{
	__u32 i;

	if (data < RP_PAYLOAD_LEN || data > PROBE_MAX_DATA)
		return -EINVAL;
	*t = (struct probe_tmpl){ .key = *key, .len = 8 + data };
	t->bytes = calloc(1, t->len);
	if (!t->bytes)
		return -ENOMEM;
	t->bytes[0] = 8; /* echo request, code 0 */
	/* Fill after the payload like ping: a recognisable, checksum-neutral pattern. */
	for (i = 8 + RP_PAYLOAD_LEN; i < t->len; i++)
		t->bytes[i] = (__u8)i;
	t->base_sum = probe_csum_add(0, t->bytes, t->len);
	return 0;
}

void probe_set_pattern(struct probe_tmpl *t, const __u8 *pat, __u32 len)
{
	__u32 i;

	if (!len)
		return;
	for (i = 8 + RP_PAYLOAD_LEN; i < t->len; i++)
		t->bytes[i] = pat[(i - 8) % len];
	t->base_sum = probe_csum_add(0, t->bytes, t->len);
}

int probe_init_tstamp(struct probe_tmpl *t, const struct probe_key *key)
{
	*t = (struct probe_tmpl){ .key = *key, .len = RP_TS_LEN, .tstamp = true };
	t->bytes = calloc(1, t->len);
	if (!t->bytes)
		return -ENOMEM;
	t->bytes[0] = 13; /* timestamp request, code 0; receive and transmit zero */
	return 0;
}

void probe_free(struct probe_tmpl *t)
{
	if (!t)
		return;
	free(t->bytes);
	t->bytes = NULL;
}

static void put_le64(__u8 *p, __u64 v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (__u8)v;
}

static void put_be16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = (__u8)v;
}

static void put_be32(__u8 *p, __u32 v)
{
	put_be16(p, (__u16)(v >> 16));
	put_be16(p + 2, (__u16)v);
}

/* A timestamp request: its tag in id+seq, the probe's 31 bits in originate (ringping_abi.h). */
static void probe_build_tstamp(const struct probe_tmpl *t, __u8 *buf, const struct ringping_addr *dst,
			       __u64 seq)
{
	__u32 s31 = (__u32)seq & RP_TS_SEQ_MASK;

	memcpy(buf, t->bytes, t->len);
	put_be32(buf + 4, rp_tstamp_tag(t->key.k0, t->key.k1, dst->b, s31));
	put_be32(buf + 8, RP_TS_ORIG(s31));
	put_be16(buf + 2, csum_fold(probe_csum_add(0, buf, t->len)));
}

void probe_build(const struct probe_tmpl *t, __u8 *buf, const struct ringping_addr *dst, __u64 seq)
{
	__u32 tag = rp_tag(t->key.k0, t->key.k1, dst->b);
	__u64 cookie = rp_cookie(t->key.k0, t->key.k1, dst->b, seq);
	__u32 sum;
	__u16 c;

	if (t->tstamp) {
		probe_build_tstamp(t, buf, dst, seq);
		return;
	}
	memcpy(buf, t->bytes, t->len);
	buf[4] = tag >> 24;
	buf[5] = tag >> 16;
	buf[6] = tag >> 8;
	buf[7] = tag;
	put_le64(buf + 8, seq);
	put_le64(buf + 16, cookie);
	/* Only bytes 4..23 differ from the template: add them to its sum. */
	sum = probe_csum_add(t->base_sum, buf + 4, 4 + RP_PAYLOAD_LEN);
	/*
	 * ICMPv6 echo request: type 128 for the template's 8. Its checksum also
	 * covers a pseudo-header, which the kernel adds for a raw ICMPv6 socket
	 * (RFC 3542) and tx_seal() for a frame of the packet path.
	 */
	if (!addr_is_v4(dst)) {
		buf[0] = 128;
		sum += 0x8000 - 0x0800;
	}
	c = csum_fold(sum);
	buf[2] = c >> 8;
	buf[3] = c;
}

/*
 * Paris traceroute's rule: what per-flow load balancers hash must not change
 * within a flow. The identifier is fixed per (dst, flow); the sequence field
 * and payload change per probe, and the two bytes after the payload bring the
 * sum of all but the checksum back to the one value the message has with a
 * zero sequence and payload. The checksum (ours for ICMP, the kernel's for
 * ICMPv6, over a pseudo-header that is fixed per dst) is then fixed as well.
 */
void probe_build_trace(const struct probe_tmpl *t, __u8 *buf, const struct ringping_addr *dst,
		       __u64 seq, const struct probe_hop *h)
{
	__u16 id = rp_trace_id(t->key.k0, t->key.k1, dst->b, h->flow), want, cur;
	__u32 sum;

	memcpy(buf, t->bytes, t->len);
	buf[0] = addr_is_v4(dst) ? 8 : 128;
	put_be16(buf + 4, id);
	put_be16(buf + RP_TRACE_COMP_OFF, 0);
	/* The fixed value: the message with sequence and payload zero. */
	want = csum_sum16(probe_csum_add(0, buf, t->len));
	put_be16(buf + 6, RP_TRACE_SEQ(h->flow, h->ttl, h->query));
	put_le64(buf + 8, seq);
	put_le64(buf + 16, rp_cookie(t->key.k0, t->key.k1, dst->b, seq));
	cur = csum_sum16(probe_csum_add(0, buf, t->len));
	/* cur + comp = want in one's complement: comp = want - cur = want + ~cur. */
	put_be16(buf + RP_TRACE_COMP_OFF, csum_sum16((__u32)want + (__u16)~cur));
	sum = probe_csum_add(0, buf, t->len);
	put_be16(buf + 2, csum_fold(sum));
}

/* The SYN's options, as Linux orders them: MSS, SACK permitted, timestamps, NOP, window scale. */
static const __u8 probe_syn_opts[RP_TCP_SYN_LEN - 20] = {
	2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7,
};

/* An address's bytes in a checksum: IPv4's 4, IPv6's 16. */
static __u32 probe_addr_sum(__u32 sum, const struct ringping_addr *a)
{
	size_t off = addr_is_v4(a) ? 12 : 0;

	return probe_csum_add(sum, a->b + off, 16 - off);
}

int probe_init_l4(struct probe_tmpl *t, const struct probe_key *key, __u32 data, int proto, __u16 port,
		  const struct ringping_addr *src4, const struct ringping_addr *src6)
{
	const struct ringping_addr *src[2] = { src4, src6 };
	int err;

	if (proto != IPPROTO_UDP && proto != IPPROTO_TCP)
		return -EINVAL;
	err = probe_init(t, key, data);
	if (err)
		return err;
	t->proto = proto;
	t->port = port;
	if (proto == IPPROTO_UDP) {
		/* Ports, length, checksum, seq, cookie and the balance: a probe's own. */
		memset(t->bytes, 0, RP_TRACE_COMP_OFF + 2);
	} else {
		t->len = RP_TCP_SYN_LEN;
		memset(t->bytes, 0, t->len);
		t->bytes[12] = (RP_TCP_SYN_LEN / 4) << 4; /* data offset */
		t->bytes[13] = 0x02;			  /* SYN */
		t->bytes[14] = 0xfa, t->bytes[15] = 0xf0;  /* window 64240, as Linux's first */
		memcpy(t->bytes + 20, probe_syn_opts, sizeof(probe_syn_opts));
	}
	t->base_sum = probe_csum_add(0, t->bytes, t->len);
	for (int i = 0; i < 2; i++)
		t->fixed_sum[i] = !src[i] ? 0 : probe_addr_sum(t->base_sum, src[i]) + (t->len >> 16) +
						  (t->len & 0xffff) + (__u32)proto;
	return 0;
}

/*
 * UDP: the checksum field is the hop's name, and the two bytes after the
 * payload make the datagram's sum come out so (Paris traceroute's UDP).
 * TCP: the hop's name in the sequence number, the run's in TSval; the
 * checksum is the segment's own. Only the bytes a probe writes are summed.
 */
void probe_build_trace_l4(const struct probe_tmpl *t, __u8 *buf, const struct ringping_addr *dst,
			  __u64 seq, const struct probe_hop *h)
{
	__u64 hash = rp_trace_hash(t->key.k0, t->key.k1, dst->b, h->flow);
	__u16 name = RP_TRACE_SEQ(h->flow, h->ttl, h->query), cur;
	__u32 sum = probe_addr_sum(t->fixed_sum[!addr_is_v4(dst)], dst);

	memcpy(buf, t->bytes, t->len);
	put_be16(buf, RP_TRACE_SPORT(hash));
	put_be16(buf + 2, t->port);
	if (t->proto == IPPROTO_TCP) {
		put_be32(buf + 4, RP_TRACE_TCPSEQ(hash, name));
		put_be32(buf + RP_TCP_TSVAL_OFF, (__u32)seq);
		sum = probe_csum_add(probe_csum_add(sum, buf, 8), buf + RP_TCP_TSVAL_OFF, 4);
		put_be16(buf + 16, csum_fold(sum));
		return;
	}
	put_be16(buf + 4, (__u16)t->len);
	put_le64(buf + 8, seq);
	put_le64(buf + 16, rp_cookie(t->key.k0, t->key.k1, dst->b, seq));
	cur = csum_sum16(probe_csum_add(sum, buf, RP_TRACE_COMP_OFF));
	/* The sum of all but the checksum must be ~name: the balance is ~name - cur. */
	put_be16(buf + RP_TRACE_COMP_OFF, csum_sum16((__u32)(__u16)~name + (__u16)~cur));
	put_be16(buf + 6, name);
}

bool probe_cookie_ok(const struct probe_key *key, const struct rp_record *r)
{
	if (r->flags & RP_REC_F_TSTAMP)
		return r->seq <= RP_TS_SEQ_MASK &&
		       r->cookie == rp_tstamp_tag(key->k0, key->k1, r->target, (__u32)r->seq);
	return r->cookie == rp_cookie(key->k0, key->k1, r->target, r->seq);
}
