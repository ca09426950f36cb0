// SPDX-License-Identifier: MIT
#include "cm.h"
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include "probe.h"
#include "rp_hash.h"

static const struct probe_key key = { 11, 22 };

static void test_build_checksum_tag_payload(void **s)
{
	struct probe_tmpl t;
	struct ringping_addr a;
	__u8 buf[8 + 1000];
	__u32 sizes[] = { 16, 17, 56, 1000 }, i;

	addr_from_v4(&a, 0xc6130102);
	for (i = 0; i < 4; i++) {
		__u64 seq = 0x0102030405060708ULL + i;
		__u32 tag = rp_tag(key.k0, key.k1, a.b);
		struct rp_record r = { 0 };

		assert_int_equal(probe_init(&t, &key, sizes[i]), 0);
		assert_int_equal(t.len, 8 + sizes[i]);
		probe_build(&t, buf, &a, seq);
		assert_int_equal(buf[0], 8);
		assert_int_equal(buf[1], 0);
		assert_int_equal(probe_csum(buf, t.len), 0); /* verifies */
		assert_int_equal(((__u32)buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7], tag);
		memcpy(&r.seq, buf + 8, 8);
		memcpy(&r.cookie, buf + 16, 8);
		memcpy(r.target, a.b, 16);
		assert_int_equal(r.seq, seq);
		assert_true(probe_cookie_ok(&key, &r));
		probe_free(&t);
	}
}

/*
 * A timestamp request: RFC 792's 20 bytes, type 13, a valid sum, originate
 * naming the probe (high bit set), id+seq its keyed tag; a record built from
 * it passes the userspace check, and one changed anywhere does not.
 */
static void test_tstamp_request(void **s)
{
	struct probe_tmpl t;
	struct ringping_addr a;
	struct rp_record r = { .flags = RP_REC_F_TSTAMP | RP_REC_F_PAYLOAD }, x;
	__u8 buf[RP_TS_LEN];
	__u32 orig, tag;

	addr_from_v4(&a, 0xc6130104);
	assert_int_equal(probe_init_tstamp(&t, &key), 0);
	assert_int_equal(t.len, RP_TS_LEN);
	probe_build(&t, buf, &a, (1ULL << 31) + 9); /* past 31 bits: the low 31 are sent */
	assert_int_equal(buf[0], 13);
	assert_int_equal(buf[1], 0);
	assert_int_equal(probe_csum(buf, RP_TS_LEN), 0);
	orig = ((__u32)buf[8] << 24) | (buf[9] << 16) | (buf[10] << 8) | buf[11];
	tag = ((__u32)buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7];
	assert_int_equal(orig, 0x80000009U);
	assert_int_equal(tag, rp_tstamp_tag(key.k0, key.k1, a.b, 9));
	for (int i = 12; i < RP_TS_LEN; i++)
		assert_int_equal(buf[i], 0);
	r.seq = orig & RP_TS_SEQ_MASK;
	r.cookie = tag;
	memcpy(r.target, a.b, 16);
	assert_true(probe_cookie_ok(&key, &r));
	x = r, x.seq ^= 1;
	assert_false(probe_cookie_ok(&key, &x));
	x = r, x.seq |= 1ULL << 31; /* no request carries more than 31 bits */
	assert_false(probe_cookie_ok(&key, &x));
	x = r, x.target[15] ^= 1;
	assert_false(probe_cookie_ok(&key, &x));
	x = r, x.flags = RP_REC_F_PAYLOAD; /* read as an echo's cookie: no */
	assert_false(probe_cookie_ok(&key, &x));
	probe_free(&t);
}

