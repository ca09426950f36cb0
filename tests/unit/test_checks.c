// SPDX-License-Identifier: MIT
#include "cm.h"
#include <string.h>
#include "checks.h"

static struct ringping_host host(double loss, double max, double p99)
{
	struct ringping_host s = { .sent = 100, .loss_pct = loss, .has_rtt = true,
				  .min_ms = 0.01, .avg_ms = max / 2, .max_ms = max,
				  .p50_ms = max / 2, .p95_ms = p99, .p99_ms = p99 };

	return s;
}

/* A check flips exactly at its threshold: equal passes, above fails. */
static void test_thresholds_flip_exactly(void **st)
{
	struct check_cfg c;
	struct ringping_host s;
	char why[256];

	checks_init(&c);
	assert_false(checks_any(&c));
	c.limit[CHK_LOSS] = 1;
	assert_true(checks_any(&c));
	s = host(1.0, 5, 4);
	assert_false(checks_fail(&c, &s, why, sizeof(why)));
	s = host(1.01, 5, 4);
	assert_true(checks_fail(&c, &s, why, sizeof(why)));
	assert_string_equal(why, "loss 1.01% > 1%");
	c.limit[CHK_P99] = 4;
	s = host(0, 5, 4);
	assert_false(checks_fail(&c, &s, why, sizeof(why)));
	s = host(2, 5, 4.5);
	assert_true(checks_fail(&c, &s, why, sizeof(why)));
	assert_string_equal(why, "loss 2.00% > 1%; p99 4.500 ms > 4 ms");
	c.limit[CHK_RTT_MAX] = 5;
	s = host(0, 5.0001, 1);
	assert_true(checks_fail(&c, &s, why, sizeof(why)));
	assert_string_equal(why, "max 5.000 ms > 5 ms");
}

/* No reply at all: loss 100 %, and RTT checks cannot pass on nothing. */
static void test_no_rtt_fails_rtt_checks(void **st)
{
	struct ringping_host s = { .sent = 10, .loss_pct = 100 };
	struct check_cfg c;
	char why[256];

	checks_init(&c);
	c.limit[CHK_P50] = 10;
	c.limit[CHK_P99] = 10;
	assert_true(checks_fail(&c, &s, why, sizeof(why)));
	assert_string_equal(why, "no RTT measured"); /* said once */
	c.limit[CHK_LOSS] = 50;
	assert_true(checks_fail(&c, &s, why, sizeof(why)));
	assert_string_equal(why, "loss 100.00% > 50%; no RTT measured");
}

static void test_min_alive(void **st)
{
	struct check_cfg c;
	char why[128];

	checks_init(&c);
	assert_false(checks_alive_fail(&c, 0, 10, why, sizeof(why)));
	c.min_alive = 8;
	assert_false(checks_alive_fail(&c, 8, 10, why, sizeof(why)));
	assert_true(checks_alive_fail(&c, 7, 10, why, sizeof(why)));
	assert_string_equal(why, "7 of 10 targets alive, fewer than 8");
	c.min_alive = 75;
	c.min_alive_pct = true;
	assert_false(checks_alive_fail(&c, 3, 4, why, sizeof(why)));
	assert_true(checks_alive_fail(&c, 2, 4, why, sizeof(why)));
	assert_string_equal(why, "2 of 4 targets alive, fewer than 75%");
}

/* A long reason list is cut at the buffer, never past it. */
static void test_reason_truncated_safely(void **st)
{
	struct ringping_host s = host(50, 50, 50);
	struct check_cfg c;
	char why[24];
	int i;

	checks_init(&c);
	for (i = 0; i < CHK__COUNT; i++)
		c.limit[i] = 1;
	assert_true(checks_fail(&c, &s, why, sizeof(why)));
	assert_int_equal(strlen(why), sizeof(why) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thresholds_flip_exactly),
		cmocka_unit_test(test_no_rtt_fails_rtt_checks),
		cmocka_unit_test(test_min_alive),
		cmocka_unit_test(test_reason_truncated_safely),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
