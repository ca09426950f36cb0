#!/bin/bash
# SPDX-License-Identifier: MIT
# ringping's trace lab: a chain of router namespaces behind a prober whose one link
# leads into it. Nothing here touches a real interface.
#
#   rt-probe - r1 =< r2a >= r3 =< r4a >= r5 - r6 - rt-dst
#                 =< r2b >=    =< r4b >=
#                                 =< r4c >=
#
#   hop 1  r1   198.18.64.2    2001:db8:64:0::2
#   hop 2  r2a  198.18.64.6    2001:db8:64:1::2   or r2b 198.18.64.10  2001:db8:64:2::2
#              (r2b is on an MPLS path: its errors carry label 100, RFC 4950; tools/quote8
#              -m answers for its kernel, which drops what arrives with TTL 1)
#   hop 3  r3   198.18.64.14   2001:db8:64:3::2   (from r2a; 198.18.64.18, 2001:db8:64:4::2 from r2b:
#              errors come from the interface the probe came in on)
#   hop 4  r4a  198.18.64.22   2001:db8:64:5::2   or r4b .26 / :6::2, or r4c .30 / :7::2
#   hop 5  r5   silent: it forwards, but sends no time-exceeded error
#   hop 6  r6   198.18.64.46   2001:db8:64:b::2   quotes only 8 bytes of the probe
#              (its kernel drops what arrives with TTL 1; tools/quote8 answers for it)
#   hop 7  rt-dst: every address of 198.18.80.0/20 and 2001:db8:80::/116 answers echo,
#              UDP (port unreachable) and TCP (RST). Held by local routes, except
#              2001:db8:80::7, an address of its own: Linux sends ICMPv6 errors about a
#              packet to an address held only by a route from the interface's address
#              (echo replies from the probed one), so only there a UDP trace's end is
#              the target's address.
#
# r1 rate-limits the time-exceeded errors it sends about probes to 2001:db8:80::100 -
# ::1ff (3 at once, then 1 a second), as routers commonly do; the rest go out at once.
#
# r1 and r3 balance per flow, as a router that hashes the first bytes of the
# transport header does: nftables' jhash of (source, destination, ICMP checksum
# and identifier; UDP and TCP ports) picks the next hop (a mark, and a routing
# table per mark).
# Linux's own multipath hash would see only the addresses of an ICMP packet.
# The links from r3 to the r4s have a 1400-byte MTU.
# Link k joins side A (198.18.64.4k+1, 2001:db8:64:k::1) to side B (.4k+2, ::2).
#
# Usage: tools/tracelab.sh up [QUOTE8] | down | status
#   QUOTE8: the quote8 binary (default build/quote8); it runs in rt-r6 until down.
set -u

PFX=rt-
ROUTERS="r1 r2a r2b r3 r4a r4b r4c r5 r6"
ALL_NS="${PFX}probe $(for r in $ROUTERS; do printf '%s%s ' "$PFX" "$r"; done)${PFX}dst"
TGT4=198.18.80.0/20
TGT6=2001:db8:80::/116
PROBER4=198.18.64.0/30
PROBER6=2001:db8:64:0::/64

ns_exists() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$1"; }
in_ns() { local ns=$PFX$1; shift; ip netns exec "$ns" "$@"; }
a4() { echo "198.18.64.$((4 * $1 + $2))"; }
a6() { printf '2001:db8:64:%x::%d' "$1" "$2"; }

lab_down() {
	local ns pid
	for ns in $ALL_NS; do
		ns_exists "$ns" || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
		ip netns del "$ns"
	done
	return 0
}

