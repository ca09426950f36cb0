// SPDX-License-Identifier: MIT
/*
 * ringping's BPF programs run on crafted frames with bpf_prog_test_run_opts():
 * each case asserts the verdict, the ring-buffer records and the counters.
 * Needs root (or CAP_BPF + CAP_NET_ADMIN); skips with a message otherwise.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "probe.h"
#include "rp_hash.h"
#include "ringping.skel.h"

#define XDP_DROP 1
#define XDP_PASS 2
#define MAX_FRAME 600

static const struct probe_key key = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

struct fixture {
	struct ringping_bpf *skel;
	struct bpf_program *xdp; /* rp_xdp where the kernel has bpf_xdp_load_bytes, else rp_xdp_dpa */
	bool both_xdp;		 /* both XDP programs loaded: they are compared */
	struct ring_buffer *rb;
	struct rp_record recs[8];
	struct rp_record_opt opts[8]; /* the longer records (IP options), at the same index */
	int nrecs; /* kept, at most 8 */
	int total; /* seen */
};

static struct fixture fx;
/* The trace group: programs loaded with rp_trace, probes built as a trace's (this hop). */
static bool fx_trace;
static const struct probe_hop *trace_hop;
/* The UDP and TCP trace groups: the transport and port loaded (rp_trace_proto, rp_trace_port). */
static int fx_proto;
static __u16 fx_port;
/* The timestamp group: programs loaded with rp_probe = RP_PROBE_TSTAMP. */
static __u8 fx_probe;
/* The IP options group: programs loaded with rp_ipopts (ping's -R, -T). */
static __u8 fx_ipopts;

/* ---- frame building ---- */

struct frame {
	__u8 b[MAX_FRAME];
	size_t len;
};

static void put16(__u8 *p, unsigned v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(__u8 *p, __u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void addr4(struct ringping_addr *a, __u32 v)
{
	addr_from_v4(a, v);
}

/* IPv4 header with optional options (optlen multiple of 4); returns its length. */
static size_t ip4(__u8 *p, __u32 src, __u32 dst, size_t payload, size_t optlen, __u8 ttl)
{
	size_t hl = 20 + optlen;
	__u16 c;

	memset(p, 0, hl);
	p[0] = 0x40 | (hl / 4);
	put16(p + 2, hl + payload);
	p[8] = ttl;
	p[9] = 1;
	put16(p + 12, src >> 16), put16(p + 14, src & 0xffff);
	put16(p + 16, dst >> 16), put16(p + 18, dst & 0xffff);
	memset(p + 20, 1, optlen); /* NOP options */
	c = probe_csum(p, hl);
	put16(p + 10, c);
	return hl;
}

static void fix_ip_csum(__u8 *ip)
{
	size_t hl = (ip[0] & 0xf) * 4;

	ip[10] = ip[11] = 0;
	put16(ip + 10, probe_csum(ip, hl));
}

static void eth(struct frame *f, unsigned vlans)
{
	unsigned i;

	memset(f->b, 0, 12);
	f->len = 12;
	for (i = 0; i < vlans; i++) {
		put16(f->b + f->len, 0x8100);
		put16(f->b + f->len + 2, 7);
		f->len += 4;
	}
	put16(f->b + f->len, 0x0800);
	f->len += 2;
}

static void fix_icmp_csum(__u8 *icmp, size_t len)
{
	icmp[2] = icmp[3] = 0;
	put16(icmp + 2, probe_csum(icmp, len));
}

/* Our echo request to dst as ringping builds it, with 56 data bytes. */
static size_t probe_bytes(__u8 *out, __u32 dst, __u64 seq)
{
	struct probe_tmpl t;
	struct ringping_addr a;
	size_t len;

	assert_int_equal(probe_init(&t, &key, 56), 0);
	addr4(&a, dst);
	if (trace_hop)
		probe_build_trace(&t, out, &a, seq, trace_hop);
	else
		probe_build(&t, out, &a, seq);
	len = t.len;
	probe_free(&t);
	return len;
}

/* The target's echo reply to our probe. */
static void reply_frame(struct frame *f, __u32 target, __u64 seq, size_t optlen, unsigned vlans)
{
	__u8 icmp[64];
	size_t ilen = probe_bytes(icmp, target, seq);

	icmp[0] = 0;
	fix_icmp_csum(icmp, ilen);
	eth(f, vlans);
	f->len += ip4(f->b + f->len, target, 0xc6120001, ilen, optlen, 63);
	memcpy(f->b + f->len, icmp, ilen);
	f->len += ilen;
}

/* An ICMP error from router quoting probe (plen bytes, to target), with quote bytes of it. */
static void error_frame_of(struct frame *f, __u8 type, __u8 code, __u32 router, __u32 target,
			   const __u8 *probe, size_t plen, size_t quote, size_t qoptlen)
{
	__u8 msg[MAX_FRAME];
	size_t qhl, mlen;

	memset(msg, 0, 8);
	msg[0] = type;
	msg[1] = code;
	put16(msg + 6, 1400);
	qhl = ip4(msg + 8, 0xc6120001, target, plen, qoptlen, 1);
	memcpy(msg + 8 + qhl, probe, quote);
	mlen = 8 + qhl + quote;
	fix_icmp_csum(msg, mlen);
	eth(f, 0);
	f->len += ip4(f->b + f->len, router, 0xc6120001, mlen, 0, 64);
	memcpy(f->b + f->len, msg, mlen);
	f->len += mlen;
}

/* An ICMP error from router quoting our probe to target, with quote bytes of its ICMP part. */
static void error_frame(struct frame *f, __u8 type, __u8 code, __u32 router, __u32 target,
			__u64 seq, size_t quote, size_t qoptlen)
{
	__u8 probe[64];
	size_t plen = probe_bytes(probe, target, seq);

	error_frame_of(f, type, code, router, target, probe, plen, quote, qoptlen);
}

/* Our timestamp request to dst (--probe timestamp), as ringping builds it. */
static size_t ts_bytes(__u8 *out, __u32 dst, __u64 seq)
{
	struct probe_tmpl t;
	struct ringping_addr a;

	assert_int_equal(probe_init_tstamp(&t, &key), 0);
	addr4(&a, dst);
	probe_build(&t, out, &a, seq);
	probe_free(&t);
	assert_int_equal(probe_csum(out, RP_TS_LEN), 0);
	return RP_TS_LEN;
}

/* The target's timestamp reply to our request seq: its receive and transmit times. */
static void ts_reply_frame(struct frame *f, __u32 target, __u64 seq, __u32 recv, __u32 xmit)
{
	__u8 icmp[RP_TS_LEN];

	ts_bytes(icmp, target, seq);
	icmp[0] = 14;
	put32(icmp + 12, recv);
	put32(icmp + 16, xmit);
	fix_icmp_csum(icmp, RP_TS_LEN);
	eth(f, 0);
	f->len += ip4(f->b + f->len, target, 0xc6120001, RP_TS_LEN, 0, 62);
	memcpy(f->b + f->len, icmp, RP_TS_LEN);
	f->len += RP_TS_LEN;
}

/* ---- IPv6 frames ---- */

static const __u8 me6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const __u8 router6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0xff, [15] = 2 };

static void tgt6(__u8 *a, unsigned host)
{
	static const __u8 base[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };

	memcpy(a, base, 16);
	put16(a + 14, host);
}

static void eth6(struct frame *f)
{
	memset(f->b, 0, 12);
	put16(f->b + 12, 0x86dd);
	f->len = 14;
}

/* IPv6 header; payload counts every byte after it (extension headers too). */
static size_t ip6(__u8 *p, const __u8 *src, const __u8 *dst, size_t payload, __u8 nh, __u8 hlim)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, payload);
	p[6] = nh;
	p[7] = hlim;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	return 40;
}

/* ICMPv6 checksum with its pseudo-header. */
static void fix_icmp6_csum(__u8 *icmp, size_t len, const __u8 *src, const __u8 *dst)
{
	__u8 buf[MAX_FRAME + 40];

	icmp[2] = icmp[3] = 0;
	memcpy(buf, src, 16);
	memcpy(buf + 16, dst, 16);
	memset(buf + 32, 0, 8);
	put16(buf + 34, len);
	buf[39] = 58;
	memcpy(buf + 40, icmp, len);
	put16(icmp + 2, probe_csum(buf, 40 + len));
}

/* Our ICMPv6 echo request to dst (56 data bytes), checksummed as the kernel would. */
static size_t probe6_bytes(__u8 *out, const __u8 *dst, __u64 seq)
{
	struct probe_tmpl t;
	struct ringping_addr a;
	size_t len;

	assert_int_equal(probe_init(&t, &key, 56), 0);
	memcpy(a.b, dst, 16);
	if (trace_hop)
		probe_build_trace(&t, out, &a, seq, trace_hop);
	else
		probe_build(&t, out, &a, seq);
	assert_int_equal(out[0], 128);
	len = t.len;
	probe_free(&t);
	fix_icmp6_csum(out, len, me6, dst);
	return len;
}

