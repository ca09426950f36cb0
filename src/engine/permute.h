/* SPDX-License-Identifier: MIT */
/* A seeded pseudorandom permutation of [0, n) with O(1) state; see permute.c. */
#ifndef RP_PERMUTE_H
#define RP_PERMUTE_H

#include <linux/types.h>

#define PERMUTE_ROUNDS 4

struct permute {
	__u64 n;		     /* domain size */
	unsigned bits;		     /* walk domain is [0, 2^bits), 2^bits < 2n */
	unsigned lbits;		     /* width of the left half at round 0 */
	__u64 key[PERMUTE_ROUNDS];   /* round keys derived from the seed */
};

void permute_init(struct permute *p, __u64 n, __u64 seed);
/* The element at position i (i < n): a bijection of [0, n). */
__u64 permute_at(const struct permute *p, __u64 i);
/* Inverse: the position of element x (x < n). */
__u64 permute_pos(const struct permute *p, __u64 x);

#endif
