// SPDX-License-Identifier: MIT
/* The receive module's checks on records, as the ring buffer would hand them over. */
#include "cm.h"
#include <errno.h>
#include <string.h>
#include "rx.h"
#include "rp_hash.h"

struct seen {
	int records, quotes;
	__u64 seq, rx_ns;
	int quote_err;	/* what find_seq answers */
	__u64 quote_seq;
};

static int t_find_seq(void *ctx, const struct rp_record *rec, __u64 *seq)
{
	struct seen *s = ctx;

	s->quotes++;
	*seq = s->quote_seq;
	return s->quote_err;
}

static void t_on_record(void *ctx, __u64 seq, const struct rp_record *rec)
{
	struct seen *s = ctx;

	s->records++;
	s->seq = seq;
	s->rx_ns = rec->rx_ns;
}

static const struct probe_key key = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

static void t_setup(struct rx *rx, struct seen *s)
{
	memset(rx, 0, sizeof(*rx));
	memset(s, 0, sizeof(*s));
	rx->key = &key;
	rx->find_seq = t_find_seq;
	rx->on_record = t_on_record;
	rx->ctx = s;
}

/* A reply whose payload names probe 77 to 198.19.0.9, cookie and all. */
static void t_reply(struct rp_record *r, __u64 seq)
{
	memset(r, 0, sizeof(*r));
	r->target[10] = r->target[11] = 0xff;
	r->target[12] = 198, r->target[13] = 19, r->target[15] = 9;
	r->seq = seq;
	r->cookie = rp_cookie(key.k0, key.k1, r->target, seq);
	r->flags = RP_REC_F_PAYLOAD;
	r->kind = RP_KIND_REPLY;
	r->rx_ns = 5000;
}

static void test_good_record_passes(void **st)
{
	struct rx rx;
	struct seen s;
	struct rp_record r;

	t_setup(&rx, &s);
	t_reply(&r, 77);
	rx_handle(&rx, &r, sizeof(r));
	assert_int_equal(s.records, 1);
	assert_int_equal(s.seq, 77);
	assert_int_equal(s.rx_ns, 5000); /* TAI already: untouched */
	assert_int_equal(rx.invalid, 0);
	assert_int_equal(s.quotes, 0);
}

/* A forged cookie, a seq moved to another probe, a short record: counted, never handed on. */
static void test_forged_and_short_records_refused(void **st)
{
	struct rx rx;
	struct seen s;
	struct rp_record r;

	t_setup(&rx, &s);
	t_reply(&r, 77);
	r.cookie ^= 1;
	rx_handle(&rx, &r, sizeof(r));
	t_reply(&r, 77);
	r.seq = 78; /* the cookie was for 77 */
	rx_handle(&rx, &r, sizeof(r));
	t_reply(&r, 77);
	r.target[15] = 10; /* another target */
	rx_handle(&rx, &r, sizeof(r));
	t_reply(&r, 77);
	rx_handle(&rx, &r, sizeof(r) - 1);
	t_reply(&r, 77);
	r.flags = 0; /* a reply with a bare tag: never credited, even if BPF let it through */
	rx_handle(&rx, &r, sizeof(r));
	assert_int_equal(s.records, 0);
	assert_int_equal(s.quotes, 0);
	assert_int_equal(rx.invalid, 5);
}

/* A target-only record (8-byte quote) goes by the order: find_seq decides. */
static void test_quote_records_go_by_the_order(void **st)
{
	struct rx rx;
	struct seen s;
	struct rp_record r;

	t_setup(&rx, &s);
	t_reply(&r, 0);
	r.flags = 0;
	r.cookie = 0;
	r.kind = RP_KIND_ERROR;
	s.quote_seq = 1234;
	rx_handle(&rx, &r, sizeof(r));
	assert_int_equal(s.quotes, 1);
	assert_int_equal(s.records, 1);
	assert_int_equal(s.seq, 1234);
	s.quote_err = -EINVAL; /* never probed */
	rx_handle(&rx, &r, sizeof(r));
	assert_int_equal(s.records, 1);
	assert_int_equal(rx.invalid, 1);
}

/*
 * A TCP trace's SYN-ACK or RST carries no payload: it goes by the order too,
 * but only in a run that sent SYNs; anywhere else such a record is refused.
 */
static void test_tcp_answers_only_in_a_tcp_trace(void **st)
{
	struct rx rx;
	struct seen s;
	struct rp_record r;

	t_setup(&rx, &s);
	t_reply(&r, 0);
	r.flags = RP_REC_F_TCP;
	r.cookie = 0;
	s.quote_seq = 99;
	rx_handle(&rx, &r, sizeof(r));
	assert_int_equal(s.quotes, 0);
	assert_int_equal(rx.invalid, 1);
	rx.tcp_answers = true;
	rx_handle(&rx, &r, sizeof(r));
	assert_int_equal(s.quotes, 1);
	assert_int_equal(s.records, 1);
	assert_int_equal(s.seq, 99);
	r.flags = 0; /* a bare echo reply in a TCP trace: still nothing */
	rx_handle(&rx, &r, sizeof(r));
	assert_int_equal(s.records, 1);
	assert_int_equal(rx.invalid, 2);
}

/* Kernels that stamp with CLOCK_MONOTONIC: the record reaches the engine on TAI. */
static void test_monotonic_stamps_moved_to_tai(void **st)
{
	struct rx rx;
	struct seen s;
	struct rp_record r;

	t_setup(&rx, &s);
	rx.rxc.mono = true;
	rx.rxc.off_ns = 37000000000LL;
	t_reply(&r, 5);
	rx_handle(&rx, &r, sizeof(r));
	assert_int_equal(s.records, 1);
	assert_int_equal(s.rx_ns, 5000 + 37000000000ULL);
	assert_int_equal(r.rx_ns, 5000); /* the ring's copy is not written */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_record_passes),
		cmocka_unit_test(test_forged_and_short_records_refused),
		cmocka_unit_test(test_quote_records_go_by_the_order),
		cmocka_unit_test(test_tcp_answers_only_in_a_tcp_trace),
		cmocka_unit_test(test_monotonic_stamps_moved_to_tai),
	};

	return cmocka_run_group_tests_name("rx", tests, NULL, NULL);
}
