// SPDX-License-Identifier: MIT
#include "cm.h"
#include "pacer.h"

#define MS 1000000ULL
#define SEC 1000000000ULL

/* Drive the pacer with an injected clock in steps; count what it lets through. */
static __u64 simulate(__u64 rate, __u32 burst, __u64 step_ns, __u64 dur_ns)
{
	struct pacer p;
	__u64 now, sent = 0;

	pacer_init(&p, rate, burst, 0);
	for (now = 0; now < dur_ns; now += step_ns) {
		__u32 n = pacer_allow(&p, now);

		pacer_commit(&p, n);
		sent += n;
	}
	return sent;
}

static void test_low_rate_exact(void **s)
{
	/* 10 pps for 10 s, polled every ms: 100 probes (the first at t=0). */
	assert_int_equal(simulate(10, 64, MS, 10 * SEC), 100);
	assert_int_equal(simulate(1, 64, MS, 5 * SEC), 5);
}

static void test_high_rate_within_0_1_percent(void **s)
{
	__u64 sent = simulate(5000000, 1024, 100000, SEC); /* polled every 100 us */

	assert_true(sent >= 4995000 && sent <= 5005000);
}

static void test_burst_cap_and_forgiven_backlog(void **s)
{
	struct pacer p;

	pacer_init(&p, 1000, 16, 0);
	pacer_commit(&p, pacer_allow(&p, 0));
	/* A 1 s stall: 1000 probes overdue, only one burst goes out. */
	assert_int_equal(pacer_allow(&p, SEC), 16);
	pacer_commit(&p, 16);
	/* ...and the schedule restarts from there rather than catching up. */
	assert_true(pacer_allow(&p, SEC + 1 * MS) <= 2);
}

static void test_unpaced(void **s)
{
	struct pacer p;

	pacer_init(&p, 0, 64, 0);
	assert_int_equal(pacer_allow(&p, 0), 64);
	assert_int_equal(pacer_next_ns(&p, 10, 123), 123);
}

static void test_next_ns(void **s)
{
	struct pacer p;

	pacer_init(&p, 1000, 64, 0);
	assert_int_equal(pacer_allow(&p, 0), 1);
	pacer_commit(&p, 1);
	assert_int_equal(pacer_allow(&p, MS - 1), 0);
	assert_int_equal(pacer_next_ns(&p, 1, 0), MS);
	assert_int_equal(pacer_next_ns(&p, 5, 0), 5 * MS);
	assert_int_equal(pacer_allow(&p, MS), 1);
}

/* -p 1500 to one host: a probe at 0, 1.5 s, 3 s, ...; -p over n hosts spreads a round over the period. */
static void test_fractional_and_limits(void **s)
{
	struct pacer p;

	pacer_init(&p, 0, 64, 0);
	pacer_limit(&p, 1500 * MS, 1);
	assert_int_equal(pacer_allow(&p, 0), 1);
	pacer_commit(&p, 1);
	assert_int_equal(pacer_allow(&p, 1500 * MS - 1), 0);
	assert_int_equal(pacer_next_ns(&p, 1, 0), 1500 * MS);
	assert_int_equal(pacer_allow(&p, 1500 * MS), 1);
	assert_int_equal(pacer_rate(&p), 0); /* 2/3 per second rounds down */

	/* --rate 10000 with -p 1000 over 3 hosts: the period is the slower, 3 probes/s. */
	pacer_init(&p, 10000, 64, 0);
	pacer_limit(&p, 1000 * MS, 3);
	assert_int_equal(pacer_rate(&p), 3);
	pacer_commit(&p, pacer_allow(&p, 0));
	assert_int_equal(pacer_next_ns(&p, 1, 0), 333333334);
	/* A faster limit does not loosen a slower rate. */
	pacer_init(&p, 10, 64, 0);
	pacer_limit(&p, 1 * MS, 1);
	assert_int_equal(pacer_rate(&p), 10);
	pacer_limit(&p, 0, 0); /* no limit */
	assert_int_equal(pacer_rate(&p), 10);
}

/* ping's -l: the first n at once, then one per period from the start, as if they had been early. */
static void test_preload(void **s)
{
	struct pacer p;

	pacer_init(&p, 0, 64, 0);
	pacer_limit(&p, SEC, 1);
	p.start_ns = 10 * SEC;
	pacer_preload(&p, 5);
	assert_int_equal(pacer_allow(&p, 10 * SEC), 5);
	pacer_commit(&p, 5);
	assert_int_equal(pacer_allow(&p, 10 * SEC + SEC - 1), 0);
	assert_int_equal(pacer_allow(&p, 11 * SEC), 1);
	pacer_init(&p, 0, 2, 0);
	pacer_limit(&p, SEC, 1);
	p.start_ns = 100 * SEC;
	pacer_preload(&p, 8); /* more than a burst: the burst grows to hold it */
	assert_int_equal(pacer_allow(&p, 100 * SEC), 8);
	pacer_init(&p, 0, 64, 0); /* unpaced: nothing to move */
	pacer_preload(&p, 8);
	assert_int_equal(p.start_ns, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_low_rate_exact),
		cmocka_unit_test(test_high_rate_within_0_1_percent),
		cmocka_unit_test(test_burst_cap_and_forgiven_backlog),
		cmocka_unit_test(test_unpaced),
		cmocka_unit_test(test_next_ns),
		cmocka_unit_test(test_fractional_and_limits),
		cmocka_unit_test(test_preload),
	};

	return cmocka_run_group_tests_name("pacer", tests, NULL, NULL);
}
