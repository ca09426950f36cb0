// SPDX-License-Identifier: MIT
#include <time.h>
#include "rxclock.h"

#define RXCLOCK_TRIES 16

static __s64 rxclock_read(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__s64)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

__s64 rxclock_measure(__s64 *err_ns)
{
	__s64 best_w = -1, best_off = 0, m0, t, m1;
	int i;

	for (i = 0; i < RXCLOCK_TRIES; i++) {
		m0 = rxclock_read(CLOCK_MONOTONIC);
		t = rxclock_read(CLOCK_TAI);
		m1 = rxclock_read(CLOCK_MONOTONIC);
		if (best_w < 0 || m1 - m0 < best_w) {
			best_w = m1 - m0;
			best_off = t - (m0 + (m1 - m0) / 2);
		}
	}
	*err_ns = best_w / 2 + 1;
	return best_off;
}

void rxclock_init(struct rxclock *c, bool mono, __u64 now_mono)
{
	c->mono = mono;
	c->steps = 0;
	c->off_ns = mono ? rxclock_measure(&c->err_ns) : 0;
	if (!mono)
		c->err_ns = 0;
	c->next_check = now_mono + RXCLOCK_CHECK_NS;
}

bool rxclock_update(struct rxclock *c, __u64 now_mono)
{
	__s64 off, err, d;

	if (!c->mono || now_mono < c->next_check)
		return false;
	c->next_check = now_mono + RXCLOCK_CHECK_NS;
	off = rxclock_measure(&err);
	d = off > c->off_ns ? off - c->off_ns : c->off_ns - off;
	if (d <= c->err_ns + err + 1000) /* read jitter, not a step: keep the better bound */
		return false;
	c->off_ns = off;
	c->err_ns = err;
	c->steps++;
	return true;
}
