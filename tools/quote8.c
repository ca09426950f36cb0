// SPDX-License-Identifier: MIT
/*
 * quote8: the trace lab's router that quotes only 8 bytes. In a namespace
 * whose kernel drops packets arriving with TTL (hop limit) 1 before it could
 * answer them (nftables, tools/tracelab.sh), it watches IFACE with a packet
 * socket and answers each such IPv4 or IPv6 packet with a time-exceeded
 * error quoting the IP header and the first 8 bytes after it (RFC 792's
 * minimum), sent through a raw socket (the kernel picks the source address
 * and, for ICMPv6, the checksum).
 *
 * With -m LABEL[,LABEL...] it is a router on an MPLS path instead: it quotes
 * 128 bytes of the packet (RFC 4884's minimum with extensions; zeros past its
 * end) and adds the label stack, each entry with TTL 1, as an ICMP extension
 * (RFC 4950).
 *
 * Usage: quote8 -i IFACE [-t SECONDS] [-m LABELS]   Bounded: exits after SECONDS (default 600).
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "tool_csum.h"

#define Q8_MSG (8 + 128 + 8 + 4 * 4)

static uint32_t q8_labels[4];
static int q8_nlabels;

static void q8_put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

/*
 * The error's body after its 8-byte header (m): qlen bytes of the packet at
 * ip (n there); with -m, 128 of them (zero padded), the original datagram
 * field's length in the header (v6: in 8-byte units, at byte 4; v4: 4-byte
 * units at byte 5), and the extension. The message's length.
 */
static size_t q8_body(uint8_t *m, const uint8_t *ip, size_t qlen, size_t n, int v6)
{
	uint8_t *e = m + 8 + 128;
	uint16_t c;
	int i;

	if (!q8_nlabels) {
		memcpy(m + 8, ip, qlen);
		return 8 + qlen;
	}
	memset(m + 8, 0, 128 + 8 + 4 * 4);
	memcpy(m + 8, ip, n < 128 ? n : 128);
	m[v6 ? 4 : 5] = v6 ? 128 / 8 : 128 / 4;
	e[0] = 2 << 4; /* version 2 */
	q8_put16(e + 4, 4 + 4 * (unsigned)q8_nlabels);
	e[6] = 1, e[7] = 1; /* MPLS label stack, incoming */
	for (i = 0; i < q8_nlabels; i++) {
		uint32_t v = q8_labels[i] << 12 | (uint32_t)(i == q8_nlabels - 1) << 8 | 1;

		q8_put16(e + 8 + 4 * i, v >> 16);
		q8_put16(e + 10 + 4 * i, v & 0xffff);
	}
	c = tool_csum(e, 8 + 4 * (size_t)q8_nlabels, 0);
	q8_put16(e + 2, c);
	return 8 + 128 + 8 + 4 * (size_t)q8_nlabels;
}

/* Time exceeded for the IPv4 packet at ip (n bytes): 8 bytes of ICMP, the header, 8 more. */
static int q8_reply4(int fd, const uint8_t *ip, size_t n)
{
	size_t hl = (size_t)(ip[0] & 0xf) * 4, qlen = hl + 8, len;
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint8_t msg[Q8_MSG] = { 11, 0 };
	uint16_t c;

	if (hl < 20 || n < qlen)
		return 0;
	len = q8_body(msg, ip, qlen, n, 0);
	c = tool_csum(msg, len, 0);
	msg[2] = c >> 8, msg[3] = (uint8_t)c;
	memcpy(&to.sin_addr, ip + 12, 4);
	return sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -1 : 1;
}

static int q8_reply6(int fd, const uint8_t *ip, size_t n)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	uint8_t msg[Q8_MSG] = { 3, 0 };
	size_t len;

	if (n < 48)
		return 0;
	len = q8_body(msg, ip, 48, n, 1);
	memcpy(&to.sin6_addr, ip + 8, 16);
	return sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ? -1 : 1;
}

/* -m 100,200: at most 4 labels of 20 bits. */
static int q8_parse_labels(char *arg)
{
	char *tok, *end;

	for (tok = strtok(arg, ","); tok; tok = strtok(NULL, ",")) {
		unsigned long v = strtoul(tok, &end, 10);

		if (*end || v > 0xfffff || q8_nlabels == 4)
			return -1;
		q8_labels[q8_nlabels++] = (uint32_t)v;
	}
	return q8_nlabels ? 0 : -1;
}

/* One frame: answered (1), not for us (0), or a send failed (-1). */
static int q8_frame(int fd4, int fd6, const uint8_t *f, size_t n)
{
	uint16_t proto;

	if (n < 14 + 40)
		return 0;
	proto = (uint16_t)(f[12] << 8 | f[13]);
	/* TTL 1, to be forwarded: not multicast (IGMP and MLD go out with TTL 1 too). */
	if (proto == ETH_P_IP && (f[14] >> 4) == 4 && f[14 + 8] == 1 && (f[14 + 16] & 0xf0) != 0xe0)
		return q8_reply4(fd4, f + 14, n - 14);
	if (proto == ETH_P_IPV6 && (f[14] >> 4) == 6 && f[14 + 7] == 1 && f[14 + 24] != 0xff)
		return q8_reply6(fd6, f + 14, n - 14);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	const char *ifname = NULL;
	long secs = 600, answered = 0, failed = 0;
	int opt, fd, fd4, fd6;
	time_t end;
	uint8_t buf[2048];

	while ((opt = getopt(argc, argv, "i:t:m:")) != -1) {
		if (opt == 'i')
			ifname = optarg;
		else if (opt == 't')
			secs = strtol(optarg, NULL, 10);
		else if (opt != 'm' || q8_parse_labels(optarg))
			return 2;
	}
	if (!ifname || secs <= 0 || !(sll.sll_ifindex = (int)if_nametoindex(ifname))) {
		fprintf(stderr, "usage: quote8 -i IFACE [-t SECONDS] [-m LABEL[,LABEL...]]\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	fd4 = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	fd6 = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (fd < 0 || fd4 < 0 || fd6 < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("quote8: sockets");
		return 1;
	}
	end = time(NULL) + secs;
	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;
		int r;

		if (poll(&p, 1, 200) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		r = q8_frame(fd4, fd6, buf, (size_t)n);
		answered += r > 0;
		failed += r < 0;
	}
	printf("quote8: %ld answered, %ld sends failed\n", answered, failed);
	return 0;
}
