/* SPDX-License-Identifier: MIT */
/*
 * The send path: a raw ICMP socket, batches of echo requests handed to the
 * kernel with one sendmmsg(), and the kernel's software TX timestamps read
 * back from the socket's error queue in batches with recvmmsg().
 *
 * Two socket kinds: a raw ICMP socket (the kernel routes and builds the IP
 * header), or with a route_link an AF_PACKET socket that sends whole frames
 * past the qdisc layer, with Ethernet and IPv4 headers from a per-batch
 * template and only the destination, IP ID and header checksum set per probe.
 * Both give the same software TX stamps (taken when the driver transmits).
 *
 * Each message carries its timestamp key in an SCM_TS_OPT_ID control message
 * (Linux 6.13+), so a stamp names its probe exactly even when a send in the
 * middle of a batch fails. Older kernels refuse that message (EINVAL on the
 * first send, before anything went out); the socket then switches to looped
 * stamps: without SOF_TIMESTAMPING_OPT_TSONLY each stamp comes back with a
 * copy of the frame it stamps, and the probe's own sequence number, read from
 * that copy, is the key. Not the socket's OPT_ID counter: the kernel takes a
 * counter value before sending can still fail (a netfilter drop returns EPERM
 * after it), so counting successful sends would shift every later key onto
 * the wrong probe. The error queue holds only this socket's own frames.
 * Only where no kernel stamp can be had does ringping stamp each batch in
 * userspace, and says so (tx->kstamp false).
 */
#ifndef RP_TX_H
#define RP_TX_H

#include <stdbool.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "addr.h"
#include "route.h"

struct tx;
struct sock_extended_err;
/* A datagram socket's ICMP error, read from its error queue beside the stamps. */
typedef void (*tx_icmp_fn)(void *ctx, const struct tx *tx, const struct msghdr *m,
			   const struct sock_extended_err *serr, size_t len);

struct tx_cfg {
	int family;		     /* AF_INET or AF_INET6 */
	int ttl;		     /* TTL / hop limit; 0: kernel default */
	int tos;		     /* TOS / traffic class; -1: kernel default */
	unsigned scope_id;	     /* IPv6: the zone of link-local destinations */
	const char *ifname;	     /* NULL: any */
	const struct ringping_addr *src;   /* NULL: kernel's choice */
	const struct route_link *link; /* non-NULL: packet send path on this link */
	__u32 pkt_len;		     /* ICMP bytes per probe (looped stamps find the probe by it) */
	bool dgram;		     /* an ICMP datagram ("ping") socket: no privilege needed */
	int proto;		     /* raw sockets: 0 (ICMP), or a trace's IPPROTO_UDP / IPPROTO_TCP */
	const char *no_bpf;	     /* dgram chosen for want of these capabilities (for messages) */
	enum ringping_pmtu pmtu;     /* path MTU discovery; 0: the kernel's default */
	bool broadcast;		     /* IPv4: SO_BROADCAST (broadcast targets) */
	__u32 mark;		     /* SO_MARK; 0: none */
	bool dontroute;		     /* SO_DONTROUTE */
	__u32 sndbuf;		     /* SO_SNDBUF; 0: TX_SNDBUF */
	__u32 flowlabel;	     /* IPv6: the probes' flow label (IPV6_FLOWLABEL_MGR); 0: none */
	struct ringping_addr flow_dst; /* the lease's destination (the kernel wants one): a target */
	const __u8 *ip_options;	     /* IPv4 raw sockets: IP_OPTIONS, ip_options_len bytes (0: none) */
	__u32 ip_options_len;
};

#define TX_FRAME_HDR 34  /* Ethernet (14) + IPv4 (20) in front of each packet-path probe */
#define TX_FRAME_HDR6 54 /* Ethernet (14) + IPv6 (40) */

