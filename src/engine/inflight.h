/* SPDX-License-Identifier: MIT */
/*
 * Probes in flight: a ring of slots indexed by sequence number modulo a power
 * of two, filled in send order and freed in send order. A probe holds its slot
 * from send until its timeout has passed (so late duplicates are still told
 * apart from replies), and the run's memory is the ring, not the target set:
 * a sweep of a /8 needs no per-target state.
 *
 * A slot is resolved - its result handed to the emit callback exactly once -
 * when its answer and its kernel TX stamp are both in, when its send fails,
 * or when its timeout passes (no reply; or the answer with a userspace TX
 * stamp if the kernel's never came).
 */
#ifndef RP_INFLIGHT_H
#define RP_INFLIGHT_H

#include <stdbool.h>
#include "result.h"

enum slot_state { SLOT_EMPTY, SLOT_WAIT, SLOT_PENDING, SLOT_DONE };

struct inflight_slot {
	__u64 seq;
	__u64 idx;	 /* target index */
	__u64 tx_ns;	 /* CLOCK_TAI: kernel stamp, or the userspace one until it comes */
	__u64 rx_ns;	 /* CLOCK_TAI */
	__u64 deadline;	 /* CLOCK_MONOTONIC */
	struct ringping_addr from;
	__u32 info;
	__u8 state, tx_kernel, rx_user, ttl, icmp_type, icmp_code, family;
	__u8 qttl, nlabels;	 /* ICMP errors: the quoted TTL, MPLS entries (RFC 4950) */
	__u8 tstamp;	 /* a timestamp reply: ts holds the remote's times */
	union {
		__u32 mpls[RP_MPLS_MAX];
		struct {
			__u32 orig, recv, xmit;
		} ts;
	};
};

/* How a record fared against the ring. */
enum answer_verdict { ANS_OK, ANS_DUPLICATE, ANS_LATE, ANS_INVALID };

/* A reply's IP options, kept beside its slot: len bytes of b. */
struct inflight_ipopt {
	__u8 len;
	__u8 b[RP_IPOPT_MAX];
};

struct inflight_counts {
	__u64 pushed, send_failed, duplicates, late, invalid, tx_user, rtt_bad;
	__u64 stamp_stray;     /* TX stamps for no probe waiting for one (-vv) */
	__u64 by_status[RINGPING_STATUS__COUNT];
};

typedef void (*inflight_emit_fn)(void *ctx, __u64 idx, const struct ringping_probe *res);

struct inflight {
	struct inflight_slot *v;
	__u64 mask;
	__u64 head, tail;      /* oldest live seq, next seq to push */
	__u64 open;	       /* slots in WAIT or PENDING */
	__u64 waiting;	       /* slots in WAIT: probes no answer has come for yet */
	__u64 timeout_ns;
	bool kstamp;	       /* expect kernel TX stamps */
	bool user_times;       /* opts.user_times: a kernel stamp only says the probe went */
	__u32 key_mask;	       /* the bits of a seq a TX stamp's key holds (timestamp probes: 31) */
	__s64 tai_utc_ns;      /* CLOCK_TAI minus CLOCK_REALTIME: timestamp replies speak UT */
	struct inflight_ipopt *ipopt; /* per slot, a reply's IP options (inflight_keep_ipopts); or NULL */
	struct inflight_counts c;
	inflight_emit_fn emit;
	void *ctx;
};

/* capacity: rounded up to a power of two, at most 2^31 (stamp keys are 32 bits). */
int inflight_init(struct inflight *f, __u64 capacity, __u64 timeout_ns, inflight_emit_fn emit,
		  void *ctx);
void inflight_free(struct inflight *f);
/* Keep each reply's IP options for its result (runs that send some). 0 or -ENOMEM. */
int inflight_keep_ipopts(struct inflight *f);
/* The newest seq pushed so far whose bits in mask are low's (a timestamp reply's 31 bits). */
__u64 inflight_widen(const struct inflight *f, __u64 low, __u64 mask);
__u64 inflight_room(const struct inflight *f);
/*
 * Take the slot for probe seq (at least f->tail) to target idx. Sequence
 * numbers may skip ahead (retries skip hosts already answered): the slots
 * skipped stay empty and are retired like the others.
 */
struct inflight_slot *inflight_push(struct inflight *f, __u64 seq, __u64 idx, __u64 now_mono,
				    __u64 tx_user_ns);
/*
 * Every seq below next that was not pushed never will be: skipped ones count
 * against the room too until the head passes them, so that a later push can
 * never land on a live slot a lap behind (a trace skips most of its hops).
 */
void inflight_skip_to(struct inflight *f, __u64 next);
/* The kernel refused probe seq's send. */
void inflight_send_failed(struct inflight *f, __u64 seq, int err);
/* A kernel TX stamp for stamp key (low 32 bits of seq). */
void inflight_tx_stamp(struct inflight *f, __u32 key, __u64 tai_ns);
/* A validated record for probe seq. */
enum answer_verdict inflight_answer(struct inflight *f, __u64 seq, const struct rp_record *r);
/*
 * A further answer (ANS_DUPLICATE) to probe seq, as a result of its own: the
 * answer's fields, the first answer's send time; *idx its target index. 0, or -ENOENT when the slot
 * is gone or has not been answered yet.
 */
int inflight_duplicate(const struct inflight *f, __u64 seq, const struct rp_record *r,
		       struct ringping_probe *out, __u64 *idx);
/* Free slots from the head whose time is up; force: resolve everything now. */
void inflight_retire(struct inflight *f, __u64 now_mono, bool force);
/* Deadline of the oldest live slot, or 0 if none. */
__u64 inflight_next_deadline(const struct inflight *f);
/* Kernel TX stamps have stopped (f->kstamp false): answers waiting for one resolve now. */
void inflight_release_pending(struct inflight *f);

#endif