/* An extension header chain: n headers of kind nh (8 bytes each); the last names last_nh. */
static size_t ext6(__u8 *p, unsigned n, __u8 nh, __u8 last_nh)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		memset(p + 8 * i, 0, 8);
		p[8 * i] = i + 1 < n ? nh : last_nh;
		p[8 * i + 2] = 1, p[8 * i + 3] = 4; /* PadN option filling the header */
	}
	return 8 * n;
}

/* The target's ICMPv6 echo reply, after next extension headers of kind nh. */
static void reply6_frame(struct frame *f, unsigned host, __u64 seq, unsigned next, __u8 nh)
{
	__u8 icmp[64], t[16];
	size_t ilen, elen;

	tgt6(t, host);
	ilen = probe6_bytes(icmp, t, seq);
	icmp[0] = 129;
	fix_icmp6_csum(icmp, ilen, t, me6);
	eth6(f);
	elen = 8 * next;
	f->len += ip6(f->b + f->len, t, me6, elen + ilen, next ? nh : 58, 61);
	f->len += ext6(f->b + f->len, next, nh, 58);
	memcpy(f->b + f->len, icmp, ilen);
	f->len += ilen;
}

/* An ICMPv6 error from router6 quoting our probe to host, the quote carrying qext dest-options headers. */
static void error6_frame(struct frame *f, __u8 type, __u8 code, unsigned host, __u64 seq,
			 unsigned qext)
{
	__u8 probe[64], msg[MAX_FRAME], t[16];
	size_t plen, mlen = 8;

	tgt6(t, host);
	plen = probe6_bytes(probe, t, seq);
	memset(msg, 0, 8);
	msg[0] = type;
	msg[1] = code;
	put16(msg + 6, type == 2 ? 1280 : type == 4 ? 40 : 0);
	mlen += ip6(msg + mlen, me6, t, 8 * qext + plen, qext ? 60 : 58, 1);
	mlen += ext6(msg + mlen, qext, 60, 58);
	memcpy(msg + mlen, probe, plen);
	mlen += plen;
	fix_icmp6_csum(msg, mlen, router6, me6);
	eth6(f);
	f->len += ip6(f->b + f->len, router6, me6, mlen, 58, 64);
	memcpy(f->b + f->len, msg, mlen);
	f->len += mlen;
}

/* ---- running ---- */

static int on_rec(void *ctx, void *data, size_t len)
{
	fx.total++;
	if (fx.nrecs < 8 && len == sizeof(struct rp_record_opt))
		memcpy(&fx.opts[fx.nrecs], data, len);
	if (fx.nrecs < 8 && (len == sizeof(struct rp_record) || len == sizeof(struct rp_record_opt)))
		memcpy(&fx.recs[fx.nrecs++], data, sizeof(struct rp_record));
	return 0;
}

/* The counters' slots, one per CPU, summed as the loader sums them. */
static struct rp_counters counters(void)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(fx.skel->maps.rp_counters_map);
	struct rp_counters v, sum = { 0 };

	for (__u32 i = 0; i < (__u32)ncpu; i++) {
		assert_int_equal(bpf_map_lookup_elem(fd, &i, &v), 0);
		sum.reply += v.reply;
		sum.error += v.error;
		sum.not_ours += v.not_ours;
		sum.malformed += v.malformed;
		sum.rb_full += v.rb_full;
		sum.forged += v.forged;
	}
	return sum;
}

static void reset_counters(void)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(fx.skel->maps.rp_counters_map);
	struct rp_counters v = { 0 };

	for (__u32 i = 0; i < (__u32)ncpu; i++)
		assert_int_equal(bpf_map_update_elem(fd, &i, &v, 0), 0);
	ring_buffer__consume(fx.rb);
	fx.nrecs = fx.total = 0;
}

/* Run one program on a frame; returns its return value and collects records. */
static int run(struct bpf_program *prog, const struct frame *f)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->b, .data_size_in = f->len, .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(prog), &o), 0);
	ring_buffer__consume(fx.rb);
	return (int)o.retval;
}

#define XDP fx.xdp
#define SOCK fx.skel->progs.rp_sock
#define SOCK6 fx.skel->progs.rp_sock6

static int setup(void **state)
{
	reset_counters();
	return 0;
}

static void assert_counts(__u64 reply, __u64 error, __u64 not_ours, __u64 malformed)
{
	struct rp_counters c = counters();

	assert_int_equal(c.reply, reply);
	assert_int_equal(c.error, error);
	assert_int_equal(c.not_ours, not_ours);
	assert_int_equal(c.malformed, malformed);
	assert_int_equal(c.rb_full, 0);
}

static void assert_addr4(const __u8 *a, __u32 v)
{
	struct ringping_addr want;

	addr4(&want, v);
	assert_memory_equal(a, want.b, 16);
}

/* ---- cases ---- */

static void test_our_reply_xdp(void **state)
{
	struct frame f;

	reply_frame(&f, 0xc6130a0b, 4242, 0, 0);
	assert_int_equal(run(XDP, &f), XDP_DROP);
	assert_int_equal(fx.nrecs, 1);
	assert_int_equal(fx.recs[0].kind, RP_KIND_REPLY);
	assert_int_equal(fx.recs[0].family, 4);
	assert_int_equal(fx.recs[0].ttl, 63);
	assert_int_equal(fx.recs[0].seq, 4242);
	assert_true(fx.recs[0].flags & RP_REC_F_PAYLOAD);
	assert_false(fx.recs[0].flags & RP_REC_F_CSUM_UNCHECKED);
	assert_true(probe_cookie_ok(&key, &fx.recs[0]));
	assert_true(fx.recs[0].rx_ns > 0);
	assert_addr4(fx.recs[0].target, 0xc6130a0b);
	assert_addr4(fx.recs[0].from, 0xc6130a0b);
	assert_counts(1, 0, 0, 0);
}

static void test_our_reply_socket(void **state)
{
	struct frame f;

	reply_frame(&f, 0xc6130001, 7, 0, 0);
	assert_int_equal(run(SOCK, &f), 0); /* never queued on the socket */
	assert_int_equal(fx.nrecs, 1);
	assert_int_equal(fx.recs[0].seq, 7);
	assert_counts(1, 0, 0, 0);
}

static void test_reply_with_options_and_vlans(void **state)
{
	struct frame f;

	reply_frame(&f, 0xc6130002, 9, 40, 2);
	assert_int_equal(run(XDP, &f), XDP_DROP);
	assert_int_equal(fx.nrecs, 1);
	assert_int_equal(fx.recs[0].seq, 9);
	assert_counts(1, 0, 0, 0);
}

static void test_other_process_reply(void **state)
{
	struct frame f;
	__u8 *icmp;

	reply_frame(&f, 0xc6130003, 1, 0, 0);
	icmp = f.b + 14 + 20;
	icmp[4] ^= 0x5a; /* another id: someone else's ping */
	fix_icmp_csum(icmp, f.len - 34);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 2, 0);
}

static void test_reply_from_other_address(void **state)
{
	struct frame f;

	reply_frame(&f, 0xc6130004, 1, 0, 0);
	f.b[14 + 15] ^= 1; /* source differs from the probed target: the tag no longer fits */
	fix_ip_csum(f.b + 14);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 1, 0);
}

/*
 * A broadcast target (rp_groups): a reply from another host whose tag names
 * it is its answer, credited to the target with the sender in from; its
 * payload must still be the one sent to the target. Not listed: not ours.
 */
static void test_group_reply(void **state)
{
	struct ringping_addr g;
	struct rp_group v;
	__u32 tag, bcast = 0xc61303ff, host = 0xc613030b;
	struct frame f;

	addr4(&g, bcast);
	memcpy(v.addr, g.b, 16);
	tag = rp_tag(key.k0, key.k1, g.b);
	reply_frame(&f, bcast, 7, 0, 0);
	memcpy(f.b + 14 + 12, &(__u32){ htonl(host) }, 4); /* from a host of the segment */
	fix_ip_csum(f.b + 14);
	assert_int_equal(run(SOCK, &f), 0); /* no group listed yet */
	assert_int_equal(fx.nrecs, 0);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(fx.skel->maps.rp_groups), &tag, &v, 0), 0);
	assert_int_equal(run(XDP, &f), XDP_DROP);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 2);
	assert_memory_equal(fx.recs[0].target, g.b, 16);
	assert_int_equal(fx.recs[0].from[15], 0x0b);
	assert_int_equal(fx.recs[0].seq, 7);
	f.b[14 + 20 + 8 + 15] ^= 0xff; /* the cookie's last byte, the sum made right again */
	fix_icmp_csum(f.b + 14 + 20, f.len - 14 - 20);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 2);
	assert_int_equal(counters().forged, 1);
	assert_int_equal(bpf_map_delete_elem(bpf_map__fd(fx.skel->maps.rp_groups), &tag), 0);
}

