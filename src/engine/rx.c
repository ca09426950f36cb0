// SPDX-License-Identifier: MIT
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "rx.h"

static __u64 rx_mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int rx_handle(void *ctx, void *data, size_t len)
{
	struct rx *rx = ctx;
	const struct rp_record *rec = data;
	struct rp_record_opt tai; /* the record, and a reply's IP options when it has them */
	__u64 seq;
	int err;

	if (len < sizeof(*rec) || len < rx_record_len(rec)) {
		rx->invalid++;
		return 0;
	}
	if (rec->flags & RP_REC_F_PAYLOAD) {
		err = probe_cookie_ok(rx->key, rec) ? 0 : -EINVAL;
		seq = rec->seq;
	} else if (rec->kind == RP_KIND_REPLY && !(rx->tcp_answers && (rec->flags & RP_REC_F_TCP))) {
		err = -EINVAL; /* an echo reply echoes the payload: a bare tag answers nothing */
	} else {
		/*
		 * An error quoting 8 bytes, or a TCP trace's SYN-ACK or RST: BPF
		 * checked its tag, the order names the probe.
		 */
		err = rx->find_seq(rx->ctx, rec, &seq);
	}
	if (err) {
		rx->invalid++;
		return 0;
	}
	if (rx->rxc.mono) {
		memcpy(&tai, data, rx_record_len(rec));
		tai.rec.rx_ns = rxclock_tai(&rx->rxc, rec->rx_ns);
		rec = &tai.rec;
	}
	rx->on_record(rx->ctx, seq, rec);
	return 0;
}

int rx_open(struct rx *rx, const struct loader_cfg *cfg, const struct probe_key *key,
	    rx_seq_fn find_seq, rx_record_fn on_record, void *ctx)
{
	int err;

	rx->key = key;
	rx->find_seq = find_seq;
	rx->on_record = on_record;
	rx->ctx = ctx;
	rx->tcp_answers = cfg->trace && cfg->trace_proto == IPPROTO_TCP;
	err = loader_open(&rx->ld, cfg);
	if (err)
		return err;
	rxclock_init(&rx->rxc, rx->ld.rx_mono, rx_mono_now());
	rx->rb = ring_buffer__new(loader_ringbuf_fd(&rx->ld), rx_handle, rx, NULL);
	if (!rx->rb) {
		err = -errno;
		pr_warn("ring buffer: %s\n", strerror(-err));
	}
	return err;
}

void rx_open_dgram(struct rx *rx, const struct probe_key *key, rx_seq_fn find_seq,
		   rx_record_fn on_record, void *ctx)
{
	rx->key = key;
	rx->find_seq = find_seq;
	rx->on_record = on_record;
	rx->ctx = ctx;
	rxclock_init(&rx->rxc, false, rx_mono_now()); /* the kernel's stamps: on TAI already */
}

int rx_consume(struct rx *rx)
{
	int err;

	if (!rx->rb)
		return 0;
	err = ring_buffer__consume(rx->rb);

	return err < 0 && err != -EINTR ? err : 0;
}

bool rx_clock_check(struct rx *rx, __u64 now_mono)
{
	return rxclock_update(&rx->rxc, now_mono);
}

int rx_epoll_fd(const struct rx *rx)
{
	return rx->rb ? ring_buffer__epoll_fd(rx->rb) : -1;
}

void rx_close(struct rx *rx)
{
	ring_buffer__free(rx->rb);
	rx->rb = NULL;
	loader_close(&rx->ld);
}
