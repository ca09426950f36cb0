// SPDX-License-Identifier: MIT
#include "cm.h"
#include <stdlib.h>
#include "permute.h"

/* Every position maps to a distinct element, and the inverse maps it back. */
static void check_bijection(__u64 n, __u64 seed)
{
	unsigned char *seen = calloc(n ? n : 1, 1);
	struct permute p;
	__u64 i, x;

	permute_init(&p, n, seed);
	for (i = 0; i < n; i++) {
		x = permute_at(&p, i);
		assert_true(x < n);
		assert_int_equal(seen[x], 0);
		seen[x] = 1;
		assert_int_equal(permute_pos(&p, x), i);
	}
	free(seen);
}

static void test_bijection_sizes(void **s)
{
	static const __u64 sizes[] = { 1, 2, 3, 4, 5, 7, 8, 9, 255, 256, 257, 1000, 4097, 65536, 100003 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_bijection(sizes[i], 42 + i);
}

static void test_seed_decides_order(void **s)
{
	struct permute a, b, c;
	__u64 i, same_ab = 0, same_ac = 0;

	permute_init(&a, 65536, 1);
	permute_init(&b, 65536, 1);
	permute_init(&c, 65536, 2);
	for (i = 0; i < 1000; i++) {
		same_ab += permute_at(&a, i) == permute_at(&b, i);
		same_ac += permute_at(&c, i) == permute_at(&a, i);
	}
	assert_int_equal(same_ab, 1000);
	assert_true(same_ac < 10);
}

/* Not the identity, and consecutive positions land far apart (load spreads over the range). */
static void test_looks_random(void **s)
{
	struct permute p;
	__u64 i, fixed = 0, near = 0;

	permute_init(&p, 1 << 20, 7);
	for (i = 0; i < 10000; i++) {
		__u64 a = permute_at(&p, i), b = permute_at(&p, i + 1);

		fixed += a == i;
		near += (a > b ? a - b : b - a) < 256;
	}
	assert_true(fixed < 5);
	assert_true(near < 50);
}

static void test_large_domain_inverse(void **s)
{
	struct permute p;
	__u64 i, x;

	permute_init(&p, 1ULL << 32, 99);
	for (i = 0; i < 100000; i += 997) {
		x = permute_at(&p, i);
		assert_true(x < (1ULL << 32));
		assert_int_equal(permute_pos(&p, x), i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bijection_sizes),
		cmocka_unit_test(test_seed_decides_order),
		cmocka_unit_test(test_looks_random),
		cmocka_unit_test(test_large_domain_inverse),
	};

	return cmocka_run_group_tests_name("permute", tests, NULL, NULL);
}
