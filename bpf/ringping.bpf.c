// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ringping's receive path: recognise echo replies and ICMP errors that belong
 * to this run, stamp them, and push one rp_record per packet into a ring
 * buffer. The entry points share one parser: XDP programs for an interface
 * (one that copies with bpf_xdp_load_bytes, Linux 5.18+, and one that copies
 * with direct packet access for older kernels; the loader picks), and socket
 * filters for the raw ICMP and ICMPv6 receive sockets.
 *
 * Written for the verifier of Linux 5.10: no pointer arguments to global
 * functions, every offset masked right before it meets a pointer (parse.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "parse.bpf.h"

#define RP_XDP_PASS 2
#define RP_XDP_DROP 1

/* Drop matched echo replies in XDP after recording them (errors always pass: PMTU). */
const volatile __u8 rp_xdp_drop = 0;
/* bpf_ringbuf_submit() flags: 0 (adaptive wake-up) or BPF_RB_NO_WAKEUP. */
const volatile __u64 rp_rb_flags = 0;
/*
 * Receive clock: CLOCK_TAI (bpf_ktime_get_tai_ns, Linux 6.1+), or CLOCK_MONOTONIC
 * where the kernel lacks it; userspace relates the two (README "Clocks"). A
 * known constant to the verifier, so the helper a kernel lacks is dead code.
 */
const volatile __u8 rp_clock_mono = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* resized by the loader */
} rp_events SEC(".maps");

/*
 * A slot per possible CPU (the loader sets max_entries), each a cache line,
 * in a map userspace mmaps: it reads the counters with no bpf() call, which
 * kernels before 6.5 refuse once privileges are dropped (a per-CPU array can
 * only be read by one).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct rp_counters);
} rp_counters_map SEC(".maps");

/* Where counts go if the counters map has no slot for this CPU (never, as the loader sizes it). */
struct rp_counters rp_counters_spill;

/*
 * Echo replies that reach us in fragments no larger than our interface's MTU
 * (split on a narrower link on the way): XDP sees only their fragments, and
 * notes each first one's sender, identifier and sequence here; the socket
 * program then takes the reply the stack reassembled when it finds (and
 * removes) its note. Anything else XDP has seen whole. LRU: notes of replies
 * never completed (or forged) age out.
 */
struct rp_frag_key {
	__u8 from[RP_ADDR_LEN];
	__u32 idseq;	/* the echo reply's identifier and sequence, as on the wire */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct rp_frag_key);
	__type(value, __u8);
} rp_frags SEC(".maps");

/*
 * Twice the copy window, so masked offsets plus a few bytes stay in bounds; and
 * the record being built, here rather than on the stack so that the IPv6 global
 * function can reach it without a pointer argument (5.10 allows none).
 */
struct rp_scratch {
	__u8 b[2 * RP_COPY_LEN];
	struct rp_record rec;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rp_scratch);
} rp_scratch_map SEC(".maps");

static __always_inline struct rp_scratch *rp_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&rp_scratch_map, &zero);
}

/* The scratch with its record cleared for a new packet, or NULL. */
static __always_inline struct rp_scratch *rp_scratch_new(void)
{
	struct rp_scratch *s = rp_scratch_get();

	if (s)
		__builtin_memset(&s->rec, 0, sizeof(s->rec));
	return s;
}

/*
 * IPv6 as a global function: the verifier checks it once on its own, not
 * along every path of each caller (with both families inlined the XDP
 * program passes the verifier's limit of a million instructions). Scalars
 * only: the bytes and the record are in this CPU's scratch.
 */
__noinline int rp_parse6(__u32 n, __u32 pkt_len, __u32 l3)
{
	struct rp_scratch *s = rp_scratch_get();

	if (!s)
		return RP_V_MALFORMED;
	return rp_parse_ipv6(s->b, n, pkt_len, l3, &s->rec, true);
}

/*
 * The socket program's: it only ever sees datagrams the stack put together,
 * so it has no fragments to note, and leaves that code out (a socket
 * filter's size is charged to net.core.optmem_max: 20 KiB before Linux 6.x).
 */
