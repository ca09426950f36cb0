// SPDX-License-Identifier: MIT
/*
 * bare_gen: the ceiling for tools/bench.sh. It sends ICMP echo requests to a
 * CIDR block from AF_PACKET sockets (PACKET_QDISC_BYPASS, one per thread) in
 * batches with sendmmsg and does nothing else: no timestamps, no matching, no
 * per-probe state. Replies are not read; they are counted from the
 * interface's rx_packets, so the receive side costs only what the stack does
 * to a packet no socket wants.
 *
 * Usage: bare_gen -i IFACE -s SRC -m GW_MAC [-c ROUNDS] [-t THREADS] [-b BATCH] [-w WAIT_MS] CIDR
 * Prints one line of key=value figures. Lab use only: it sends where told.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "tool_csum.h"

#define GEN_MAX_THREADS 16
#define GEN_MAX_BATCH 1024
#define GEN_DATA 56
#define GEN_FRAME (14 + 20 + 8 + GEN_DATA)
#define GEN_MAX_BUSY 10000000

struct gen {
	int ifindex, threads, batch;
	uint32_t base, count, rounds;
	uint8_t smac[6], dmac[6];
	uint32_t src;
	uint64_t sent[GEN_MAX_THREADS];
};

struct gen_thread {
	struct gen *g;
	int id;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void gen_frame(const struct gen *g, uint8_t *f, uint32_t dst)
{
	uint8_t *ip = f + 14, *icmp = ip + 20;

	memcpy(f, g->dmac, 6);
	memcpy(f + 6, g->smac, 6);
	f[12] = 0x08, f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	*(uint16_t *)(ip + 2) = htons(20 + 8 + GEN_DATA);
	ip[8] = 64, ip[9] = 1;
	memcpy(ip + 12, &g->src, 4);
	dst = htonl(dst);
	memcpy(ip + 16, &dst, 4);
	*(uint16_t *)(ip + 10) = htons(tool_csum(ip, 20, 0));
	memset(icmp, 0, 8 + GEN_DATA);
	icmp[0] = 8;
	icmp[4] = 0x42;
	*(uint16_t *)(icmp + 2) = htons(tool_csum(icmp, 8 + GEN_DATA, 0));
}

static int gen_socket(const struct gen *g)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = g->ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW, 0), one = 1; /* protocol 0: receives nothing */

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void *gen_run(void *arg)
{
	struct gen_thread *t = arg;
	struct gen *g = t->g;
	static __thread uint8_t frames[GEN_MAX_BATCH][GEN_FRAME];
	struct mmsghdr msgs[GEN_MAX_BATCH] = { 0 };
	struct iovec iov[GEN_MAX_BATCH];
	uint64_t total = (uint64_t)g->count * g->rounds, k = t->id;
	int fd = gen_socket(g), i, n, r, busy = 0;

	if (fd < 0) {
		fprintf(stderr, "bare_gen: AF_PACKET socket: %s\n", strerror(-fd));
		return NULL;
	}
	for (i = 0; i < g->batch; i++) {
		iov[i] = (struct iovec){ frames[i], GEN_FRAME };
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (k < total) {
		for (n = 0; n < g->batch && k < total; n++, k += g->threads)
			gen_frame(g, frames[n], g->base + (uint32_t)(k % g->count));
		for (i = 0; i < n; i += r) {
			r = sendmmsg(fd, msgs + i, n - i, 0);
			/* A full device queue is waited out (bounded); other refusals end the batch. */
			if (r < 0 && (errno == ENOBUFS || errno == EAGAIN) && ++busy < GEN_MAX_BUSY) {
				sched_yield();
				r = 0;
				continue;
			}
			if (r <= 0)
				break;
			g->sent[t->id] += r;
		}
	}
	close(fd);
	return NULL;
}

static int read_u64(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%lu", v) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

static int parse_mac(const char *s, uint8_t *m)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &m[0], &m[1], &m[2], &m[3], &m[4],
		      &m[5]) == 6 ? 0 : -EINVAL;
}

static int parse_cidr(const char *s, uint32_t *base, uint32_t *count)
{
	char buf[64], *slash;
	struct in_addr a;
	int len;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	len = atoi(slash + 1);
	if (len < 8 || len > 32)
		return -EINVAL;
	*base = ntohl(a.s_addr) & (len == 32 ? ~0U : ~(~0U >> len));
	*count = len == 32 ? 1 : 1U << (32 - len);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bare_gen -i IFACE -s SRC -m GW_MAC [-c ROUNDS] [-t THREADS] "
			"[-b BATCH] [-w WAIT_MS] CIDR\n");
}

