// SPDX-License-Identifier: MIT
/*
 * The datagram receive side: ICMP errors as the error queue hands them over
 * and replies as a socket does, turned into the records BPF would write.
 */
#include "cm.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include "dgram.h"
#include "rp_hash.h"

struct seen {
	int records, quotes;
	struct rp_record last;
	__u64 seq;
};

static int t_find_seq(void *ctx, const struct rp_record *rec, __u64 *seq)
{
	struct seen *s = ctx;

	s->quotes++;
	*seq = 5;
	return 0;
}

static void t_on_record(void *ctx, __u64 seq, const struct rp_record *rec)
{
	struct seen *s = ctx;

	s->records++;
	s->seq = seq;
	s->last = *rec;
}

static const struct probe_key key = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
static const __u8 target[16] = { [10] = 0xff, [11] = 0xff, [12] = 198, [13] = 19, [15] = 9 };

struct fixture {
	struct rx rx;
	struct seen s;
	struct dgram d;
	struct tx tx;
};

static void t_setup(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	rx_open_dgram(&f->rx, &key, t_find_seq, t_on_record, &f->s);
	assert_int_equal(dgram_init(&f->d, &f->rx, 8 + 56), 0);
	f->tx.family = AF_INET;
	f->tx.tai_off_ns = 37000000000LL;
}

/* An echo request as we send it: type 8, then seq and cookie for 198.19.0.9. */
static void t_probe(__u8 *q, __u64 seq, bool good_cookie)
{
	__u64 cookie = rp_cookie(key.k0, key.k1, target, seq) ^ (good_cookie ? 0 : 1);

	memset(q, 0, 64);
	q[0] = 8;
	memcpy(q + 8, &seq, 8);
	memcpy(q + 16, &cookie, 8);
}

struct errmsg {
	struct sockaddr_in dst;
	struct iovec iov;
	struct msghdr m;
	union {
		struct cmsghdr c;
		__u8 b[CMSG_SPACE(sizeof(struct scm_timestamping))];
	} ctl;
	struct {
		struct sock_extended_err e;
		struct sockaddr_in offender;
	} serr;
};

/* An error from 198.18.0.2 quoting q (len bytes), stamped at 1 s unless stamp is false. */
static void t_errmsg(struct errmsg *em, __u8 *q, size_t len, bool stamp)
{
	struct scm_timestamping ts = { .ts[0] = { 1, 500 } };

	memset(em, 0, sizeof(*em));
	em->dst = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(0xc6130009) };
	em->iov = (struct iovec){ q, len };
	em->m = (struct msghdr){ .msg_name = &em->dst, .msg_namelen = sizeof(em->dst),
				 .msg_iov = &em->iov, .msg_iovlen = 1 };
	if (stamp) {
		em->m.msg_control = em->ctl.b;
		em->m.msg_controllen = sizeof(em->ctl.b);
		em->ctl.c.cmsg_level = SOL_SOCKET;
		em->ctl.c.cmsg_type = SCM_TIMESTAMPING;
		em->ctl.c.cmsg_len = CMSG_LEN(sizeof(ts));
		memcpy(CMSG_DATA(&em->ctl.c), &ts, sizeof(ts));
	}
	em->serr.e = (struct sock_extended_err){ .ee_errno = EMSGSIZE, .ee_origin = SO_EE_ORIGIN_ICMP,
						 .ee_type = 3, .ee_code = 4, .ee_info = 1280 };
	em->serr.offender = (struct sockaddr_in){ .sin_family = AF_INET,
						  .sin_addr.s_addr = htonl(0xc6120002) };
}

/* A whole quote names its probe: type, code, MTU, router and the kernel's stamp on TAI. */
static void test_error_with_payload(void **st)
{
	struct fixture f;
	struct errmsg em;
	__u8 q[64];

	t_setup(&f);
	t_probe(q, 42, true);
	t_errmsg(&em, q, 64, true);
	dgram_on_icmp(&f.d, &f.tx, &em.m, &em.serr.e, 64);
	assert_int_equal(f.s.records, 1);
	assert_int_equal(f.s.seq, 42);
	assert_int_equal(f.s.last.kind, RP_KIND_ERROR);
	assert_int_equal(f.s.last.icmp_type, 3);
	assert_int_equal(f.s.last.icmp_code, 4);
	assert_int_equal(f.s.last.info, 1280);
	assert_memory_equal(f.s.last.target, target, 16);
	assert_int_equal(f.s.last.from[12], 198);
	assert_int_equal(f.s.last.from[15], 2);
	assert_int_equal(f.s.last.rx_ns, 38000000500ULL);
	assert_int_equal(f.s.last.flags & RP_REC_F_RX_USER, 0);
	/* The same quote with its cookie changed: turned away by the userspace check. */
	t_probe(q, 42, false);
	dgram_on_icmp(&f.d, &f.tx, &em.m, &em.serr.e, 64);
	assert_int_equal(f.s.records, 1);
	assert_int_equal(f.rx.invalid, 1);
	dgram_free(&f.d);
}

