// SPDX-License-Identifier: MIT
/*
 * bpf_cost: what ringping's receive programs cost per packet. Loads the
 * object, runs each program on a matched echo reply (IPv4 and IPv6) with
 * bpf_prog_test_run_opts, ROUNDS x 100,000 times, and prints the kernel's
 * mean run time. The records they write are drained between rounds, so the
 * ring buffer never fills. A benchmark for tools/bench.sh, not a test.
 *
 * Usage: bpf_cost [ROUNDS]   (needs root or CAP_BPF + CAP_NET_ADMIN)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "probe.h"
#include "ringping.skel.h"

#define COST_REPEAT 100000

static const struct probe_key key = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };

static int drain(void *ctx, void *data, size_t len)
{
	return 0;
}

static void put16(__u8 *p, unsigned v)
{
	p[0] = (__u8)(v >> 8);
	p[1] = (__u8)v;
}

/* Ethernet + IPv4 + the echo reply to our probe to 198.19.10.11; returns the frame length. */
static size_t reply4(__u8 *f, const struct probe_tmpl *t)
{
	__u8 *ip = f + 14, *icmp = ip + 20;
	struct ringping_addr a;

	addr_from_v4(&a, 0xc6130a0b);
	memset(f, 0, 14 + 20);
	put16(f + 12, 0x0800);
	ip[0] = 0x45, ip[8] = 64, ip[9] = 1;
	put16(ip + 2, 20 + t->len);
	memcpy(ip + 12, a.b + 12, 4);
	ip[16] = 198, ip[17] = 18, ip[18] = 0, ip[19] = 1;
	put16(ip + 10, probe_csum(ip, 20));
	probe_build(t, icmp, &a, 42);
	icmp[0] = 0, icmp[2] = icmp[3] = 0;
	put16(icmp + 2, probe_csum(icmp, t->len));
	return 14 + 20 + t->len;
}

/* Ethernet + IPv6 + the ICMPv6 echo reply from 2001:db8:1::b. */
static size_t reply6(__u8 *f, const struct probe_tmpl *t)
{
	__u8 *ip = f + 14, *icmp = ip + 40;
	struct ringping_addr a = { .b = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0x0b } };
	__u8 pseudo[40 + 128] = { 0 };

	memset(f, 0, 14 + 40);
	put16(f + 12, 0x86dd);
	ip[0] = 0x60, ip[6] = 58, ip[7] = 64;
	put16(ip + 4, t->len);
	memcpy(ip + 8, a.b, 16);
	ip[24] = 0x20, ip[25] = 0x01, ip[26] = 0x0d, ip[27] = 0xb8, ip[39] = 1;
	probe_build(t, icmp, &a, 42);
	icmp[0] = 129, icmp[2] = icmp[3] = 0;
	/* The checksum covers a pseudo-header: both addresses, the length and 58. */
	memcpy(pseudo, ip + 8, 32);
	put16(pseudo + 34, t->len);
	pseudo[39] = 58;
	memcpy(pseudo + 40, icmp, t->len);
	put16(icmp + 2, probe_csum(pseudo, 40 + t->len));
	return 14 + 40 + t->len;
}

/* Matched replies so far, over all CPUs: every run must have matched, or the figure means nothing. */
static __u64 matched(struct ringping_bpf *s)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct rp_counters *v = calloc(ncpu > 0 ? ncpu : 1, sizeof(*v));
	__u64 n = 0;
	__u32 zero = 0;

	if (v && !bpf_map_lookup_elem(bpf_map__fd(s->maps.rp_counters_map), &zero, v))
		for (i = 0; i < ncpu; i++)
			n += v[i].reply;
	free(v);
	return n;
}

/* Mean ns per run of prog on frame f over rounds x COST_REPEAT runs. */
static double cost(struct bpf_program *prog, struct ring_buffer *rb, const __u8 *f, size_t len,
		   int rounds)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f, .data_size_in = (__u32)len,
		    .repeat = COST_REPEAT);
	double total = 0;
	int r;

	for (r = 0; r < rounds; r++) {
		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &o))
			return -1;
		total += o.duration;
		ring_buffer__consume(rb);
	}
	return total / rounds;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 10;
	struct ringping_bpf *s = ringping_bpf__open();
	struct ring_buffer *rb = NULL;
	__u8 f4[256], f6[256];
	struct probe_tmpl t;
	size_t l4, l6;
	int err = 4;

	if (!s || rounds < 1 || rounds > 1000 || probe_init(&t, &key, 56))
		return 3;
	s->rodata->rp_key0 = key.k0;
	s->rodata->rp_key1 = key.k1;
	bpf_map__set_max_entries(s->maps.rp_counters_map, (__u32)libbpf_num_possible_cpus());
	if (ringping_bpf__load(s)) {
		fprintf(stderr, "bpf_cost: loading the BPF object failed (root?)\n");
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(s->maps.rp_events), drain, NULL, NULL);
	if (!rb)
		goto out;
	l4 = reply4(f4, &t);
	l6 = reply6(f6, &t);
	printf("BPF cost per matched echo reply (%d x %d runs):\n", rounds, COST_REPEAT);
	printf("  rp_xdp   IPv4 %6.1f ns   IPv6 %6.1f ns\n", cost(s->progs.rp_xdp, rb, f4, l4, rounds),
	       cost(s->progs.rp_xdp, rb, f6, l6, rounds));
	printf("  rp_xdp_dpa IPv4 %6.1f ns IPv6 %6.1f ns  (kernels before 5.18)\n",
	       cost(s->progs.rp_xdp_dpa, rb, f4, l4, rounds), cost(s->progs.rp_xdp_dpa, rb, f6, l6, rounds));
	/* The socket filters see the packet from the network header; test runs strip Ethernet. */
	printf("  rp_sock  IPv4 %6.1f ns\n", cost(s->progs.rp_sock, rb, f4, l4, rounds));
	printf("  rp_sock6 IPv6 %6.1f ns\n", cost(s->progs.rp_sock6, rb, f6, l6, rounds));
	if (matched(s) != 6ULL * rounds * COST_REPEAT) {
		fprintf(stderr, "bpf_cost: %llu of %llu runs matched\n", (unsigned long long)matched(s),
			6ULL * rounds * COST_REPEAT);
		goto out;
	}
	err = 0;
out:
	ring_buffer__free(rb);
	ringping_bpf__destroy(s);
	probe_free(&t);
	return err;
}
