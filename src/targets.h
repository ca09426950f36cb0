/* SPDX-License-Identifier: MIT */
/*
 * The target set: addresses, CIDR blocks, a-b ranges, names and files, less
 * the exclusions, as sorted disjoint ranges of the 128-bit address space
 * (IPv4 mapped). A /8 is one range until it is iterated, so memory grows with
 * the number of tokens, never with the number of addresses they cover.
 * Indexes 0..count-1 number the addresses in ascending order.
 */
#ifndef RP_TARGETS_H
#define RP_TARGETS_H

#include <stdbool.h>
#include <stdio.h>
#include "addr.h"

struct target_range {
	u128 lo, hi; /* inclusive */
};

struct target_list {
	struct target_range *v;
	size_t n, cap;
};

struct targets {
	struct target_list inc, exc;
	__u64 *start;	     /* after finalize: index of the first address of inc.v[i] */
	__u64 count;	     /* after finalize: addresses in the set */
	__u64 given;	     /* addresses named by the include tokens, duplicates counted */
	unsigned unresolved; /* names that did not resolve (warned, skipped) */
	char err[256];	     /* the last error, naming the offending token */
};

void targets_init(struct targets *t);
void targets_free(struct targets *t);
/*
 * Add one token (literal, CIDR, a-b range, or a host name when exclude is
 * false). Returns 0; -EINVAL for a bad token (t->err says why); a name that
 * does not resolve is warned about, counted in t->unresolved and returns 0.
 */
int targets_add(struct targets *t, const char *tok, bool exclude);
/* Tokens from a file ("-" for stdin): whitespace separated, '#' starts a comment. */
int targets_add_file(struct targets *t, const char *path, bool exclude);
int targets_add_stream(struct targets *t, FILE *f, const char *name, bool exclude);
/* Sort, merge duplicates and overlaps, subtract exclusions, index. 0 or -ENOMEM. */
int targets_finalize(struct targets *t);
void targets_addr(const struct targets *t, __u64 idx, struct rp_addr *out);
/* Index of an address in the set: 0, or -ENOENT. */
int targets_index(const struct targets *t, const struct rp_addr *a, __u64 *idx);

#endif
