/* SPDX-License-Identifier: MIT */
/*
 * The receive path, seen from userspace: the BPF side (loader), its ring
 * buffer, and the clock its records are stamped with. Each record is checked
 * here before the engine sees it: long enough, its cookie right (records
 * whose payload names their probe), its receive time on CLOCK_TAI. A record
 * that only names its target (an ICMP error quoting 8 bytes) is handed to
 * the engine's find_seq, which knows the order the probes went out in.
 */
#ifndef RP_RX_H
#define RP_RX_H

#include "loader.h"
#include "probe.h"
#include "rxclock.h"

/* The probe a target-only record answers: 0 and *seq, or -errno. */
typedef int (*rx_seq_fn)(void *ctx, const struct rp_record *rec, __u64 *seq);
/* A checked record for probe seq, its rx_ns on CLOCK_TAI. */
typedef void (*rx_record_fn)(void *ctx, __u64 seq, const struct rp_record *rec);

struct rx {
	struct loader ld;
	struct rxclock rxc;	/* receive times onto CLOCK_TAI (old kernels: from MONOTONIC) */
	struct ring_buffer *rb;
	const struct probe_key *key;
	rx_seq_fn find_seq;
	rx_record_fn on_record;
	void *ctx;
	bool tcp_answers;	/* a TCP trace: its SYN-ACKs and RSTs carry no payload */
	__u64 invalid;		/* records that failed a check: never credited */
};

/* Load and attach the receive path, then its ring buffer. 0 or -errno (reason printed). */
int rx_open(struct rx *rx, const struct loader_cfg *cfg, const struct probe_key *key,
	    rx_seq_fn find_seq, rx_record_fn on_record, void *ctx);
/* No BPF: records come from ICMP datagram sockets (dgram.h), through rx_handle. */
void rx_open_dgram(struct rx *rx, const struct probe_key *key, rx_seq_fn find_seq,
		   rx_record_fn on_record, void *ctx);
/* One record as the ring buffer hands it over (exposed for tests). */
int rx_handle(void *rx, void *data, size_t len);
/* Records waiting, each through on_record. 0 or -errno. */
int rx_consume(struct rx *rx);
/* Re-measure the MONOTONIC to TAI offset when due; true if the wall clock stepped. */
bool rx_clock_check(struct rx *rx, __u64 now_mono);
/* An fd that polls readable when records wait; -1 without BPF. */
int rx_epoll_fd(const struct rx *rx);
/* Detach and free; safe on a zeroed or half-opened rx. */
void rx_close(struct rx *rx);

/* Bytes of a record as it came: with an IPv4 reply's options after it, a struct rp_record_opt. */
static inline size_t rx_record_len(const struct rp_record *rec)
{
	return (rec->flags & RP_REC_F_IPOPT) ? sizeof(struct rp_record_opt) : sizeof(*rec);
}

#endif