static void test_cookie_binds_target_seq_key(void **s)
{
	struct probe_tmpl t;
	struct ringping_addr a;
	struct rp_record r = { 0 }, x;
	struct probe_key other = { 11, 23 };
	__u8 buf[64];

	addr_from_v4(&a, 0xc6130103);
	assert_int_equal(probe_init(&t, &key, 56), 0);
	probe_build(&t, buf, &a, 5);
	memcpy(&r.seq, buf + 8, 8);
	memcpy(&r.cookie, buf + 16, 8);
	memcpy(r.target, a.b, 16);
	assert_true(probe_cookie_ok(&key, &r));
	x = r, x.seq++;
	assert_false(probe_cookie_ok(&key, &x));
	x = r, x.target[15] ^= 1;
	assert_false(probe_cookie_ok(&key, &x));
	x = r, x.cookie ^= 1ULL << 40;
	assert_false(probe_cookie_ok(&key, &x));
	assert_false(probe_cookie_ok(&other, &r));
	probe_free(&t);
}

static void test_tags_differ_per_target(void **s)
{
	struct ringping_addr a, b;

	addr_from_v4(&a, 0xc6130001);
	addr_from_v4(&b, 0xc6130002);
	assert_int_not_equal(rp_tag(1, 2, a.b), rp_tag(1, 2, b.b));
	assert_int_not_equal(rp_tag(1, 2, a.b), rp_tag(1, 3, a.b));
}

/* SipHash-2-4 known answer: key 00..0f, 32-byte message 00..1f (reference vectors). */
static void test_siphash_vector(void **s)
{
	__u8 k[16], m[32];
	int i;

	for (i = 0; i < 16; i++)
		k[i] = i;
	for (i = 0; i < 32; i++)
		m[i] = i;
	assert_int_equal(rp_siphash4(rp_addr_word(k), rp_addr_word(k + 8), rp_addr_word(m),
				     rp_addr_word(m + 8), rp_addr_word(m + 16), rp_addr_word(m + 24)),
			 0x7127512f72f27cceULL);
}

static void test_bad_sizes(void **s)
{
	struct probe_tmpl t;

	assert_int_equal(probe_init(&t, &key, 15), -22);
	assert_int_equal(probe_init(&t, &key, PROBE_MAX_DATA + 1), -22);
}

/*
 * A trace's probes: within a flow, the bytes load balancers hash (type, code,
 * checksum, identifier) never change, whatever the TTL, query and seq; the
 * sequence field names the hop; every message verifies; flows differ.
 */
static void test_trace_probes_keep_their_flow(void **s)
{
	struct probe_tmpl t;
	struct ringping_addr a, a6;
	__u8 buf[8 + 56], first[3][6];
	__u16 seq16, sum6, sum6_first = 0;
	__u32 ttl, q, flow;

	addr_from_v4(&a, 0xc6130102);
	assert_int_equal(addr_parse("2001:db8::7", &a6), 0);
	assert_int_equal(probe_init(&t, &key, 56), 0);
	for (flow = 0; flow < 3; flow++) {
		for (ttl = 1; ttl <= RP_TRACE_MAX_TTL; ttl += 7)
			for (q = 0; q < 20; q += 3) {
				struct probe_hop h = { flow, ttl, q };

				probe_build_trace(&t, buf, &a, 1000003ULL * ttl + q, &h);
				seq16 = (__u16)((buf[6] << 8) | buf[7]);
				assert_int_equal(probe_csum(buf, t.len), 0);
				assert_int_equal(RP_TRACE_FLOW(seq16), flow);
				assert_int_equal(RP_TRACE_TTL(seq16), ttl);
				assert_int_equal(RP_TRACE_QUERY(seq16), q % 16);
				assert_int_equal((buf[4] << 8) | buf[5],
						 rp_trace_id(key.k0, key.k1, a.b, flow));
				if (ttl == 1 && q == 0)
					memcpy(first[flow], buf, 6);
				assert_memory_equal(buf, first[flow], 6);
				/* ICMPv6: the kernel's checksum; what it sums (all but the checksum) is fixed. */
				probe_build_trace(&t, buf, &a6, 77 * ttl + q, &h);
				assert_int_equal(buf[0], 128);
				buf[2] = buf[3] = 0;
				sum6 = probe_csum(buf, t.len);
				if (ttl == 1 && q == 0)
					sum6_first = sum6;
				assert_int_equal(sum6, sum6_first);
			}
	}
	assert_memory_not_equal(first[0], first[1], 6);
	assert_memory_not_equal(first[1], first[2], 6);
	probe_free(&t);
}

