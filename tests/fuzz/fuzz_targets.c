// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the target-file parser and the set it builds. Any bytes as a
 * file: no crash, no hang, no leak; and when the set is small enough to walk,
 * every index maps to an address that maps back to it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_walk(const struct targets *t)
{
	struct ringping_addr a;
	__u64 i, back;

	for (i = 0; i < t->count && i < 4096; i++) {
		targets_addr(t, i, &a);
		if (targets_index(t, &a, &back) || back != i)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct targets t;
	FILE *f;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	targets_init(&t);
	t.numeric = true; /* no resolver: names are an error here */
	t.family = data[0] % 3 == 1 ? 4 : data[0] % 3 == 2 ? 6 : 0;
	t.force = data[0] & 0x80;
	if (!targets_add_stream(&t, f, "fuzz", data[0] & 0x40) && !targets_finalize(&t))
		fuzz_walk(&t);
	fclose(f);
	targets_free(&t);
	return 0;
}
