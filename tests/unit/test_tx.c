// SPDX-License-Identifier: MIT
/*
 * The packet path's frames: Ethernet and IPv4 headers from the template,
 * per-probe fields. And the stamp keys of batches that move between a looped
 * socket and a keyed one, on loopback in a network namespace of the test's own.
 */
#include "cm.h"
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include "probe.h"
#include "tx.h"

static const struct route_link tlink = {
	.family = AF_INET, .ifindex = 7, .ifname = "veth-x", .src = { 198, 18, 0, 1 },
	.smac = { 2, 0, 0, 0, 0, 1 }, .dmac = { 2, 0, 0, 0, 0, 2 }, .mtu = 1500,
};

static void test_frames_have_valid_headers(void **s)
{
	struct tx_cfg cfg = { .ttl = 7, .tos = 0x20, .link = &tlink };
	__u32 dsts[] = { 0xc6130000, 0xc613ffff, 0x00000001, 0xffffffff }, keys[] = { 0, 0xffff, 0x12345, 0xfffffffe };
	struct tx_batch b;
	struct ringping_addr a;
	__u32 i;

	assert_int_equal(tx_batch_init(&b, 4, 64, &cfg), 0);
	for (i = 0; i < 4; i++) {
		__u8 *icmp, *f, *ip;

		addr_from_v4(&a, dsts[i]);
		icmp = tx_prepare(&b, i, &a, keys[i]);
		f = b.iov[i].iov_base;
		ip = f + 14;
		assert_ptr_equal(icmp, f + TX_FRAME_HDR);
		assert_int_equal(b.iov[i].iov_len, TX_FRAME_HDR + 64);
		assert_null(b.msgs[i].msg_hdr.msg_name); /* the socket is bound to the link */
		assert_memory_equal(f, tlink.dmac, 6);
		assert_memory_equal(f + 6, tlink.smac, 6);
		assert_int_equal(f[12] << 8 | f[13], 0x0800);
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(ip[1], 0x20);
		assert_int_equal(ip[2] << 8 | ip[3], 20 + 64);
		assert_int_equal(ip[4] << 8 | ip[5], keys[i] & 0xffff);
		assert_int_equal(ip[8], 7);
		assert_int_equal(ip[9], 1);
		assert_memory_equal(ip + 12, &tlink.src, 4);
		assert_int_equal((__u32)ip[16] << 24 | ip[17] << 16 | ip[18] << 8 | ip[19], dsts[i]);
		assert_int_equal(probe_csum(ip, 20), 0); /* the incremental checksum verifies */
	}
	/* A slot rewritten for another probe keeps a valid header. */
	addr_from_v4(&a, 0x0a000001);
	tx_prepare(&b, 0, &a, 99);
	assert_int_equal(probe_csum(b.iov[0].iov_base + 14, 20), 0);
	tx_batch_free(&b);
}

static void test_raw_path_has_no_frame(void **s)
{
	struct tx_cfg cfg = { .tos = -1 };
	struct tx_batch b;
	struct ringping_addr a;

	assert_int_equal(tx_batch_init(&b, 2, 64, &cfg), 0);
	addr_from_v4(&a, 0xc6130102);
	assert_ptr_equal(tx_prepare(&b, 1, &a, 5), b.iov[1].iov_base);
	assert_int_equal(b.iov[1].iov_len, 64);
	assert_non_null(b.msgs[1].msg_hdr.msg_name);
	assert_int_equal(b.dst[1].v4.sin_addr.s_addr, htonl(0xc6130102));
	assert_int_equal(b.msgs[1].msg_hdr.msg_namelen, sizeof(struct sockaddr_in));
	tx_batch_free(&b);
}

