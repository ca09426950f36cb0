/* SPDX-License-Identifier: MIT */
/*
 * The host names the user gave, kept beside the addresses they resolved to
 * (fping prints "db1", not 10.0.0.7): a small array of (address, name),
 * sorted by address once the set is final, the first name given winning for
 * an address two names share. Only names cost memory: a /8 has none.
 */
#ifndef RP_NAMES_H
#define RP_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include "addr.h"

struct target_name {
	u128 a;
	char *name;
	size_t order; /* when it was given: the first name of an address wins */
};

struct target_names {
	struct target_name *v;
	size_t n, cap;
	size_t given; /* names added so far, for order */
	bool sorted;
};

void names_free(struct target_names *n);
/* Address a was resolved from name. 0 or -ENOMEM. */
int names_add(struct target_names *n, u128 a, const char *name);
/* Move src's names into n (src emptied). 0 or -ENOMEM. */
int names_take(struct target_names *n, struct target_names *src);
/* A deep copy. 0 or -ENOMEM (dst empty). */
int names_dup(struct target_names *dst, const struct target_names *src);
/* Sort by address, one name per address. */
void names_finalize(struct target_names *n);
/* The name address a came from, or NULL. After names_finalize. */
const char *names_find(const struct target_names *n, u128 a);

#endif
