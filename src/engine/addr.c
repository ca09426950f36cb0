// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "addr.h"

static const __u8 v4_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

bool addr_is_v4(const struct ringping_addr *a)
{
	return memcmp(a->b, v4_prefix, sizeof(v4_prefix)) == 0;
}

bool addr_is_scoped(const struct ringping_addr *a)
{
	if (addr_is_v4(a))
		return false;
	return (a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80) ||
	       (a->b[0] == 0xff && ((a->b[1] & 0xf) == 1 || (a->b[1] & 0xf) == 2));
}

bool addr_is_group(const struct ringping_addr *a)
{
	if (!addr_is_v4(a))
		return a->b[0] == 0xff;
	return (a->b[12] & 0xf0) == 0xe0 || addr_v4(a) == 0xffffffffU;
}

void addr_from_v4(struct ringping_addr *a, __u32 host_order)
{
	__u32 be = htonl(host_order);

	memcpy(a->b, v4_prefix, sizeof(v4_prefix));
	memcpy(a->b + 12, &be, 4);
}

__u32 addr_v4(const struct ringping_addr *a)
{
	__u32 be;

	memcpy(&be, a->b + 12, 4);
	return ntohl(be);
}

u128 addr_to_u128(const struct ringping_addr *a)
{
	u128 v = 0;
	int i;

	for (i = 0; i < RP_ADDR_LEN; i++)
		v = (v << 8) | a->b[i];
	return v;
}

void addr_from_u128(struct ringping_addr *a, u128 v)
{
	int i;

	for (i = RP_ADDR_LEN - 1; i >= 0; i--) {
		a->b[i] = (__u8)v;
		v >>= 8;
	}
}

int addr_parse(const char *s, struct ringping_addr *a)
{
	struct in_addr in4;

	if (inet_pton(AF_INET, s, &in4) == 1) {
		addr_from_v4(a, ntohl(in4.s_addr));
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1)
		return 0;
	return -EINVAL;
}

const char *addr_str(const struct ringping_addr *a, char *buf, size_t len)
{
	if (addr_is_v4(a))
		return inet_ntop(AF_INET, a->b + 12, buf, len);
	return inet_ntop(AF_INET6, a->b, buf, len);
}
