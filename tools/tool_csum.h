/* SPDX-License-Identifier: MIT */
/* The Internet checksum, shared by the lab's tools (each a program of its own). */
#ifndef RP_TOOL_CSUM_H
#define RP_TOOL_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Of len bytes as big-endian words, added to sum (a pseudo-header's, or 0); host order. */
static inline uint16_t tool_csum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif
