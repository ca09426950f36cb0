// SPDX-License-Identifier: MIT
#include "cm.h"
#include <errno.h>
#include <string.h>
#include "inflight.h"

#define MS 1000000ULL

static struct inflight f;
static struct ringping_probe got[64];
static __u64 got_idx[64];
static int ngot;

static void emit(void *ctx, __u64 idx, const struct ringping_probe *r)
{
	got_idx[ngot] = idx;
	got[ngot++] = *r;
}

static int setup(void **s)
{
	ngot = 0;
	return inflight_init(&f, 8, 100 * MS, emit, NULL);
}

static int teardown(void **s)
{
	inflight_free(&f);
	return 0;
}

static struct rp_record rec(__u8 kind, __u8 type, __u64 rx)
{
	struct rp_record r = { .kind = kind, .icmp_type = type, .rx_ns = rx, .ttl = 61 };

	r.from[15] = 9;
	return r;
}

static void test_reply_after_stamp_resolves_once(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 5000);

	inflight_push(&f, 0, 42, 0, 1000);
	inflight_tx_stamp(&f, 0, 2000);
	assert_int_equal(inflight_answer(&f, 0, &r), ANS_OK);
	assert_int_equal(ngot, 1);
	assert_int_equal(got_idx[0], 42);
	assert_int_equal(got[0].status, RINGPING_ALIVE);
	assert_int_equal(got[0].rtt_ns, 3000); /* from the kernel stamp, not the userspace one */
	assert_int_equal(got[0].ttl, 61);
	assert_false(got[0].tx_user);
	assert_int_equal(inflight_answer(&f, 0, &r), ANS_DUPLICATE);
	assert_int_equal(f.c.duplicates, 1);
	assert_int_equal(ngot, 1);
	assert_int_equal(f.open, 0);
}

/* A duplicate is a result of its own: its sender, TTL and RTT, from the first answer's send time. */
static void test_duplicate_as_its_own_result(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 5000), d = rec(RP_KIND_REPLY, 0, 7000);
	struct ringping_probe p;
	__u64 idx;

	inflight_push(&f, 3, 42, 0, 1000);
	assert_int_equal(inflight_duplicate(&f, 3, &r, &p, &idx), -ENOENT); /* not answered yet */
	inflight_tx_stamp(&f, 3, 2000);
	assert_int_equal(inflight_answer(&f, 3, &r), ANS_OK);
	d.ttl = 60;
	d.from[15] = 10;
	assert_int_equal(inflight_answer(&f, 3, &d), ANS_DUPLICATE);
	assert_int_equal(inflight_duplicate(&f, 3, &d, &p, &idx), 0);
	assert_int_equal(p.seq, 3);
	assert_int_equal(p.status, RINGPING_ALIVE);
	assert_int_equal(p.rtt_ns, 5000);
	assert_int_equal(p.ttl, 60);
	assert_int_equal(p.from.b[15], 10);
	assert_int_equal(ngot, 1); /* the probe itself resolved once */
	assert_int_equal(inflight_duplicate(&f, 4, &d, &p, &idx), -ENOENT); /* no such probe */
	inflight_retire(&f, 200 * MS, false);
	assert_int_equal(inflight_duplicate(&f, 3, &d, &p, &idx), -ENOENT); /* its slot is gone */
}

static void test_reply_waits_for_stamp(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 9000);

	inflight_push(&f, 0, 1, 0, 1000);
	assert_int_equal(inflight_answer(&f, 0, &r), ANS_OK);
	assert_int_equal(ngot, 0);
	inflight_tx_stamp(&f, 0, 4000);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].rtt_ns, 5000);
}

static void test_missing_stamp_falls_back_at_timeout(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 9000);

	inflight_push(&f, 0, 1, 0, 1000);
	inflight_answer(&f, 0, &r);
	inflight_retire(&f, 50 * MS, false);
	assert_int_equal(ngot, 0);
	inflight_retire(&f, 100 * MS, false);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].rtt_ns, 8000);
	assert_true(got[0].tx_user);
	assert_int_equal(f.c.tx_user, 1);
}

