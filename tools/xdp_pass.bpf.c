// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Pass-through XDP program for the prober's end of a veth whose peer answers
 * with XDP_TX: veth delivers XDP_TX frames to the peer only when the peer
 * has an XDP program of its own (it needs the peer's XDP rx queues);
 * without one they vanish silently.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
