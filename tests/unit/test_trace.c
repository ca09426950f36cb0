// SPDX-License-Identifier: MIT
/* A trace's hops: indexes to (target, flow, TTL) and back, waves in order, distances. */
#include "cm.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "schedule.h"
#include "trace.h"

/* Every hop splits into a (target, flow, TTL) that joins back to it, each pair exactly once. */
static void test_split_join_roundtrip(void **s)
{
	struct trace_map m;
	__u64 v, t, back, n;
	struct probe_hop h;
	__u8 *seen;

	assert_int_equal(trace_map_init(&m, 5, 3, 2, 9, 4, 3), 0);
	n = trace_count(&m);
	assert_int_equal(n, 8 * 3 * 8);
	assert_int_equal(trace_count4(&m), 5 * 3 * 8);
	seen = calloc(8 * 64 * 64, 1);
	for (v = 0; v < n; v++) {
		trace_split(&m, v, &t, &h);
		assert_true(t < 8);
		assert_true(h.flow >= 4 && h.flow < 7);
		assert_true(h.ttl >= 2 && h.ttl <= 9);
		assert_int_equal(t < 5, v < trace_count4(&m)); /* the family's block */
		assert_int_equal(trace_join(&m, t, h.flow, h.ttl, &back), 0);
		assert_int_equal(back, v);
		assert_int_equal(seen[(t * 64 + h.flow) * 64 + h.ttl]++, 0);
	}
	assert_int_equal(trace_join(&m, 8, 4, 2, &back), -EINVAL);
	assert_int_equal(trace_join(&m, 0, 7, 2, &back), -EINVAL);
	assert_int_equal(trace_join(&m, 0, 4, 1, &back), -EINVAL);
	assert_int_equal(trace_join(&m, 0, 4, 10, &back), -EINVAL);
	free(seen);
	trace_map_free(&m);
}

static void test_bad_maps(void **s)
{
	struct trace_map m;

	assert_int_equal(trace_map_init(&m, 1, 0, 0, 30, 0, 1), -EINVAL);  /* TTL 0 */
	assert_int_equal(trace_map_init(&m, 1, 0, 5, 4, 0, 1), -EINVAL);   /* first past max */
	assert_int_equal(trace_map_init(&m, 1, 0, 1, 64, 0, 1), -EINVAL);  /* past 6 bits */
	assert_int_equal(trace_map_init(&m, 1, 0, 1, 30, 60, 5), -EINVAL); /* flows past 63 */
	assert_int_equal(trace_map_init(&m, 1, 0, 1, 30, 0, 0), -EINVAL);
}

/*
 * The schedule walks a trace TTL by TTL: every wave is one TTL's hops (all
 * targets and flows), in a random order, each exactly once, the waves in
 * order; and the inverse finds each hop's position.
 */
static void test_waves_walk_ttl_by_ttl(void **s)
{
	struct trace_map m;
	struct sched sch;
	struct probe_hop h;
	__u64 p, v, t, n, w4, w6;
	__u8 *seen;
	bool shuffled = false;

	assert_int_equal(trace_map_init(&m, 40, 24, 1, 30, 0, 2), 0);
	n = trace_count(&m);
	w4 = trace_wave(&m, 4);
	w6 = trace_wave(&m, 6);
	sched_init(&sch, n, trace_count4(&m), 2 * n, 0, 7);
	sched_set_waves(&sch, w4, w6);
	seen = calloc(n, 1);
	for (p = 0; p < 2 * n; p++) {
		__u64 pos = p % n;
		bool v6 = pos >= trace_count4(&m);
		__u64 local = v6 ? pos - trace_count4(&m) : pos, w = v6 ? w6 : w4;

		v = sched_order(&sch, p);
		trace_split(&m, v, &t, &h);
		assert_int_equal(h.ttl, 1 + local / w);
		assert_int_equal(sched_position(&sch, v), pos);
		shuffled |= v != pos;
		if (p < n)
			assert_int_equal(seen[v]++, 0);
	}
	assert_true(shuffled);
	free(seen);
	trace_map_free(&m);
}

/* An echo reply at TTL d: TTLs past d are not worth a probe, for that target only. */
static void test_distance(void **s)
{
	struct trace_map m;
	__u64 v;

	assert_int_equal(trace_map_init(&m, 2, 0, 1, 30, 0, 1), 0);
	assert_int_equal(trace_join(&m, 0, 0, 8, &v), 0);
	assert_false(trace_beyond(&m, v));
	trace_reached(&m, 0, 9);
	trace_reached(&m, 0, 7); /* the nearest echo reply wins */
	trace_reached(&m, 0, 12);
	assert_true(trace_beyond(&m, v));
	assert_int_equal(trace_join(&m, 0, 0, 7, &v), 0);
	assert_false(trace_beyond(&m, v));
	assert_int_equal(trace_join(&m, 1, 0, 30, &v), 0);
	assert_false(trace_beyond(&m, v));
	trace_map_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_join_roundtrip),
		cmocka_unit_test(test_bad_maps),
		cmocka_unit_test(test_waves_walk_ttl_by_ttl),
		cmocka_unit_test(test_distance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
