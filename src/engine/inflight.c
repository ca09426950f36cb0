// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "inflight.h"

#define INFLIGHT_MAX (1ULL << 31)

_Static_assert(RP_MPLS_MAX == RINGPING_MPLS_MAX, "the public MPLS entries are the ABI's");

const char *ringping_status_name(enum ringping_status st)
{
	static const char *const names[RINGPING_STATUS__COUNT] = {
		[RINGPING_ALIVE] = "alive",
		[RINGPING_UNREACHABLE] = "unreachable",
		[RINGPING_TIME_EXCEEDED] = "time-exceeded",
		[RINGPING_ERROR] = "icmp-error",
		[RINGPING_NO_REPLY] = "no-reply",
		[RINGPING_SEND_FAILED] = "send-failed",
	};

	return st < RINGPING_STATUS__COUNT ? names[st] : "?";
}

int inflight_init(struct inflight *f, __u64 capacity, __u64 timeout_ns, inflight_emit_fn emit,
		  void *ctx)
{
	__u64 n = 1;

	memset(f, 0, sizeof(*f));
	if (capacity > INFLIGHT_MAX)
		capacity = INFLIGHT_MAX;
	while (n < capacity)
		n <<= 1;
	f->v = calloc(n, sizeof(*f->v));
	if (!f->v)
		return -ENOMEM;
	f->mask = n - 1;
	f->timeout_ns = timeout_ns;
	f->kstamp = true;
	f->key_mask = ~0U;
	f->emit = emit;
	f->ctx = ctx;
	return 0;
}

__u64 inflight_widen(const struct inflight *f, __u64 low, __u64 mask)
{
	__u64 top = f->tail ? f->tail - 1 : 0, seq = (top & ~mask) | (low & mask);

	return seq > top && seq > mask ? seq - (mask + 1) : seq;
}

int inflight_keep_ipopts(struct inflight *f)
{
	f->ipopt = calloc(f->mask + 1, sizeof(*f->ipopt));
	return f->ipopt ? 0 : -ENOMEM;
}

void inflight_free(struct inflight *f)
{
	if (!f)
		return;
	free(f->ipopt);
	f->ipopt = NULL;
	free(f->v);
	f->v = NULL;
}

__u64 inflight_room(const struct inflight *f)
{
	return f->mask + 1 - (f->tail - f->head);
}

struct inflight_slot *inflight_push(struct inflight *f, __u64 seq, __u64 idx, __u64 now_mono,
				    __u64 tx_user_ns)
{
	struct inflight_slot *s = &f->v[seq & f->mask];

	memset(s, 0, sizeof(*s));
	s->seq = seq;
	s->idx = idx;
	s->tx_ns = tx_user_ns;
	s->deadline = now_mono + f->timeout_ns;
	s->state = SLOT_WAIT;
	if (f->ipopt)
		f->ipopt[seq & f->mask].len = 0;
	f->tail = seq + 1;
	f->open++;
	f->waiting++;
	f->c.pushed++;
	return s;
}

/*
 * Type numbers differ per family. ICMPv6's packet too big counts as
 * unreachable, as IPv4's "fragmentation needed" (type 3 code 4) does; the
 * type and the MTU stay in the result.
 */
static enum ringping_status slot_status(const struct inflight_slot *s)
{
	if (s->icmp_type == 0)
		return RINGPING_ALIVE; /* echo replies are stored as 0 in both families */
	if (s->family == 6)
		return s->icmp_type == 1 || s->icmp_type == 2 ? RINGPING_UNREACHABLE
		       : s->icmp_type == 3		   ? RINGPING_TIME_EXCEEDED
							   : RINGPING_ERROR;
	return s->icmp_type == 3 ? RINGPING_UNREACHABLE : s->icmp_type == 11 ? RINGPING_TIME_EXCEEDED : RINGPING_ERROR;
}

/* An answer's record into its slot. */
static void slot_take(struct inflight_slot *s, const struct rp_record *r)
{
	s->rx_ns = r->rx_ns;
	memcpy(s->from.b, r->from, RP_ADDR_LEN);
	s->ttl = r->ttl;
	s->icmp_type = r->kind == RP_KIND_REPLY ? 0 : r->icmp_type;
	s->icmp_code = r->icmp_code;
	s->family = r->family;
	s->info = r->info;
	s->qttl = r->qttl;
	s->nlabels = r->nlabels <= RP_MPLS_MAX ? r->nlabels : RP_MPLS_MAX;
	s->tstamp = (r->flags & RP_REC_F_TSTAMP) && r->kind == RP_KIND_REPLY;
	memcpy(s->mpls, r->mpls, sizeof(s->mpls)); /* or the timestamps, which share the bytes */
	if (s->tstamp)
		s->nlabels = 0;
	s->rx_user = !!(r->flags & RP_REC_F_RX_USER);
}

