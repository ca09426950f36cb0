#!/bin/bash
# SPDX-License-Identifier: MIT
# ringping's namespace lab. Nothing here touches a real interface: the prober's
# namespace has one link, and it leads to the target namespace.
#
#   rp-probe                 rp-tgt (forwards, ICMP rate limits lifted)       rp-far
#  +-------------+  veth    +--------------------------------------+  veth  +--------------------+
#  | rp-p0       |----------| rp-t0 198.18.0.2/24                  |--------| rp-f0 198.18.1.2/30 |
#  | 198.18.0.1  |          | local 198.19.0.0/16 (AnyIP: answers) |        | local              |
#  | 198.18.0.0/15 via .0.2 |          | 198.18.100.0/24: nft reject host-unr.| rp-t1  | 198.18.200.0/24     |
#  +-------------+          | blackhole 198.18.150.0/24 (silence)  |.1.1/30 +--------------------+
#                           | 198.18.200.0/24 via 198.18.1.2       |
#                           +--------------------------------------+
#
#  198.19.0.0/16    every address answers echo
#  198.18.100.0/24  ICMP host unreachable from 198.18.0.2. Not an 'unreachable' route:
#                   those answer through ip_error(), rate limited per source by
#                   net.ipv4.route.error_cost, which is not per namespace (5 errors,
#                   then 1/s). nftables' reject uses icmp_send(), whose limits the
#                   lab lifts inside rp-tgt.
#  198.18.150.0/24  dropped silently (no reply)
#  198.18.200.0/24  one hop behind rp-tgt: --ttl 1 gives time exceeded from 198.18.0.2
#
# IPv6, the same shape inside 2001:db8::/32 (rp-p0 2001:db8::1, rp-t0 2001:db8::2,
# rp-t1 2001:db8:ff::1, rp-f0 2001:db8:ff::2; no DAD, static neighbours):
#  2001:db8:1::/112    every address answers echo (AnyIP in rp-tgt)
#  2001:db8:100::/64   address unreachable from 2001:db8::2 (nftables reject)
#  2001:db8:150::/64   dropped silently (no reply)
#  2001:db8:200::/64   behind rp-tgt over a 1280-byte MTU link: --ttl 1 gives time
#                      exceeded, probes over 1280 bytes give packet too big
#
# Impairments, for the statistics tests (nftables in rp-tgt, table rp_impair):
#   impair loss PCT PREFIX   drop PCT % of the echo requests to PREFIX, at random
#   impair every N PREFIX    drop every Nth echo request to PREFIX (N-1 pass, 1 is lost)
#   impair dup PREFIX        send every echo reply from PREFIX twice
#   impair off               remove them all
#
# Usage: tools/lab.sh up|down|status|impair ...
set -u

NS_PROBE=rp-probe
NS_TGT=rp-tgt
NS_FAR=rp-far
ALL_NS="$NS_PROBE $NS_TGT $NS_FAR"
# One veth queue per CPU (at most 32), and XPS maps CPU i to queue i. With an
# XDP program on the receiving end, veth hands frames over through a 256-entry
# ring per queue, drained by that queue's NAPI; two CPUs filling one ring
# overflow it, and the lab's target then drops replies (IpOutDiscards).
NQ=$(nproc)
[ "$NQ" -gt 32 ] && NQ=32

# Lab host names, seen only inside rp-probe: ip netns exec bind-mounts /etc/netns/NS/hosts.
HOSTS_DIR=/etc/netns/$NS_PROBE

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
mac_of() { in_ns "$1" cat "/sys/class/net/$2/address"; }

lab_down() {
	local ns
	for ns in $ALL_NS; do
		ns_exists "$ns" && ip netns del "$ns"
	done
	rm -f "$HOSTS_DIR/hosts" "$HOSTS_DIR/resolv.conf"
	[ -d "$HOSTS_DIR" ] && rmdir "$HOSTS_DIR" 2>/dev/null
	# /etc/netns too, if up made it (the marker says so) and nothing else is in it.
	if [ -e /etc/netns/.ringping-lab-made ]; then
		rm -f /etc/netns/.ringping-lab-made
		rmdir /etc/netns 2>/dev/null
	fi
	return 0
}

