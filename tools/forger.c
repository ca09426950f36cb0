// SPDX-License-Identifier: MIT
/*
 * forger: the lab's attacker. Run in rp-tgt, it watches rp-t0 for echo
 * requests (ICMP or ICMPv6) to PREFIX (hosts that never answer) and sends
 * back, as frames on the target side of the veth, answers that must never
 * count: it knows each probe's tag and payload, because it sees them, and
 * forges everything else. Nothing leaves the lab: the frames go to rp-p0,
 * the prober's only link.
 *
 *   tagonly    an echo reply with the probe's tag and 8 data bytes (no cookie)
 *   badcookie  an echo reply with the payload, one cookie bit flipped
 *   badseq     an echo reply whose sequence number names another probe
 *   badquote   host unreachable from 198.18.0.2 quoting the probe, cookie changed
 *   mapped6    an ICMPv6 echo reply from ::ffff:A with the probe's tag and payload
 *   truncated  an echo reply cut after 12 bytes of payload, lengths made to fit
 *   flood      -k copies of badcookie per probe, as fast as the socket takes them
 *   late       the probe's own echo, intact, but -d MS late (past the timeout, or
 *              into the next run)
 *   blind      an echo reply with a random tag and payload (an off-path guess)
 *   badipsum   the probe's own echo with a wrong IPv4 header checksum
 *   badlen     the probe's own echo whose IP length claims 8 bytes more than come
 *   shortihl   the probe's own echo with an IPv4 header length of 16 bytes
 *   extchain   the probe's own echo behind seven IPv6 destination-options headers
 *   quote8     unreachable quoting 8 bytes of the probe (a router may: down, not alive)
 *   quotebad   unreachable quoting the probe behind a broken IP header
 *   frag       a bad-cookie echo in two IPv4 fragments (reassembled by the stack)
 *   tedst      a trace's time exceeded quoting 8 bytes of the probe, renamed to TTL 5,
 *              to the address after the probe's (its identifier is the target's)
 *   tekey      the same, to the probe's own address, its identifier changed (a wrong key)
 *              (tedst and tekey answer UDP and TCP probes too; tekey changes their source port)
 *   tcprst     a RST from the target of a TCP probe, acknowledging it with a wrong key
 *
 * Usage: forger -m MODE [-k COPIES] [-d MS] [-t SECONDS] [-n MAX_FRAMES] IFACE PREFIX
 * PREFIX: an IPv4 block, or an IPv6 /64.
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
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include "tool_csum.h"

#define FG_FRAME 2048

enum fg_mode { FG_TAGONLY, FG_BADCOOKIE, FG_BADSEQ, FG_BADQUOTE, FG_MAPPED6, FG_TRUNCATED, FG_FLOOD,
	       FG_LATE, FG_BLIND, FG_BADIPSUM, FG_BADLEN, FG_SHORTIHL, FG_EXTCHAIN, FG_QUOTE8,
	       FG_QUOTEBAD, FG_FRAG, FG_TEDST, FG_TEKEY, FG_TCPRST, FG__MODES };
static const char *const fg_modes[] = { "tagonly", "badcookie", "badseq", "badquote", "mapped6",
					"truncated", "flood", "late", "blind", "badipsum", "badlen",
					"shortihl", "extchain", "quote8", "quotebad", "frag", "tedst",
					"tekey", "tcprst" };

#define FG_QUEUE 4096 /* late answers waiting */

struct fg_late {
	uint64_t due_ns;
	size_t len;
	uint8_t frame[FG_FRAME];
};

struct fg {
	int fd, ifindex;
	enum fg_mode mode;
	int family;		/* of PREFIX: 4 or 6 */
	uint32_t net, mask;	/* IPv4 PREFIX */
	uint8_t net6[16];	/* IPv6 PREFIX: a /64 */
	unsigned copies;
	uint64_t sent, max, delay_ns;
	struct fg_late *q;
	unsigned qhead, qtail;
};

static uint64_t fg_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
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
	fg_put16(ip + 10, tool_csum(ip, 20, 0));
}

static void fg_send_now(struct fg *g, const uint8_t *frame, size_t len)
{
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = g->ifindex, .sll_halen = 6 };

	memcpy(to.sll_addr, frame, 6);
	if (g->sent < g->max && sendto(g->fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) > 0)
		g->sent++;
}