/* IPv6 frames: the header from the template, the destination per probe, a checksum that verifies. */
static void test_ipv6_frames(void **s)
{
	struct route_link l6 = { .family = AF_INET6, .ifindex = 7, .ifname = "veth-x",
				 .src = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, .mtu = 1500 };
	struct tx_cfg cfg = { .family = AF_INET6, .ttl = 9, .tos = 0xb8, .link = &l6 };
	struct ringping_addr d = { .b = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x12, [15] = 0x34 } };
	struct probe_key key = { 1, 2 };
	struct probe_tmpl t;
	struct tx_batch b;
	__u8 *ip, *icmp, pseudo[40 + 64];

	assert_int_equal(probe_init(&t, &key, 56), 0);
	assert_int_equal(tx_batch_init(&b, 2, t.len, &cfg), 0);
	icmp = tx_prepare(&b, 1, &d, 77);
	probe_build(&t, icmp, &d, 77);
	tx_seal(&b, 1);
	ip = (__u8 *)b.iov[1].iov_base + 14;
	assert_ptr_equal(icmp, ip + 40);
	assert_int_equal(b.iov[1].iov_len, TX_FRAME_HDR6 + 64);
	assert_int_equal(((__u8 *)b.iov[1].iov_base)[12] << 8 | ((__u8 *)b.iov[1].iov_base)[13], 0x86dd);
	assert_int_equal(ip[0], 0x6b); /* version 6, traffic class 0xb8 */
	assert_int_equal(ip[1], 0x80);
	assert_int_equal(ip[4] << 8 | ip[5], 64);
	assert_int_equal(ip[6], 58);
	assert_int_equal(ip[7], 9);
	assert_memory_equal(ip + 8, l6.src, 16);
	assert_memory_equal(ip + 24, d.b, 16);
	assert_int_equal(icmp[0], 128);
	/* The checksum verifies over the pseudo-header and the message. */
	memcpy(pseudo, ip + 8, 32);
	memset(pseudo + 32, 0, 8);
	pseudo[35] = 64;
	pseudo[39] = 58;
	memcpy(pseudo + 40, icmp, 64);
	assert_int_equal(probe_csum(pseudo, sizeof(pseudo)), 0);
	tx_batch_free(&b);
	probe_free(&t);
}

/* IPv6 destinations: a sockaddr_in6, and the zone only for tlink-local ones. */
static void test_ipv6_destinations(void **s)
{
	struct tx_cfg cfg = { .family = AF_INET6, .tos = -1, .scope_id = 7 };
	struct ringping_addr g = { .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 9 } };
	struct ringping_addr ll = { .b = { 0xfe, 0x80, [15] = 1 } };
	struct tx_batch b;

	assert_int_equal(tx_batch_init(&b, 2, 64, &cfg), 0);
	tx_prepare(&b, 0, &g, 1);
	tx_prepare(&b, 1, &ll, 2);
	assert_int_equal(b.dst[0].v6.sin6_family, AF_INET6);
	assert_memory_equal(&b.dst[0].v6.sin6_addr, g.b, 16);
	assert_int_equal(b.dst[0].v6.sin6_scope_id, 0);
	assert_int_equal(b.dst[1].v6.sin6_scope_id, 7);
	assert_int_equal(b.msgs[0].msg_hdr.msg_namelen, sizeof(struct sockaddr_in6));
	tx_batch_free(&b);
}

struct keys {
	__u32 key[64];
	int n;
};

static void on_key(void *ctx, __u32 key, __u64 tai_ns)
{
	struct keys *k = ctx;

	if (k->n < 64)
		k->key[k->n++] = key;
}

/* Send n probes with sequence numbers from seq on tx; the keys its stamps come back with. */
static void send_and_collect(struct tx *tx, struct tx_batch *b, const struct probe_tmpl *t,
			     __u64 seq, struct keys *k)
{
	struct ringping_addr lo = { .b = { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 } };
	int i, tries;

	for (i = 0; i < 8; i++)
		probe_build(t, tx_prepare(b, i, &lo, (__u32)(seq + i)), &lo, seq + i);
	assert_int_equal(tx_send(tx, b, 8), 8);
	k->n = 0;
	for (tries = 0; tries < 100 && k->n < 8; tries++) { /* bounded: 1 s */
		tx_drain_stamps(tx, &tx->eq, on_key, k, 256); /* at least one read's worth */
		if (k->n < 8)
			usleep(10000);
	}
}

/* Loopback up in a namespace of our own: nothing leaves this test. */
static int own_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	if (geteuid() || unshare(CLONE_NEWNET))
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		return -1;
	close(fd);
	return 0;
}

/*
 * A batch a looped socket stripped of its keys, then sent on a keyed one:
 * its stamps must still name its own probes (before the fix, the keyed
 * socket's counter came back instead: 0, 1, 2...).
 */
