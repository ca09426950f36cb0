// SPDX-License-Identifier: MIT
/*
 * forger: the lab's attacker. Run in rp-tgt, it watches rp-t0 for echo
 * requests to PREFIX (hosts that never answer) and sends back, as frames on
 * the target side of the veth, answers that must never count: it knows each
 * probe's tag and payload, because it sees them, and forges everything else.
 * Nothing leaves the lab: the frames go to rp-p0, the prober's only link.
 *
 *   tagonly    an echo reply with the probe's tag and 8 data bytes (no cookie)
 *   badcookie  an echo reply with the payload, one cookie bit flipped
 *   badseq     an echo reply whose sequence number names another probe
 *   badquote   host unreachable from 198.18.0.2 quoting the probe, cookie changed
 *   mapped6    an ICMPv6 echo reply from ::ffff:A with the probe's tag and payload
 *   truncated  an echo reply cut after 12 bytes of payload, lengths made to fit
 *   flood      -k copies of badcookie per probe, as fast as the socket takes them
 *
 * Usage: forger -m MODE [-k COPIES] [-t SECONDS] [-n MAX_FRAMES] IFACE PREFIX
 * Bounded: it exits after SECONDS (default 30) or MAX_FRAMES (default 10^7).
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#define FG_FRAME 2048

enum fg_mode { FG_TAGONLY, FG_BADCOOKIE, FG_BADSEQ, FG_BADQUOTE, FG_MAPPED6, FG_TRUNCATED, FG_FLOOD };
static const char *const fg_modes[] = { "tagonly", "badcookie", "badseq", "badquote", "mapped6",
					"truncated", "flood" };

struct fg {
	int fd, ifindex;
	enum fg_mode mode;
	uint32_t net, mask;
	unsigned copies;
	uint64_t sent, max;
};

static uint16_t fg_sum(const uint8_t *b, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void fg_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8, p[1] = (uint8_t)v;
}

/* An IPv4 header: src, dst, proto ICMP, TTL 64, checksummed. */
static void fg_ip4(uint8_t *ip, const uint8_t *src, const uint8_t *dst, size_t icmp_len)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	fg_put16(ip + 2, (uint16_t)(20 + icmp_len));
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	fg_put16(ip + 10, fg_sum(ip, 20, 0));
}

static void fg_send(struct fg *g, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = g->ifindex, .sll_halen = 6 };

	memcpy(to.sll_addr, frame, 6);
	if (g->sent < g->max && sendto(g->fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) > 0)
		g->sent++;
}

/* An echo reply to the request (req: its IPv4 header; icmp: its ICMP message, n bytes), forged. */
static size_t fg_reply4(struct fg *g, const uint8_t *req, const uint8_t *icmp, size_t n, uint8_t *out)
{
	uint8_t *ip = out + 14, *m = ip + 20;
	size_t len = n;

	memcpy(m, icmp, n);
	m[0] = 0; /* echo reply */
	if (g->mode == FG_TAGONLY)
		len = 16; /* id, seq (the tag) and 8 data bytes: no cookie */
	else if (g->mode == FG_TRUNCATED)
		len = 8 + 12; /* the seq and half a cookie */
	else if (g->mode == FG_BADSEQ)
		m[8] ^= 1; /* another probe's number, this probe's cookie */
	else
		m[16] ^= 0x10; /* the cookie */
	m[2] = m[3] = 0;
	fg_put16(m + 2, fg_sum(m, len, 0));
	fg_ip4(ip, req + 16, req + 12, len);
	return 14 + 20 + len;
}

/* Host unreachable from 198.18.0.2 quoting the request with its cookie changed. */
static size_t fg_error4(const uint8_t *req, const uint8_t *icmp, size_t n, uint8_t *out)
{
	static const uint8_t router[4] = { 198, 18, 0, 2 };
	uint8_t *ip = out + 14, *m = ip + 20, *q = m + 8;

	memset(m, 0, 8);
	m[0] = 3, m[1] = 1;
	memcpy(q, req, 20);
	memcpy(q + 20, icmp, n);
	q[20 + 16] ^= 0x10;
	fg_put16(m + 2, fg_sum(m, 8 + 20 + n, 0));
	fg_ip4(ip, router, req + 12, 8 + 20 + n);
	return 14 + 20 + 8 + 20 + n;
}

/* The same reply over IPv6 from ::ffff:A, tag and payload intact. */
static size_t fg_mapped6(const uint8_t *req, const uint8_t *icmp, size_t n, uint8_t *out)
{
	uint8_t *ip = out + 14, *m = ip + 40, ph[40];
	uint32_t sum = 0;
	size_t i;

	out[12] = 0x86, out[13] = 0xdd;
	memset(ip, 0, 40);
	ip[0] = 0x60;
	fg_put16(ip + 4, (uint16_t)n);
	ip[6] = 58, ip[7] = 64;
	ip[18] = ip[19] = 0xff, memcpy(ip + 20, req + 16, 4);	/* ::ffff:target */
	ip[34] = ip[35] = 0xff, memcpy(ip + 36, req + 12, 4);	/* ::ffff:prober */
	memcpy(m, icmp, n);
	m[0] = 129, m[2] = m[3] = 0;
	memcpy(ph, ip + 8, 32);
	memset(ph + 32, 0, 8);
	fg_put16(ph + 34, (uint16_t)n);
	ph[39] = 58;
	for (i = 0; i < 40; i += 2)
		sum += (uint32_t)ph[i] << 8 | ph[i + 1];
	fg_put16(m + 2, fg_sum(m, n, sum));
	return 14 + 40 + n;
}

