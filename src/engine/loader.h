/* SPDX-License-Identifier: MIT */
/*
 * The BPF side's lifecycle: open the skeleton, set its read-only config,
 * load, attach (socket filter on a raw socket, or XDP through a bpf_link so
 * the kernel detaches it when the process dies, even by SIGKILL), read the
 * per-CPU counters, and tear everything down. No pins: nothing outlives us.
 */
#ifndef RP_LOADER_H
#define RP_LOADER_H

#include <stdbool.h>
#include "ringping_abi.h"

struct ringping_bpf;
struct ring_buffer;

enum loader_mode { LOADER_SOCKET, LOADER_XDP };

struct loader_cfg {
	__u64 key0, key1;
	enum loader_mode mode;
	const char *ifname;   /* XDP: interface; socket: optional bind */
	bool xdp_generic;     /* XDP: skb (generic) mode instead of native */
	bool xdp_drop;	      /* XDP: drop matched replies after recording */
	__u32 ringbuf_bytes;  /* power of two, >= page size */
	bool rb_no_wakeup;    /* records never wake the consumer: it polls */
	bool v4, v6;	      /* socket mode: open the ICMP and/or ICMPv6 receive socket */
	bool trace;	      /* a trace's probes (rp_trace) */
	int trace_proto;      /* its transport: 0 (ICMP), IPPROTO_UDP or IPPROTO_TCP */
	__u16 trace_port;     /* UDP and TCP: the destination port */
	__u8 probe;	      /* RP_PROBE_ECHO or RP_PROBE_TSTAMP (rp_probe) */
	bool ipopts;	      /* IPv4 replies' IP options wanted (rp_ipopts: the run sends some) */
	const __u32 *group_tags;	     /* broadcast and multicast targets: their tags, */
	const struct rp_group *groups;	     /* and addresses (rp_groups), ngroups of them */
	__u32 ngroups;
};

struct loader {
	struct ringping_bpf *skel;
	int xdp_link_fd; /* the bpf_link; closing its last fd detaches the program */
	int sock_fd;  /* raw ICMP receive socket carrying the socket filter, or -1 */
	int sock6_fd; /* raw ICMPv6 receive socket with its filter, or -1 */
	int tcp_fd, tcp6_fd; /* a TCP trace: raw TCP receive sockets with the same filters, or -1 */
	int ifindex;
	const volatile struct rp_counters *counters; /* the counters map, mmapped: a slot per CPU */
	int ncounters;
	bool rx_mono;  /* records carry CLOCK_MONOTONIC receive times, not CLOCK_TAI */
	bool xdp_dpa;  /* XDP copies by direct packet access (no bpf_xdp_load_bytes) */
};

/* Load and attach as cfg says. 0 or -errno (a one-line reason already printed). */
int loader_open(struct loader *l, const struct loader_cfg *cfg);
/* Fd of the records ring buffer map, for ring_buffer__new(). */
int loader_ringbuf_fd(const struct loader *l);
/* Sum the per-CPU counters into *out (no bpf() call: fine without privilege). 0 or -errno. */
int loader_counters(const struct loader *l, struct rp_counters *out);
/* Detach and free; NULL-safe, idempotent. */
void loader_close(struct loader *l);

#endif