static void test_reply_bad_checksum(void **state)
{
	struct frame f;

	reply_frame(&f, 0xc6130005, 1, 0, 0);
	f.b[f.len - 1] ^= 0xff;
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 0, 1);
}

/*
 * The tag is fixed per target, so whoever saw one probe can forge the rest:
 * a wrong cookie, or a seq moved to another probe, is turned away in BPF
 * (never a record that could take a genuine answer's place in the ring).
 */
static void test_forged_payload_rejected_in_bpf(void **state)
{
	struct frame f;
	__u8 *icmp;

	reply_frame(&f, 0xc6130006, 11, 0, 0);
	icmp = f.b + 14 + 20;
	icmp[8 + 9] ^= 0x01; /* cookie byte: tag still fits, cookie does not */
	fix_icmp_csum(icmp, f.len - 34);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	reply_frame(&f, 0xc6130006, 11, 0, 0);
	icmp[8] ^= 0x01; /* seq 10: the cookie was for 11 */
	fix_icmp_csum(icmp, f.len - 34);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 0, 0);
	assert_int_equal(counters().forged, 3);
}

/* A real echo reply echoes the whole payload: a bare tag (8 data bytes, no cookie) is no answer. */
static void test_tag_only_reply_rejected(void **state)
{
	struct frame f;
	__u8 icmp[64];
	size_t ilen = 16;

	probe_bytes(icmp, 0xc6130007, 12);
	icmp[0] = 0;
	fix_icmp_csum(icmp, ilen);
	eth(&f, 0);
	f.len += ip4(f.b + f.len, 0xc6130007, 0xc6120001, ilen, 0, 63);
	memcpy(f.b + f.len, icmp, ilen);
	f.len += ilen;
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_int_equal(counters().forged, 2);
}

/* An error whose quoted payload was never ours: forged; an 8-byte quote stays fine. */
static void test_error_quoting_a_forged_payload(void **state)
{
	struct frame f;
	__u8 *icmp;

	error_frame(&f, 3, 1, 0xc6120002, 0xc6130008, 13, 64, 0);
	icmp = f.b + 14 + 20;
	icmp[8 + 20 + 8 + 10] ^= 0x40; /* the quoted cookie */
	fix_icmp_csum(icmp, f.len - 34);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_int_equal(counters().forged, 1);
}

static void test_error_quoting_our_probe(void **state)
{
	struct frame f;

	error_frame(&f, 3, 4, 0xc6120002, 0xc6126407, 77, 64, 0);
	assert_int_equal(run(XDP, &f), XDP_PASS); /* errors always reach the stack (PMTU) */
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 2);
	assert_int_equal(fx.recs[0].kind, RP_KIND_ERROR);
	assert_int_equal(fx.recs[0].icmp_type, 3);
	assert_int_equal(fx.recs[0].icmp_code, 4);
	assert_int_equal(fx.recs[0].info, 1400);
	assert_int_equal(fx.recs[0].seq, 77);
	assert_true(probe_cookie_ok(&key, &fx.recs[0]));
	assert_addr4(fx.recs[0].target, 0xc6126407);
	assert_addr4(fx.recs[0].from, 0xc6120002);
	assert_counts(0, 2, 0, 0);
}

static void test_error_quoting_8_bytes(void **state)
{
	struct frame f;

	error_frame(&f, 11, 0, 0xc6120002, 0xc612c801, 5, 8, 0);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 1);
	assert_int_equal(fx.recs[0].icmp_type, 11);
	assert_false(fx.recs[0].flags & RP_REC_F_PAYLOAD);
	assert_addr4(fx.recs[0].target, 0xc612c801);
	assert_counts(0, 1, 0, 0);
}

static void test_error_quote_with_options(void **state)
{
	struct frame f;

	error_frame(&f, 12, 0, 0xc6120002, 0xc6130009, 3, 64, 40);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 1);
	assert_int_equal(fx.recs[0].icmp_type, 12);
	assert_int_equal(fx.recs[0].seq, 3);
	assert_counts(0, 1, 0, 0);
}

static void test_error_quoting_something_else(void **state)
{
	struct frame f;

	/* The quoted header says UDP. */
	error_frame(&f, 3, 3, 0xc6120002, 0xc6130007, 1, 64, 0);
	f.b[14 + 20 + 8 + 9] = 17;
	assert_int_equal(run(XDP, &f), XDP_PASS);
	/* An echo request of ours, but to a different destination than its tag names. */
	error_frame(&f, 3, 1, 0xc6120002, 0xc6130007, 1, 64, 0);
	f.b[14 + 20 + 8 + 19] ^= 1;
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 2, 0);
}

static void test_truncated_and_malformed(void **state)
{
	struct frame f, g;
	size_t cut;
	int n = 0;

	reply_frame(&f, 0xc6130008, 1, 0, 0);
	/* ICMP of 0..7 bytes, with the IP total length telling the truth. */
	for (cut = 0; cut < 8; cut++, n++) {
		g = f;
		g.len = 14 + 20 + cut;
		put16(g.b + 14 + 2, 20 + cut);
		assert_int_equal(run(SOCK, &g), 0);
	}
	g = f; /* IHL below 5 */
	g.b[14] = 0x44;
	assert_int_equal(run(XDP, &g), XDP_PASS), n++;
	g = f; /* total length beyond the bytes present */
	put16(g.b + 14 + 2, 1000);
	assert_int_equal(run(XDP, &g), XDP_PASS), n++;
	g = f; /* IHL beyond the bytes present */
	g.b[14] = 0x4f;
	g.len = 14 + 40;
	assert_int_equal(run(XDP, &g), XDP_PASS), n++;
	error_frame(&g, 3, 1, 0xc6120002, 0xc6130008, 1, 64, 0);
	g.len = 14 + 20 + 8 + 12; /* quote cut inside the quoted IP header */
	put16(g.b + 14 + 2, 20 + 8 + 12);
	assert_int_equal(run(XDP, &g), XDP_PASS), n++;
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 0, n);
}

/* rp_frags' key, as ringping.bpf.c lays it out: the sender, then the echo identifier and sequence. */
struct frag_key {
	__u8 from[16];
	__u8 idseq[4];
};

/* Whether XDP noted an echo reply's first fragment: sender (16 bytes), its ICMP header. */
static bool frag_noted(const __u8 *from, const __u8 *icmp)
{
	struct frag_key k;
	__u8 v;

	memcpy(k.from, from, 16);
	memcpy(k.idseq, icmp + 4, 4);
	return bpf_map_lookup_elem(bpf_map__fd(fx.skel->maps.rp_frags), &k, &v) == 0;
}

/*
 * A first fragment passes on, unrecorded, for the stack to reassemble; XDP
 * notes who sent it and its identifier and sequence (rp_frags), by which the
 * socket program knows the whole reply later. A later fragment is no note.
 */
static void test_fragment_passes(void **state)
{
	__u8 from[16] = { [10] = 0xff, [11] = 0xff };
	struct frame f;

	reply_frame(&f, 0xc613000a, 1, 0, 0);
	f.b[14 + 6] = 0x20; /* more fragments */
	fix_ip_csum(f.b + 14);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 1, 0);
	memcpy(from + 12, f.b + 14 + 12, 4);
	assert_true(frag_noted(from, f.b + 14 + 20));
	/* Another target (the identifier and sequence are its keyed tag): a later fragment. */
	reply_frame(&f, 0xc613000b, 2, 0, 0);
	f.b[14 + 6] = 0x20, f.b[14 + 7] = 0x10; /* more fragments, offset 16 * 8 */
	fix_ip_csum(f.b + 14);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	memcpy(from + 12, f.b + 14 + 12, 4);
	assert_false(frag_noted(from, f.b + 14 + 20));
}

/*
 * Flip each byte of a valid reply. Every run lands in exactly one counter, and
 * a match survives only where no check covers the byte: the Ethernet
 * addresses (and, for the socket filter, which never sees L2, the EtherType),
 * and for the socket filter the IPv4 header's bytes only its checksum covers
 * (TOS, identification, TTL, the checksum itself, the destination, which is
 * ours: the stack delivers nothing else to the socket): a socket sees only what
 * the stack has checked, which it may have changed since (a record route
 * option), so the filter leaves that sum to the stack.
 */
