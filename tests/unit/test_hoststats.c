// SPDX-License-Identifier: MIT
#include "cm.h"
#include <math.h>
#include <string.h>
#include "hoststats.h"

#define MS 1000000LL
#define US 1000LL

/* Every bucket reports its values to within 1/16, from 128 ns to the timeout. */
static void test_bucket_error_bound(void **st)
{
	struct hoststats s;
	__u64 v;

	assert_int_equal(hoststats_init(&s, 1, 1000 * MS), 0);
	for (v = 128; v < 1000 * MS; v += v / 97 + 1) {
		double mid = hoststats_bucket_mid_ns(hoststats_bucket(&s, v));

		assert_true(fabs(mid - (double)v) <= (double)v / 16);
		assert_true(hoststats_bucket_upper_ns(hoststats_bucket(&s, v)) > (double)v);
	}
	assert_int_equal(hoststats_bucket(&s, 5), 0);
	assert_int_equal(hoststats_bucket(&s, ~0ULL), s.nbuckets - 1); /* clamped */
	hoststats_free(&s);
}

/* 1..100 us: exact moments, percentiles within the stated error. */
static void test_moments_and_percentiles(void **st)
{
	struct ringping_host o;
	struct hoststats s;
	double sum = 0, sq = 0, mean, sd;
	int i;

	assert_int_equal(hoststats_init(&s, 3, 1000 * MS), 0);
	for (i = 1; i <= 100; i++) {
		hoststats_sent(&s, 1);
		hoststats_reply(&s, 1, (__u32)i - 1, i * US);
		sum += i * US;
	}
	mean = sum / 100;
	for (i = 1; i <= 100; i++)
		sq += (i * US - mean) * (i * US - mean);
	sd = sqrt(sq / 100);
	hoststats_summary(&s, 1, &o);
	assert_int_equal(o.sent, 100);
	assert_int_equal(o.received, 100);
	assert_true(o.loss_pct == 0);
	assert_true(o.min_ms == 0.001 && o.max_ms == 0.1);
	assert_true(fabs(o.avg_ms - mean / 1e6) < 1e-12);
	assert_true(fabs(o.stddev_ms - sd / 1e6) < 1e-12);
	assert_true(fabs(o.p50_ms - 0.050) <= 0.050 / 16);
	assert_true(fabs(o.p90_ms - 0.090) <= 0.090 / 16);
	assert_true(fabs(o.p95_ms - 0.095) <= 0.095 / 16);
	assert_true(fabs(o.p99_ms - 0.099) <= 0.099 / 16);
	assert_true(fabs(o.jitter_ms - 0.001) < 1e-12); /* consecutive RTTs 1 us apart */
	hoststats_summary(&s, 0, &o);			  /* an untouched host */
	assert_false(o.has_rtt);
	assert_int_equal(o.sent, 0);
	hoststats_free(&s);
}

/* Welford stays exact where the naive sum of squares cancels. */
static void test_stddev_stable_at_large_offsets(void **st)
{
	struct ringping_host o;
	struct hoststats s;
	int i;

	assert_int_equal(hoststats_init(&s, 1, 3600000 * MS), 0);
	for (i = 0; i < 100000; i++) {
		hoststats_sent(&s, 0);
		hoststats_reply(&s, 0, (__u32)i, 3000000 * MS + (i % 2 ? 1 : -1) * 1000); /* 1 us sd */
	}
	hoststats_summary(&s, 0, &o);
	assert_true(fabs(o.stddev_ms - 0.001) < 1e-9);
	assert_true(fabs(o.jitter_ms - 0.002) < 1e-9);
	hoststats_free(&s);
}

/* All RTTs in one wide bucket: percentiles come from the part of it between min and max. */
static void test_percentile_within_min_max(void **st)
{
	struct ringping_host o;
	struct hoststats s;
	int i;

	assert_int_equal(hoststats_init(&s, 1, 1000 * MS), 0);
	for (i = 0; i < 100; i++) {
		hoststats_sent(&s, 0);
		hoststats_reply(&s, 0, (__u32)i, 20 * MS + i * 4 * US); /* 20.000 .. 20.396 ms */
	}
	hoststats_summary(&s, 0, &o);
	/* The bucket is [18.87, 20.97) ms; clamped to [20.000, 20.396] its midpoint is 20.198. */
	assert_true(fabs(o.p50_ms - 20.198) < 1e-9);
	assert_true(fabs(o.p99_ms - 20.198) < 1e-9);
	assert_true(fabs(o.p99_ms - 20.392) <= 20.392 / 16);
	hoststats_free(&s);
}