/* Late answers wait in a queue; the rest go out at once. */
static void fg_send(struct fg *g, const uint8_t *frame, size_t len)
{
	struct fg_late *l;

	if (g->mode != FG_LATE)
		return fg_send_now(g, frame, len);
	if (g->qtail - g->qhead == FG_QUEUE)
		return;
	l = &g->q[g->qtail++ % FG_QUEUE];
	l->due_ns = fg_now() + g->delay_ns;
	l->len = len;
	memcpy(l->frame, frame, len);
}

static void fg_send_due(struct fg *g)
{
	uint64_t now = fg_now();

	while (g->qhead != g->qtail && g->q[g->qhead % FG_QUEUE].due_ns <= now) {
		struct fg_late *l = &g->q[g->qhead++ % FG_QUEUE];

		fg_send_now(g, l->frame, l->len);
	}
}

/* The echo reply's message (m: the request's, n bytes), forged as the mode says: its length. */
static size_t fg_forge_msg(struct fg *g, uint8_t *m, size_t n)
{
	size_t i;

	switch (g->mode) {
	case FG_TAGONLY:
		return 16; /* id, seq (the tag) and 8 data bytes: no cookie */
	case FG_TRUNCATED:
		return 8 + 12; /* the seq and half a cookie */
	case FG_BADSEQ:
		m[8] ^= 1; /* another probe's number, this probe's cookie */
		return n;
	case FG_LATE:
	case FG_BADIPSUM:
	case FG_BADLEN:
	case FG_SHORTIHL:
	case FG_EXTCHAIN:
		return n; /* the genuine echo: late, or in a broken packet */
	case FG_BLIND:
		for (i = 4; i < 24; i++) /* a guess at tag, seq and cookie */
			m[i] = (uint8_t)random();
		return n;
	default:
		m[16] ^= 0x10; /* the cookie */
		return n;
	}
}

