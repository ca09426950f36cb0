// SPDX-License-Identifier: MIT
#include "cm.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "schedule.h"

/* Target sets as (IPv4, IPv6) counts: mixed, one family only, single targets. */
static const __u64 sets[][2] = { { 5, 7 }, { 1, 0 }, { 0, 1 }, { 13, 0 }, { 0, 9 }, { 1, 1 }, { 300, 44 } };
#define NSETS (sizeof(sets) / sizeof(sets[0]))

/* order(position(idx)) is idx, each family keeps to its half of the round. */
static void test_order_position_identity(void **st)
{
	struct sched s;
	__u64 k, idx, pos, n;

	for (k = 0; k < NSETS; k++) {
		n = sets[k][0] + sets[k][1];
		sched_init(&s, n, sets[k][0], 3 * n, 0, 1000 + k);
		for (idx = 0; idx < n; idx++) {
			pos = sched_position(&s, idx);
			assert_true(pos < n);
			assert_int_equal(sched_order(&s, pos), idx);
			/* every round repeats the order */
			assert_int_equal(sched_order(&s, pos + 2 * n), idx);
			assert_int_equal(sched_family(&s, pos), idx < sets[k][0] ? SCHED_V4 : SCHED_V6);
			assert_int_equal(pos < sets[k][0], idx < sets[k][0]);
		}
	}
}

/* A family ends where the round's IPv4 part ends, or with the round. */
static void test_family_ends(void **st)
{
	struct sched s;
	__u64 p;

	sched_init(&s, 12, 5, 36, 0, 7);
	for (p = 0; p < 36; p++) {
		__u64 start = p / 12 * 12;

		assert_int_equal(sched_family_end(&s, p), p % 12 < 5 ? start + 5 : start + 12);
	}
	sched_init(&s, 4, 0, 8, 0, 7); /* IPv6 only: the round is one family */
	assert_int_equal(sched_family_end(&s, 0), 4);
	assert_int_equal(sched_family_end(&s, 5), 8);
}

/* The same seed gives the same order; another seed another one. */
static void test_seed_decides(void **st)
{
	struct sched a, b, c;
	__u64 p, diff = 0;

	sched_init(&a, 1000, 600, 1000, 0, 5);
	sched_init(&b, 1000, 600, 1000, 0, 5);
	sched_init(&c, 1000, 600, 1000, 0, 6);
	for (p = 0; p < 1000; p++) {
		assert_int_equal(sched_order(&a, p), sched_order(&b, p));
		diff += sched_order(&a, p) != sched_order(&c, p);
	}
	assert_true(diff > 900);
}

/* The newest probe sent to a target, by brute force over what was sent. */
static __u64 newest_brute(const struct sched *s, __u64 idx, int *found)
{
	__u64 p, best = 0;

	*found = 0;
	for (p = 0; p < s->next; p++)
		if (sched_order(s, p) == idx)
			best = p, *found = 1;
	return best;
}

/* -c N: an 8-byte quote is charged to the target's newest probe, never an unsent one. */
static void test_quote_inversion(void **st)
{
	struct sched s;
	__u64 idx, seq, sent;
	int found;

	sched_init(&s, 10, 6, 40, 0, 99);
	for (sent = 0; sent <= 40; sent += 3) {
		s.next = sent;
		for (idx = 0; idx < 10; idx++) {
			__u64 want = newest_brute(&s, idx, &found);
			int err = sched_newest_seq(&s, idx, &seq);

			assert_int_equal(err, found ? 0 : -EINVAL);
			if (found)
				assert_int_equal(seq, want);
		}
	}
	assert_int_equal(sched_newest_seq(&s, 10, &seq), -EINVAL); /* not a target */
}

/* Batches stop at the plan's end. */
static void test_batch_sizing(void **st)
{
	struct sched s;

	sched_init(&s, 100, 100, 300, 0, 1);
	assert_int_equal(sched_batch(&s, 64), 64);
	s.next = 290;
	assert_int_equal(sched_batch(&s, 64), 10);
	s.next = 300;
	assert_int_equal(sched_batch(&s, 64), 0);
	assert_false(sched_next_round(&s, 0)); /* no retries: rounds are not gated */
}

/* -r 2: each round opens only when the last is resolved, and never past the plan. */
static void test_retry_rounds(void **st)
{
	struct sched s;

	sched_init(&s, 10, 10, 30, 2, 1);
	assert_int_equal(sched_batch(&s, 64), 10);
	s.next = 10;
	assert_int_equal(sched_batch(&s, 64), 0);
	assert_false(sched_next_round(&s, 3)); /* 3 probes still in flight */
	assert_true(sched_next_round(&s, 0));
	assert_int_equal(sched_batch(&s, 64), 10);
	assert_false(sched_next_round(&s, 0)); /* this round is not sent yet */
	s.next = 20;
	assert_true(sched_next_round(&s, 0));
	s.next = 30;
	assert_int_equal(sched_batch(&s, 64), 0);
	assert_false(sched_next_round(&s, 0)); /* the plan is done */
}

