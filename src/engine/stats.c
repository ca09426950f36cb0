// SPDX-License-Identifier: MIT
#include "stats.h"

void stats_summarize(struct ringping_summary *s, const struct inflight_counts *c,
		     const struct rp_counters *bpf, __u64 targets, __u64 planned)
{
	__u64 unanswered = c->by_status[RINGPING_NO_REPLY];
	__u64 resolved;

	s->targets = targets;
	s->probes = c->pushed;
	s->send_failed = c->send_failed;
	s->sent = c->pushed - c->send_failed;
	s->unprobed = planned > c->pushed ? planned - c->pushed : 0;
	s->replied = c->by_status[RINGPING_ALIVE];
	s->unreachable = c->by_status[RINGPING_UNREACHABLE];
	s->time_exceeded = c->by_status[RINGPING_TIME_EXCEEDED];
	s->other_errors = c->by_status[RINGPING_ERROR];
	s->errors = s->unreachable + s->time_exceeded + s->other_errors;
	/*
	 * A record the BPF program could not reserve belonged to some probe we
	 * now list as unanswered: those are ours to own, not the network's.
	 */
	s->dropped_locally = bpf->rb_full < unanswered ? bpf->rb_full : unanswered;
	s->no_reply = unanswered - s->dropped_locally;
	resolved = s->replied + s->errors + s->no_reply + s->dropped_locally;
	s->unaccounted = (__s64)(s->sent - resolved);
	s->duplicates = c->duplicates;
	s->late = c->late;
	s->invalid = c->invalid + bpf->forged; /* turned away in userspace, or already in BPF */
	s->malformed = bpf->malformed;
	s->not_ours = bpf->not_ours;
	s->tx_user_stamps = c->tx_user;
	s->rtt_bad = c->rtt_bad;
	s->send_pps = s->send_s > 0 ? (double)c->pushed / s->send_s
		      : s->elapsed_s > 0 ? (double)c->pushed / s->elapsed_s : 0;
}