# link K NS_A IF_A NS_B IF_B [MTU]
link() {
	local k=$1 na=$2 ia=$3 nb=$4 ib=$5 mtu=${6:-1500}
	ip link add "$ia" netns "$PFX$na" type veth peer name "$ib" netns "$PFX$nb" &&
		in_ns "$na" ip link set "$ia" mtu "$mtu" up && in_ns "$nb" ip link set "$ib" mtu "$mtu" up &&
		in_ns "$na" ip addr add "$(a4 "$k" 1)/30" dev "$ia" &&
		in_ns "$nb" ip addr add "$(a4 "$k" 2)/30" dev "$ib" &&
		in_ns "$na" ip -6 addr add "$(a6 "$k" 1)/64" dev "$ia" nodad &&
		in_ns "$nb" ip -6 addr add "$(a6 "$k" 2)/64" dev "$ib" nodad
}

# route NS K SIDE: the targets through link K's other side; back NS K SIDE: the prober.
route() { in_ns "$1" ip route add $TGT4 via "$(a4 "$2" "$3")" && in_ns "$1" ip -6 route add $TGT6 via "$(a6 "$2" "$3")"; }
back() { in_ns "$1" ip route add $PROBER4 via "$(a4 "$2" "$3")" && in_ns "$1" ip -6 route add $PROBER6 via "$(a6 "$2" "$3")"; }

# balance NS N LINK...: per-flow choice among N next hops (the B sides of the links).
balance() {
	local ns=$1 n=$2 i=1 k
	shift 2
	for k in "$@"; do
		in_ns "$ns" ip route add $TGT4 via "$(a4 "$k" 2)" table $((100 + i)) &&
			in_ns "$ns" ip -6 route add $TGT6 via "$(a6 "$k" 2)" table $((100 + i)) &&
			in_ns "$ns" ip rule add fwmark $i table $((100 + i)) &&
			in_ns "$ns" ip -6 rule add fwmark $i table $((100 + i)) || return 1
		i=$((i + 1))
	done
	in_ns "$ns" nft -f - <<EOF
table inet rt_ecmp {
	chain pre {
		type filter hook prerouting priority mangle; policy accept;
		ip daddr $TGT4 meta l4proto icmp meta mark set jhash ip saddr . ip daddr . @th,16,32 mod $n seed 0x5 offset 1
		ip6 daddr $TGT6 meta l4proto icmpv6 meta mark set jhash ip6 saddr . ip6 daddr . @th,16,32 mod $n seed 0x5 offset 1
		ip daddr $TGT4 meta l4proto { udp, tcp } meta mark set jhash ip saddr . ip daddr . @th,0,32 mod $n seed 0x5 offset 1
		ip6 daddr $TGT6 meta l4proto { udp, tcp } meta mark set jhash ip6 saddr . ip6 daddr . @th,0,32 mod $n seed 0x5 offset 1
	}
}
EOF
}

# Routers forward and answer at full rate (the ICMP limits lifted, as tools/lab.sh does).
router() {
	in_ns "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0 net.ipv6.icmp.ratelimit=0 \
		net.ipv4.icmp_errors_use_inbound_ifaddr=1 &&
		{ in_ns "$1" sysctl -qw net.ipv6.icmp.ratemask=255 2>/dev/null || true; } &&
		if in_ns "$1" test -e /proc/sys/net/ipv4/icmp_msgs_per_sec; then
			in_ns "$1" sysctl -qw net.ipv4.icmp_msgs_per_sec=100000000 net.ipv4.icmp_msgs_burst=100000000
		fi
}

lab_links() {
	link 0 probe p0 r1 a0 && link 1 r1 b1 r2a a1 && link 2 r1 b2 r2b a2 &&
		link 3 r2a b3 r3 a3 && link 4 r2b b4 r3 a4 &&
		link 5 r3 b5 r4a a5 1400 && link 6 r3 b6 r4b a6 1400 && link 7 r3 b7 r4c a7 1400 &&
		link 8 r4a b8 r5 a8 && link 9 r4b b9 r5 a9 && link 10 r4c b10 r5 a10 &&
		link 11 r5 b11 r6 a11 && link 12 r6 b12 dst a12
}

