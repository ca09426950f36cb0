/* SPDX-License-Identifier: MIT */
/* One probe's outcome, as the run hands it to the output modules. */
#ifndef RP_RESULT_H
#define RP_RESULT_H

#include <stdbool.h>
#include "addr.h"

/* Every probe ends in exactly one of these (dropped locally is a run-level count). */
enum rp_status {
	ST_ALIVE,	  /* echo reply */
	ST_UNREACHABLE,	  /* ICMP destination unreachable */
	ST_TIME_EXCEEDED, /* ICMP time exceeded */
	ST_ERROR,	  /* another ICMP error (parameter problem) */
	ST_NO_REPLY,	  /* nothing within the timeout */
	ST_SEND_FAILED,	  /* the kernel refused the send */
	ST__COUNT,
};

struct rp_result {
	struct rp_addr target;
	__u64 seq;	      /* probe sequence number in this run */
	__u64 round;	      /* which pass over the targets (-c/-l): seq / targets */
	__u64 tx_ns, rx_ns;   /* CLOCK_TAI send and answer times; rx_ns 0 if none */
	enum rp_status status;
	__s64 rtt_ns;	      /* ST_ALIVE / errors: RTT; -1 when unknown */
	struct rp_addr from;  /* who answered (the reporting router for errors) */
	__u8 ttl;	      /* TTL of the reply or error packet */
	__u8 icmp_type, icmp_code;
	__u32 info;	      /* next-hop MTU or parameter-problem pointer */
	int err;	      /* ST_SEND_FAILED: -errno */
	bool tx_user;	      /* the send time is a userspace stamp (kernel stamp missing) */
};

const char *result_status_name(enum rp_status st);

#endif