static void flip_each_byte(struct bpf_program *prog, size_t l2_unchecked, bool ip_sum_unchecked)
{
	static const size_t sum_only[] = { 1, 4, 5, 8, 10, 11, 16, 17, 18, 19 }; /* in the IPv4 header */
	struct frame f, g;
	struct rp_counters c;
	size_t i, k, kept = 0;

	reply_frame(&f, 0xc613000b, 99, 0, 0);
	for (i = 0; i < f.len; i++) {
		int before = fx.total;
		bool unchecked = i < l2_unchecked;

		for (k = 0; ip_sum_unchecked && k < sizeof(sum_only) / sizeof(sum_only[0]); k++)
			unchecked = unchecked || i == 14 + sum_only[k];
		kept += unchecked;
		g = f;
		g.b[i] ^= 0xff;
		run(prog, &g);
		if (unchecked)
			assert_int_equal(fx.total, before + 1);
		else if (fx.total != before)
			fail_msg("flipping byte %zu kept the match", i);
	}
	c = counters();
	assert_int_equal(c.reply + c.error + c.not_ours + c.malformed, f.len);
	assert_int_equal(c.reply, kept);
	assert_int_equal(fx.total, kept);
}

static void test_flip_each_byte_xdp(void **state)
{
	flip_each_byte(XDP, 12, false);
}

static void test_flip_each_byte_socket(void **state)
{
	flip_each_byte(SOCK, 14, true);
}

/*
 * The two XDP copies (bpf_xdp_load_bytes, direct packet access) must give the
 * same verdict and the same record for every frame: every length from 16 to
 * a full reply and beyond the copy window, each byte of a reply flipped, and
 * the error and IPv6 frames.
 */
static void xdp_same(const struct frame *f)
{
	struct rp_record a, b;
	int va, vb, n;

	n = fx.nrecs = 0;
	va = run(fx.skel->progs.rp_xdp, f);
	if (fx.nrecs)
		a = fx.recs[n++];
	vb = run(fx.skel->progs.rp_xdp_dpa, f);
	assert_int_equal(va, vb);
	assert_int_equal(fx.nrecs, 2 * n);
	if (!n)
		return;
	b = fx.recs[1];
	a.rx_ns = b.rx_ns = 0;
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_xdp_copies_agree(void **state)
{
	struct frame f, g;
	size_t i;

	if (!fx.both_xdp) {
		print_message("kernel has no bpf_xdp_load_bytes: only rp_xdp_dpa loads, nothing to compare\n");
		skip();
	}
	reply_frame(&f, 0xc613000c, 77, 40, 2);
	for (i = 16; i <= f.len; i++) {
		g = f;
		g.len = i;
		xdp_same(&g);
	}
	for (i = 0; i < f.len; i++) {
		g = f;
		g.b[i] ^= 0xa5;
		xdp_same(&g);
	}
	error_frame(&f, 3, 1, 0xc6120002, 0xc6126408, 5, 64, 40);
	xdp_same(&f);
	error6_frame(&f, 2, 0, 0x200, 8, 1);
	xdp_same(&f);
	f.len = MAX_FRAME; /* longer than the copy window: the tail is not copied */
	xdp_same(&f);
}

static void test_non_ip_passes(void **state)
{
	struct frame f = { .len = 60 };

	put16(f.b + 12, 0x0806); /* ARP */
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_counts(0, 0, 1, 0);
}

/* ---- IPv6 ---- */

static void assert_tgt6(const __u8 *a, unsigned host)
{
	__u8 want[16];

	tgt6(want, host);
	assert_memory_equal(a, want, 16);
}

/* Our reply, in both programs, bare and behind a chain of extension headers. */
static void test_reply6(void **state)
{
	struct frame f;

	reply6_frame(&f, 0x0a0b, 77, 0, 0);
	assert_int_equal(run(XDP, &f), XDP_DROP);
	assert_int_equal(run(SOCK6, &f), 0);
	assert_int_equal(fx.nrecs, 2);
	assert_int_equal(fx.recs[0].family, 6);
	assert_int_equal(fx.recs[0].kind, RP_KIND_REPLY);
	assert_int_equal(fx.recs[0].ttl, 61);
	assert_int_equal(fx.recs[0].seq, 77);
	assert_true(probe_cookie_ok(&key, &fx.recs[0]));
	assert_false(fx.recs[0].flags & RP_REC_F_CSUM_UNCHECKED);
	assert_tgt6(fx.recs[0].target, 0x0a0b);
	assert_tgt6(fx.recs[0].from, 0x0a0b);
	assert_memory_equal(fx.recs[0].target, fx.recs[1].target, 16); /* the same in both programs */
	assert_int_equal(fx.recs[1].seq, 77);
	reply6_frame(&f, 5, 78, 3, 60); /* three destination-options headers */
	assert_int_equal(run(XDP, &f), XDP_DROP);
	reply6_frame(&f, 5, 79, 2, 0); /* hop-by-hop, hop-by-hop */
	assert_int_equal(run(SOCK6, &f), 0);
	assert_int_equal(fx.nrecs, 4);
	assert_int_equal(fx.recs[2].seq, 78);
	assert_int_equal(fx.recs[3].seq, 79);
	assert_counts(4, 0, 0, 0);
}

/*
 * A reply from ::ffff:198.19.0.9 over IPv6 with the tag of 198.19.0.9 (the
 * same 16 bytes): IPv4 targets are probed over IPv4, so it answers nothing.
 */
static void test_reply6_from_mapped_address(void **state)
{
	__u8 icmp[64], t[16] = { [10] = 0xff, [11] = 0xff, [12] = 198, [13] = 19, [15] = 9 };
	struct frame f;
	size_t ilen;

	ilen = probe_bytes(icmp, 0xc6130009, 5); /* the tag and cookie of 198.19.0.9 */
	icmp[0] = 129;
	fix_icmp6_csum(icmp, ilen, t, me6);
	eth6(&f);
	f.len += ip6(f.b + f.len, t, me6, ilen, 58, 61);
	memcpy(f.b + f.len, icmp, ilen);
	f.len += ilen;
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(run(SOCK6, &f), 0);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 2, 0);
}

/* Another process's reply, a bad checksum, a chain longer than six, a chain cut short. */
static void test_reply6_rejects(void **state)
{
	struct frame f;

	reply6_frame(&f, 9, 1, 0, 0);
	f.b[14 + 40 + 4] ^= 1; /* the identifier: not our tag */
	assert_int_equal(run(XDP, &f), XDP_PASS);
	reply6_frame(&f, 9, 1, 0, 0);
	f.b[14 + 40 + 30] ^= 1; /* payload byte: checksum fails */
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(run(SOCK6, &f), 0);
	reply6_frame(&f, 9, 1, 7, 60); /* seven extension headers */
	assert_int_equal(run(XDP, &f), XDP_PASS);
	reply6_frame(&f, 9, 1, 6, 60); /* six is the limit: still parsed */
	assert_int_equal(run(XDP, &f), XDP_DROP);
	reply6_frame(&f, 9, 1, 2, 60);
	f.len = 14 + 40 + 4;		  /* cut inside the first extension header */
	put16(f.b + 14 + 4, 4);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	reply6_frame(&f, 9, 1, 0, 0);
	put16(f.b + 14 + 4, 200); /* payload length beyond the packet */
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 1);
	assert_counts(1, 0, 1, 5);
}

/* Only a first fragment holds the ICMPv6 header; it is matched without a checksum. */
static void test_fragments6(void **state)
{
	struct frame f;

	reply6_frame(&f, 3, 5, 1, 44);
	f.b[14 + 40 + 2] = 0, f.b[14 + 40 + 3] = 1; /* offset 0, more fragments */
	/* Its checksum covers fragments not here: passed on, credited once reassembled. */
	f.b[f.len - 1] ^= 0xff; /* and a checksum that could not be checked anyway */
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_true(frag_noted(f.b + 14 + 8, f.b + 14 + 48)); /* the reassembled reply's note */
	reply6_frame(&f, 4, 6, 1, 44);
	f.b[14 + 40 + 2] = 0, f.b[14 + 40 + 3] = 0x08; /* offset 1 (8 bytes): never ICMPv6 */
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_false(frag_noted(f.b + 14 + 8, f.b + 14 + 48));
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 2, 0);
}

