/* SPDX-License-Identifier: MIT */
/*
 * ICMP datagram ("ping") sockets, the receive side: no BPF, no privilege.
 * The kernel hands each such socket the echo replies carrying its own
 * identifier (its "port"), and, on its error queue beside the TX stamps,
 * the ICMP errors quoting its echo requests. Each becomes the record the
 * BPF program would have written, with the kernel's RX stamp on CLOCK_TAI,
 * and goes through rx_handle(): the same cookie check, the same accounting.
 *
 * The identifier is the kernel's, so the ICMP id carries no tag here; the
 * sequence field keeps the tag's low 16 bits, which an error quoting only 8
 * bytes must show. A reply's payload names its probe (seq and cookie), as
 * on the raw path. The socket's drops on a full receive queue (SO_MEMINFO)
 * are ringping's own, reported as dropped locally, never as loss.
 */
#ifndef RP_DGRAM_H
#define RP_DGRAM_H

#include "rx.h"
#include "tx.h"

struct dgram {
	struct rx *rx;		/* where records go */
	__u32 pkt_len;		/* ICMP bytes of our probes */
	struct mmsghdr *msgs;
	struct iovec *iov;
	struct sockaddr_in6 *names;
	__u8 *bufs, *cmsg;
	struct rp_counters c;	/* as the BPF program's: malformed, forged, rb_full (queue drops) */
	__u64 rx_unstamped;	/* answers without a kernel RX stamp (-vv at the end) */
};

int dgram_init(struct dgram *d, struct rx *rx, __u32 pkt_len);
void dgram_free(struct dgram *d);
/* Read the replies waiting on one socket (at most max); how many, or -errno. */
int dgram_consume(struct dgram *d, struct tx *tx, int max);
/* The socket's drops on a full receive queue since the last call, added to c.rb_full. */
void dgram_drops(struct dgram *d, struct tx *tx);
/* A tx_icmp_fn: an ICMP error from a socket's error queue (ctx: the struct dgram). */
void dgram_on_icmp(void *ctx, const struct tx *tx, const struct msghdr *m,
		   const struct sock_extended_err *serr, size_t len);

#endif