# v4.lab has an A record, v6.lab an AAAA, dual.lab both.
lab_up_names() {
	if [ ! -d /etc/netns ]; then
		mkdir /etc/netns && : >/etc/netns/.ringping-lab-made || return 1
	fi
	mkdir -p "$HOSTS_DIR" && cat >"$HOSTS_DIR/hosts" <<'HOSTS'
127.0.0.1	localhost
198.19.0.1	v4.lab dual.lab
2001:db8:1::1	v6.lab dual.lab
198.19.0.5	rev.lab
198.19.0.6	bad,"name
HOSTS
	# Reverse lookups (-d) of other lab addresses ask a resolver on the
	# namespace's own loopback, where none listens: refused at once, and no
	# query ever leaves for the machine's real resolver.
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$HOSTS_DIR/resolv.conf"
}

lab_is_up() {
	local ns
	for ns in $ALL_NS; do ns_exists "$ns" || return 1; done
	in_ns $NS_PROBE ip -4 addr show dev rp-p0 2>/dev/null | grep -q 198.18.0.1/ &&
		in_ns $NS_TGT ip -6 route show table local 2>/dev/null | grep -q 2001:db8:1::/112 &&
		in_ns $NS_TGT ip route show table local 2>/dev/null | grep -q 198.19.0.0/16 &&
		in_ns $NS_FAR ip route show table local 2>/dev/null | grep -q 198.18.200.0/24
}

# ICMP errors are rate limited per namespace; the lab must never drop its own answers.
# Types in the ratemasks also pass a global token bucket that drops errors whenever
# its credit is empty, until a refill no sooner than 20 ms later: empty masks (255 is
# a reserved ICMPv6 type) keep every error away from both limiters.
# Before 6.0 icmp_msgs_per_sec and icmp_msgs_burst are global, not per namespace, and
# absent inside one: the empty ratemask alone then keeps errors from the global bucket.
lift_icmp_limits() {
	in_ns "$1" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_echo_ignore_broadcasts=0 \
		net.ipv4.icmp_ratemask=0 net.ipv6.icmp.ratelimit=0 net.ipv6.icmp.ratemask=255 ||
		return 1
	if in_ns "$1" test -e /proc/sys/net/ipv4/icmp_msgs_per_sec; then
		in_ns "$1" sysctl -qw net.ipv4.icmp_msgs_per_sec=100000000 \
			net.ipv4.icmp_msgs_burst=100000000 || return 1
	fi
}

lab_up_addrs6() {
	in_ns $NS_PROBE ip -6 addr add 2001:db8::1/64 dev rp-p0 nodad &&
		in_ns $NS_PROBE ip -6 route add 2001:db8::/32 via 2001:db8::2 &&
		in_ns $NS_TGT ip -6 addr add 2001:db8::2/64 dev rp-t0 nodad &&
		in_ns $NS_TGT ip -6 addr add 2001:db8:ff::1/64 dev rp-t1 nodad &&
		in_ns $NS_TGT ip -6 route add local 2001:db8:1::/112 dev lo &&
		in_ns $NS_TGT ip -6 route add 2001:db8:100::/64 via 2001:db8:ff::2 &&
		in_ns $NS_TGT ip -6 route add 2001:db8:200::/64 via 2001:db8:ff::2 &&
		in_ns $NS_TGT ip -6 route add blackhole 2001:db8:150::/64 &&
		in_ns $NS_FAR ip -6 addr add 2001:db8:ff::2/64 dev rp-f0 nodad &&
		in_ns $NS_FAR ip -6 route add local 2001:db8:200::/64 dev lo &&
		in_ns $NS_FAR ip -6 route add 2001:db8::/64 via 2001:db8:ff::1 &&
		in_ns $NS_TGT ip link set rp-t1 mtu 1280 && in_ns $NS_FAR ip link set rp-f0 mtu 1280
}

