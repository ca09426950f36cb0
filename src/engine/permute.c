// SPDX-License-Identifier: MIT
/*
 * Random visiting order without per-target state.
 *
 * We need a bijection P on [0, n) that looks random, is fixed by a seed, costs
 * O(1) memory, and can be inverted (an ICMP error that quotes only 8 bytes of
 * a probe tells us its target, and the inverse gives back the probe's
 * position, hence its in-flight slot).
 *
 * Construction: a Feistel network E on the b-bit domain [0, 2^b) where b is the
 * smallest width with 2^b >= n (so 2^b < 2n), then cycle walking (Black and
 * Rogaway, "Ciphers with Arbitrary Finite Domains", 2002):
 *
 *     P(i) = E^k(i) for the smallest k >= 1 with E^k(i) < n.
 *
 * E is a permutation of the finite set [0, 2^b), so following E from a point
 * of [0, n) must come back into [0, n); the first return defines P, and P is a
 * bijection because E's cycles pass through [0, n) in order. Walking E^-1
 * instead gives P^-1. At most half of [0, 2^b) lies outside [0, n), so the
 * expected number of steps is below 2.
 *
 * E splits x into a left part of l = ceil(b/2) bits and a right part of
 * r = b - l bits. A round maps (L, R) to (R, L xor F(R, key_j)) keeping the
 * widths of each part with it, so the halves trade widths every round and,
 * with an even number of rounds, come back to l and r. Each round is
 * invertible whatever F is; F is a 64-bit mixing function (the SplitMix64
 * finaliser) of R and a round key derived from the seed. Four rounds make a
 * pseudorandom permutation (Luby and Rackoff) for our purpose, which is an
 * even spread of load, not secrecy.
 */
#include "permute.h"

_Static_assert(PERMUTE_ROUNDS % 2 == 0, "an even round count restores the half widths");

static __u64 permute_mix(__u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static __u64 permute_mask(unsigned bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

void permute_init(struct permute *p, __u64 n, __u64 seed)
{
	unsigned bits = 2, i;

	while (bits < 64 && (1ULL << bits) < n)
		bits++;
	p->n = n;
	p->bits = bits;
	p->lbits = (bits + 1) / 2;
	for (i = 0; i < PERMUTE_ROUNDS; i++) {
		seed += 0x9e3779b97f4a7c15ULL;
		p->key[i] = permute_mix(seed);
	}
}

/* One pass of the Feistel network E (or E^-1) over the b-bit domain. */
static __u64 permute_feistel(const struct permute *p, __u64 x, int inverse)
{
	unsigned lw = p->lbits, rw = p->bits - p->lbits, j, t;
	__u64 l = x >> rw, r = x & permute_mask(rw);

	if (!inverse) {
		for (j = 0; j < PERMUTE_ROUNDS; j++) {
			__u64 nl = r;

			r = (l ^ permute_mix(r ^ p->key[j])) & permute_mask(lw);
			l = nl;
			t = lw, lw = rw, rw = t;
		}
		return (l << rw) | r;
	}
	/* Undo the rounds last to first; the round-0 widths are restored at the end. */
	for (j = PERMUTE_ROUNDS; j-- > 0;) {
		__u64 pl = (r ^ permute_mix(l ^ p->key[j])) & permute_mask(rw);

		r = l;
		l = pl;
		t = lw, lw = rw, rw = t;
	}
	return (l << rw) | r;
}

static __u64 permute_walk(const struct permute *p, __u64 x, int inverse)
{
	do
		x = permute_feistel(p, x, inverse);
	while (x >= p->n);
	return x;
}

__u64 permute_at(const struct permute *p, __u64 i)
{
	return permute_walk(p, i, 0);
}

__u64 permute_pos(const struct permute *p, __u64 x)
{
	return permute_walk(p, x, 1);
}