static int gen_args(int argc, char **argv, struct gen *g, const char **ifname, int *wait_ms)
{
	char path[128];
	FILE *f;
	int c;

	while ((c = getopt(argc, argv, "i:s:m:c:t:b:w:")) != -1) {
		switch (c) {
		case 'i': *ifname = optarg; break;
		case 's': if (inet_pton(AF_INET, optarg, &g->src) != 1) return -EINVAL; break;
		case 'm': if (parse_mac(optarg, g->dmac)) return -EINVAL; break;
		case 'c': g->rounds = (uint32_t)atoi(optarg); break;
		case 't': g->threads = atoi(optarg); break;
		case 'b': g->batch = atoi(optarg); break;
		case 'w': *wait_ms = atoi(optarg); break;
		default: return -EINVAL;
		}
	}
	if (!*ifname || !g->src || optind != argc - 1 || parse_cidr(argv[optind], &g->base, &g->count) ||
	    g->rounds < 1 || g->rounds > 1000 || g->threads < 1 || g->threads > GEN_MAX_THREADS ||
	    g->batch < 1 || g->batch > GEN_MAX_BATCH || *wait_ms < 1 || *wait_ms > 60000)
		return -EINVAL;
	g->ifindex = (int)if_nametoindex(*ifname);
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", *ifname);
	f = fopen(path, "r");
	if (!g->ifindex || !f)
		return f ? (fclose(f), -ENODEV) : -ENODEV;
	c = fscanf(f, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &g->smac[0], &g->smac[1], &g->smac[2],
		   &g->smac[3], &g->smac[4], &g->smac[5]);
	fclose(f);
	return c == 6 ? 0 : -ENODEV;
}

/* Wait for replies until rx_packets has not moved for 50 ms (at most wait_ms); time of the last move. */
static uint64_t gen_wait_replies(const char *rxpath, uint64_t *rx, int wait_ms)
{
	uint64_t t_end = now_ns() + (uint64_t)wait_ms * 1000000ULL, last = now_ns(), v;
	struct timespec nap = { 0, 1000000 };

	while (now_ns() < t_end && now_ns() - last < 50000000ULL) {
		if (read_u64(rxpath, &v) == 0 && v != *rx) {
			*rx = v;
			last = now_ns();
		}
		nanosleep(&nap, NULL);
	}
	return last;
}

int main(int argc, char **argv)
{
	struct gen g = { .rounds = 1, .threads = 2, .batch = 64 };
	struct gen_thread th[GEN_MAX_THREADS];
	pthread_t tid[GEN_MAX_THREADS];
	const char *ifname = NULL;
	uint64_t rx0, rx, t0, t_sent, t_last, sent = 0;
	char rxpath[128];
	int i, wait_ms = 2000;

	if (gen_args(argc, argv, &g, &ifname, &wait_ms)) {
		usage();
		return 3;
	}
	snprintf(rxpath, sizeof(rxpath), "/sys/class/net/%s/statistics/rx_packets", ifname);
	if (read_u64(rxpath, &rx0)) {
		fprintf(stderr, "bare_gen: cannot read %s\n", rxpath);
		return 4;
	}
	t0 = now_ns();
	for (i = 0; i < g.threads; i++) {
		th[i] = (struct gen_thread){ &g, i };
		if (pthread_create(&tid[i], NULL, gen_run, &th[i]))
			return 4;
	}
	for (i = 0; i < g.threads; i++)
		pthread_join(tid[i], NULL);
	t_sent = now_ns();
	for (i = 0; i < g.threads; i++)
		sent += g.sent[i];
	rx = rx0;
	t_last = gen_wait_replies(rxpath, &rx, wait_ms);
	if (t_last < t_sent)
		t_last = t_sent;
	printf("sent=%lu replies=%lu send_s=%.4f send_pps=%.0f rt_s=%.4f rt_pps=%.0f\n", sent,
	       rx - rx0, (t_sent - t0) / 1e9, sent / ((t_sent - t0) / 1e9), (t_last - t0) / 1e9,
	       (rx - rx0) / ((t_last - t0) / 1e9));
	return sent ? 0 : 4;
}