lab_up_neigh6() {
	in_ns $NS_PROBE ip -6 neigh replace 2001:db8::2 lladdr "$(mac_of $NS_TGT rp-t0)" dev rp-p0 nud permanent &&
		in_ns $NS_TGT ip -6 neigh replace 2001:db8::1 lladdr "$(mac_of $NS_PROBE rp-p0)" dev rp-t0 nud permanent &&
		in_ns $NS_TGT ip -6 neigh replace 2001:db8:ff::2 lladdr "$(mac_of $NS_FAR rp-f0)" dev rp-t1 nud permanent &&
		in_ns $NS_FAR ip -6 neigh replace 2001:db8:ff::1 lladdr "$(mac_of $NS_TGT rp-t1)" dev rp-f0 nud permanent
}

lab_up_links() {
	ip link add rp-p0 netns $NS_PROBE numtxqueues $NQ numrxqueues $NQ type veth peer name rp-t0 \
		netns $NS_TGT numtxqueues $NQ numrxqueues $NQ &&
		ip link add rp-t1 netns $NS_TGT type veth peer name rp-f0 netns $NS_FAR &&
		in_ns $NS_PROBE ip link set lo up && in_ns $NS_PROBE ip link set rp-p0 up &&
		in_ns $NS_TGT ip link set lo up && in_ns $NS_TGT ip link set rp-t0 up &&
		in_ns $NS_TGT ip link set rp-t1 up &&
		in_ns $NS_FAR ip link set lo up && in_ns $NS_FAR ip link set rp-f0 up
}

lab_up_addrs() {
	in_ns $NS_PROBE ip addr add 198.18.0.1/24 dev rp-p0 &&
		in_ns $NS_PROBE ip route add 198.18.0.0/15 via 198.18.0.2 &&
		in_ns $NS_TGT ip addr add 198.18.0.2/24 dev rp-t0 &&
		in_ns $NS_TGT ip addr add 198.18.1.1/30 dev rp-t1 &&
		in_ns $NS_TGT ip route add local 198.19.0.0/16 dev lo &&
		in_ns $NS_TGT ip route add 198.18.100.0/24 via 198.18.1.2 &&
		in_ns $NS_TGT ip route add blackhole 198.18.150.0/24 &&
		in_ns $NS_TGT ip route add 198.18.200.0/24 via 198.18.1.2 &&
		in_ns $NS_FAR ip addr add 198.18.1.2/30 dev rp-f0 &&
		in_ns $NS_FAR ip route add local 198.18.200.0/24 dev lo &&
		in_ns $NS_FAR ip route add 198.18.0.0/24 via 198.18.1.1
}

# Static neighbours: a sweep at full rate must not wait on (or overflow) ARP queues.
lab_up_neigh() {
	in_ns $NS_PROBE ip neigh replace 198.18.0.2 lladdr "$(mac_of $NS_TGT rp-t0)" dev rp-p0 nud permanent &&
		in_ns $NS_TGT ip neigh replace 198.18.0.1 lladdr "$(mac_of $NS_PROBE rp-p0)" dev rp-t0 nud permanent &&
		in_ns $NS_TGT ip neigh replace 198.18.1.2 lladdr "$(mac_of $NS_FAR rp-f0)" dev rp-t1 nud permanent &&
		in_ns $NS_FAR ip neigh replace 198.18.1.1 lladdr "$(mac_of $NS_TGT rp-t1)" dev rp-f0 nud permanent
}

lab_up_xps() {
	local i
	for i in $(seq 0 $((NQ - 1))); do
		in_ns $NS_PROBE sh -c "printf '%x' $((1 << i)) >/sys/class/net/rp-p0/queues/tx-$i/xps_cpus" &&
			in_ns $NS_TGT sh -c "printf '%x' $((1 << i)) >/sys/class/net/rp-t0/queues/tx-$i/xps_cpus" ||
			return 1
	done
}

lab_up_reject() {
	in_ns $NS_TGT nft -f - <<'NFT'
table ip rp_lab {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ip daddr 198.18.100.0/24 reject with icmp type host-unreachable
	}
}
table ip6 rp_lab6 {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ip6 daddr 2001:db8:100::/64 reject with icmpv6 type addr-unreachable
	}
}
NFT
}

