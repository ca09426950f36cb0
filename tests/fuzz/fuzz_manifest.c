// SPDX-License-Identifier: MIT
/*
 * libFuzzer: `ringping merge` reads manifests that may have been edited,
 * truncated or written by anyone: the parser must accept exactly the shape
 * ringping writes and nothing else, never read past the bytes it was given,
 * and leave every string it fills terminated within its field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* manifest.c's writer asks the engine for these; the parser never does, and the fuzzer links no engine. */
int ringping_targets(struct ringping *e, __u64 *count)
{
	(void)e;
	*count = 0;
	return 0;
}

__u64 ringping_targets_digest(struct ringping *e)
{
	(void)e;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1); /* exactly size bytes, no NUL: ASan sees any read past them */
	struct manifest m;

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (manifest_parse(text, size, &m)) {
		/* Accepted: every string terminated within its field. */
		if (strnlen(m.results, sizeof(m.results)) == sizeof(m.results) ||
		    strnlen(m.targets_digest, sizeof(m.targets_digest)) == sizeof(m.targets_digest) ||
		    strnlen(m.version, sizeof(m.version)) == sizeof(m.version))
			abort();
	}
	free(text);
	return 0;
}
