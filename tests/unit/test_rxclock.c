// SPDX-License-Identifier: MIT
/* rxclock: the measured TAI - MONOTONIC offset, its bound, and the conversion. */
#include "cm.h"
#include <time.h>
#include "rxclock.h"

static __s64 now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__s64)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A MONOTONIC reading moved by the offset lands between two TAI readings around it. */
static void test_offset_relates_the_clocks(void **state)
{
	struct rxclock c;
	__s64 t0, t1, conv;

	rxclock_init(&c, true, (__u64)now(CLOCK_MONOTONIC));
	assert_true(c.err_ns > 0 && c.err_ns < 1000000);
	t0 = now(CLOCK_TAI);
	conv = (__s64)rxclock_tai(&c, (__u64)now(CLOCK_MONOTONIC));
	t1 = now(CLOCK_TAI);
	assert_true(conv >= t0 - c.err_ns && conv <= t1 + c.err_ns);
}

static void test_tai_records_pass_unchanged(void **state)
{
	struct rxclock c;

	rxclock_init(&c, false, 0);
	assert_int_equal(rxclock_tai(&c, 123456789), 123456789);
	assert_false(rxclock_update(&c, ~0ULL));
}

/* A forged old offset is a step: seen at the next check, not before. */
static void test_step_detected_when_due(void **state)
{
	struct rxclock c;
	__u64 m = (__u64)now(CLOCK_MONOTONIC);

	rxclock_init(&c, true, m);
	assert_false(rxclock_update(&c, m + 1)); /* not due yet */
	assert_false(rxclock_update(&c, m + RXCLOCK_CHECK_NS)); /* due, no step */
	c.off_ns -= 5000000; /* as if the wall clock had moved 5 ms */
	assert_true(rxclock_update(&c, m + 2 * RXCLOCK_CHECK_NS));
	assert_int_equal(c.steps, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offset_relates_the_clocks),
		cmocka_unit_test(test_tai_records_pass_unchanged),
		cmocka_unit_test(test_step_detected_when_due),
	};

	return cmocka_run_group_tests_name("rxclock", tests, NULL, NULL);
}
