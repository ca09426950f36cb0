// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include "ringping.h"
#include "trace.h"

_Static_assert(RP_TRACE_MAX_TTL == RINGPING_TRACE_MAX_TTL &&
	       RP_TRACE_MAX_FLOWS == RINGPING_TRACE_MAX_FLOWS, "the public limits are the ABI's");

int trace_map_init(struct trace_map *m, __u64 n4, __u64 n6, __u32 first, __u32 max_ttl,
		   __u32 flow0, __u32 flows)
{
	*m = (struct trace_map){ .n4 = n4, .n6 = n6, .first = first, .hops = max_ttl - first + 1,
				 .flow0 = flow0, .flows = flows };
	if (!first || first > max_ttl || max_ttl > RP_TRACE_MAX_TTL || !flows ||
	    flow0 + flows > RP_TRACE_MAX_FLOWS)
		return -EINVAL;
	m->dist = calloc(n4 + n6 ? n4 + n6 : 1, 1);
	m->reached = calloc(n4 + n6 ? n4 + n6 : 1, 1);
	return m->dist && m->reached ? 0 : -ENOMEM;
}

void trace_map_free(struct trace_map *m)
{
	free(m->dist);
	free(m->reached);
	m->dist = m->reached = NULL;
}

__u64 trace_count4(const struct trace_map *m)
{
	return m->n4 * m->flows * m->hops;
}

__u64 trace_count(const struct trace_map *m)
{
	return (m->n4 + m->n6) * m->flows * m->hops;
}

__u64 trace_wave(const struct trace_map *m, int family)
{
	return (family == 4 ? m->n4 : m->n6) * m->flows;
}

void trace_split(const struct trace_map *m, __u64 v, __u64 *target, struct probe_hop *h)
{
	__u64 c4 = trace_count4(m);
	bool v6 = v >= c4;
	__u64 n = v6 ? m->n6 : m->n4, local = v6 ? v - c4 : v, w = n * m->flows;

	h->ttl = m->first + (__u32)(local / w);
	h->flow = m->flow0 + (__u32)(local % w / n);
	h->query = 0;
	*target = (v6 ? m->n4 : 0) + local % n;
}

int trace_join(const struct trace_map *m, __u64 target, __u32 flow, __u32 ttl, __u64 *v)
{
	bool v6 = target >= m->n4;
	__u64 n = v6 ? m->n6 : m->n4, t = v6 ? target - m->n4 : target;

	if (target >= m->n4 + m->n6 || flow < m->flow0 || flow >= m->flow0 + m->flows ||
	    ttl < m->first || ttl >= m->first + m->hops)
		return -EINVAL;
	*v = (v6 ? trace_count4(m) : 0) + ((__u64)(ttl - m->first) * m->flows + (flow - m->flow0)) * n + t;
	return 0;
}

void trace_reached(struct trace_map *m, __u64 target, __u32 ttl)
{
	if (target < m->n4 + m->n6 && (!m->dist[target] || ttl < m->dist[target]))
		m->dist[target] = (__u8)ttl;
}

bool trace_beyond(const struct trace_map *m, __u64 v)
{
	struct probe_hop h;
	__u64 t;

	trace_split(m, v, &t, &h);
	return m->dist[t] && h.ttl > m->dist[t];
}
