#!/bin/bash
# SPDX-License-Identifier: MIT
# A segment with several hosts, for broadcast and multicast probes: the
# prober's namespace has one link, to a bridge, and three responders hang off
# that bridge. Nothing here touches a real interface.
#
#   rb-probe               rb-hub                 rb-h1, rb-h2, rb-h3
#  +-------------+  veth  +----------------+  veth +------------------------+
#  | rb-p0       |--------| rb-br (bridge) |-------| rb-h0 198.18.77.1N/24  |
#  | 198.18.77.1 |        |                |       |  2001:db8:77::1N/64    |
#  +-------------+        +----------------+       +------------------------+
#
#  198.18.77.255      the segment's broadcast address: h1..h3 answer echo to it
#                     (icmp_echo_ignore_broadcasts=0); rb-probe does not
#  ff02::1%rb-p0      all nodes: h1..h3 answer from their link-local addresses;
#                     rb-probe does not (echo_ignore_multicast: its own answer is
#                     looped back before its probe's TX stamp, so it has no RTT)
#                     and rb-hub has no IPv6, so its bridge does not
#
# Usage: tools/bcastlab.sh up|down|status
set -u

HOSTS="rb-h1 rb-h2 rb-h3"
ALL_NS="rb-probe rb-hub $HOSTS"

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

bl_down() {
	local ns
	for ns in $ALL_NS; do
		ns_exists "$ns" && ip netns del "$ns"
	done
	return 0
}

# Responder i (1..3): its veth into the bridge, its addresses, echo to broadcast answered.
bl_host() {
	local ns=rb-h$1
	ip netns add "$ns" &&
		ip link add rb-h0 netns "$ns" type veth peer name "rb-b$1" netns rb-hub &&
		in_ns rb-hub ip link set "rb-b$1" master rb-br up &&
		in_ns "$ns" ip link set lo up && in_ns "$ns" ip link set rb-h0 up &&
		in_ns "$ns" ip addr add "198.18.77.1$1/24" dev rb-h0 &&
		in_ns "$ns" ip -6 addr add "2001:db8:77::1$1/64" dev rb-h0 nodad &&
		in_ns "$ns" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0 net.ipv4.icmp_ratelimit=0 \
			net.ipv6.icmp.ratelimit=0 net.ipv6.conf.rb-h0.accept_dad=0
}

bl_up() {
	local i
	bl_down
	if ! { ip netns add rb-probe && ip netns add rb-hub &&
		in_ns rb-hub sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 &&
		in_ns rb-hub ip link add rb-br type bridge && in_ns rb-hub ip link set rb-br up &&
		in_ns rb-hub ip link set lo up &&
		ip link add rb-p0 netns rb-probe type veth peer name rb-b0 netns rb-hub &&
		in_ns rb-hub ip link set rb-b0 master rb-br up &&
		in_ns rb-probe ip link set lo up && in_ns rb-probe ip link set rb-p0 up &&
		in_ns rb-probe ip addr add 198.18.77.1/24 dev rb-p0 &&
		in_ns rb-probe ip -6 addr add 2001:db8:77::1/64 dev rb-p0 nodad &&
		in_ns rb-probe sysctl -qw net.ipv6.conf.rb-p0.accept_dad=0 &&
		in_ns rb-probe sysctl -qw net.ipv6.icmp.echo_ignore_multicast=1; }; then
		echo "bcastlab: set-up failed; removing what was made" >&2
		bl_down
		return 1
	fi
	for i in 1 2 3; do
		bl_host $i || { echo "bcastlab: responder $i failed; removing what was made" >&2; bl_down; return 1; }
	done
	# Link-local addresses come with the links; wait (bounded) until every one is usable.
	for i in $(seq 1 50); do
		[ "$(for ns in rb-probe $HOSTS; do in_ns "$ns" ip -6 addr show scope link tentative; done)" ] || break
		sleep 0.1
	done
}

bl_status() {
	local ns up=1
	for ns in $ALL_NS; do
		ns_exists "$ns" || up=0
	done
	[ $up -eq 1 ] && echo up || echo down
}

case "${1:-}" in
up) bl_up ;;
down) bl_down ;;
status) bl_status ;;
*) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