__noinline int rp_parse6_sock(__u32 n, __u32 pkt_len)
{
	struct rp_scratch *s = rp_scratch_get();

	if (!s)
		return RP_V_MALFORMED;
	return rp_parse_ipv6(s->b, n, pkt_len, 0, &s->rec, false);
}

static __always_inline void rp_frag_note(const struct rp_record *rec)
{
	struct rp_frag_key k;
	__u8 one = 1;

	__builtin_memcpy(k.from, rec->from, RP_ADDR_LEN);
	k.idseq = rec->info;
	bpf_map_update_elem(&rp_frags, &k, &one, BPF_ANY);
}

/* A reassembled echo reply XDP noted the first fragment of: true once (the note goes). */
static __always_inline bool rp_frag_claim(const __u8 *from, const __u8 *icmp8)
{
	struct rp_frag_key k;

	__builtin_memcpy(k.from, from, RP_ADDR_LEN);
	__builtin_memcpy(&k.idseq, icmp8 + 4, 4);
	return bpf_map_delete_elem(&rp_frags, &k) == 0;
}

/* A run that sends IP options (ping's -R, -T) wants the ones its IPv4 replies bring back. */
const volatile __u8 rp_ipopts = 0;

/*
 * An IPv4 reply with options, in the longer record: the options copied from
 * the IP header at l3 in the scratch's bytes (fixed 40, len of them valid).
 * 0, or -1 if the ring is full.
 */
static __always_inline int rp_submit_opt(const struct rp_scratch *s, __u32 l3)
{
	struct rp_record_opt *out;
	__u32 hl = (s->b[RP_OFF(l3)] & 0xf) * 4, i;

	out = bpf_ringbuf_reserve(&rp_events, sizeof(*out), 0);
	if (!out)
		return -1;
	__builtin_memcpy(&out->rec, &s->rec, sizeof(out->rec));
	out->rec.flags |= RP_REC_F_IPOPT;
	out->len = (__u8)(hl - 20);
#pragma unroll
	for (i = 0; i < RP_IPOPT_MAX; i++)
		out->opt[i] = s->b[RP_OFF(l3 + 20 + i)];
	out->rec.rx_ns = rp_clock_mono ? bpf_ktime_get_ns() : bpf_ktime_get_tai_ns();
	bpf_ringbuf_submit(out, rp_rb_flags);
	return 0;
}

/* Whether a reply's record carries its IP options: asked for, IPv4, and options there. */
static __always_inline bool rp_wants_opt(int verdict, const struct rp_scratch *s, __u32 l3)
{
	return rp_ipopts && verdict == RP_V_REPLY && s->rec.family == 4 && (s->b[RP_OFF(l3)] & 0xf) > 5;
}

/*
 * Such a reply seen by XDP is left to the socket program: the stack adds the
 * receiver's own entry to a record route or timestamp option on the way up
 * (as ping sees them), after XDP.
 */
static __always_inline int rp_xdp_defer(int verdict, const struct rp_scratch *s, __u32 l3)
{
	return rp_wants_opt(verdict, s, l3) ? RP_V_DEFER : verdict;
}

/* Count the verdict and emit the record; returns the verdict, or -1 on ring full. */
static __always_inline int rp_emit(int verdict, const struct rp_scratch *s, __u32 l3)
{
	const struct rp_record *rec = &s->rec;
	struct rp_counters *c;
	struct rp_record *out;
	__u32 cpu = bpf_get_smp_processor_id();

	/* A loader that left fewer slots than CPUs loses counts, never records. */
	c = bpf_map_lookup_elem(&rp_counters_map, &cpu);
	if (!c)
		c = &rp_counters_spill;
	switch (verdict) {
	case RP_V_NOT_OURS:
		c->not_ours++;
		return verdict;
	case RP_V_MALFORMED:
		c->malformed++;
		return verdict;
	case RP_V_FORGED:
		c->forged++;
		return verdict;
	case RP_V_FRAG:
		rp_frag_note(rec);
		c->not_ours++; /* not a reply yet: the socket program counts the whole one */
		return RP_V_NOT_OURS;
	case RP_V_DEFER:
		c->not_ours++; /* the socket program counts it */
		return RP_V_NOT_OURS;
	}
	if (rp_wants_opt(verdict, s, l3)) {
		if (rp_submit_opt(s, l3)) {
			c->rb_full++;
			return -1;
		}
		c->reply++;
		return verdict;
	}
	out = bpf_ringbuf_reserve(&rp_events, sizeof(*out), 0);
	if (!out) {
		c->rb_full++;
		return -1;
	}
	__builtin_memcpy(out, rec, sizeof(*out));
	out->rx_ns = rp_clock_mono ? bpf_ktime_get_ns() : bpf_ktime_get_tai_ns();
	bpf_ringbuf_submit(out, rp_rb_flags);
	if (verdict == RP_V_REPLY)
		c->reply++;
	else
		c->error++;
	return verdict;
}