/* Stamps stop (a socket that gives none): answers waiting for one resolve at once, the rest wait. */
static void test_release_pending_when_stamps_stop(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 9000);

	f.kstamp = true;
	inflight_push(&f, 0, 1, 0, 1000);
	inflight_push(&f, 1, 2, 0, 1000);
	inflight_answer(&f, 0, &r);
	assert_int_equal(ngot, 0);
	f.kstamp = false;
	inflight_release_pending(&f);
	assert_int_equal(ngot, 1);
	assert_int_equal(got_idx[0], 1);
	assert_true(got[0].tx_user);
	assert_int_equal(f.open, 1); /* the unanswered probe still waits for its timeout */
	inflight_release_pending(&f);
	assert_int_equal(ngot, 1);
}

/* A record without a kernel RX stamp (datagram path): credited, and the probe says so. */
static void test_rx_user_stamp_flagged(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 9000);

	r.flags = RP_REC_F_RX_USER;
	inflight_push(&f, 0, 1, 0, 1000);
	inflight_tx_stamp(&f, 0, 2000);
	assert_int_equal(inflight_answer(&f, 0, &r), ANS_OK);
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].status, RINGPING_ALIVE);
	assert_true(got[0].tx_user);
	assert_int_equal(f.c.tx_user, 1);
}

static void test_error_and_no_reply(void **s)
{
	struct rp_record e = rec(RP_KIND_ERROR, 11, 3000);

	inflight_push(&f, 0, 10, 0, 1000);
	inflight_push(&f, 1, 11, 0, 1000);
	inflight_tx_stamp(&f, 0, 1000);
	inflight_tx_stamp(&f, 1, 1000);
	assert_int_equal(inflight_answer(&f, 1, &e), ANS_OK);
	assert_int_equal(got[0].status, RINGPING_TIME_EXCEEDED);
	assert_int_equal(got[0].from.b[15], 9);
	inflight_retire(&f, 100 * MS, false);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[1].status, RINGPING_NO_REPLY);
	assert_int_equal(got_idx[1], 10);
	assert_int_equal(f.c.by_status[RINGPING_NO_REPLY], 1);
	assert_int_equal(f.head, 2);
}

static void test_late_and_invalid(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 1000 + 200 * MS);

	inflight_push(&f, 0, 1, 0, 1000);
	inflight_tx_stamp(&f, 0, 1000);
	/* Arrives after the timeout: counted late, never credited. */
	assert_int_equal(inflight_answer(&f, 0, &r), ANS_LATE);
	assert_int_equal(ngot, 0);
	assert_int_equal(inflight_answer(&f, 7, &r), ANS_INVALID); /* never sent */
	inflight_retire(&f, 100 * MS, false);
	assert_int_equal(got[0].status, RINGPING_NO_REPLY);
	r.rx_ns = 2000;
	assert_int_equal(inflight_answer(&f, 0, &r), ANS_LATE); /* slot gone */
	assert_int_equal(f.c.late, 2);
	assert_int_equal(f.c.invalid, 1);
}

static void test_stamp_for_reused_slot_ignored(void **s)
{
	__u64 i;

	for (i = 0; i < 8; i++)
		inflight_push(&f, i, i, 0, 1000);
	assert_int_equal(inflight_room(&f), 0);
	inflight_retire(&f, 100 * MS, false); /* all time out */
	assert_int_equal(inflight_room(&f), 8);
	inflight_push(&f, 8, 8, 200 * MS, 1000);
	inflight_tx_stamp(&f, 0, 5); /* the old probe in slot 0 */
	assert_int_equal(f.v[0].tx_kernel, 0);
	inflight_tx_stamp(&f, 8, 6);
	assert_int_equal(f.v[0].tx_kernel, 1);
}