lab_routes() {
	in_ns probe ip route add 198.18.0.0/15 via "$(a4 0 2)" &&
		in_ns probe ip -6 route add 2001:db8::/32 via "$(a6 0 2)" &&
		balance r1 2 1 2 && route r1 1 2 &&
		route r2a 3 2 && back r2a 1 1 && route r2b 4 2 && back r2b 2 1 &&
		balance r3 3 5 6 7 && route r3 5 2 && back r3 3 1 &&
		route r4a 8 2 && back r4a 5 1 && route r4b 9 2 && back r4b 6 1 &&
		route r4c 10 2 && back r4c 7 1 &&
		route r5 11 2 && back r5 8 1 && route r6 12 2 && back r6 11 1 &&
		in_ns dst ip route add local $TGT4 dev lo && in_ns dst ip -6 route add local $TGT6 dev lo &&
		in_ns dst ip -6 addr add 2001:db8:80::7/128 dev lo nodad &&
		in_ns dst ip route add 198.18.64.0/18 via "$(a4 12 1)" &&
		in_ns dst ip -6 route add 2001:db8:64::/48 via "$(a6 12 1)"
}

# Packets arriving with TTL (hop limit) 1 never reach the kernel of router $1: quote8 answers them.
no_ttl1() {
	in_ns "$1" nft -f - <<'EOF'
table inet rt_quote8 {
	chain pre {
		type filter hook prerouting priority raw; policy accept;
		ip ttl 1 drop
		ip6 hoplimit 1 ip6 daddr != ff00::/8 drop
	}
}
EOF
}

# r5 sends no time-exceeded; r6's and r2b's kernels never see a TTL of 1 (quote8 answers
# those); r1 rate-limits its errors about 2001:db8:80::1xx (the quoted destination's byte 14).
lab_quirks() {
	in_ns r1 nft -f - <<'EOF' &&
table inet rt_ratelimit {
	chain out {
		type filter hook output priority 0; policy accept;
		icmpv6 type time-exceeded @th,368,8 0x01 limit rate over 1/second burst 3 packets drop
	}
}
EOF
	in_ns r5 nft -f - <<'EOF' &&
table inet rt_silent {
	chain out {
		type filter hook output priority 0; policy accept;
		icmp type time-exceeded drop
		icmpv6 type time-exceeded drop
	}
}
EOF
	no_ttl1 r6 && no_ttl1 r2b
}

lab_up() {
	local ns r q8=${1:-build/quote8}
	[ -x "$q8" ] || { echo "tracelab: $q8 is not built (make tools)" >&2; return 1; }
	lab_down
	for ns in $ALL_NS; do ip netns add "$ns" || return 1; done
	for ns in $ALL_NS; do ip netns exec "$ns" ip link set lo up || return 1; done
	for r in $ROUTERS; do router "$r" || return 1; done
	router dst || return 1 # its ICMP limits lifted too: port unreachables for a UDP trace
	lab_links && lab_routes && lab_quirks || return 1
	in_ns r6 "$q8" -i a11 -t 3600 >/dev/null 2>&1 &
	in_ns r2b "$q8" -i a2 -t 3600 -m 100 >/dev/null 2>&1 &
	lab_wait
}

# The chain answers end to end (ND settled): bounded, 10 s.
lab_wait() {
	local i
	for i in $(seq 1 50); do
		in_ns probe ping -c 1 -W 1 198.18.80.1 >/dev/null 2>&1 &&
			in_ns probe ping -6 -c 1 -W 1 2001:db8:80::1 >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	echo "tracelab: the chain does not answer" >&2
	return 1
}

case ${1:-} in
up) shift; lab_up "$@" || { lab_down; exit 1; } ;;
down) lab_down ;;
status) for ns in $ALL_NS; do ns_exists "$ns" || { echo down; exit 1; }; done; echo up ;;
*) echo "usage: $0 up [QUOTE8]|down|status" >&2; exit 2 ;;
esac