static void test_stripped_batch_keyed_again(void **s)
{
	struct tx_cfg cfg = { .family = AF_INET, .tos = -1, .pkt_len = 64 };
	struct probe_key pk = { 1, 2 };
	struct tx a, b;
	struct tx_batch batch;
	struct probe_tmpl t;
	struct keys k;
	int i;

	if (own_netns()) {
		printf("test_tx: skipped the socket test: needs root (a network namespace of its own)\n");
		skip();
	}
	assert_int_equal(probe_init(&t, &pk, 56), 0);
	assert_int_equal(tx_open(&a, &cfg), 0);
	assert_int_equal(tx_open(&b, &cfg), 0);
	assert_true(tx_use_looped(&a));
	assert_int_equal(tx_batch_init(&batch, 8, 64, &cfg), 0);
	send_and_collect(&a, &batch, &t, 1000, &k); /* looped: keys from the frames */
	assert_int_equal(k.n, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(k.key[i], 1000 + i);
	send_and_collect(&b, &batch, &t, 2000, &k); /* keyed: SCM_TS_OPT_ID again */
	if (!b.kstamp || b.looped) /* this kernel refused the keys: looped it is, keys still right */
		printf("test_tx: kernel without SCM_TS_OPT_ID: the keyed socket turned looped\n");
	assert_int_equal(k.n, 8);
	for (i = 0; i < 8; i++)
		assert_int_equal(k.key[i], 2000 + i);
	tx_batch_free(&batch);
	tx_close(&a);
	tx_close(&b);
	probe_free(&t);
}

/* The echo requests a raw socket sees on loopback: seq (from the payload) -> their TTL. */
static int read_ttls(int fd, __u8 ttl_of[8], __u64 seq0)
{
	__u8 buf[256];
	int n, got = 0, tries;
	__u64 seq;

	for (tries = 0; tries < 64 && got < 8; tries++) { /* bounded: a 100 ms timeout each */
		n = (int)recv(fd, buf, sizeof(buf), 0);
		if (n < 20 + 8 + 8 || buf[20] != 8)
			continue;
		memcpy(&seq, buf + 20 + 8, 8);
		if (seq >= seq0 && seq < seq0 + 8 && !ttl_of[seq - seq0]) {
			ttl_of[seq - seq0] = buf[8];
			got++;
		}
	}
	return got;
}

/* A trace's probes: each message goes out with its own TTL, with stamp keys or without. */
static void test_ttl_per_message(void **s)
{
	struct tx_cfg cfg = { .family = AF_INET, .tos = -1, .pkt_len = 64 };
	struct ringping_addr lo = { .b = { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 } };
	struct timeval tv = { .tv_usec = 100000 };
	struct probe_key pk = { 1, 2 };
	int ttls[8] = { 1, 2, 5, 9, 30, 63, 64, 255 }, i, round, fd;
	struct tx_batch b;
	struct probe_tmpl t;
	struct tx tx;

	if (own_netns()) {
		printf("test_tx: skipped the TTL test: needs root (a network namespace of its own)\n");
		skip();
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(probe_init(&t, &pk, 56), 0);
	assert_int_equal(tx_open(&tx, &cfg), 0);
	assert_int_equal(tx_batch_init(&b, 8, 64, &cfg), 0);
	for (round = 0; round < 2; round++) { /* keyed, then stripped as on a looped socket */
		__u8 got[8] = { 0 };
		__u64 seq0 = 100 * (round + 1);

		if (round)
			assert_true(tx_use_looped(&tx));
		for (i = 0; i < 8; i++) {
			probe_build(&t, tx_prepare(&b, i, &lo, (__u32)(seq0 + i)), &lo, seq0 + i);
			tx_set_ttl(&b, i, &lo, ttls[i]);
		}
		assert_int_equal(tx_send(&tx, &b, 8), 8);
		assert_int_equal(read_ttls(fd, got, seq0), 8);
		for (i = 0; i < 8; i++)
			assert_int_equal(got[i], ttls[i]);
	}
	tx_batch_free(&b);
	tx_close(&tx);
	probe_free(&t);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frames_have_valid_headers),
		cmocka_unit_test(test_raw_path_has_no_frame),
		cmocka_unit_test(test_ipv6_destinations),
		cmocka_unit_test(test_ipv6_frames),
		cmocka_unit_test(test_stripped_batch_keyed_again),
		cmocka_unit_test(test_ttl_per_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