/* Each ICMPv6 error type quoting our probe, also behind a quoted extension header. */
static void test_errors6(void **state)
{
	static const __u8 types[][2] = { { 1, 3 }, { 2, 0 }, { 3, 0 }, { 4, 1 } };
	__u8 t[16];
	struct frame f;
	int i;

	for (i = 0; i < 4; i++) {
		error6_frame(&f, types[i][0], types[i][1], 0x100 + i, 500 + i, i == 3 ? 1 : 0);
		assert_int_equal(run(i % 2 ? SOCK6 : XDP, &f), i % 2 ? 0 : XDP_PASS);
		assert_int_equal(fx.nrecs, i + 1);
		assert_int_equal(fx.recs[i].kind, RP_KIND_ERROR);
		assert_int_equal(fx.recs[i].family, 6);
		assert_int_equal(fx.recs[i].icmp_type, types[i][0]);
		assert_int_equal(fx.recs[i].icmp_code, types[i][1]);
		assert_int_equal(fx.recs[i].seq, 500 + i);
		assert_true(probe_cookie_ok(&key, &fx.recs[i]));
		assert_tgt6(fx.recs[i].target, 0x100 + i);
		assert_memory_equal(fx.recs[i].from, router6, 16);
	}
	assert_int_equal(fx.recs[1].info, 1280); /* packet too big: the MTU */
	assert_int_equal(fx.recs[3].info, 40);	 /* parameter problem: the pointer */
	error6_frame(&f, 1, 0, 7, 9, 0);
	f.b[14 + 40 + 8 + 40 + 4] ^= 0xff; /* the quoted identifier: someone else's probe */
	tgt6(t, 7);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	error6_frame(&f, 3, 0, 7, 9, 0);
	f.b[14 + 40 + 8 + 40] = 129; /* quoting an echo reply, not a request */
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_counts(0, 4, 2, 0);
}

/* ---- timestamp probes (programs loaded with rp_probe = RP_PROBE_TSTAMP) ---- */

/* A reply names its request by originate and tag: recorded with the remote's times, both programs. */
static void test_ts_reply(void **state)
{
	struct frame f;

	ts_reply_frame(&f, 0xc6130a0b, 4242, 3600000, 3600001);
	assert_int_equal(run(XDP, &f), XDP_DROP);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fx.recs[i].kind, RP_KIND_REPLY);
		assert_int_equal(fx.recs[i].seq, 4242);
		assert_true(fx.recs[i].flags & RP_REC_F_TSTAMP);
		assert_true(fx.recs[i].flags & RP_REC_F_PAYLOAD);
		assert_int_equal(fx.recs[i].ts.orig, RP_TS_ORIG(4242));
		assert_int_equal(fx.recs[i].ts.recv, 3600000);
		assert_int_equal(fx.recs[i].ts.xmit, 3600001);
		assert_int_equal(fx.recs[i].nlabels, 0);
		assert_true(probe_cookie_ok(&key, &fx.recs[i]));
		assert_addr4(fx.recs[i].target, 0xc6130a0b);
	}
	/* The sequence number's high bit is not sent: a reply names the low 31. */
	ts_reply_frame(&f, 0xc6130a0b, 0x80000007ULL, 1, 2);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 3);
	assert_int_equal(fx.recs[2].seq, 7);
	assert_counts(3, 0, 0, 0);
}

/* What a forger or a stranger's timestamp reply may look like: never a record. */
static void test_ts_forgeries(void **state)
{
	struct frame f;
	__u8 *icmp = f.b + 14 + 20;

	ts_reply_frame(&f, 0xc6130a0c, 5, 1, 2);
	icmp[5] ^= 1; /* another tag */
	fix_icmp_csum(icmp, RP_TS_LEN);
	assert_int_equal(run(SOCK, &f), 0);
	ts_reply_frame(&f, 0xc6130a0c, 5, 1, 2);
	icmp[8] &= 0x7f; /* a standard originate: somebody else's request */
	fix_icmp_csum(icmp, RP_TS_LEN);
	assert_int_equal(run(SOCK, &f), 0);
	ts_reply_frame(&f, 0xc6130a0c, 5, 1, 2);
	icmp[11] ^= 2; /* another probe's name under this one's tag */
	fix_icmp_csum(icmp, RP_TS_LEN);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	ts_reply_frame(&f, 0xc6130a0c, 5, 1, 2);
	f.b[14 + 15] ^= 1; /* from another address */
	fix_ip_csum(f.b + 14);
	assert_int_equal(run(SOCK, &f), 0);
	reply_frame(&f, 0xc6130a0c, 5, 0, 0); /* an echo reply: not what this run sent */
	assert_int_equal(run(SOCK, &f), 0);
	assert_counts(0, 0, 5, 0);
	ts_reply_frame(&f, 0xc6130a0c, 5, 1, 2);
	icmp[15] ^= 1; /* the sum no longer holds */
	assert_int_equal(run(SOCK, &f), 0);
	ts_reply_frame(&f, 0xc6130a0c, 5, 1, 2);
	put16(f.b + 14 + 2, 20 + 16); /* cut to 16 bytes */
	fix_ip_csum(f.b + 14);
	f.len -= 4;
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 5, 2);
}

/* An error quoting a request names it by its originate: a quote of only 8 bytes cannot. */
static void test_ts_errors(void **state)
{
	struct frame f;
	__u8 probe[RP_TS_LEN];

	ts_bytes(probe, 0xc6130a0d, 77);
	error_frame_of(&f, 3, 1, 0xc6120002, 0xc6130a0d, probe, RP_TS_LEN, RP_TS_LEN, 0);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	error_frame_of(&f, 11, 0, 0xc6120002, 0xc6130a0d, probe, RP_TS_LEN, 12, 4);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 2);
	assert_int_equal(fx.recs[0].kind, RP_KIND_ERROR);
	assert_int_equal(fx.recs[0].seq, 77);
	assert_true(fx.recs[0].flags & RP_REC_F_TSTAMP);
	assert_true(probe_cookie_ok(&key, &fx.recs[0]));
	assert_int_equal(fx.recs[1].icmp_type, 11);
	assert_int_equal(fx.recs[1].seq, 77);
	error_frame_of(&f, 3, 1, 0xc6120002, 0xc6130a0d, probe, RP_TS_LEN, 8, 0);
	assert_int_equal(run(SOCK, &f), 0);
	error_frame_of(&f, 3, 1, 0xc6120002, 0xc6130a0e, probe, RP_TS_LEN, RP_TS_LEN, 0);
	assert_int_equal(run(SOCK, &f), 0); /* quoted to another address than its tag's */
	error_frame(&f, 3, 1, 0xc6120002, 0xc6130a0d, 77, 64, 0); /* quoting an echo request */
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 2);
	assert_counts(0, 2, 3, 0);
}

/* ---- IP options (programs loaded with rp_ipopts) ---- */

/* Our reply carrying a record route option with two addresses recorded (of room for nine). */
static void rr_reply_frame(struct frame *f, __u32 target)
{
	__u8 *opt;

	reply_frame(f, target, 31, 40, 0);
	opt = f->b + 14 + 20;
	memset(opt, 0, 40);
	opt[0] = 1, opt[1] = 7, opt[2] = 39, opt[3] = 12; /* NOP, then RR: two slots used */
	put32(opt + 4, 0xc6120001);
	put32(opt + 8, 0xc6120002);
	fix_ip_csum(f->b + 14);
}

/*
 * The socket program records a reply's options after its record; XDP leaves
 * such a reply to it (the stack adds the receiver's entry first), and records
 * one without options as always.
 */
static void test_ipopt_reply(void **state)
{
	struct frame f;

	rr_reply_frame(&f, 0xc6130a21);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 1);
	assert_true(fx.recs[0].flags & RP_REC_F_IPOPT);
	assert_int_equal(fx.recs[0].seq, 31);
	assert_int_equal(fx.opts[0].len, 40);
	assert_int_equal(fx.opts[0].opt[1], 7);
	assert_int_equal(fx.opts[0].opt[3], 12);
	assert_memory_equal(fx.opts[0].opt + 4, "\xc6\x12\x00\x01\xc6\x12\x00\x02", 8);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 1);
	reply_frame(&f, 0xc6130a22, 32, 0, 0);
	assert_int_equal(run(XDP, &f), XDP_DROP);
	assert_int_equal(fx.nrecs, 2);
	assert_false(fx.recs[1].flags & RP_REC_F_IPOPT);
	assert_counts(2, 0, 1, 0);
}

/*
 * The stack writes the receiver's entry into the option and leaves the
 * header's sum as it came: the socket program takes the reply anyway (the
 * stack checked the sum before), XDP, which runs first, would not.
 */
static void test_ipopt_changed_by_the_stack(void **state)
{
	struct frame f;

	rr_reply_frame(&f, 0xc6130a23);
	f.b[14 + 20 + 3] += 4; /* a third slot, as the receiving stack fills it */
	put32(f.b + 14 + 20 + 12, 0xc6120001);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 1);
	assert_int_equal(fx.opts[0].opt[3], 16);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_counts(1, 0, 0, 1);
}

