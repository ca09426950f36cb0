#!/bin/bash
# SPDX-License-Identifier: MIT
# make demo: bring the lab up, sweep it, show what ringping reports, take it down.
set -u
RP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
LAB="$(cd "$(dirname "$0")" && pwd)/lab.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: needs root (network namespaces, raw sockets, BPF)" >&2
	exit 1
fi
trap '"$LAB" down' EXIT
trap 'exit 130' INT TERM
"$LAB" up || exit 1
rp() { echo; echo "\$ ringping $*"; timeout -s KILL 60 ip netns exec rp-probe "$RP" "$@"; }

rp --rate 0 -q 198.19.0.0/16
rp --rate 0 -q --xdp rp-p0 198.19.0.0/16
rp --rate 0 -q --send-path packet --xdp rp-p0 198.19.0.0/16
rp --rate 0 -t 300 198.19.0.1-198.19.0.3 198.18.100.1 198.18.150.1 2>/dev/null
rp --rate 0 --ttl 1 --format csv 198.18.200.1-198.18.200.3 2>/dev/null
rp --rate 0 -q 2001:db8:1::/112
rp --rate 0 -t 300 2001:db8:1::1 2001:db8:100::1 2001:db8:200::1 v6.lab 2>/dev/null
rp -q -c 20 -p 10 --max-loss 1 198.19.0.1-198.19.0.3 2001:db8:1::1 2>/dev/null
exit 0