static void test_loss_dups_late_reorder_errors(void **st)
{
	struct ringping_addr r = { .b = { [10] = 0xff, [11] = 0xff, 198, 18, 0, 2 } };
	struct ringping_host o;
	struct hoststats s;
	int i;

	assert_int_equal(hoststats_init(&s, 1, 1000 * MS), 0);
	for (i = 0; i < 10; i++)
		hoststats_sent(&s, 0);
	hoststats_reply(&s, 0, 0, 10 * US);
	hoststats_reply(&s, 0, 3, 10 * US);
	hoststats_reply(&s, 0, 2, 10 * US); /* 3 came first */
	hoststats_reply(&s, 0, 4, -1);	    /* no usable RTT: received, not in the RTT stats */
	hoststats_duplicate(&s, 0);
	hoststats_late(&s, 0);
	hoststats_error(&s, 0, RINGPING_UNREACHABLE, 3, 1, &r);
	hoststats_error(&s, 0, RINGPING_TIME_EXCEEDED, 11, 0, &r);
	hoststats_summary(&s, 0, &o);
	assert_int_equal(o.received, 4);
	assert_true(fabs(o.loss_pct - 60.0) < 1e-12);
	assert_int_equal(o.duplicates, 1);
	assert_int_equal(o.late, 1);
	assert_int_equal(o.reordered, 1);
	assert_int_equal(o.errors, 2);
	assert_int_equal(s.h[0].rtt_n, 3);
	hoststats_error(&s, 0, RINGPING_UNREACHABLE, 3, 1, &r);
	hoststats_error(&s, 0, RINGPING_UNREACHABLE, 3, 3, &r);
	hoststats_error(&s, 0, RINGPING_ERROR, 12, 0, &r); /* a fourth kind: counted, not listed */
	hoststats_summary(&s, 0, &o);
	assert_int_equal(o.errors, 5);
	assert_int_equal(o.err[0].type, 3);
	assert_int_equal(o.err[0].code, 1);
	assert_int_equal(o.err[0].count, 2);
	assert_memory_equal(&o.err[0].from, &r, sizeof(r));
	assert_int_equal(o.err[1].type, 11);
	assert_int_equal(o.err[1].count, 1);
	assert_int_equal(o.err[2].code, 3);
	assert_int_equal(o.err_other, 1);
	hoststats_free(&s);
}

/* Pooling two hosts gives what one host with both sample sets gives. */
static void test_merge_equals_pooled(void **st)
{
	struct ringping_host a, b;
	struct hoststats s, agg;
	int i;

	assert_int_equal(hoststats_init(&s, 3, 1000 * MS), 0);
	assert_int_equal(hoststats_init(&agg, 1, 1000 * MS), 0);
	for (i = 0; i < 50; i++) {
		__s64 x = (i * 37 % 101 + 1) * US, y = (i * 53 % 89 + 200) * US;

		hoststats_sent(&s, 0), hoststats_reply(&s, 0, (__u32)i, x);
		hoststats_sent(&s, 1), hoststats_reply(&s, 1, (__u32)i, y);
		hoststats_sent(&s, 2), hoststats_sent(&s, 2);
		hoststats_reply(&s, 2, 2 * (__u32)i, x), hoststats_reply(&s, 2, 2 * (__u32)i + 1, y);
	}
	hoststats_merge(&agg, &s, 0);
	hoststats_merge(&agg, &s, 1);
	hoststats_summary(&agg, 0, &a);
	hoststats_summary(&s, 2, &b);
	assert_int_equal(a.sent, b.sent);
	assert_int_equal(a.received, b.received);
	assert_true(a.min_ms == b.min_ms && a.max_ms == b.max_ms);
	assert_true(fabs(a.avg_ms - b.avg_ms) < 1e-12);
	assert_true(fabs(a.stddev_ms - b.stddev_ms) < 1e-12);
	assert_true(a.p50_ms == b.p50_ms && a.p99_ms == b.p99_ms); /* same histogram */
	hoststats_free(&s);
	hoststats_free(&agg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_error_bound),
		cmocka_unit_test(test_moments_and_percentiles),
		cmocka_unit_test(test_stddev_stable_at_large_offsets),
		cmocka_unit_test(test_percentile_within_min_max),
		cmocka_unit_test(test_loss_dups_late_reorder_errors),
		cmocka_unit_test(test_merge_equals_pooled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