/* Parse the n bytes copied from an Ethernet frame of pkt_len bytes; the XDP verdict. */
static __always_inline int rp_xdp_frame(struct rp_scratch *s, __u32 n, __u32 pkt_len)
{
	__u32 l3, proto = 0;
	int v;

	l3 = rp_parse_eth(s->b, n, &proto);
	if (l3 && proto == RP_ETH_P_IP)
		v = rp_xdp_defer(rp_parse_ipv4(s->b, n, pkt_len, l3, &s->rec, true), s, l3);
	else if (l3 && proto == RP_ETH_P_IPV6)
		v = rp_parse6(n, pkt_len, l3);
	else
		v = RP_V_NOT_OURS;
	v = rp_emit(v, s, l3);
	/* A TCP answer goes on to the stack, whose RST ends the destination's half-open connection. */
	return (v == RP_V_REPLY && rp_xdp_drop && !(s->rec.flags & RP_REC_F_TCP)) ? RP_XDP_DROP
										   : RP_XDP_PASS;
}

SEC("xdp")
int rp_xdp(struct xdp_md *ctx)
{
	struct rp_scratch *s;
	__u32 pkt_len;
	__u64 n; /* 64-bit so the bound below sits on the register passed to the helper */

	s = rp_scratch_new();
	if (!s)
		return RP_XDP_PASS;
	pkt_len = bpf_xdp_get_buff_len(ctx);
	n = pkt_len; /* bpf_xdp_load_bytes() reads across fragments too */
	if (n > RP_COPY_LEN)
		n = RP_COPY_LEN;
	if (n < 14 || bpf_xdp_load_bytes(ctx, 0, s->b, n))
		return RP_XDP_PASS;
	return rp_xdp_frame(s, n, pkt_len);
}

#define RP_DPA_WORDS (RP_COPY_LEN / 8)

/*
 * Kernels before 5.18 have no bpf_xdp_load_bytes: copy the head of the linear
 * frame by direct packet access, 8 bytes at a time at constant offsets (an
 * unrolled loop every verifier follows), then the last 8 bytes of the copy
 * again at a masked variable offset for the tail. Frames under 16 bytes are
 * not ICMP and pass.
 */
SEC("xdp")
int rp_xdp_dpa(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct rp_scratch *s;
	__u32 pkt_len = (__u32)(end - data), n, i, t;

	s = rp_scratch_new();
	if (!s || data + 16 > end)
		return RP_XDP_PASS;
	n = pkt_len < RP_COPY_LEN ? pkt_len : RP_COPY_LEN;
#pragma unroll
	for (i = 0; i < RP_DPA_WORDS; i++) {
		if (data + 8 * i + 8 > end || 8 * i + 8 > n)
			break;
		*(__u64 *)&s->b[8 * i] = *(__u64 *)(data + 8 * i);
	}
	t = n - 8;
	asm volatile("" : "+r"(t));
	t &= RP_COPY_LEN - 1; /* n - 8 is 8..248 already: the mask is for the verifier */
	if (data + t + 8 > end)
		return RP_XDP_PASS;
	*(__u64 *)&s->b[t] = *(__u64 *)(data + t);
	return rp_xdp_frame(s, n, pkt_len);
}

