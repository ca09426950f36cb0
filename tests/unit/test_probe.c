// SPDX-License-Identifier: MIT
#include "cm.h"
#include <string.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_checksum_tag_payload),
		cmocka_unit_test(test_cookie_binds_target_seq_key),
		cmocka_unit_test(test_tags_differ_per_target),
		cmocka_unit_test(test_siphash_vector),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_trace_probes_keep_their_flow),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL);
}
