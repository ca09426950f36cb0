// SPDX-License-Identifier: MIT
#include "cm.h"
#include <string.h>
#include "stats.h"

static void test_every_probe_in_one_bucket(void **s)
{
	struct inflight_counts c = { .pushed = 100, .send_failed = 3, .duplicates = 2 };
	struct rp_counters bpf = { .rb_full = 0 };
	struct ringping_summary r = { .elapsed_s = 2, .send_s = 1 };

	c.by_status[RINGPING_ALIVE] = 80;
	c.by_status[RINGPING_UNREACHABLE] = 5;
	c.by_status[RINGPING_TIME_EXCEEDED] = 2;
	c.by_status[RINGPING_ERROR] = 1;
	c.by_status[RINGPING_NO_REPLY] = 9;
	c.by_status[RINGPING_SEND_FAILED] = 3;
	stats_summarize(&r, &c, &bpf, 120, 120);
	assert_int_equal(r.sent, 97);
	assert_int_equal(r.errors, 8);
	assert_int_equal(r.no_reply, 9);
	assert_int_equal(r.unprobed, 20);
	assert_int_equal(r.unaccounted, 0);
	assert_true(r.send_pps > 99.9 && r.send_pps < 100.1);
}

static void test_local_drops_are_not_loss(void **s)
{
	struct inflight_counts c = { .pushed = 10 };
	struct rp_counters bpf = { .rb_full = 3 };
	struct ringping_summary r = { 0 };

	c.by_status[RINGPING_ALIVE] = 6;
	c.by_status[RINGPING_NO_REPLY] = 4;
	stats_summarize(&r, &c, &bpf, 10, 10);
	assert_int_equal(r.dropped_locally, 3);
	assert_int_equal(r.no_reply, 1);
	assert_int_equal(r.unaccounted, 0);
	/* More drops than unanswered probes (drops of duplicates): never negative loss. */
	bpf.rb_full = 50;
	stats_summarize(&r, &c, &bpf, 10, 10);
	assert_int_equal(r.dropped_locally, 4);
	assert_int_equal(r.no_reply, 0);
}

static void test_unaccounted_detects_lost_track(void **s)
{
	struct inflight_counts c = { .pushed = 10 };
	struct rp_counters bpf = { 0 };
	struct ringping_summary r = { 0 };

	c.by_status[RINGPING_ALIVE] = 7; /* three probes never resolved */
	stats_summarize(&r, &c, &bpf, 10, 10);
	assert_int_equal(r.unaccounted, 3);
	c.by_status[RINGPING_ALIVE] = 12; /* resolved more than were sent */
	stats_summarize(&r, &c, &bpf, 10, 10);
	assert_int_equal(r.unaccounted, -2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_probe_in_one_bucket),
		cmocka_unit_test(test_local_drops_are_not_loss),
		cmocka_unit_test(test_unaccounted_detects_lost_track),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
