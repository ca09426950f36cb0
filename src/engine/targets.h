/* SPDX-License-Identifier: MIT */
/*
 * The target set: addresses, CIDR blocks, a-b ranges, names and files, less
 * the exclusions, as sorted disjoint ranges of the 128-bit address space
 * (IPv4 mapped). A /8 is one range until it is iterated, so memory grows with
 * the number of tokens, never with the number of addresses they cover.
 * Indexes 0..count-1 number the addresses in ascending order, so every IPv4
 * target comes before the IPv6 ones (::ffff:0:0/96 sorts low). An IPv4-mapped
 * IPv6 literal (::ffff:198.19.0.1) is that IPv4 address, probed over IPv4.
 *
 * IPv6 blocks are guarded: more than TARGETS_V6_MAX addresses in one token or
 * in all is refused unless force is set (a /64 is not a sweep), and no set may
 * exceed TARGETS_MAX. Link-local IPv6 targets take their zone from the token
 * (fe80::1%eth0); one zone per run.
 */
#ifndef RP_TARGETS_H
#define RP_TARGETS_H

#include <stdbool.h>
#include <stdio.h>
#include "addr.h"
#include "names.h"

struct target_range {
	u128 lo, hi; /* inclusive */
};

struct target_list {
	struct target_range *v;
	size_t n, cap;
};

#define TARGETS_V6_MAX (1ULL << 24)
#define TARGETS_MAX (1ULL << 48)

struct targets {
	int family;	     /* set before adding: 4 or 6 restricts the set (-4/-6); 0 both */
	bool v4_tstamp;	     /* family 4 because the probes are timestamp requests (its error says so) */
	bool force;	     /* --force: lift the IPv6 size guard */
	bool numeric;	     /* refuse host names (the fuzzer: no resolver calls) */
	bool all_addrs;	     /* a name's every address is a target (fping's -m), not its first */
	struct target_names names; /* the names given, by the addresses they resolved to */
	/*
	 * A blocklist for blocks and ranges (normalized; not owned): a CIDR or
	 * range token loses the addresses it holds, unless the token lies
	 * entirely inside one of its ranges (the user meant that space). Single
	 * addresses and names are never blocklisted.
	 */
	const struct target_list *deny;
	u128 blocked;	     /* addresses the blocklist took out of blocks and ranges */
	unsigned scope_id;   /* zone of link-local IPv6 targets, 0 if none */
	__u64 count4;	     /* after finalize: IPv4 targets (indexes 0..count4-1) */
	struct target_list inc, exc;
	__u64 *start;	     /* after finalize: index of the first address of inc.v[i] */
	__u64 count;	     /* after finalize: addresses in the set */
	__u64 given;	     /* addresses named by the include tokens, duplicates counted */
	unsigned unresolved; /* names that did not resolve (warned, skipped) */
	char err[256];	     /* the last error, naming the offending token */
};

void targets_init(struct targets *t);
/* Parse a token (address, CIDR, range) into a blocklist, normalized. 0, -EINVAL (t->err) or -ENOMEM. */
int targets_deny_add(struct targets *t, struct target_list *deny, const char *tok);
void targets_list_free(struct target_list *l);
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
/*
 * Move src's tokens into t, the newest winning: src's addresses leave t's
 * exclusions, src's exclusions join them. src is left empty. 0 or -errno.
 */
int targets_take(struct targets *t, struct targets *src);
/* A copy of a finalized set (to map old indexes to new ones). 0 or -ENOMEM. */
int targets_dup(struct targets *dst, const struct targets *src);
/* Sort, merge duplicates and overlaps, subtract exclusions, index. 0 or -ENOMEM. */
int targets_finalize(struct targets *t);
void targets_addr(const struct targets *t, __u64 idx, struct ringping_addr *out);
/* Index of an address in the set: 0, or -ENOENT. */
int targets_index(const struct targets *t, const struct ringping_addr *a, __u64 *idx);
/* The host name target idx was given as, or NULL. After finalize. */
const char *targets_name(const struct targets *t, __u64 idx);

#endif