/* An 8-byte quote names only its target: its sequence field must be the tag's low half. */
static void test_short_quote_needs_the_tag(void **st)
{
	struct fixture f;
	struct errmsg em;
	__u32 tag = rp_tag(key.k0, key.k1, target);
	__u8 q[64] = { 8 };

	t_setup(&f);
	q[6] = (__u8)(tag >> 8), q[7] = (__u8)tag;
	t_errmsg(&em, q, 8, true);
	dgram_on_icmp(&f.d, &f.tx, &em.m, &em.serr.e, 8);
	assert_int_equal(f.s.quotes, 1);
	assert_int_equal(f.s.records, 1);
	assert_int_equal(f.s.seq, 5);
	q[7] ^= 1;
	dgram_on_icmp(&f.d, &f.tx, &em.m, &em.serr.e, 8);
	assert_int_equal(f.s.records, 1);
	assert_int_equal(f.d.c.forged, 1);
	/* Not an echo request quoted, or under 8 bytes: malformed. */
	q[0] = 13;
	dgram_on_icmp(&f.d, &f.tx, &em.m, &em.serr.e, 8);
	q[0] = 8;
	dgram_on_icmp(&f.d, &f.tx, &em.m, &em.serr.e, 7);
	assert_int_equal(f.d.c.malformed, 2);
	assert_int_equal(f.s.records, 1);
	dgram_free(&f.d);
}

/* No kernel stamp: credited with the read time, and the record says so. */
static void test_unstamped_error_says_so(void **st)
{
	struct fixture f;
	struct errmsg em;
	__u8 q[64];

	t_setup(&f);
	t_probe(q, 7, true);
	t_errmsg(&em, q, 64, false);
	dgram_on_icmp(&f.d, &f.tx, &em.m, &em.serr.e, 64);
	assert_int_equal(f.s.records, 1);
	assert_true(f.s.last.flags & RP_REC_F_RX_USER);
	assert_true(f.s.last.rx_ns > 38000000500ULL);
	dgram_free(&f.d);
}

/*
 * Replies as a socket hands them over (a datagram socketpair stands in for the
 * ICMP socket): an echo reply with our payload is credited, a short one is
 * a forgery, anything else malformed.
 */
static void test_replies_from_a_socket(void **st)
{
	struct fixture f;
	int sv[2];
	__u8 q[64];

	t_setup(&f);
	f.tx.family = AF_INET6; /* a socketpair gives no address: the record's target is :: */
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	f.tx.fd = sv[0];
	memset(q, 0, sizeof(q));
	q[0] = 129;
	assert_int_equal(send(sv[1], q, 20, 0), 20);	  /* our identifier, no payload */
	q[0] = 128;
	assert_int_equal(send(sv[1], q, 64, 0), 64);	  /* not a reply */
	q[0] = 129;
	assert_int_equal(send(sv[1], q, 64, 0), 64);	  /* a reply whose cookie fails */
	assert_int_equal(dgram_consume(&f.d, &f.tx, 256), 3);
	assert_int_equal(f.d.c.forged, 1);
	assert_int_equal(f.d.c.malformed, 1);
	assert_int_equal(f.rx.invalid, 1);
	assert_int_equal(f.s.records, 0);
	assert_int_equal(dgram_consume(&f.d, &f.tx, 256), 0); /* nothing left: EAGAIN */
	close(sv[0]);
	close(sv[1]);
	dgram_free(&f.d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_with_payload),
		cmocka_unit_test(test_short_quote_needs_the_tag),
		cmocka_unit_test(test_unstamped_error_says_so),
		cmocka_unit_test(test_replies_from_a_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