static int group_setup(void **state)
{
	fx.skel = ringping_bpf__open();
	if (!fx.skel)
		return -1;
	fx.skel->rodata->rp_key0 = key.k0;
	fx.skel->rodata->rp_key1 = key.k1;
	fx.skel->rodata->rp_xdp_drop = 1;
	fx.skel->rodata->rp_trace = fx_trace;
	fx.skel->rodata->rp_trace_proto = (__u8)fx_proto;
	fx.skel->rodata->rp_trace_port = fx_port;
	fx.skel->rodata->rp_has_groups = !fx_trace;
	fx.skel->rodata->rp_probe = fx_probe;
	fx.skel->rodata->rp_ipopts = fx_ipopts;
	/* As the loader does: what the kernel lacks decides the clock and the XDP copy. */
	fx.skel->rodata->rp_clock_mono =
		libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_ktime_get_tai_ns, NULL) != 1;
	fx.both_xdp = libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_load_bytes, NULL) == 1;
	bpf_program__set_autoload(fx.skel->progs.rp_xdp, fx.both_xdp);
	fx.xdp = fx.both_xdp ? fx.skel->progs.rp_xdp : fx.skel->progs.rp_xdp_dpa;
	bpf_map__set_max_entries(fx.skel->maps.rp_events, 1 << 16);
	bpf_map__set_max_entries(fx.skel->maps.rp_counters_map, (__u32)libbpf_num_possible_cpus());
	if (ringping_bpf__load(fx.skel))
		return -1;
	fx.rb = ring_buffer__new(bpf_map__fd(fx.skel->maps.rp_events), on_rec, NULL, NULL);
	return fx.rb ? 0 : -1;
}

static int group_teardown(void **state)
{
	ring_buffer__free(fx.rb);
	ringping_bpf__destroy(fx.skel);
	return 0;
}

/* ---- a trace's probes (programs loaded with rp_trace) ---- */

static const struct probe_hop hop5 = { .flow = 2, .ttl = 5, .query = 17 };

static void test_trace_reply(void **state)
{
	struct frame f;

	trace_hop = &hop5;
	reply_frame(&f, 0xc6130a0b, 99, 0, 0);
	assert_int_equal(run(XDP, &f), XDP_DROP);
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 2);
	assert_int_equal(fx.recs[0].kind, RP_KIND_REPLY);
	assert_int_equal(fx.recs[0].seq, 99);
	assert_int_equal(fx.recs[0].qseq, RP_TRACE_SEQ(2, 5, 17));
	assert_true(probe_cookie_ok(&key, &fx.recs[0]));
	assert_counts(2, 0, 0, 0);
	trace_hop = NULL;
}

/* Time exceeded quoting the whole probe, then only its first 8 bytes: the hop is named either way. */
static void test_trace_time_exceeded(void **state)
{
	struct frame f;
	size_t quote[] = { 64, 8 };
	int i;

	trace_hop = &hop5;
	for (i = 0; i < 2; i++) {
		reset_counters();
		error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1234, quote[i], 0);
		assert_int_equal(run(XDP, &f), XDP_PASS);
		assert_int_equal(fx.nrecs, 1);
		assert_int_equal(fx.recs[0].kind, RP_KIND_ERROR);
		assert_int_equal(fx.recs[0].qseq, RP_TRACE_SEQ(2, 5, 17));
		assert_int_equal(!!(fx.recs[0].flags & RP_REC_F_PAYLOAD), i == 0);
		assert_addr4(fx.recs[0].target, 0xc6126407);
		assert_addr4(fx.recs[0].from, 0xc6120002);
		assert_counts(0, 1, 0, 0);
	}
	trace_hop = NULL;
}

/*
 * Forgeries: a quote whose identifier is not its destination's (another
 * target's probe, or a guessed key), a flow renamed in the sequence field, and
 * a plain sweep's probe, which a trace never sends: none is ours.
 */
static void test_trace_forgeries(void **state)
{
	struct frame f;
	size_t q = 8 + 20 + 8; /* the quoted echo inside the error, past Ethernet and IP */

	trace_hop = &hop5;
	error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1, 8, 0);
	f.b[14 + 20 + 8 + 16 + 3] ^= 1; /* the quoted destination */
	fix_ip_csum(f.b + 14 + 28);
	fix_icmp_csum(f.b + 14 + 20, q);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1, 8, 0);
	f.b[14 + 20 + 8 + 20 + 6] ^= 0x04; /* flow 2 -> 3: another identifier is due */
	fix_icmp_csum(f.b + 14 + 20, q);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	trace_hop = NULL;
	error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1, 64, 0);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 3, 0);
}

static void test_trace_errors6(void **state)
{
	struct frame f;

	trace_hop = &hop5;
	error6_frame(&f, 3, 0, 7, 31, 0);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	reply6_frame(&f, 7, 32, 0, 0);
	assert_int_equal(run(XDP, &f), XDP_DROP);
	trace_hop = NULL;
	assert_int_equal(fx.nrecs, 2);
	assert_int_equal(fx.recs[0].kind, RP_KIND_ERROR);
	assert_int_equal(fx.recs[0].qseq, RP_TRACE_SEQ(2, 5, 17));
	assert_int_equal(fx.recs[0].seq, 31);
	assert_int_equal(fx.recs[1].kind, RP_KIND_REPLY);
	assert_int_equal(fx.recs[1].seq, 32);
	assert_counts(1, 1, 0, 0);
}

/*
 * Time exceeded quoting our probe to 198.18.100.7 (or host 7 over IPv6),
 * padded to 128 bytes, with an RFC 4950 extension of two label stack
 * entries (100, then 200 at the bottom); lenfield: the original datagram
 * field's length as the header says it (RFC 4884; 0 as older routers send),
 * version: the extension's.
 */
static void mpls_error_frame(struct frame *f, bool v6, unsigned lenfield, unsigned version)
{
	__u8 msg[MAX_FRAME], t[16], *e = msg + 8 + 128;
	size_t plen;

	memset(msg, 0, sizeof(msg));
	msg[0] = v6 ? 3 : 11;
	tgt6(t, 7);
	if (v6) {
		plen = probe6_bytes(msg + 8 + 40, t, 41);
		ip6(msg + 8, me6, t, plen, 58, 1);
		msg[4] = (__u8)(lenfield / 8);
	} else {
		plen = probe_bytes(msg + 8 + 20, 0xc6126407, 41);
		ip4(msg + 8, 0xc6120001, 0xc6126407, plen, 0, 1);
		msg[5] = (__u8)(lenfield / 4);
	}
	e[0] = (__u8)(version << 4);
	put16(e + 4, 4 + 8);
	e[6] = 1, e[7] = 1;
	put32(e + 8, 100 << 12 | 1);
	put32(e + 12, 200 << 12 | 1 << 8 | 1);
	put16(e + 2, probe_csum(e, 16));
	if (v6) {
		fix_icmp6_csum(msg, 8 + 128 + 16, router6, me6);
		eth6(f);
		f->len += ip6(f->b + f->len, router6, me6, 8 + 128 + 16, 58, 64);
	} else {
		fix_icmp_csum(msg, 8 + 128 + 16);
		eth(f, 0);
		f->len += ip4(f->b + f->len, 0xc6120002, 0xc6120001, 8 + 128 + 16, 0, 64);
	}
	memcpy(f->b + f->len, msg, 8 + 128 + 16);
	f->len += 8 + 128 + 16;
}

/*
 * A router's MPLS label stack (RFC 4950) comes with its error, whether the
 * header gives the original datagram's length (RFC 4884) or not; a structure
 * of another version is none. The quoted TTL comes too.
 */
static void test_trace_mpls(void **state)
{
	struct frame f;
	unsigned i;

	trace_hop = &hop5;
	mpls_error_frame(&f, false, 128, 2);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	mpls_error_frame(&f, false, 0, 2);
	assert_int_equal(run(SOCK, &f), 0);
	mpls_error_frame(&f, true, 128, 2);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(run(SOCK6, &f), 0);
	mpls_error_frame(&f, false, 128, 1);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	trace_hop = NULL;
	assert_int_equal(fx.nrecs, 5);
	for (i = 0; i < 4; i++) {
		assert_int_equal(fx.recs[i].kind, RP_KIND_ERROR);
		assert_int_equal(fx.recs[i].seq, 41);
		assert_int_equal(fx.recs[i].qttl, 1);
		assert_int_equal(fx.recs[i].nlabels, 2);
		assert_int_equal(fx.recs[i].mpls[0], 100 << 12 | 1);
		assert_int_equal(fx.recs[i].mpls[1], 200 << 12 | 1 << 8 | 1);
	}
	assert_int_equal(fx.recs[4].nlabels, 0);
	assert_counts(0, 5, 0, 0);
}

static int trace_group_setup(void **state)
{
	fx_trace = true;
	return group_setup(state);
}

/* ---- a UDP or TCP trace's probes (rp_trace_proto) ---- */

