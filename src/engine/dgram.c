// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/sock_diag.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include "dgram.h"
#include "log.h"
#include "rp_hash.h"

#define DG_BATCH 64
#define DG_CMSG 256
/* Room for the biggest reply we could be sent back: our own probe's size, and a little more. */
#define DG_SLACK 64

int dgram_init(struct dgram *d, struct rx *rx, __u32 pkt_len)
{
	__u32 i, cap = pkt_len + DG_SLACK;

	memset(d, 0, sizeof(*d));
	d->rx = rx;
	d->pkt_len = pkt_len;
	d->msgs = calloc(DG_BATCH, sizeof(*d->msgs));
	d->iov = calloc(DG_BATCH, sizeof(*d->iov));
	d->names = calloc(DG_BATCH, sizeof(*d->names));
	d->bufs = calloc(DG_BATCH, cap);
	d->cmsg = calloc(DG_BATCH, DG_CMSG);
	if (!d->msgs || !d->iov || !d->names || !d->bufs || !d->cmsg) {
		dgram_free(d);
		return -ENOMEM;
	}
	for (i = 0; i < DG_BATCH; i++) {
		d->iov[i] = (struct iovec){ d->bufs + (size_t)i * cap, cap };
		d->msgs[i].msg_hdr.msg_iov = &d->iov[i];
		d->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

void dgram_free(struct dgram *d)
{
	if (!d)
		return;
	free(d->msgs);
	free(d->iov);
	free(d->names);
	free(d->bufs);
	free(d->cmsg);
	d->msgs = NULL;
	d->iov = NULL;
	d->names = NULL;
	d->bufs = d->cmsg = NULL;
}

/* An address from a socket address, as records hold it (IPv4 mapped). */
static void dgram_addr(__u8 out[RP_ADDR_LEN], const void *sa)
{
	const struct sockaddr_in *s4 = sa;
	const struct sockaddr_in6 *s6 = sa;

	memset(out, 0, RP_ADDR_LEN);
	if (s4->sin_family == AF_INET) {
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &s4->sin_addr, 4);
	} else if (s6->sin6_family == AF_INET6) {
		memcpy(out, &s6->sin6_addr, 16);
	}
}

/* The kernel's RX stamp (CLOCK_REALTIME) onto TAI, and the TTL or hop limit. */
static bool dgram_cmsgs(const struct tx *tx, const struct msghdr *m, struct rp_record *rec)
{
	const struct cmsghdr *c;
	bool stamped = false;
	int ttl;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR((struct msghdr *)m, (struct cmsghdr *)c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING) {
			struct scm_timestamping ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			rec->rx_ns = (__u64)ts.ts[0].tv_sec * 1000000000ULL + ts.ts[0].tv_nsec +
				     tx->tai_off_ns;
			stamped = ts.ts[0].tv_sec || ts.ts[0].tv_nsec;
		} else if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL) ||
			   (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
			rec->ttl = (__u8)ttl;
		}
	}
	return stamped;
}

/* seq and cookie from the first bytes after an echo header, as probe_build wrote them. */
static void dgram_payload(struct rp_record *rec, const __u8 *icmp)
{
	memcpy(&rec->seq, icmp + 8, sizeof(rec->seq));
	memcpy(&rec->cookie, icmp + 16, sizeof(rec->cookie));
	rec->flags |= RP_REC_F_PAYLOAD;
}

/* One datagram: an echo reply, from its ICMP header on (the kernel checked its sum). */
static void dgram_reply(struct dgram *d, const struct tx *tx, struct mmsghdr *mm)
{
	const __u8 *icmp = mm->msg_hdr.msg_iov->iov_base;
	struct rp_record rec = { .kind = RP_KIND_REPLY, .family = tx->family == AF_INET6 ? 6 : 4 };

	if ((mm->msg_hdr.msg_flags & MSG_TRUNC) || mm->msg_len < 8 ||
	    icmp[0] != (tx->family == AF_INET6 ? ICMP6_ECHO_REPLY : 0)) {
		d->c.malformed++; /* bigger than any probe of ours, or no echo reply at all */
		return;
	}
	if (mm->msg_len < 8 + RP_PAYLOAD_LEN) {
		d->c.forged++; /* our identifier, not our payload: a reply echoes all of it */
		return;
	}
	rec.icmp_type = icmp[0];
	dgram_addr(rec.target, mm->msg_hdr.msg_name);
	memcpy(rec.from, rec.target, RP_ADDR_LEN);
	/*
	 * No kernel stamp: the kernel turns RX stamping on from a work queue, so
	 * replies that beat it have none. The host answered all the same; its
	 * RTT rests on this read's time, and the probe says so (tx_user).
	 */
	if (!dgram_cmsgs(tx, &mm->msg_hdr, &rec)) {
		rec.rx_ns = tx_tai_now();
		rec.flags |= RP_REC_F_RX_USER;
		d->rx_unstamped++;
	}
	dgram_payload(&rec, icmp);
	rx_handle(d->rx, &rec, sizeof(rec));
}

