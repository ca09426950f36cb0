// SPDX-License-Identifier: MIT
/*
 * delay_responder: the lab's slow host. In a namespace whose kernel ignores
 * echo requests (net.ipv4.icmp_echo_ignore_all=1, or net.ipv6.icmp.
 * echo_ignore_all=1 for an IPv6 PREFIX), it answers those sent to PREFIX
 * exactly DELAY after the kernel received them (SO_TIMESTAMPNS), so a test
 * can check the RTT ringping measures against a known added delay. Replies go
 * out from the probed address: IPv4 through an IPPROTO_RAW socket, IPv6
 * through a raw ICMPv6 socket (the kernel sums it) with the source in
 * IPV6_PKTINFO, which IPV6_FREEBIND lets name an AnyIP address.
 *
 * With -T MS (IPv4) it is the lab's host with a wrong clock instead: it
 * answers ICMP timestamp requests (RFC 792) as if its clock ran MS
 * milliseconds ahead (negative: behind), its times truncated to whole
 * milliseconds as Linux's are. The namespace's kernel answers them too, so
 * the replies carry SO_MARK DR_TS_MARK, for a firewall rule that drops every
 * other timestamp reply (the integration test installs it).
 *
 * Usage: delay_responder -d MS [-T MS] [-t SECONDS] [-n MAX_REPLIES] PREFIX
 * PREFIX: IPv4 a.b.c.d/len, or IPv6 x::/len.
 * Bounded: it exits after SECONDS (default 30) or MAX_REPLIES (default 1e6).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include "tool_csum.h"

#define DR_QUEUE 65536 /* pending replies; beyond this a request is dropped (and counted) */
#define DR_PKT 1500
#define DR_TS_MARK 0x7473 /* "ts": the mark of this tool's timestamp replies */
#define DR_DAY_MS 86400000ULL

struct dr_pending {
	uint64_t due_ns, rx_ns;
	uint8_t src[16], dst[16]; /* of the request, network order (IPv4: the first 4) */
	uint16_t len;
	uint8_t icmp[DR_PKT];
};

struct dr {
	int family;
	uint8_t net[16];
	int plen;
	uint64_t delay_ns;
	int64_t ts_off_ns; /* -T: the clock it answers timestamps with, ahead of the real one */
	int tstamp;	   /* -T given: timestamp requests, not echo requests */
	int rx, tx;
	struct dr_pending *q;
	uint32_t head, tail;
	uint64_t answered, dropped;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts); /* the clock SO_TIMESTAMPNS stamps with */
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Whether the first plen bits of a equal PREFIX's. */
static int dr_in_prefix(const struct dr *d, const uint8_t *a)
{
	int full = d->plen / 8, rest = d->plen % 8;

	if (memcmp(a, d->net, full))
		return 0;
	return !rest || !((a[full] ^ d->net[full]) & (uint8_t)(0xff << (8 - rest)));
}

/* Queue an echo request (ICMP or ICMPv6, from its type on) for its reply. */
static void dr_queue(struct dr *d, const uint8_t *src, const uint8_t *dst, int alen,
		     const uint8_t *icmp, size_t len, uint64_t rx)
{
	struct dr_pending *e;

	if (len < 8 || len > DR_PKT || !dr_in_prefix(d, dst))
		return;
	if (d->tail - d->head == DR_QUEUE) {
		d->dropped++;
		return;
	}
	e = &d->q[d->tail++ % DR_QUEUE];
	e->due_ns = rx + d->delay_ns;
	e->rx_ns = rx;
	memcpy(e->src, src, alen);
	memcpy(e->dst, dst, alen);
	e->len = (uint16_t)len;
	memcpy(e->icmp, icmp, len);
}

/* IPv4: a raw ICMP socket hands over the IP header too. */
static void dr_take4(struct dr *d, const uint8_t *p, ssize_t n, uint64_t rx)
{
	int hl;

	if (n < 20 || (p[0] >> 4) != 4 || p[9] != 1)
		return;
	hl = (p[0] & 0xf) * 4;
	if (!d->tstamp && n >= hl + 8 && p[hl] == 8)
		dr_queue(d, p + 12, p + 16, 4, p + hl, (size_t)(n - hl), rx);
	if (d->tstamp && n >= hl + 20 && p[hl] == 13)
		dr_queue(d, p + 12, p + 16, 4, p + hl, 20, rx);
}