static __u32 get32(const __u8 *p)
{
	return (__u32)p[0] << 24 | (__u32)p[1] << 16 | (__u32)p[2] << 8 | p[3];
}

/* Our UDP or TCP probe at hop5 to dst, from 198.18.0.1 or me6, as ringping builds it. */
static size_t l4_probe(__u8 *out, const struct ringping_addr *dst, __u64 seq)
{
	struct ringping_addr src4, src6;
	struct probe_tmpl t;
	size_t len;

	addr4(&src4, 0xc6120001);
	memcpy(src6.b, me6, 16);
	assert_int_equal(probe_init_l4(&t, &key, 56, fx_proto, fx_port, &src4, &src6), 0);
	probe_build_trace_l4(&t, out, dst, seq, &hop5);
	len = t.len;
	probe_free(&t);
	return len;
}

/* Internet checksum of a transport message with its pseudo-header (addresses of alen bytes). */
static __u16 l4_csum(const __u8 *src, const __u8 *dst, size_t alen, __u8 proto, const __u8 *m,
		     size_t len)
{
	__u32 sum = probe_csum_add(probe_csum_add(0, src, alen), dst, alen) + proto + (__u32)len;

	sum = probe_csum_add(sum, m, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* An ICMP error from `from` quoting quote bytes of our probe to target (198.18.x.y). */
static void l4_error_frame(struct frame *f, __u8 type, __u8 code, __u32 from, __u32 target,
			   __u64 seq, size_t quote)
{
	__u8 probe[128], msg[MAX_FRAME];
	struct ringping_addr a;
	size_t plen, qhl, mlen;

	addr4(&a, target);
	plen = l4_probe(probe, &a, seq);
	quote = quote < plen ? quote : plen;
	memset(msg, 0, 8);
	msg[0] = type;
	msg[1] = code;
	qhl = ip4(msg + 8, 0xc6120001, target, plen, 0, 1);
	msg[8 + 9] = (__u8)fx_proto;
	fix_ip_csum(msg + 8);
	memcpy(msg + 8 + qhl, probe, quote);
	mlen = 8 + qhl + quote;
	fix_icmp_csum(msg, mlen);
	eth(f, 0);
	f->len += ip4(f->b + f->len, from, 0xc6120001, mlen, 0, 64);
	memcpy(f->b + f->len, msg, mlen);
	f->len += mlen;
}

/* The same from router6 about our probe to host (IPv6). */
static void l4_error6_frame(struct frame *f, __u8 type, __u8 code, unsigned host, __u64 seq, size_t quote)
{
	__u8 probe[128], msg[MAX_FRAME];
	struct ringping_addr a;
	size_t plen, mlen = 8;

	tgt6(a.b, host);
	plen = l4_probe(probe, &a, seq);
	quote = quote < plen ? quote : plen;
	memset(msg, 0, 8);
	msg[0] = type;
	msg[1] = code;
	mlen += ip6(msg + mlen, me6, a.b, plen, (__u8)fx_proto, 1);
	memcpy(msg + mlen, probe, quote);
	mlen += quote;
	fix_icmp6_csum(msg, mlen, router6, me6);
	eth6(f);
	f->len += ip6(f->b + f->len, router6, me6, mlen, 58, 64);
	memcpy(f->b + f->len, msg, mlen);
	f->len += mlen;
}

/*
 * The target's TCP answer to our SYN (flags), acknowledging its sequence
 * number plus one plus ack_off; checksummed, or left as a device would finish
 * it (partial: the pseudo-header's folded sum).
 */
static void tcp_answer_frame(struct frame *f, bool v6, unsigned host, __u8 flags, __u32 ack_off,
			     bool partial)
{
	__u8 syn[64], seg[20], t[16], me[4] = { 198, 18, 0, 1 };
	struct ringping_addr a;
	__u32 sum;

	if (v6)
		tgt6(a.b, host);
	else
		addr4(&a, 0xc6126400 | host);
	memcpy(t, v6 ? a.b : a.b + 12, v6 ? 16 : 4);
	l4_probe(syn, &a, 5);
	memset(seg, 0, sizeof(seg));
	memcpy(seg, syn + 2, 2);
	memcpy(seg + 2, syn, 2);
	put32(seg + 8, get32(syn + 4) + 1 + ack_off);
	seg[12] = 5 << 4;
	seg[13] = flags;
	sum = probe_csum_add(probe_csum_add(0, t, v6 ? 16 : 4), v6 ? me6 : me, v6 ? 16 : 4) + 6 + 20;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(seg + 16, partial ? sum : l4_csum(t, v6 ? me6 : me, v6 ? 16 : 4, 6, seg, 20));
	if (v6) {
		eth6(f);
		f->len += ip6(f->b + f->len, t, me6, 20, 6, 60);
	} else {
		eth(f, 0);
		f->len += ip4(f->b + f->len, 0xc6126400 | host, 0xc6120001, 20, 0, 60);
		f->b[14 + 9] = 6;
		fix_ip_csum(f->b + 14);
	}
	memcpy(f->b + f->len, seg, 20);
	f->len += 20;
}

/* Time exceeded quoting a whole UDP probe, then 8 bytes of it; the destination's port unreachable. */
static void test_udp_quotes(void **state)
{
	struct frame f;
	size_t quote[] = { 128, 8 };
	int i;

	for (i = 0; i < 2; i++) {
		reset_counters();
		l4_error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1234, quote[i]);
		assert_int_equal(run(XDP, &f), XDP_PASS);
		assert_int_equal(run(SOCK, &f), 0);
		assert_int_equal(fx.nrecs, 2);
		assert_int_equal(fx.recs[0].kind, RP_KIND_ERROR);
		assert_int_equal(fx.recs[0].qseq, RP_TRACE_SEQ(2, 5, 17));
		assert_int_equal(!!(fx.recs[0].flags & RP_REC_F_PAYLOAD), i == 0);
		if (i == 0)
			assert_int_equal(fx.recs[0].seq, 1234);
		assert_addr4(fx.recs[0].target, 0xc6126407);
		assert_addr4(fx.recs[0].from, 0xc6120002);
		assert_counts(0, 2, 0, 0);
	}
	reset_counters();
	l4_error_frame(&f, 3, 3, 0xc6126407, 0xc6126407, 77, 128);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 1);
	assert_int_equal(fx.recs[0].icmp_code, 3);
	assert_int_equal(fx.recs[0].seq, 77);
	assert_counts(0, 1, 0, 0);
}

/*
 * UDP forgeries: a quote whose source port is not its destination's (a wrong
 * key), another destination port, another destination; an ICMP trace probe,
 * which a UDP trace never sends; a payload whose cookie is wrong.
 */
static void test_udp_forgeries(void **state)
{
	struct frame f;
	size_t q = 14 + 20 + 8 + 20; /* the quoted UDP header in the frame */
	size_t flip[] = { q + 1, q + 3, 14 + 20 + 8 + 19 };
	int i;

	for (i = 0; i < 3; i++) {
		l4_error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1, 8);
		f.b[flip[i]] ^= 1;
		fix_ip_csum(f.b + 14 + 28);
		fix_icmp_csum(f.b + 14 + 20, 8 + 20 + 8);
		assert_int_equal(run(XDP, &f), XDP_PASS);
	}
	trace_hop = &hop5;
	error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1, 64, 0);
	trace_hop = NULL;
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_counts(0, 0, 4, 0);
	l4_error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1, 128);
	f.b[q + 8 + 8] ^= 0x10; /* the cookie */
	fix_icmp_csum(f.b + 14 + 20, f.len - 14 - 20);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 0);
	assert_int_equal(counters().forged, 1);
}

static void test_udp_errors6(void **state)
{
	struct frame f;

	l4_error6_frame(&f, 3, 0, 7, 31, 128);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	l4_error6_frame(&f, 1, 4, 7, 32, 8);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 2);
	assert_int_equal(fx.recs[0].kind, RP_KIND_ERROR);
	assert_int_equal(fx.recs[0].seq, 31);
	assert_int_equal(fx.recs[0].qseq, RP_TRACE_SEQ(2, 5, 17));
	assert_int_equal(fx.recs[1].qseq, RP_TRACE_SEQ(2, 5, 17));
	assert_false(fx.recs[1].flags & RP_REC_F_PAYLOAD);
	l4_error6_frame(&f, 3, 0, 7, 33, 8);
	f.b[14 + 40 + 8 + 40] ^= 0x40; /* the quoted source port */
	fix_icmp6_csum(f.b + 14 + 40, 8 + 40 + 8, router6, me6);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_counts(0, 2, 1, 0);
}

