// SPDX-License-Identifier: MIT
/*
 * libFuzzer: what userspace does with ring-buffer records, as a hostile
 * packet could make BPF emit them (any bytes, any length): the receive
 * module's checks, then the in-flight ring. No crash; no answer credited
 * unless its cookie is right; every probe resolved exactly once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "inflight.h"
#include "rp_hash.h"
#include "rx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct probe_key key = { 0x0123456789abcdefULL, 0x0fedcba987654321ULL };
static __u64 emitted, credited;
static bool tcp_answers; /* this input's run: a TCP trace or not */

static void on_emit(void *ctx, __u64 idx, const struct ringping_probe *res)
{
	emitted++;
	credited += res->status == RINGPING_ALIVE;
}

static int find_seq(void *ctx, const struct rp_record *rec, __u64 *seq)
{
	*seq = rec->target[15] % 64; /* the order: some target-only records name probes */
	return rec->target[14] & 1 ? -22 : 0;
}

static void on_record(void *ctx, __u64 seq, const struct rp_record *rec)
{
	struct inflight *f = ctx;
	struct rp_record r = *rec;

	/* rx let it through: a payload record's cookie must be the real one (a timestamp probe's: its tag). */
	if ((rec->flags & RP_REC_F_PAYLOAD) && !(rec->flags & RP_REC_F_TSTAMP) &&
	    rec->cookie != rp_cookie(key.k0, key.k1, rec->target, rec->seq))
		abort();
	if ((rec->flags & RP_REC_F_TSTAMP) && (rec->flags & RP_REC_F_PAYLOAD) &&
	    (rec->seq > RP_TS_SEQ_MASK ||
	     rec->cookie != rp_tstamp_tag(key.k0, key.k1, rec->target, (__u32)rec->seq)))
		abort();
	/* A bare reply never reaches the engine, but a TCP trace's SYN-ACK or RST. */
	if (rec->kind == RP_KIND_REPLY && !(rec->flags & RP_REC_F_PAYLOAD) &&
	    !(tcp_answers && (rec->flags & RP_REC_F_TCP)))
		abort();
	/* What the run does with a timestamp answer's 31 bits; the options ride behind the record. */
	if (rec->flags & RP_REC_F_TSTAMP)
		seq = inflight_widen(f, seq, RP_TS_SEQ_MASK);
	inflight_answer(f, seq, (rec->flags & RP_REC_F_IPOPT) ? rec : &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inflight f;
	struct rx rx = { .key = &key, .find_seq = find_seq, .on_record = on_record };
	struct rp_record_opt rec; /* a record, or one with IP options after it */
	size_t chunk;
	__u64 i;

	if (inflight_init(&f, 64, 1000000000ULL, on_emit, NULL))
		return 0;
	/* The first byte's bit 1: a run that keeps IP options, its records the longer ones. */
	chunk = size && (data[0] & 2) ? sizeof(struct rp_record_opt) : sizeof(struct rp_record);
	if (chunk == sizeof(struct rp_record_opt) && inflight_keep_ipopts(&f)) {
		inflight_free(&f);
		return 0;
	}
	f.key_mask = size && (data[0] & 4) ? RP_TS_SEQ_MASK : ~0U;
	rx.ctx = &f;
	/* The first byte's low bit: a TCP trace, whose bare SYN-ACKs and RSTs go to find_seq. */
	tcp_answers = rx.tcp_answers = size && (data[0] & 1);
	emitted = credited = 0;
	for (i = 0; i < 64; i++)
		inflight_push(&f, i, i, 0, 1000);
	/* Half the inputs: a record whose cookie is right, so credit paths run too. */
	while (size) {
		size_t n = size < chunk ? size : chunk;

		memset(&rec, 0, sizeof(rec));
		memcpy(&rec, data, n);
		if (n >= sizeof(rec.rec) && (rec.rec.pad1 & 1))
			rec.rec.cookie = rp_cookie(key.k0, key.k1, rec.rec.target, rec.rec.seq);
		if (n >= sizeof(rec.rec) && (rec.rec.pad1 & 2)) /* a timestamp reply that names its probe */
			rec.rec.cookie = rp_tstamp_tag(key.k0, key.k1, rec.rec.target, (__u32)rec.rec.seq);
		rx_handle(&rx, &rec, n);
		data += n;
		size -= n;
	}
	inflight_retire(&f, UINT64_MAX, true);
	if (emitted != 64 || credited > 64)
		abort(); /* every probe exactly once */
	inflight_free(&f);
	return 0;
}