union tx_dst {
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* One batch of messages, with its own buffers, so batches can be in flight on several sockets. */
struct tx_batch {
	__u32 cap, pkt_len;
	__u32 hdr_len;		     /* packet path: TX_FRAME_HDR or TX_FRAME_HDR6; raw: 0 */
	__u32 ip_sum;		     /* packet path, IPv4: header sum with daddr, id, check zero;
				      * IPv6: the pseudo-header's sum less the destination */
	bool kstamp;		     /* messages carry SCM_TS_OPT_ID */
	bool ttl_on;		     /* messages carry their own TTL (tx_set_ttl) */
	struct mmsghdr *msgs;
	struct iovec *iov;
	union tx_dst *dst;
	unsigned scope_id;	     /* for link-local IPv6 destinations */
	__u32 flowinfo;		     /* IPv6 destinations' sin6_flowinfo: the flow label, network order */
	__u8 *pkts;
	__u8 *cmsg;
	int *status;		     /* per message after tx_send: 0 or -errno */
};

/* Buffers for reading the error queue: one set per thread that reads it. */
struct tx_eq {
	struct mmsghdr *msgs;
	struct sockaddr_in6 *names;  /* datagram sockets: an ICMP error's original destination */
	__u8 *cmsg;
	struct iovec *iov;	     /* looped stamps: one frame buffer per message */
	__u8 *data;
	__u32 frame_cap;	     /* bytes per frame buffer (looped stamps bring their frames) */
};

/* A sending socket, with the error-queue buffers of the thread that sends on it. */
struct tx {
	int fd;
	bool open;
	bool kstamp;		     /* kernel TX stamps, each tied to its probe */
	bool looped;		     /* keyed by the looped frame, not SCM_TS_OPT_ID (Linux < 6.13) */
	__u32 pkt_len;		     /* ICMP bytes per probe */
	__s64 tai_off_ns;	     /* CLOCK_TAI - CLOCK_REALTIME */
	struct tx_eq eq;
	bool no_opt_id;		     /* test hook: refuse SCM_TS_OPT_ID as Linux < 6.13 does */
	bool *said_looped;	     /* shared by a run's sockets: the looped-stamp notice once a run */
	bool dgram;		     /* an ICMP datagram socket: replies and ICMP errors come here */
	int family;		     /* AF_INET or AF_INET6 */
	int proto;		     /* as tx_cfg's */
	tx_icmp_fn on_icmp;	     /* datagram sockets: where ICMP errors go (set before sending) */
	void *icmp_ctx;
	__u32 drops_seen;	     /* datagram sockets: SK_MEMINFO_DROPS when last read */
	/* Diagnostics (-vv at close): stamps read, those without a key, error-queue peak. */
	__u64 st_read, st_nokey, st_rmem_peak, st_rcvbuf;
	__u64 first_sent_ns;	     /* CLOCK_MONOTONIC of the first probe sent (atomic) */
	__u64 answers;		     /* datagram sockets: replies read from this one */
	__u64 icmp_seen;	     /* datagram sockets: ICMP errors read from this one (atomic) */
};

typedef void (*tx_stamp_fn)(void *ctx, __u32 key, __u64 tai_ns);

int tx_open(struct tx *tx, const struct tx_cfg *cfg);
/* CLOCK_TAI - CLOCK_REALTIME in ns: a whole number of seconds the kernel keeps. */
__s64 tx_tai_offset(void);
void tx_close(struct tx *tx);
/* pkt_len: ICMP bytes per probe; cfg->link selects frames for the packet path. */
int tx_batch_init(struct tx_batch *b, __u32 cap, __u32 pkt_len, const struct tx_cfg *cfg);
void tx_batch_free(struct tx_batch *b);
/* Prepare message i of a batch (to an IPv4 or IPv6 dst); returns the buffer for its ICMP bytes. */
__u8 *tx_prepare(struct tx_batch *b, __u32 i, const struct ringping_addr *dst, __u32 key);
/* Message i goes out with this TTL / hop limit (raw sockets); from then on every message carries one. */
void tx_set_ttl(struct tx_batch *b, __u32 i, const struct ringping_addr *dst, int ttl);
/*
 * After the ICMP bytes of message i are written: an IPv6 frame of the packet
 * path gets its ICMPv6 checksum, pseudo-header included (a raw ICMPv6 socket
 * has the kernel do it). A no-op otherwise.
 */
void tx_seal(struct tx_batch *b, __u32 i);
/* Key stamps by their looped frames from now on (what a kernel without SCM_TS_OPT_ID gets). */
bool tx_use_looped(struct tx *tx);
/* Send messages 0..n-1; b->status[i] says how each went. Returns how many went out. */
__u32 tx_send(struct tx *tx, struct tx_batch *b, __u32 n);
int tx_eq_init(struct tx_eq *eq);
void tx_eq_free(struct tx_eq *eq);
/* Read queued TX stamps into eq's buffers (non-blocking, at most max); count or -errno. */
int tx_drain_stamps(struct tx *tx, struct tx_eq *eq, tx_stamp_fn fn, void *ctx, int max);
/* CLOCK_TAI now, in ns. */
__u64 tx_tai_now(void);
/* The socket's SO_MEMINFO (SK_MEMINFO_VARS values); 0 or -1. */
int tx_meminfo(const struct tx *tx, __u32 *mi);
/*
 * A datagram socket that has sent for wait_ns and read TX_NOSTAMP_ANSWERS
 * replies without one stamp coming back, its queues never near full (a full
 * one drops stamps without a count), has none to give (IPv6 ping sockets of
 * Linux 5.10 ignore SO_TIMESTAMPING on send): from then on its send times
 * are userspace ones, said once. True if that happened now.
 */
#define TX_NOSTAMP_ANSWERS 64
bool tx_check_stamps(struct tx *tx, __u64 now_mono, __u64 wait_ns);

#endif