/* Time exceeded quoting a TCP probe: 8 bytes name it (a bare SYN has no payload to check). */
static void test_tcp_quotes(void **state)
{
	struct frame f;
	size_t quote[] = { 40, 8 };
	int i;

	for (i = 0; i < 2; i++) {
		l4_error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1234, quote[i]);
		assert_int_equal(run(XDP, &f), XDP_PASS);
	}
	assert_int_equal(fx.nrecs, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(fx.recs[i].kind, RP_KIND_ERROR);
		assert_int_equal(fx.recs[i].qseq, RP_TRACE_SEQ(2, 5, 17));
		assert_false(fx.recs[i].flags & RP_REC_F_PAYLOAD);
	}
	l4_error_frame(&f, 11, 0, 0xc6120002, 0xc6126407, 1, 8);
	f.b[14 + 20 + 8 + 20 + 4] ^= 1; /* the sequence number's keyed half */
	fix_icmp_csum(f.b + 14 + 20, 8 + 20 + 8);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_counts(0, 2, 1, 0);
}

/*
 * The destination's RST and SYN-ACK are its answers, in XDP and the socket
 * program alike, and XDP passes them on (the stack's RST closes the other
 * side's half-open connection); one a device was to checksum is taken too.
 */
static void test_tcp_answers(void **state)
{
	struct frame f;

	tcp_answer_frame(&f, false, 7, 0x14, 0, false);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	tcp_answer_frame(&f, false, 7, 0x12, 0, false);
	assert_int_equal(run(SOCK, &f), 0);
	tcp_answer_frame(&f, false, 7, 0x12, 0, true);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 3);
	assert_int_equal(fx.recs[0].kind, RP_KIND_REPLY);
	assert_true(fx.recs[0].flags & RP_REC_F_TCP);
	assert_false(fx.recs[0].flags & RP_REC_F_CSUM_UNCHECKED);
	assert_int_equal(fx.recs[0].info, 0x14);
	assert_int_equal(fx.recs[0].qseq, RP_TRACE_SEQ(2, 5, 17));
	assert_addr4(fx.recs[0].target, 0xc6126407);
	assert_addr4(fx.recs[0].from, 0xc6126407);
	assert_int_equal(fx.recs[1].info, 0x12);
	assert_true(fx.recs[2].flags & RP_REC_F_CSUM_UNCHECKED);
	assert_counts(3, 0, 0, 0);
}

/* Not answers: a wrong key in the acknowledgment, a RST without ACK, another port, a bad checksum. */
static void test_tcp_answer_forgeries(void **state)
{
	struct frame f;

	tcp_answer_frame(&f, false, 7, 0x14, 0x10000, false);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	tcp_answer_frame(&f, false, 7, 0x04, 0, false);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	tcp_answer_frame(&f, false, 7, 0x14, 0, false);
	f.b[14 + 20] ^= 1; /* the source port: not the one probed */
	f.b[14 + 20 + 17] ^= 1;
	assert_int_equal(run(XDP, &f), XDP_PASS);
	tcp_answer_frame(&f, false, 7, 0x14, 0, false);
	f.b[14 + 20 + 17] ^= 1;
	assert_int_equal(run(SOCK, &f), 0);
	assert_int_equal(fx.nrecs, 0);
	assert_counts(0, 0, 3, 1);
}

static void test_tcp6(void **state)
{
	struct frame f;

	tcp_answer_frame(&f, true, 7, 0x14, 0, false);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(run(SOCK6, &f), 0);
	l4_error6_frame(&f, 3, 0, 7, 31, 8);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_int_equal(fx.nrecs, 3);
	assert_int_equal(fx.recs[0].kind, RP_KIND_REPLY);
	assert_int_equal(fx.recs[1].kind, RP_KIND_REPLY);
	assert_int_equal(fx.recs[2].kind, RP_KIND_ERROR);
	assert_int_equal(fx.recs[2].qseq, RP_TRACE_SEQ(2, 5, 17));
	tcp_answer_frame(&f, true, 7, 0x14, 0x10000, false);
	assert_int_equal(run(XDP, &f), XDP_PASS);
	assert_counts(2, 1, 1, 0);
}

/* A group's programs, loaded with every knob set: the groups run one after another. */
static int group_load(void **state, bool trace, int proto, __u16 port, __u8 probe, __u8 ipopts)
{
	fx_trace = trace;
	fx_proto = proto, fx_port = port;
	fx_probe = probe;
	fx_ipopts = ipopts;
	return group_setup(state);
}

static int ts_group_setup(void **state) { return group_load(state, false, 0, 0, RP_PROBE_TSTAMP, 0); }
static int ipopt_group_setup(void **state) { return group_load(state, false, 0, 0, RP_PROBE_ECHO, 1); }
static int udp_group_setup(void **state) { return group_load(state, true, 17, 33434, RP_PROBE_ECHO, 0); }
static int tcp_group_setup(void **state) { return group_load(state, true, 6, 80, RP_PROBE_ECHO, 0); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_our_reply_xdp, setup),
		cmocka_unit_test_setup(test_our_reply_socket, setup),
		cmocka_unit_test_setup(test_reply_with_options_and_vlans, setup),
		cmocka_unit_test_setup(test_other_process_reply, setup),
		cmocka_unit_test_setup(test_reply_from_other_address, setup),
		cmocka_unit_test_setup(test_group_reply, setup),
		cmocka_unit_test_setup(test_reply_bad_checksum, setup),
		cmocka_unit_test_setup(test_forged_payload_rejected_in_bpf, setup),
		cmocka_unit_test_setup(test_tag_only_reply_rejected, setup),
		cmocka_unit_test_setup(test_error_quoting_a_forged_payload, setup),
		cmocka_unit_test_setup(test_error_quoting_our_probe, setup),
		cmocka_unit_test_setup(test_error_quoting_8_bytes, setup),
		cmocka_unit_test_setup(test_error_quote_with_options, setup),
		cmocka_unit_test_setup(test_error_quoting_something_else, setup),
		cmocka_unit_test_setup(test_truncated_and_malformed, setup),
		cmocka_unit_test_setup(test_fragment_passes, setup),
		cmocka_unit_test_setup(test_flip_each_byte_xdp, setup),
		cmocka_unit_test_setup(test_flip_each_byte_socket, setup),
		cmocka_unit_test_setup(test_reply6, setup),
		cmocka_unit_test_setup(test_reply6_rejects, setup),
		cmocka_unit_test_setup(test_reply6_from_mapped_address, setup),
		cmocka_unit_test_setup(test_fragments6, setup),
		cmocka_unit_test_setup(test_errors6, setup),
		cmocka_unit_test_setup(test_non_ip_passes, setup),
		cmocka_unit_test_setup(test_xdp_copies_agree, setup),
	};

	if (geteuid() != 0) {
		printf("SKIP: BPF tests need root (CAP_BPF, CAP_NET_ADMIN)\n");
		return 77;
	}
	const struct CMUnitTest trace[] = {
		cmocka_unit_test_setup(test_trace_reply, setup),
		cmocka_unit_test_setup(test_trace_time_exceeded, setup),
		cmocka_unit_test_setup(test_trace_forgeries, setup),
		cmocka_unit_test_setup(test_trace_errors6, setup),
		cmocka_unit_test_setup(test_trace_mpls, setup),
	};

	const struct CMUnitTest udp[] = {
		cmocka_unit_test_setup(test_udp_quotes, setup),
		cmocka_unit_test_setup(test_udp_forgeries, setup),
		cmocka_unit_test_setup(test_udp_errors6, setup),
	};
	const struct CMUnitTest ts[] = {
		cmocka_unit_test_setup(test_ts_reply, setup),
		cmocka_unit_test_setup(test_ts_forgeries, setup),
		cmocka_unit_test_setup(test_ts_errors, setup),
	};
	const struct CMUnitTest ipopt[] = {
		cmocka_unit_test_setup(test_ipopt_reply, setup),
		cmocka_unit_test_setup(test_ipopt_changed_by_the_stack, setup),
	};
	const struct CMUnitTest tcp[] = {
		cmocka_unit_test_setup(test_tcp_quotes, setup),
		cmocka_unit_test_setup(test_tcp_answers, setup),
		cmocka_unit_test_setup(test_tcp_answer_forgeries, setup),
		cmocka_unit_test_setup(test_tcp6, setup),
	};

	return cmocka_run_group_tests_name("bpf", tests, group_setup, group_teardown) |
	       cmocka_run_group_tests_name("bpf-trace", trace, trace_group_setup, group_teardown) |
	       cmocka_run_group_tests_name("bpf-trace-udp", udp, udp_group_setup, group_teardown) |
	       cmocka_run_group_tests_name("bpf-trace-tcp", tcp, tcp_group_setup, group_teardown) |
	       cmocka_run_group_tests_name("bpf-tstamp", ts, ts_group_setup, group_teardown) |
	       cmocka_run_group_tests_name("bpf-ipopts", ipopt, ipopt_group_setup, group_teardown);
}