/*
 * In XDP mode the socket programs sit on raw sockets too, for what XDP
 * cannot see whole: replies that came in fragments (XDP runs before
 * reassembly). A datagram longer than the interface's MTU (set here before
 * load) must have been fragmented; a shorter one only if XDP noted its first
 * fragment (rp_frags). Anything else XDP has seen, and recording it again
 * would count a duplicate. rp_sock_min_len (parse.bpf.h) is 0 in socket mode: all.
 *
 * Here: XDP mode, an IPv4 datagram no longer than the MTU: an echo reply XDP
 * saw in fragments?
 */
static __always_inline bool rp_sock_reassembled4(struct __sk_buff *skb)
{
	__u8 h[20], icmp[8], from[RP_ADDR_LEN];
	__u32 hl;

	if (bpf_skb_load_bytes(skb, 0, h, sizeof(h)) || h[9] != RP_IPPROTO_ICMP)
		return false;
	hl = (h[0] & 0xf) * 4;
	if (bpf_skb_load_bytes(skb, hl, icmp, sizeof(icmp)) || icmp[0] != RP_ICMP_ECHOREPLY)
		return false;
	__builtin_memset(from, 0, 10);
	from[10] = from[11] = 0xff;
	__builtin_memcpy(from + 12, h + 12, 4);
	return rp_frag_claim(from, icmp);
}

/* XDP mode, a run sending IP options: an IPv4 datagram with options, which XDP left here (rp_xdp_defer). */
static __always_inline bool rp_sock_ipopts(struct __sk_buff *skb)
{
	__u8 v;

	return rp_ipopts && !bpf_skb_load_bytes(skb, 0, &v, 1) && (v & 0xf) > 5;
}

/* The same for IPv6 (h: its header; the socket's data starts at the ICMPv6 header). */
static __always_inline bool rp_sock_reassembled6(struct __sk_buff *skb, const __u8 *h)
{
	__u8 icmp[8];

	if (bpf_skb_load_bytes(skb, 0, icmp, sizeof(icmp)) || icmp[0] != RP_ICMP6_ECHO_REPLY)
		return false;
	return rp_frag_claim(h + 8, icmp);
}

/*
 * Attached to the raw receive socket, where data starts at the IP header.
 * It always returns 0: records travel through the ring buffer, so nothing is
 * ever queued on the socket and its receive buffer cannot overflow.
 */
SEC("socket")
int rp_sock(struct __sk_buff *skb)
{
	struct rp_scratch *s;
	__u64 n;

	/* XDP mode (rp_sock_min_len set: socket mode prunes this): XDP saw it whole, noted it, or left it here. */
	if (rp_sock_min_len && skb->len <= rp_sock_min_len && !rp_sock_reassembled4(skb) &&
	    !rp_sock_ipopts(skb))
		return 0;
	s = rp_scratch_new();
	if (!s)
		return 0;
	n = skb->len;
	if (n > RP_COPY_LEN)
		n = RP_COPY_LEN;
	if (n < 20 || bpf_skb_load_bytes(skb, 0, s->b, n))
		return 0;
	rp_emit(rp_parse_ipv4(s->b, n, skb->len, 0, &s->rec, false), s, 0);
	return 0;
}

/*
 * Attached to the raw ICMPv6 receive socket, where data starts at the ICMPv6
 * header: copy from the network header instead. The stack has trimmed the
 * packet to 40 + payload length, so that many bytes are there to copy.
 */
SEC("socket")
int rp_sock6(struct __sk_buff *skb)
{
	struct rp_scratch *s;
	__u64 n, total;

	s = rp_scratch_new();
	if (!s || bpf_skb_load_bytes_relative(skb, 0, s->b, 40, BPF_HDR_START_NET))
		return 0;
	total = 40 + rp_rd16(s->b, 4);
	if (rp_sock_min_len && total <= rp_sock_min_len && !rp_sock_reassembled6(skb, s->b))
		return 0;
	n = total < RP_COPY_LEN ? total : RP_COPY_LEN;
	/* Always true; hidden from clang so that the verifier of 5.10 sees the bounds. */
	asm volatile("" : "+r"(n));
	if (n < 40 || n > RP_COPY_LEN ||
	    bpf_skb_load_bytes_relative(skb, 0, s->b, n, BPF_HDR_START_NET))
		return 0;
	rp_emit(rp_parse6_sock((__u32)n, (__u32)total), s, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