/* ICMPv6 checksum: the message with its pseudo-header (ip: the IPv6 header). */
static uint16_t fg_sum6(const uint8_t *ip, const uint8_t *m, size_t len)
{
	uint32_t sum = 58 + (uint32_t)len;
	size_t i;

	for (i = 8; i < 40; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	return tool_csum(m, len, sum);
}

static void fg_ip6(uint8_t *ip, const uint8_t *src, const uint8_t *dst, size_t len)
{
	memset(ip, 0, 40);
	ip[0] = 0x60;
	fg_put16(ip + 4, (uint16_t)len);
	ip[6] = 58, ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
}

/* An echo reply to the request (req: its IP header; icmp: its message, n bytes), forged. */
static size_t fg_reply(struct fg *g, int fam, const uint8_t *req, const uint8_t *icmp, size_t n,
		       uint8_t *out)
{
	size_t hl = fam == 4 ? 20 : 40, len;
	uint8_t *ip = out + 14, *m = ip + hl;

	memcpy(m, icmp, n);
	m[0] = fam == 4 ? 0 : 129;
	len = fg_forge_msg(g, m, n);
	m[2] = m[3] = 0;
	if (fam == 4) {
		fg_put16(m + 2, tool_csum(m, len, 0));
		fg_ip4(ip, req + 16, req + 12, len);
	} else {
		fg_ip6(ip, req + 24, req + 8, len);
		fg_put16(m + 2, fg_sum6(ip, m, len));
	}
	return 14 + hl + len;
}

/* Unreachable from the lab's router quoting the request: its cookie changed, 8 bytes of it, or a broken header. */
static size_t fg_error(const struct fg *g, int fam, const uint8_t *req, const uint8_t *icmp, size_t n,
		       uint8_t *out)
{
	static const uint8_t router4[4] = { 198, 18, 0, 2 };
	static const uint8_t router6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	size_t hl = fam == 4 ? 20 : 40;
	uint8_t *ip = out + 14, *m = ip + hl, *q = m + 8;

	bool te = g->mode == FG_TEDST || g->mode == FG_TEKEY;

	memset(m, 0, 8);
	m[0] = fam == 4 ? 3 : 1, m[1] = fam == 4 ? 1 : 3;
	if (te)
		m[0] = fam == 4 ? 11 : 3, m[1] = 0;
	if (g->mode == FG_QUOTE8 || te)
		n = 8;
	memcpy(q, req, hl);
	memcpy(q + hl, icmp, n);
	if (te) /* the trace's sequence field: its TTL bits say 5 */
		q[hl + 7] = (uint8_t)((q[hl + 7] & 0x0f) | 0x50), q[hl + 6] &= 0xfc;
	if (g->mode == FG_TEDST)
		q[fam == 4 ? 19 : 39] ^= 1;
	else if (g->mode == FG_TEKEY) /* ICMP: the identifier; UDP, TCP: the source port */
		q[hl + (q[fam == 4 ? 9 : 6] == (fam == 4 ? 1 : 58) ? 4 : 1)] ^= 0x5a;
	if (g->mode == FG_BADQUOTE)
		q[hl + 16] ^= 0x10;
	else if (g->mode == FG_QUOTEBAD)
		q[0] = fam == 4 ? 0x43 : 0x40; /* IHL 12 bytes; IPv6: version 4 */
	if (fam == 4) {
		fg_put16(m + 2, tool_csum(m, 8 + hl + n, 0));
		fg_ip4(ip, router4, req + 12, 8 + hl + n);
	} else {
		fg_ip6(ip, router6, req + 8, 8 + hl + n);
		fg_put16(m + 2, fg_sum6(ip, m, 8 + hl + n));
	}
	return 14 + hl + 8 + hl + n;
}

/* The same reply over IPv6 from ::ffff:A, tag and payload intact. */
static size_t fg_mapped6(const uint8_t *req, const uint8_t *icmp, size_t n, uint8_t *out)
{
	uint8_t *ip = out + 14, *m = ip + 40, src[16] = { [10] = 0xff, [11] = 0xff },
		dst[16] = { [10] = 0xff, [11] = 0xff };

	out[12] = 0x86, out[13] = 0xdd;
	memcpy(src + 12, req + 16, 4); /* ::ffff:target */
	memcpy(dst + 12, req + 12, 4); /* ::ffff:prober */
	fg_ip6(ip, src, dst, n);
	memcpy(m, icmp, n);
	m[0] = 129, m[2] = m[3] = 0;
	fg_put16(m + 2, fg_sum6(ip, m, n));
	return 14 + 40 + n;
}

/* The genuine echo in a broken packet: checksum, length, header length, a long chain. */
static size_t fg_break(const struct fg *g, int fam, uint8_t *out, size_t len)
{
	uint8_t *ip = out + 14, tmp[FG_FRAME];
	size_t i;

	if (fam == 4 && g->mode == FG_BADIPSUM) {
		ip[11] ^= 1;
	} else if (g->mode == FG_BADLEN) {
		fg_put16(ip + (fam == 4 ? 2 : 4), (uint16_t)((ip[fam == 4 ? 2 : 4] << 8 | ip[fam == 4 ? 3 : 5]) + 8));
		if (fam == 4)
			ip[10] = ip[11] = 0, fg_put16(ip + 10, tool_csum(ip, 20, 0));
	} else if (fam == 4 && g->mode == FG_SHORTIHL) {
		ip[0] = 0x44;
		ip[10] = ip[11] = 0;
		fg_put16(ip + 10, tool_csum(ip, 16, 0));
	} else if (fam == 6 && g->mode == FG_EXTCHAIN && len + 56 <= FG_FRAME) {
		memcpy(tmp, ip + 40, len - 54); /* the ICMPv6 message */
		for (i = 0; i < 7; i++) { /* seven destination-options headers: one past the limit */
			memset(ip + 40 + 8 * i, 0, 8);
			ip[40 + 8 * i] = i < 6 ? 60 : 58;
			ip[40 + 8 * i + 2] = 1, ip[40 + 8 * i + 3] = 4;
		}
		memcpy(ip + 96, tmp, len - 54);
		ip[6] = 60;
		fg_put16(ip + 4, (uint16_t)(len - 54 + 56));
		len += 56;
	}
	return len;
}

/* A (bad-cookie) IPv4 echo in two fragments: 24 bytes of ICMP, then the rest. */
static void fg_send_frags(struct fg *g, const uint8_t *out, size_t len)
{
	uint8_t f[FG_FRAME];
	size_t rest = len - 14 - 20 - 24;

	memcpy(f, out, 14 + 20 + 24);
	fg_put16(f + 14 + 2, 20 + 24);
	f[14 + 6] = 0x20, f[14 + 7] = 0; /* more fragments, offset 0 */
	f[14 + 10] = f[14 + 11] = 0;
	fg_put16(f + 14 + 10, tool_csum(f + 14, 20, 0));
	fg_send(g, f, 14 + 20 + 24);
	memcpy(f, out, 14 + 20);
	memcpy(f + 14 + 20, out + 14 + 20 + 24, rest);
	fg_put16(f + 14 + 2, (uint16_t)(20 + rest));
	f[14 + 6] = 0, f[14 + 7] = 3; /* last fragment, offset 24 bytes */
	f[14 + 10] = f[14 + 11] = 0;
	fg_put16(f + 14 + 10, tool_csum(f + 14, 20, 0));
	fg_send(g, f, 14 + 20 + rest);
}

/* An echo request to PREFIX in frame f: its IP header, its message and length, its family. */
/* A trace's UDP or TCP probe the mode answers (tedst, tekey: both; tcprst: TCP). */
static bool fg_l4(const struct fg *g, int proto)
{
	if (g->mode == FG_TCPRST)
		return proto == 6;
	return (g->mode == FG_TEDST || g->mode == FG_TEKEY) && (proto == 6 || proto == 17);
}

/* A RST-ACK from the target of the TCP probe (req: IP header, tcp: its segment), the ack's key wrong. */
static size_t fg_tcprst(int fam, const uint8_t *req, const uint8_t *tcp, uint8_t *out)
{
	size_t hl = fam == 4 ? 20 : 40, i;
	uint8_t *ip = out + 14, *t = ip + hl;
	uint32_t ack = ((uint32_t)tcp[4] << 24 | (uint32_t)tcp[5] << 16 | (uint32_t)tcp[6] << 8 | tcp[7]) + 1;
	uint32_t sum = 6 + 20;

	ack ^= 0x5a000000;
	memset(t, 0, 20);
	memcpy(t, tcp + 2, 2);
	memcpy(t + 2, tcp, 2);
	fg_put16(t + 8, (uint16_t)(ack >> 16));
	fg_put16(t + 10, (uint16_t)ack);
	t[12] = 5 << 4, t[13] = 0x14;
	if (fam == 4) {
		fg_ip4(ip, req + 16, req + 12, 20);
		ip[9] = 6, ip[10] = ip[11] = 0;
		fg_put16(ip + 10, tool_csum(ip, 20, 0));
	} else {
		fg_ip6(ip, req + 24, req + 8, 20);
		ip[6] = 6;
	}
	for (i = fam == 4 ? 12 : 8; i < (fam == 4 ? 20u : 40u); i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	fg_put16(t + 16, tool_csum(t, 20, sum));
	return 14 + hl + 20;
}

static int fg_request(const struct fg *g, const uint8_t *f, size_t len, const uint8_t **icmp,
		      size_t *n)
{
	const uint8_t *ip = f + 14;
	uint32_t dst;
	size_t ihl;

	if (g->family == 6) {
		if (len < 14 + 40 + 8 || f[12] != 0x86 || f[13] != 0xdd ||
		    (ip[6] != 58 && !fg_l4(g, ip[6])) || memcmp(ip + 24, g->net6, 8))
			return 0;
		*icmp = ip + 40;
		*n = len - 14 - 40;
		if (g->mode == FG_TCPRST)
			return ip[6] == 6 ? 6 : 0;
		return (*icmp)[0] == 128 || ip[6] != 58 ? 6 : 0;
	}
	if (len < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00 || (ip[0] >> 4) != 4 ||
	    (ip[9] != 1 && !fg_l4(g, ip[9])))
		return 0;
	ihl = (ip[0] & 0xf) * 4u;
	memcpy(&dst, ip + 16, 4);
	if ((ntohl(dst) & g->mask) != g->net || len < 14 + ihl + 8)
		return 0;
	*icmp = ip + ihl;
	*n = len - 14 - ihl;
	if (g->mode == FG_TCPRST)
		return ip[9] == 6 ? 4 : 0;
	return (*icmp)[0] == 8 || ip[9] != 1 ? 4 : 0;
}

/* One frame from rp-t0: an echo request to PREFIX gets its forgeries. */
static void fg_frame(struct fg *g, const uint8_t *f, size_t len)
{
	uint8_t out[FG_FRAME];
	const uint8_t *icmp;
	size_t n, olen;
	unsigned k;
	int fam = fg_request(g, f, len, &icmp, &n);

	if (!fam || n < 24 || n > 1400 || (fam == 6 && (g->mode == FG_MAPPED6 || g->mode == FG_BADIPSUM ||
	    g->mode == FG_SHORTIHL || g->mode == FG_FRAG)) || (fam == 4 && g->mode == FG_EXTCHAIN))
		return; /* no such forgery in this family: nothing, never the genuine echo */
	memcpy(out, f + 6, 6); /* back to the prober's MAC, from ours */
	memcpy(out + 6, f, 6);
	memcpy(out + 12, f + 12, 2);
	if (g->mode == FG_TCPRST)
		olen = fg_tcprst(fam, f + 14, icmp, out);
	else if (g->mode == FG_BADQUOTE || g->mode == FG_QUOTE8 || g->mode == FG_QUOTEBAD ||
		 g->mode == FG_TEDST || g->mode == FG_TEKEY)
		olen = fg_error(g, fam, f + 14, icmp, n, out);
	else if (g->mode == FG_MAPPED6)
		olen = fg_mapped6(f + 14, icmp, n, out);
	else
		olen = fg_reply(g, fam, f + 14, icmp, n, out);
	olen = fg_break(g, fam, out, olen);
	if (g->mode == FG_FRAG && fam == 4)
		return fg_send_frags(g, out, olen);
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
	if (strchr(buf, ':')) { /* IPv6: a /64, the lab's silent block */
		g->family = 6;
		return inet_pton(AF_INET6, buf, g->net6) == 1 && bits == 64 ? 0 : -1;
	}
	g->family = 4;
	if (!inet_pton(AF_INET, buf, &a) || bits < 8 || bits > 32)
		return -1;
	g->mask = bits == 32 ? 0xffffffffu : ~(0xffffffffu >> bits);
	g->net = ntohl(a.s_addr) & g->mask;
	return 0;
}

static int fg_args(struct fg *g, int argc, char **argv, int *secs, const char **ifname)
{
	int c;

	while ((c = getopt(argc, argv, "m:k:t:n:d:")) != -1) {
		if (c == 'm') {
			for (g->mode = 0; g->mode < FG__MODES && strcmp(optarg, fg_modes[g->mode]); g->mode++)
				;
			if (g->mode == FG__MODES)
				return -1;
		} else if (c == 'd') {
			g->delay_ns = strtoull(optarg, NULL, 10) * 1000000ULL;
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
	struct fg g = { .mode = FG_BADCOOKIE, .copies = 100, .max = 10000000, .delay_ns = 1000000000ULL };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	uint8_t f[FG_FRAME];
	const char *ifname = NULL;
	int secs = 30;
	time_t end;

	if (fg_args(&g, argc, argv, &secs, &ifname)) {
		fprintf(stderr, "usage: forger -m MODE [-k COPIES] [-d MS] [-t SECONDS] [-n MAX] IFACE PREFIX\n");
		return 2;
	}
	g.ifindex = (int)if_nametoindex(ifname);
	g.q = calloc(FG_QUEUE, sizeof(*g.q));
	g.fd = g.q ? socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)) : -1;
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

		fg_send_due(&g);
		if (poll(&p, 1, 5) <= 0)
			continue;
		n = recvfrom(g.fd, f, sizeof(f), 0, (struct sockaddr *)&from, &fl);
		if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
			fg_frame(&g, f, (size_t)n);
	}
	printf("forged %llu frames\n", (unsigned long long)g.sent);
	fflush(stdout); /* before a sanitizer's exit handlers, which may end the process */
	close(g.fd);
	free(g.q);
	return 0;
}