# The prober's namespace keeps the socket-option memory of Debian 11 and 12 (20 KiB;
# 6.9 raised it to 128 KiB): SO_ATTACH_BPF charges a socket filter against it, and a
# program grown past it fails there with ENOMEM. Per namespace since 6.9; before,
# the kernel's own default is 20 KiB already.
lab_old_optmem() {
	if in_ns $NS_PROBE test -w /proc/sys/net/core/optmem_max; then
		in_ns $NS_PROBE sysctl -qw net.core.optmem_max=20480 2>/dev/null || true
	fi
}

# No IPv6 router solicitations from the lab's interfaces (the default re-sends them for
# an hour, further and further apart): a test that counts rp-p0's frames saw one.
lab_quiet_ns() {
	in_ns "$1" sysctl -qw net.ipv6.conf.default.accept_ra=0 net.ipv6.conf.all.accept_ra=0 \
		net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0
}

lab_up() {
	local ns
	lab_is_up && return 0
	lab_down
	for ns in $ALL_NS; do ip netns add "$ns" && lab_quiet_ns "$ns" || { lab_down; return 1; }; done
	if ! { lab_up_links && lab_up_xps && lab_up_addrs && lab_up_neigh && lab_up_reject &&
		lab_up_addrs6 && lab_up_neigh6 && lab_up_names &&
		in_ns $NS_TGT sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 &&
		lift_icmp_limits $NS_TGT && lift_icmp_limits $NS_FAR && lab_old_optmem; }; then
		echo "lab: set-up failed; removing what was made" >&2
		lab_down
		return 1
	fi
}

impair_rule() {
	in_ns $NS_TGT nft list table ip rp_impair >/dev/null 2>&1 ||
		in_ns $NS_TGT nft -f - <<'NFT' || return 1
table ip rp_impair {
	chain input { type filter hook input priority 0; policy accept; }
	chain output { type filter hook output priority 0; policy accept; }
}
NFT
	in_ns $NS_TGT nft add rule ip rp_impair "$@"
}

lab_impair() {
	local bp
	case "${1:-}" in
	loss)
		# Percent to basis points, so 0.5 % is exact.
		bp=$(awk -v p="${2:-}" 'BEGIN { if (p !~ /^[0-9]+(\.[0-9]+)?$/ || p > 100) exit 1; printf "%d", p * 100 + 0.5 }') ||
			{ echo "lab: impair loss PCT PREFIX: bad PCT '${2:-}'" >&2; return 2; }
		# numgen's range ends at 9999: 100 % is a plain drop, which nft takes.
		if [ "$bp" -ge 10000 ]; then
			impair_rule input ip daddr "${3:?PREFIX}" icmp type echo-request drop
		else
			impair_rule input ip daddr "${3:?PREFIX}" icmp type echo-request \
				numgen random mod 10000 "<" "$bp" drop
		fi ;;
	every)
		# Deterministic loss: every Nth echo request to PREFIX is dropped, the first N-1 pass.
		case "${2:-}" in ''|*[!0-9]*|0|1) echo "lab: impair every N PREFIX: bad N '${2:-}'" >&2; return 2 ;; esac
		impair_rule input ip daddr "${3:?PREFIX}" icmp type echo-request \
			numgen inc mod "$2" == $(($2 - 1)) drop ;;
	dup)
		impair_rule output ip saddr "${2:?PREFIX}" icmp type echo-reply \
			dup to 198.18.0.1 device rp-t0 ;;
	off)
		in_ns $NS_TGT nft delete table ip rp_impair 2>/dev/null
		return 0 ;;
	*)
		echo "usage: $0 impair loss PCT PREFIX | every N PREFIX | dup PREFIX | off" >&2
		return 2 ;;
	esac
}

lab_status() {
	local ns
	for ns in $ALL_NS; do
		if ns_exists "$ns"; then
			echo "== $ns"
			in_ns "$ns" ip -br addr
		else
			echo "== $ns (absent)"
		fi
	done
	lab_is_up && echo "lab: up" || { echo "lab: down"; return 1; }
}

case "${1:-}" in
up) lab_up ;;
down) lab_down ;;
status) lab_status ;;
impair) shift; lab_impair "$@" ;;
*) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
