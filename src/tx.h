/* SPDX-License-Identifier: MIT */
/*
 * The send path: a raw ICMP socket, batches of echo requests handed to the
 * kernel with one sendmmsg(), and the kernel's software TX timestamps read
 * back from the socket's error queue in batches with recvmmsg().
 *
 * Each message carries its timestamp key in an SCM_TS_OPT_ID control message
 * (Linux 6.13+), so a stamp names its probe exactly even when a send in the
 * middle of a batch fails. Where the kernel refuses it, ringping stamps each
 * batch in userspace instead and says so (tx->kstamp false).
 */
#ifndef RP_TX_H
#define RP_TX_H

#include <stdbool.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "addr.h"

struct tx_cfg {
	int ttl;		     /* 0: kernel default */
	int tos;		     /* -1: kernel default */
	const char *ifname;	     /* NULL: any */
	const struct rp_addr *src;   /* NULL: kernel's choice */
	__u32 batch;		     /* messages per sendmmsg */
	__u32 pkt_len;		     /* ICMP message bytes */
};

struct tx {
	int fd;
	bool kstamp;		     /* kernel TX stamps with per-message keys */
	__u32 batch, pkt_len;
	__s64 tai_off_ns;	     /* CLOCK_TAI - CLOCK_REALTIME */
	struct mmsghdr *msgs;
	struct iovec *iov;
	struct sockaddr_in *dst;
	__u8 *pkts;
	__u8 *cmsg;
	int *status;		     /* per message after tx_send: 0 or -errno */
	struct mmsghdr *emsgs;	     /* error-queue batch */
	__u8 *ecmsg;
};

typedef void (*tx_stamp_fn)(void *ctx, __u32 key, __u64 tai_ns);

int tx_open(struct tx *tx, const struct tx_cfg *cfg);
void tx_close(struct tx *tx);
/* Prepare message i of the next batch; returns the buffer for its ICMP bytes. */
__u8 *tx_prepare(struct tx *tx, __u32 i, const struct rp_addr *dst, __u32 key);
/* Send messages 0..n-1; tx->status[i] says how each went. Returns how many went out. */
__u32 tx_send(struct tx *tx, __u32 n);
/* Read every queued TX stamp (non-blocking); returns the count, or -errno. */
int tx_drain_stamps(struct tx *tx, tx_stamp_fn fn, void *ctx);
/* CLOCK_TAI now, in ns. */
__u64 tx_tai_now(void);

#endif