#define INFLIGHT_DAY_NS (86400ULL * 1000000000ULL)
#define INFLIGHT_MS_NS 1000000LL

/* ms since midnight UT (RFC 792's unit) of a CLOCK_TAI time, in ns. */
static __s64 inflight_ut_day_ns(const struct inflight *f, __u64 tai_ns)
{
	return (__s64)((tai_ns - (__u64)f->tai_utc_ns) % INFLIGHT_DAY_NS);
}

/*
 * A timestamp reply: the remote's clock minus ours, midpoint against midpoint
 * (NTP's offset, as ZMap's icmp_echo_time reads its echo times): the
 * remote's receive and transmit against our kernel's send and receive
 * stamps. Remote times are whole milliseconds, truncated (Linux's are):
 * half a millisecond puts their midpoint where it most likely was. Only for
 * standard times (high bit clear), reduced to within half a day.
 */
static void slot_fill_tstamp(const struct inflight *f, const struct inflight_slot *s,
			     struct ringping_probe *res)
{
	__s64 t1 = inflight_ut_day_ns(f, s->tx_ns), t4 = inflight_ut_day_ns(f, s->rx_ns), d;

	res->has_tstamp = true;
	res->ts_originate = (__u32)(t1 / INFLIGHT_MS_NS);
	res->ts_receive = s->ts.recv;
	res->ts_transmit = s->ts.xmit;
	memset(res->mpls, 0, sizeof(res->mpls));
	if ((s->ts.recv | s->ts.xmit) & 0x80000000U || s->ts.recv >= 86400000U || s->ts.xmit >= 86400000U)
		return;
	d = ((__s64)s->ts.recv + (__s64)s->ts.xmit) * INFLIGHT_MS_NS / 2 + INFLIGHT_MS_NS / 2 -
	    (t1 + t4) / 2;
	d %= (__s64)INFLIGHT_DAY_NS;
	if (d > (__s64)INFLIGHT_DAY_NS / 2)
		d -= (__s64)INFLIGHT_DAY_NS;
	else if (d <= -(__s64)INFLIGHT_DAY_NS / 2)
		d += (__s64)INFLIGHT_DAY_NS;
	res->clock_offset_ns = d;
	res->offset_valid = true;
}

/* Kept IP options into a result. */
static void slot_give_ipopt(const struct inflight_ipopt *o, struct ringping_probe *res)
{
	res->ip_options_len = o->len;
	memcpy(res->ip_options, o->b, o->len);
}

/* The answer's fields of a result; its RTT stays -1 when a clock step put rx before tx. */
static void slot_fill(const struct inflight *f, const struct inflight_slot *s, struct ringping_probe *res)
{
	res->from = s->from;
	res->ttl = s->ttl;
	res->icmp_type = s->icmp_type;
	res->icmp_code = s->icmp_code;
	res->info = s->info;
	res->quoted_ttl = s->qttl;
	res->mpls_count = s->nlabels;
	memcpy(res->mpls, s->mpls, sizeof(res->mpls));
	res->tx_user = !s->tx_kernel || s->rx_user || f->user_times;
	res->rx_ns = s->rx_ns;
	/* Clock steps between the two stamps must never yield a negative RTT. */
	if (s->rx_ns >= s->tx_ns)
		res->rtt_ns = (__s64)(s->rx_ns - s->tx_ns);
	if (s->tstamp)
		slot_fill_tstamp(f, s, res);
	if (f->ipopt)
		slot_give_ipopt(&f->ipopt[s->seq & f->mask], res);
}

/* A reply's IP options (RP_REC_F_IPOPT: they follow its record) into o. */
static void slot_take_ipopt(struct inflight_ipopt *o, const struct rp_record *r)
{
	const struct rp_record_opt *ro = (const struct rp_record_opt *)r;

	o->len = 0;
	if (!(r->flags & RP_REC_F_IPOPT))
		return;
	o->len = ro->len <= RP_IPOPT_MAX ? ro->len : RP_IPOPT_MAX;
	memcpy(o->b, ro->opt, o->len);
}