/* ms since midnight UT of a CLOCK_REALTIME time on the skewed clock, big-endian at p. */
static void dr_put_ms(const struct dr *d, uint8_t *p, uint64_t real_ns)
{
	uint64_t ms = (uint64_t)((int64_t)real_ns + d->ts_off_ns) / 1000000ULL % DR_DAY_MS;

	p[0] = (uint8_t)(ms >> 24), p[1] = (uint8_t)(ms >> 16), p[2] = (uint8_t)(ms >> 8), p[3] = (uint8_t)ms;
}

/* A timestamp reply: originate as it came, receive and transmit on the skewed clock. */
static void dr_tsreply(const struct dr *d, struct dr_pending *e)
{
	uint16_t c;

	e->icmp[0] = 14;
	e->icmp[2] = e->icmp[3] = 0;
	dr_put_ms(d, e->icmp + 12, e->rx_ns);
	dr_put_ms(d, e->icmp + 16, now_ns());
	c = tool_csum(e->icmp, 20, 0);
	e->icmp[2] = (uint8_t)(c >> 8), e->icmp[3] = (uint8_t)c;
}

static void dr_reply4(struct dr *d, struct dr_pending *e)
{
	uint8_t pkt[20 + DR_PKT] = { 0x45 };
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint16_t tot = htons((uint16_t)(20 + e->len));
	uint32_t sum;

	memcpy(&to.sin_addr, e->src, 4);
	memcpy(pkt + 2, &tot, 2);
	pkt[8] = 64, pkt[9] = 1;
	memcpy(pkt + 12, e->dst, 4); /* from the probed address; the kernel fills id and checksum */
	memcpy(pkt + 16, e->src, 4);
	if (d->tstamp) {
		dr_tsreply(d, e);
		memcpy(pkt + 20, e->icmp, e->len);
		if (sendto(d->tx, pkt, 20 + e->len, 0, (struct sockaddr *)&to, sizeof(to)) > 0)
			d->answered++;
		return;
	}
	memcpy(pkt + 20, e->icmp, e->len);
	pkt[20] = 0; /* echo reply: the checksum word loses 0x0800 (RFC 1624) */
	sum = (uint32_t)(uint16_t)~((pkt[22] << 8) | pkt[23]) + (uint16_t)~0x0800;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	pkt[22] = (uint8_t)(~sum >> 8), pkt[23] = (uint8_t)~sum;
	if (sendto(d->tx, pkt, 20 + e->len, 0, (struct sockaddr *)&to, sizeof(to)) > 0)
		d->answered++;
}

/* IPv6: an echo reply from the probed address (IPV6_PKTINFO); the kernel sums it. */
static void dr_reply6(struct dr *d, struct dr_pending *e)
{
	union {
		struct cmsghdr c;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} ctl = { 0 };
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	struct iovec iov = { e->icmp, e->len };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct in6_pktinfo pi = { 0 };

	memcpy(&to.sin6_addr, e->src, 16);
	memcpy(&pi.ipi6_addr, e->dst, 16);
	ctl.c.cmsg_level = IPPROTO_IPV6;
	ctl.c.cmsg_type = IPV6_PKTINFO;
	ctl.c.cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(&ctl.c), &pi, sizeof(pi));
	e->icmp[0] = ICMP6_ECHO_REPLY;
	e->icmp[2] = e->icmp[3] = 0;
	if (sendmsg(d->tx, &m, 0) > 0)
		d->answered++;
}

/* SO_TIMESTAMPNS, and for IPv6 the address the request was sent to. */
static uint64_t dr_cmsgs(struct msghdr *m, uint8_t dst6[16])
{
	uint64_t rx = 0;
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			rx = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		} else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			memcpy(dst6, &pi.ipi6_addr, 16);
		}
	}
	return rx ? rx : now_ns();
}

