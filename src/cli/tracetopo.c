// SPDX-License-Identifier: MIT
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "tracetopo.h"

static const struct ringping_addr tt_zero;

/* FNV-1a over both addresses. */
static size_t tt_hash(const struct ringping_addr *a, const struct ringping_addr *b)
{
	__u64 h = 0xcbf29ce484222325ULL;
	int i;

	for (i = 0; i < 32; i++) {
		h ^= i < 16 ? a->b[i] : b->b[i - 16];
		h *= 0x100000001b3ULL;
	}
	return (size_t)h;
}

static struct tracetopo_entry *tt_slot(struct tracetopo_entry *v, size_t cap,
				       const struct ringping_addr *a, const struct ringping_addr *b)
{
	size_t i = tt_hash(a, b) & (cap - 1);

	while (v[i].paths && (memcmp(&v[i].a, a, sizeof(*a)) || memcmp(&v[i].b, b, sizeof(*b))))
		i = (i + 1) & (cap - 1);
	return &v[i];
}

static int tt_grow(struct tracetopo *t)
{
	size_t cap = t->cap ? 2 * t->cap : 64, i;
	struct tracetopo_entry *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (i = 0; i < t->cap; i++)
		if (t->v[i].paths)
			*tt_slot(v, cap, &t->v[i].a, &t->v[i].b) = t->v[i];
	free(t->v);
	t->v = v;
	t->cap = cap;
	return 0;
}

int tracetopo_add(struct tracetopo *t, const struct ringping_addr *a, const struct ringping_addr *b,
		  __u64 path)
{
	struct tracetopo_entry *e;

	b = b ? b : &tt_zero;
	if (2 * (t->n + 1) > t->cap && tt_grow(t))
		return -ENOMEM;
	e = tt_slot(t->v, t->cap, a, b);
	if (!e->paths) {
		*e = (struct tracetopo_entry){ .a = *a, .b = *b };
		t->n++;
	}
	if (e->last_path != path + 1) { /* once per path, however many queries saw it */
		e->paths++;
		e->last_path = path + 1;
	}
	return 0;
}

void tracetopo_json(const struct tracetopo *t, FILE *f)
{
	char a[RINGPING_ADDRSTRLEN], b[RINGPING_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < t->cap; i++) {
		const struct tracetopo_entry *e = &t->v[i];

		if (!e->paths)
			continue;
		ringping_addr_str(&e->a, a, sizeof(a));
		if (!memcmp(&e->b, &tt_zero, sizeof(tt_zero)))
			fprintf(f, "{\"type\":\"interface\",\"address\":\"%s\",\"paths\":%" PRIu64 "}\n", a,
				(uint64_t)e->paths);
		else
			fprintf(f, "{\"type\":\"link\",\"from\":\"%s\",\"to\":\"%s\",\"paths\":%" PRIu64 "}\n",
				a, ringping_addr_str(&e->b, b, sizeof(b)), (uint64_t)e->paths);
	}
}

void tracetopo_free(struct tracetopo *t)
{
	free(t->v);
	*t = (struct tracetopo){ 0 };
}
