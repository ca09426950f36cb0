// SPDX-License-Identifier: MIT
/* The host names the user gave (names.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "names.h"

void names_free(struct target_names *n)
{
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i].name);
	free(n->v);
	memset(n, 0, sizeof(*n));
}

static int names_grow(struct target_names *n, size_t want)
{
	struct target_name *v;
	size_t cap = n->cap ? n->cap : 8;

	while (cap < want)
		cap *= 2;
	if (cap == n->cap)
		return 0;
	v = realloc(n->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	n->v = v;
	n->cap = cap;
	return 0;
}

int names_add(struct target_names *n, u128 a, const char *name)
{
	char *s;

	if (names_grow(n, n->n + 1) || !(s = strdup(name)))
		return -ENOMEM;
	n->v[n->n++] = (struct target_name){ .a = a, .name = s, .order = n->given++ };
	n->sorted = false;
	return 0;
}

int names_take(struct target_names *n, struct target_names *src)
{
	if (names_grow(n, n->n + src->n))
		return -ENOMEM;
	for (size_t i = 0; i < src->n; i++) {
		n->v[n->n] = src->v[i];
		n->v[n->n++].order = n->given++;
	}
	n->sorted = n->sorted && !src->n;
	free(src->v);
	memset(src, 0, sizeof(*src));
	return 0;
}

int names_dup(struct target_names *dst, const struct target_names *src)
{
	*dst = (struct target_names){ .given = src->given, .sorted = src->sorted };
	if (names_grow(dst, src->n))
		return -ENOMEM;
	for (; dst->n < src->n; dst->n++) {
		dst->v[dst->n] = src->v[dst->n];
		if (!(dst->v[dst->n].name = strdup(src->v[dst->n].name))) {
			names_free(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

static int names_cmp(const void *x, const void *y)
{
	const struct target_name *a = x, *b = y;

	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

void names_finalize(struct target_names *n)
{
	size_t i, k = 0;

	if (n->sorted || !n->n)
		return; /* qsort on no array at all is undefined, even of nothing */
	qsort(n->v, n->n, sizeof(*n->v), names_cmp);
	for (i = 0; i < n->n; i++) {
		if (k && n->v[k - 1].a == n->v[i].a) {
			free(n->v[i].name); /* a later name of the same address */
			continue;
		}
		n->v[k++] = n->v[i];
	}
	n->n = k;
	n->sorted = true;
}

const char *names_find(const struct target_names *n, u128 a)
{
	size_t lo = 0, hi = n->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (n->v[mid].a == a)
			return n->v[mid].name;
		if (n->v[mid].a < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