static void test_send_failed_and_force(void **s)
{
	inflight_push(&f, 0, 1, 0, 1000);
	inflight_push(&f, 1, 2, 0, 1000);
	inflight_send_failed(&f, 0, -1);
	inflight_send_failed(&f, 0, -1); /* once only */
	inflight_send_failed(&f, 5, -1); /* never sent: ignored */
	assert_int_equal(got[0].status, RINGPING_SEND_FAILED);
	assert_int_equal(f.c.send_failed, 1);
	inflight_retire(&f, 1, true);
	assert_int_equal(ngot, 2);
	assert_int_equal(got[1].status, RINGPING_NO_REPLY);
	assert_int_equal(f.open, 0);
	assert_int_equal(f.head, f.tail);
}

static void test_clock_step_never_negative(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 500);

	inflight_push(&f, 0, 1, 0, 1000);
	inflight_tx_stamp(&f, 0, 1000);
	inflight_answer(&f, 0, &r);
	assert_int_equal(got[0].status, RINGPING_ALIVE);
	assert_int_equal(got[0].rtt_ns, -1);
	assert_int_equal(f.c.rtt_bad, 1);
}

/* Retries skip sequence numbers: the gap's slots hold nothing and retire with the rest. */
static void test_sequence_gaps(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 1000 + 10 * MS);

	inflight_push(&f, 0, 10, 0, 1000);
	inflight_push(&f, 5, 15, 0, 1000); /* 1..4 skipped */
	assert_int_equal(f.tail, 6);
	assert_int_equal(f.open, 2);
	assert_int_equal(inflight_room(&f), 8 - 6);
	assert_int_equal(inflight_answer(&f, 3, &r), ANS_LATE); /* never sent: no slot */
	inflight_tx_stamp(&f, 5, 1000);
	assert_int_equal(inflight_answer(&f, 5, &r), ANS_OK);
	assert_int_equal(ngot, 1);
	assert_int_equal(got_idx[0], 15);
	inflight_retire(&f, 200 * MS, false);
	assert_int_equal(ngot, 2); /* seq 0: no reply; the gap resolves nothing */
	assert_int_equal(got[1].status, RINGPING_NO_REPLY);
	assert_int_equal(f.head, 6);
	assert_int_equal(f.c.pushed, 2);
	/* Past the wrap: a skipped slot's old contents never answer for a new seq. */
	inflight_push(&f, 13, 7, 200 * MS, 1000);
	assert_int_equal(inflight_answer(&f, 9, &r), ANS_LATE);
	assert_int_equal(f.open, 1);
}

/*
 * Skipped sequence numbers at the end of a batch count against the room: a
 * trace skips most hops of a wave, and with room counted from the last push
 * the next batch's pushes wrapped onto live slots (seq 8 onto seq 0's), whose
 * probes then never resolved and the run never ended.
 */
static void test_skipped_tail_takes_room(void **s)
{
	inflight_push(&f, 0, 10, 0, 1000);
	inflight_skip_to(&f, 8); /* 1..7 skipped: the ring is full */
	assert_int_equal(inflight_room(&f), 0);
	inflight_skip_to(&f, 3); /* never backwards */
	assert_int_equal(f.tail, 8);
	inflight_retire(&f, 50 * MS, false); /* seq 0 still waits */
	assert_int_equal(inflight_room(&f), 0);
	assert_int_equal(f.open, 1);
	inflight_retire(&f, 200 * MS, false); /* its timeout: the head passes the gap too */
	assert_int_equal(ngot, 1);
	assert_int_equal(got[0].status, RINGPING_NO_REPLY);
	assert_int_equal(f.head, 8);
	assert_int_equal(inflight_room(&f), 8);
	assert_int_equal(f.open, 0);
}

/*
 * A timestamp reply: the remote's times kept, and the offset of its clock:
 * its midpoint (receive and transmit, plus the half millisecond it truncated)
 * against ours (send and receive stamps), in UT (TAI minus tai_utc_ns).
 */