/* One frame from rp-t0: an echo request to PREFIX gets its forgeries. */
static void fg_frame(struct fg *g, const uint8_t *f, size_t len)
{
	uint8_t out[FG_FRAME];
	const uint8_t *ip = f + 14, *icmp;
	size_t ihl, n, olen;
	uint32_t dst;
	unsigned k;

	if (len < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00 || (ip[0] >> 4) != 4 || ip[9] != 1)
		return;
	ihl = (ip[0] & 0xf) * 4u;
	memcpy(&dst, ip + 16, 4);
	if ((ntohl(dst) & g->mask) != g->net || len < 14 + ihl + 8)
		return;
	icmp = ip + ihl;
	n = len - 14 - ihl;
	if (icmp[0] != 8 || n < 24 || n > 1400)
		return;
	memcpy(out, f + 6, 6); /* back to the prober's MAC, from ours */
	memcpy(out + 6, f, 6);
	out[12] = 0x08, out[13] = 0x00;
	if (g->mode == FG_BADQUOTE)
		olen = fg_error4(ip, icmp, n, out);
	else if (g->mode == FG_MAPPED6)
		olen = fg_mapped6(ip, icmp, n, out);
	else
		olen = fg_reply4(g, ip, icmp, n, out);
	for (k = 0; k < (g->mode == FG_FLOOD ? g->copies : 1); k++)
		fg_send(g, out, olen);
}

static int fg_parse_prefix(struct fg *g, const char *s)
{
	char buf[64], *slash;
	struct in_addr a;
	int bits = 32;

	snprintf(buf, sizeof(buf), "%s", s);
	if ((slash = strchr(buf, '/'))) {
		*slash = '\0';
		bits = atoi(slash + 1);
	}
	if (!inet_pton(AF_INET, buf, &a) || bits < 8 || bits > 32)
		return -1;
	g->mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
	g->net = ntohl(a.s_addr) & g->mask;
	return 0;
}

static int fg_args(struct fg *g, int argc, char **argv, int *secs, const char **ifname)
{
	int c;

	while ((c = getopt(argc, argv, "m:k:t:n:")) != -1) {
		if (c == 'm') {
			for (g->mode = 0; g->mode <= FG_FLOOD && strcmp(optarg, fg_modes[g->mode]); g->mode++)
				;
			if (g->mode > FG_FLOOD)
				return -1;
		} else if (c == 'k') {
			g->copies = (unsigned)atoi(optarg);
		} else if (c == 't') {
			*secs = atoi(optarg);
		} else if (c == 'n') {
			g->max = strtoull(optarg, NULL, 10);
		} else {
			return -1;
		}
	}
	if (optind + 2 != argc || fg_parse_prefix(g, argv[optind + 1]))
		return -1;
	*ifname = argv[optind];
	return 0;
}

static volatile sig_atomic_t fg_stop;

static void fg_on_term(int sig)
{
	(void)sig;
	fg_stop = 1;
}

int main(int argc, char **argv)
{
	struct fg g = { .mode = FG_BADCOOKIE, .copies = 100, .max = 10000000 };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	uint8_t f[FG_FRAME];
	const char *ifname = NULL;
	int secs = 30;
	time_t end;

	if (fg_args(&g, argc, argv, &secs, &ifname)) {
		fprintf(stderr, "usage: forger -m MODE [-k COPIES] [-t SECONDS] [-n MAX] IFACE PREFIX\n");
		return 2;
	}
	g.ifindex = (int)if_nametoindex(ifname);
	g.fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	sll.sll_ifindex = g.ifindex;
	if (!g.ifindex || g.fd < 0 || bind(g.fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("forger");
		return 1;
	}
	signal(SIGTERM, fg_on_term); /* the test stops it: the count still comes out */
	printf("ready\n");
	fflush(stdout);
	for (end = time(NULL) + secs; !fg_stop && time(NULL) < end && g.sent < g.max;) {
		struct pollfd p = { .fd = g.fd, .events = POLLIN };
		struct sockaddr_ll from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (poll(&p, 1, 100) <= 0)
			continue;
		n = recvfrom(g.fd, f, sizeof(f), 0, (struct sockaddr *)&from, &fl);
		if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
			fg_frame(&g, f, (size_t)n);
	}
	printf("forged %llu frames\n", (unsigned long long)g.sent);
	return 0;
}