static void dr_read(struct dr *d)
{
	uint8_t buf[20 + 60 + DR_PKT], ctl[256], dst6[16];
	struct sockaddr_in6 from;
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	uint64_t rx;
	ssize_t n;

	for (;;) {
		m.msg_name = &from;
		m.msg_namelen = sizeof(from);
		m.msg_control = ctl;
		m.msg_controllen = sizeof(ctl);
		n = recvmsg(d->rx, &m, MSG_DONTWAIT);
		if (n < 0)
			return;
		memset(dst6, 0, sizeof(dst6));
		rx = dr_cmsgs(&m, dst6);
		if (d->family == AF_INET)
			dr_take4(d, buf, n, rx);
		else if (n >= 8 && buf[0] == ICMP6_ECHO_REQUEST)
			dr_queue(d, (uint8_t *)&from.sin6_addr, dst6, 16, buf, (size_t)n, rx);
	}
}

static int dr_args(int argc, char **argv, struct dr *d, int *secs, uint64_t *max)
{
	char *slash;
	int c;

	while ((c = getopt(argc, argv, "d:T:t:n:")) != -1) {
		if (c == 'd')
			d->delay_ns = (uint64_t)atoi(optarg) * 1000000ULL;
		else if (c == 'T')
			d->tstamp = 1, d->ts_off_ns = (int64_t)atoi(optarg) * 1000000LL;
		else if (c == 't')
			*secs = atoi(optarg);
		else if (c == 'n')
			*max = strtoull(optarg, NULL, 10);
		else
			return -1;
	}
	if (optind != argc - 1 || !(slash = strchr(argv[optind], '/')) || *secs < 1 || *secs > 600)
		return -1;
	*slash = 0;
	d->plen = atoi(slash + 1);
	d->family = strchr(argv[optind], ':') ? AF_INET6 : AF_INET;
	if (inet_pton(d->family, argv[optind], d->net) != 1 || d->plen < 8 ||
	    d->plen > (d->family == AF_INET ? 32 : 128) || (d->tstamp && d->family != AF_INET))
		return -1;
	return 0;
}

/* The receiving and the answering socket of PREFIX's family. */
static int dr_sockets(struct dr *d)
{
	int one = 1;

	if (d->family == AF_INET) {
		d->rx = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		d->tx = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	} else {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REQUEST, &f);
		d->rx = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
		d->tx = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
		if (d->rx < 0 || d->tx < 0 ||
		    setsockopt(d->rx, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) ||
		    setsockopt(d->rx, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) ||
		    setsockopt(d->tx, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)))
			return -1;
	}
	if (d->rx < 0 || d->tx < 0)
		return -1;
	if (d->tstamp && setsockopt(d->tx, SOL_SOCKET, SO_MARK, &(int){ DR_TS_MARK }, sizeof(int)))
		return -1;
	return setsockopt(d->rx, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
}

int main(int argc, char **argv)
{
	struct dr d = { 0 };
	uint64_t max = 1000000, end;
	int secs = 30;

	if (dr_args(argc, argv, &d, &secs, &max)) {
		fprintf(stderr, "usage: delay_responder -d MS [-T MS] [-t SECONDS] [-n MAX_REPLIES] PREFIX\n");
		return 3;
	}
	d.q = calloc(DR_QUEUE, sizeof(*d.q));
	if (!d.q || dr_sockets(&d)) {
		perror("delay_responder");
		return 4;
	}
	printf("ready\n"); /* tests poll for this rather than sleep */
	fflush(stdout);
	end = now_ns() + (uint64_t)secs * 1000000000ULL;
	while (now_ns() < end && d.answered < max) {
		uint64_t now = now_ns(), wait = 100000000ULL;
		struct pollfd p = { .fd = d.rx, .events = POLLIN };
		struct timespec ts;

		while (d.head != d.tail && d.q[d.head % DR_QUEUE].due_ns <= now) {
			struct dr_pending *e = &d.q[d.head++ % DR_QUEUE];

			if (d.family == AF_INET)
				dr_reply4(&d, e);
			else
				dr_reply6(&d, e);
		}
		if (d.head != d.tail && d.q[d.head % DR_QUEUE].due_ns - now < wait)
			wait = d.q[d.head % DR_QUEUE].due_ns - now;
		ts = (struct timespec){ (time_t)(wait / 1000000000ULL), (long)(wait % 1000000000ULL) };
		if (ppoll(&p, 1, &ts, NULL) > 0)
			dr_read(&d);
	}
	printf("answered=%lu dropped=%lu\n", (unsigned long)d.answered, (unsigned long)d.dropped);
	fflush(stdout);
	close(d.rx);
	close(d.tx);
	free(d.q);
	return 0;
}