static void slot_resolve(struct inflight *f, struct inflight_slot *s, enum ringping_status st, int err)
{
	struct ringping_probe res = { .seq = s->seq, .status = st, .rtt_ns = -1, .err = err,
				 .tx_ns = s->tx_ns };

	if (s->state == SLOT_PENDING) {
		slot_fill(f, s, &res);
		f->c.tx_user += res.tx_user;
		f->c.rtt_bad += res.rtt_ns < 0;
	}
	f->c.by_status[st]++;
	if (s->state == SLOT_WAIT)
		f->waiting--;
	s->state = SLOT_DONE;
	f->open--;
	f->emit(f->ctx, s->idx, &res);
}

static struct inflight_slot *inflight_live(struct inflight *f, __u64 seq)
{
	struct inflight_slot *s = &f->v[seq & f->mask];

	if (seq < f->head || seq >= f->tail || s->seq != seq || s->state == SLOT_EMPTY)
		return NULL;
	return s;
}

void inflight_skip_to(struct inflight *f, __u64 next)
{
	if (next > f->tail)
		f->tail = next;
}

void inflight_send_failed(struct inflight *f, __u64 seq, int err)
{
	struct inflight_slot *s = inflight_live(f, seq);

	if (!s || s->state != SLOT_WAIT)
		return;
	f->c.send_failed++;
	slot_resolve(f, s, RINGPING_SEND_FAILED, err);
}

void inflight_tx_stamp(struct inflight *f, __u32 key, __u64 tai_ns)
{
	struct inflight_slot *s = &f->v[key & f->mask];

	if (s->state == SLOT_EMPTY || (((__u32)s->seq ^ key) & f->key_mask) || s->tx_kernel) {
		f->c.stamp_stray++;
		return;
	}
	if (!f->user_times)
		s->tx_ns = tai_ns;
	s->tx_kernel = 1;
	if (s->state == SLOT_PENDING)
		slot_resolve(f, s, slot_status(s), 0);
}

enum answer_verdict inflight_answer(struct inflight *f, __u64 seq, const struct rp_record *r)
{
	struct inflight_slot *s;

	if (seq >= f->tail)
		return f->c.invalid++, ANS_INVALID;
	s = inflight_live(f, seq);
	if (!s)
		return f->c.late++, ANS_LATE;
	if (s->state != SLOT_WAIT)
		return f->c.duplicates++, ANS_DUPLICATE;
	/* Past the timeout is late, whatever the record says: never credited. */
	if (r->rx_ns > s->tx_ns && r->rx_ns - s->tx_ns > f->timeout_ns)
		return f->c.late++, ANS_LATE;
	slot_take(s, r);
	if (f->ipopt)
		slot_take_ipopt(&f->ipopt[seq & f->mask], r);
	s->state = SLOT_PENDING;
	f->waiting--;
	if (s->tx_kernel || !f->kstamp)
		slot_resolve(f, s, slot_status(s), 0);
	return ANS_OK;
}

int inflight_duplicate(const struct inflight *f, __u64 seq, const struct rp_record *r,
		       struct ringping_probe *out, __u64 *idx)
{
	const struct inflight_slot *live = inflight_live((struct inflight *)f, seq);
	struct inflight_slot s;

	if (!live || live->state == SLOT_WAIT)
		return -ENOENT;
	s = *live;
	slot_take(&s, r);
	*out = (struct ringping_probe){ .seq = seq, .status = slot_status(&s), .rtt_ns = -1,
					.tx_ns = s.tx_ns };
	slot_fill(f, &s, out);
	if (f->ipopt) { /* the duplicate's own options, not the first answer's */
		struct inflight_ipopt o;

		slot_take_ipopt(&o, r);
		slot_give_ipopt(&o, out);
	}
	*idx = s.idx;
	return 0;
}

void inflight_retire(struct inflight *f, __u64 now_mono, bool force)
{
	while (f->head < f->tail) {
		struct inflight_slot *s = &f->v[f->head & f->mask];

		if (!force && s->deadline > now_mono)
			break;
		if (s->state == SLOT_WAIT)
			slot_resolve(f, s, RINGPING_NO_REPLY, 0);
		else if (s->state == SLOT_PENDING)
			slot_resolve(f, s, slot_status(s), 0);
		s->state = SLOT_EMPTY;
		f->head++;
	}
}

__u64 inflight_next_deadline(const struct inflight *f)
{
	if (f->head == f->tail)
		return 0;
	return f->v[f->head & f->mask].deadline;
}

void inflight_release_pending(struct inflight *f)
{
	__u64 seq;

	for (seq = f->head; seq < f->tail; seq++) {
		struct inflight_slot *s = &f->v[seq & f->mask];

		if (s->seq == seq && s->state == SLOT_PENDING)
			slot_resolve(f, s, slot_status(s), 0);
	}
}