/* A new set between rounds: rounds go on counting, the new set is walked whole, quotes find it. */
static void test_rebase_between_rounds(void **st)
{
	struct sched s;
	unsigned char seen[7];
	__u64 p, seq;

	sched_init(&s, 5, 5, 15, 0, 3);
	s.next = 10; /* two rounds of the old set sent */
	assert_true(sched_at_round_start(&s));
	sched_rebase(&s, 7, 4, 2);
	assert_int_equal(s.total, 24);
	assert_int_equal(sched_round(&s, 10), 2);
	assert_int_equal(sched_round(&s, 17), 3);
	assert_int_equal(sched_family_end(&s, 10), 14); /* 4 IPv4, then 3 IPv6 */
	assert_int_equal(sched_family_end(&s, 15), 17);
	memset(seen, 0, sizeof(seen));
	for (p = 10; p < 17; p++) {
		__u64 idx = sched_order(&s, p);

		assert_true(idx < 7);
		assert_int_equal(seen[idx]++, 0);
		assert_int_equal(sched_family(&s, p), idx < 4 ? SCHED_V4 : SCHED_V6);
	}
	assert_int_equal(sched_newest_seq(&s, 0, &seq), -EINVAL); /* nothing sent to the new set yet */
	s.next = 12;
	for (p = 10; p < 12; p++) {
		assert_int_equal(sched_newest_seq(&s, sched_order(&s, p), &seq), 0);
		assert_int_equal(seq, p);
	}
	s.next = 13;
	assert_false(sched_at_round_start(&s));
	s.next = 17;
	assert_true(sched_at_round_start(&s));
	assert_int_equal(sched_batch(&s, 64), 7);
}

/*
 * Shards: for every N in 1..16, any seed and any small set (each IPv4/IPv6
 * split of 0..40 targets), the N shards' rounds cover every target exactly
 * once; each shard's probes keep to their family's part of its round, invert
 * (the quote of an 8-byte error), repeat every round, and stop at rounds x len.
 */
static void test_shards_cover_exactly_once(void **st)
{
	static unsigned char seen[64];
	__u64 n, n4, shards, i, p, idx, seq, total, seeds[] = { 0, 1, 0xdeadbeefULL, ~0ULL };
	size_t k;
	struct sched s;

	for (k = 0; k < sizeof(seeds) / sizeof(seeds[0]); k++)
	for (n = 1; n <= 40; n++)
	for (n4 = 0; n4 <= n; n4 += (n4 < 3 || n - n4 < 3) ? 1 : 7)
	for (shards = 1; shards <= 16; shards++) {
		memset(seen, 0, sizeof(seen));
		for (total = 0, i = 0; i < shards; i++) {
			sched_init(&s, n, n4, 3 * n, 0, seeds[k]);
			sched_set_shard(&s, shards, i, 3);
			assert_int_equal(s.len, sched_shard_len(n, shards, i));
			assert_int_equal(s.total, 3 * s.len);
			total += s.len;
			for (p = 0; p < s.len; p++) {
				idx = sched_order(&s, p);
				assert_true(idx < n);
				seen[idx]++;
				assert_int_equal(sched_family(&s, p), idx < n4 ? SCHED_V4 : SCHED_V6);
				assert_int_equal(sched_position(&s, idx), p);
				assert_true(sched_in_shard(&s, idx));
				assert_int_equal(sched_order(&s, p + 2 * s.len), idx); /* the third round */
				assert_int_equal(sched_round(&s, p + 2 * s.len), 2);
				assert_true(sched_family_end(&s, p) == (idx < n4 ? s.len4 : s.len));
				s.next = p + 1;
				assert_int_equal(sched_newest_seq(&s, idx, &seq), 0);
				assert_int_equal(seq, p);
			}
		}
		assert_int_equal(total, n);
		for (idx = 0; idx < n; idx++)
			assert_int_equal(seen[idx], 1);
	}
}

/* Another shard's target is none of this one's: not in it, never a quoted probe of it. */
static void test_shard_refuses_others(void **st)
{
	struct sched a, b;
	__u64 p, idx, seq;

	sched_init(&a, 100, 60, 100, 0, 9);
	sched_set_shard(&a, 4, 1, 1);
	sched_init(&b, 100, 60, 100, 0, 9);
	sched_set_shard(&b, 4, 2, 1);
	a.next = a.total;
	for (p = 0; p < b.len; p++) {
		idx = sched_order(&b, p);
		assert_false(sched_in_shard(&a, idx));
		assert_int_equal(sched_newest_seq(&a, idx, &seq), -EINVAL);
	}
	/* A shard past the set's end holds nothing. */
	sched_init(&a, 3, 3, 3, 0, 9);
	sched_set_shard(&a, 8, 5, 1);
	assert_int_equal(a.len, 0);
	assert_int_equal(a.total, 0);
	assert_int_equal(sched_batch(&a, 64), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_position_identity),
		cmocka_unit_test(test_family_ends),
		cmocka_unit_test(test_seed_decides),
		cmocka_unit_test(test_quote_inversion),
		cmocka_unit_test(test_batch_sizing),
		cmocka_unit_test(test_retry_rounds),
		cmocka_unit_test(test_rebase_between_rounds),
		cmocka_unit_test(test_shards_cover_exactly_once),
		cmocka_unit_test(test_shard_refuses_others),
	};

	return cmocka_run_group_tests_name("schedule", tests, NULL, NULL);
}