static void dgram_reset(struct dgram *d, int n)
{
	for (int i = 0; i < n; i++) {
		struct msghdr *m = &d->msgs[i].msg_hdr;

		m->msg_name = &d->names[i];
		m->msg_namelen = sizeof(d->names[i]);
		m->msg_control = d->cmsg + (size_t)i * DG_CMSG;
		m->msg_controllen = DG_CMSG;
		m->msg_flags = 0;
	}
}

/* Errors a read returns that are no fault of the socket's: see dgram_consume. */
static bool dgram_soft_error(int err)
{
	return err != EBADF && err != EFAULT && err != EINVAL && err != ENOTSOCK && err != ENOMEM;
}

/*
 * A read may fail with an ICMP error's errno (EHOSTUNREACH, EMSGSIZE, ...):
 * the kernel reports each error queued on the socket once more that way.
 * The error itself is read from the error queue; here it is passed over.
 */
int dgram_consume(struct dgram *d, struct tx *tx, int max)
{
	int total = 0, r, i, soft = 0;

	while (total < max) {
		dgram_reset(d, DG_BATCH);
		r = recvmmsg(tx->fd, d->msgs, DG_BATCH, MSG_DONTWAIT, NULL);
		if (r < 0 && errno != EAGAIN && dgram_soft_error(errno) && soft++ < max)
			continue;
		if (r < 0)
			return (errno == EAGAIN || errno == EINTR) ? total : -errno;
		for (i = 0; i < r; i++)
			dgram_reply(d, tx, &d->msgs[i]);
		tx->answers += (__u64)r;
		total += r;
		if (r < DG_BATCH)
			break;
	}
	return total;
}

void dgram_drops(struct dgram *d, struct tx *tx)
{
	__u32 mi[SK_MEMINFO_VARS];

	if (tx_meminfo(tx, mi))
		return;
	d->c.rb_full += (__u32)(mi[SK_MEMINFO_DROPS] - tx->drops_seen);
	tx->drops_seen = mi[SK_MEMINFO_DROPS];
}

/*
 * An error quoting our echo: the kernel found the socket by the quoted
 * identifier. A quote with our payload names its probe; one of 8 bytes only
 * its target, and then its sequence field must be the tag's low 16 bits.
 */
void dgram_on_icmp(void *ctx, const struct tx *tx, const struct msghdr *m,
		   const struct sock_extended_err *serr, size_t len)
{
	struct dgram *d = ctx;
	const __u8 *q = m->msg_iov->iov_base;
	struct rp_record rec = { .kind = RP_KIND_ERROR, .family = tx->family == AF_INET6 ? 6 : 4,
				 .icmp_type = serr->ee_type, .icmp_code = serr->ee_code,
				 .info = serr->ee_info };
	__u32 tag;

	dgram_addr(rec.target, m->msg_name);
	dgram_addr(rec.from, SO_EE_OFFENDER(serr));
	if (len < 8 || q[0] != (tx->family == AF_INET6 ? ICMP6_ECHO_REQUEST : 8)) {
		d->c.malformed++;
		return;
	}
	if (!dgram_cmsgs(tx, m, &rec)) { /* as a reply without one */
		rec.rx_ns = tx_tai_now();
		rec.flags |= RP_REC_F_RX_USER;
		d->rx_unstamped++;
	}
	if (len >= 8 + RP_PAYLOAD_LEN) {
		dgram_payload(&rec, q);
	} else {
		tag = rp_tag(d->rx->key->k0, d->rx->key->k1, rec.target);
		if ((__u32)(q[6] << 8 | q[7]) != (tag & 0xffff)) {
			d->c.forged++;
			return;
		}
	}
	rx_handle(d->rx, &rec, sizeof(rec));
}