static void test_tstamp_offset(void **s)
{
	__u64 day = 86400ULL * 1000000000ULL, tai = 20 * day + 37000000000ULL + 3600000000000ULL;
	struct rp_record r = rec(RP_KIND_REPLY, 14, tai + 2 * MS);

	f.tai_utc_ns = 37000000000LL; /* TAI 37 s ahead: the send is 01:00:00.000 UT */
	f.key_mask = RP_TS_SEQ_MASK;
	r.flags = RP_REC_F_TSTAMP | RP_REC_F_PAYLOAD;
	r.ts.recv = 3600000 + 5001; /* the remote 5.001 s ahead (truncated) at the midpoint, 1 ms in */
	r.ts.xmit = 3600000 + 5001;
	inflight_push(&f, 5, 1, 0, tai);
	inflight_tx_stamp(&f, 5, tai); /* a stamp's key is 31 bits: matched under the mask */
	assert_int_equal(inflight_answer(&f, 5, &r), ANS_OK);
	assert_int_equal(ngot, 1);
	assert_true(got[0].has_tstamp);
	assert_true(got[0].offset_valid);
	assert_int_equal(got[0].ts_originate, 3600000);
	assert_int_equal(got[0].ts_receive, 3605001);
	assert_int_equal(got[0].mpls_count, 0);
	assert_int_equal(got[0].clock_offset_ns, 5000500000LL); /* 5001.5 ms - 1 ms */
	/* Just past midnight on its side, just before on ours: still 5 s, not a day off. */
	inflight_push(&f, 6, 1, 0, tai + day - 3600000000000ULL - 4 * MS);
	inflight_tx_stamp(&f, 6, tai + day - 3600000000000ULL - 4 * MS);
	r.rx_ns = tai + day - 3600000000000ULL - 2 * MS;
	r.ts.recv = r.ts.xmit = 4998;
	assert_int_equal(inflight_answer(&f, 6, &r), ANS_OK);
	assert_int_equal(got[1].clock_offset_ns, 5001500000LL);
	/* Non-standard remote times (high bit set): kept, no offset. */
	inflight_push(&f, 7, 1, 0, tai);
	inflight_tx_stamp(&f, 7, tai);
	r.rx_ns = tai + MS;
	r.ts.recv = r.ts.xmit = 0x80000001;
	assert_int_equal(inflight_answer(&f, 7, &r), ANS_OK);
	assert_true(got[2].has_tstamp);
	assert_false(got[2].offset_valid);
	assert_int_equal(got[2].ts_transmit, 0x80000001);
}

/* waiting: the probes no answer has come for, whatever ends their wait. */
static void test_waiting(void **s)
{
	struct rp_record r = rec(RP_KIND_REPLY, 0, 5000);

	inflight_push(&f, 0, 1, 0, 1000);
	inflight_push(&f, 1, 1, 0, 1000);
	inflight_push(&f, 2, 1, 0, 1000);
	assert_int_equal(f.waiting, 3);
	assert_int_equal(inflight_answer(&f, 0, &r), ANS_OK); /* answered, its stamp not in yet */
	assert_int_equal(f.waiting, 2);
	assert_int_equal(inflight_answer(&f, 0, &r), ANS_DUPLICATE);
	assert_int_equal(f.waiting, 2);
	inflight_send_failed(&f, 1, -ENETUNREACH);
	assert_int_equal(f.waiting, 1);
	inflight_retire(&f, 200 * MS, false); /* 2's timeout: no reply */
	assert_int_equal(f.waiting, 0);
	assert_int_equal(f.open, 0);
}

/* A reply's 31 bits name the newest probe that has them. */
static void test_widen(void **s)
{
	assert_int_equal(inflight_widen(&f, 3, RP_TS_SEQ_MASK), 3); /* nothing pushed: as it came */
	f.tail = (1ULL << 31) + 10;
	assert_int_equal(inflight_widen(&f, 5, RP_TS_SEQ_MASK), (1ULL << 31) + 5);
	assert_int_equal(inflight_widen(&f, 20, RP_TS_SEQ_MASK), 20);
	f.tail = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reply_after_stamp_resolves_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_as_its_own_result, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_waits_for_stamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_stamp_falls_back_at_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_and_no_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_and_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stamp_for_reused_slot_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_failed_and_force, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_step_never_negative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_gaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skipped_tail_takes_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_pending_when_stamps_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_user_stamp_flagged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tstamp_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_widen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waiting, setup, teardown),
	};

	return cmocka_run_group_tests_name("inflight", tests, NULL, NULL);
}