/* The transport checksum of m with its pseudo-header from src to dst: 0 if it verifies. */
static __u16 l4_check(const struct ringping_addr *src, const struct ringping_addr *dst, int proto,
		      const __u8 *m, size_t len)
{
	size_t off = addr_is_v4(dst) ? 12 : 0;
	__u32 sum = probe_csum_add(probe_csum_add(0, src->b + off, 16 - off), dst->b + off, 16 - off);

	sum = probe_csum_add(sum + (__u32)proto + (__u32)len, m, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * UDP and TCP: within a flow the ports never change; the UDP checksum is the
 * hop's name, the TCP sequence number's low half is, and its high half the
 * flow's keyed one; TSval is the run's sequence number; both families'
 * messages verify with their pseudo-headers; flows take other ports.
 */
static void test_trace_l4_probes(void **s)
{
	static const int protos[] = { IPPROTO_UDP, IPPROTO_TCP };
	struct ringping_addr dst[2], src[2];
	__u16 ports[2][3];
	__u8 buf[8 + 56];
	struct probe_tmpl t;
	__u64 hash;
	__u32 ttl, q, flow;
	int i, d;

	addr_from_v4(&dst[0], 0xc6130102);
	assert_int_equal(addr_parse("2001:db8::7", &dst[1]), 0);
	addr_from_v4(&src[0], 0xc6120001);
	assert_int_equal(addr_parse("2001:db8::1", &src[1]), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(probe_init_l4(&t, &key, 56, protos[i], 4242, &src[0], &src[1]), 0);
		assert_int_equal(t.len, protos[i] == IPPROTO_UDP ? 64 : RP_TCP_SYN_LEN);
		for (d = 0; d < 2; d++)
			for (flow = 0; flow < 3; flow++)
				for (ttl = 1; ttl <= RP_TRACE_MAX_TTL; ttl += 9)
					for (q = 0; q < 20; q += 7) {
						struct probe_hop h = { flow, ttl, q };
						__u16 name = RP_TRACE_SEQ(flow, ttl, q), sport;

						probe_build_trace_l4(&t, buf, &dst[d], 5000 + ttl, &h);
						hash = rp_trace_hash(key.k0, key.k1, dst[d].b, flow);
						sport = (__u16)(buf[0] << 8 | buf[1]);
						assert_int_equal(sport, RP_TRACE_SPORT(hash));
						assert_int_equal(buf[2] << 8 | buf[3], 4242);
						assert_int_equal(l4_check(&src[d], &dst[d], protos[i], buf,
									  t.len), 0);
						if (protos[i] == IPPROTO_UDP) {
							assert_int_equal(buf[6] << 8 | buf[7], name);
							assert_int_equal(buf[4] << 8 | buf[5], t.len);
						} else {
							assert_int_equal((__u32)buf[4] << 24 | (__u32)buf[5] << 16 |
									 (__u32)buf[6] << 8 | buf[7],
									 RP_TRACE_TCPSEQ(hash, name));
							assert_int_equal(buf[13], 0x02);
							assert_int_equal(buf[RP_TCP_TSVAL_OFF + 3], (5000 + ttl) & 0xff);
						}
						ports[d][flow] = sport;
					}
		for (d = 0; d < 2; d++)
			assert_true(ports[d][0] != ports[d][1] && ports[d][1] != ports[d][2]);
		probe_free(&t);
	}
	assert_int_equal(probe_init_l4(&t, &key, 56, IPPROTO_ICMP, 1, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_checksum_tag_payload),
		cmocka_unit_test(test_cookie_binds_target_seq_key),
		cmocka_unit_test(test_tstamp_request),
		cmocka_unit_test(test_tags_differ_per_target),
		cmocka_unit_test(test_siphash_vector),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_trace_l4_probes),
		cmocka_unit_test(test_trace_probes_keep_their_flow),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
