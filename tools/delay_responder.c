// SPDX-License-Identifier: MIT
/*
 * delay_responder: the lab's slow host. In a namespace whose kernel ignores
 * echo requests (net.ipv4.icmp_echo_ignore_all=1), it answers those sent to
 * PREFIX exactly DELAY after the kernel received them (SO_TIMESTAMPNS), so
 * a test can check the RTT ringping measures against a known added delay.
 * Replies go out through an IPPROTO_RAW socket, from the probed address.
 *
 * Usage: delay_responder -d MS [-t SECONDS] [-n MAX_REPLIES] PREFIX
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
#include <linux/errqueue.h>

#define DR_QUEUE 65536 /* pending replies; beyond this a request is dropped (and counted) */
#define DR_PKT 1500

struct dr_pending {
	uint64_t due_ns;
	uint32_t src, dst; /* of the request, network order */
	uint16_t len;
	uint8_t icmp[DR_PKT];
};

struct dr {
	uint32_t net, mask;
	uint64_t delay_ns;
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

static uint64_t rx_stamp(struct msghdr *m)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		}
	return now_ns();
}

/* Queue an echo request to our prefix for its reply; anything else is not ours. */
static void dr_take(struct dr *d, const uint8_t *p, ssize_t n, uint64_t rx)
{
	struct dr_pending *e;
	uint32_t dst;
	int hl;

	if (n < 20 || (p[0] >> 4) != 4 || p[9] != 1)
		return;
	hl = (p[0] & 0xf) * 4;
	memcpy(&dst, p + 16, 4);
	if (n < hl + 8 || p[hl] != 8 || (ntohl(dst) & d->mask) != d->net || n - hl > DR_PKT)
		return;
	if (d->tail - d->head == DR_QUEUE) {
		d->dropped++;
		return;
	}
	e = &d->q[d->tail++ % DR_QUEUE];
	e->due_ns = rx + d->delay_ns;
	memcpy(&e->src, p + 12, 4);
	e->dst = dst;
	e->len = (uint16_t)(n - hl);
	memcpy(e->icmp, p + hl, e->len);
}

static void dr_reply(struct dr *d, struct dr_pending *e)
{
	uint8_t pkt[20 + DR_PKT] = { 0x45 };
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = e->src };
	uint16_t tot = htons((uint16_t)(20 + e->len));
	uint32_t sum;

	memcpy(pkt + 2, &tot, 2);
	pkt[8] = 64, pkt[9] = 1;
	memcpy(pkt + 12, &e->dst, 4); /* from the probed address; the kernel fills id and checksum */
	memcpy(pkt + 16, &e->src, 4);
	memcpy(pkt + 20, e->icmp, e->len);
	pkt[20] = 0; /* echo reply: the checksum word loses 0x0800 (RFC 1624) */
	sum = (uint32_t)(uint16_t)~((pkt[22] << 8) | pkt[23]) + (uint16_t)~0x0800;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	pkt[22] = (uint8_t)(~sum >> 8), pkt[23] = (uint8_t)~sum;
	if (sendto(d->tx, pkt, 20 + e->len, 0, (struct sockaddr *)&to, sizeof(to)) > 0)
		d->answered++;
}

static void dr_read(struct dr *d)
{
	uint8_t buf[20 + 60 + DR_PKT], ctl[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		m.msg_control = ctl;
		m.msg_controllen = sizeof(ctl);
		n = recvmsg(d->rx, &m, MSG_DONTWAIT);
		if (n < 0)
			return;
		dr_take(d, buf, n, rx_stamp(&m));
	}
}

static int dr_args(int argc, char **argv, struct dr *d, int *secs, uint64_t *max)
{
	char *slash;
	struct in_addr a;
	int c, len;

	while ((c = getopt(argc, argv, "d:t:n:")) != -1) {
		if (c == 'd')
			d->delay_ns = (uint64_t)atoi(optarg) * 1000000ULL;
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
	len = atoi(slash + 1);
	if (inet_pton(AF_INET, argv[optind], &a) != 1 || len < 8 || len > 32)
		return -1;
	d->mask = len == 32 ? ~0U : ~(~0U >> len);
	d->net = ntohl(a.s_addr) & d->mask;
	return 0;
}

int main(int argc, char **argv)
{
	struct dr d = { 0 };
	uint64_t max = 1000000, end;
	int secs = 30, one = 1;

	if (dr_args(argc, argv, &d, &secs, &max)) {
		fprintf(stderr, "usage: delay_responder -d MS [-t SECONDS] [-n MAX_REPLIES] PREFIX\n");
		return 3;
	}
	d.q = calloc(DR_QUEUE, sizeof(*d.q));
	d.rx = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	d.tx = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (!d.q || d.rx < 0 || d.tx < 0 ||
	    setsockopt(d.rx, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one))) {
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

		while (d.head != d.tail && d.q[d.head % DR_QUEUE].due_ns <= now)
			dr_reply(&d, &d.q[d.head++ % DR_QUEUE]);
		if (d.head != d.tail && d.q[d.head % DR_QUEUE].due_ns - now < wait)
			wait = d.q[d.head % DR_QUEUE].due_ns - now;
		ts = (struct timespec){ (time_t)(wait / 1000000000ULL), (long)(wait % 1000000000ULL) };
		if (ppoll(&p, 1, &ts, NULL) > 0)
			dr_read(&d);
	}
	printf("answered=%lu dropped=%lu\n", (unsigned long)d.answered, (unsigned long)d.dropped);
	return 0;
}
