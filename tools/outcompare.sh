#!/bin/bash
# SPDX-License-Identifier: MIT
# The CLI's output from two builds, side by side in the lab, for a fixed --seed:
# text, CSV and NDJSON, a sweep and -c. Times (RTTs, clocks, rates) and the run's
# random key differ from run to run and are masked; everything else must match.
#   tools/outcompare.sh OLD_BINARY NEW_BINARY      (root; brings the lab up and down)
set -u
old=$1 new=$2
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/rp-outcompare.XXXXXX)
trap '"$top/tools/lab.sh" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
"$top/tools/lab.sh" up >/dev/null || exit 1

runs=(
	"--format text 198.19.0.0/28 198.18.150.1 198.18.100.1"
	"--format csv 198.19.0.0/28 198.18.150.1 198.18.100.1"
	"--format ndjson 198.19.0.0/28 198.18.150.1 198.18.100.1 2001:db8:1::1"
	"--format text -c 3 -p 5 198.19.0.0/30 198.18.150.1"
	"--format csv -c 3 -p 5 198.19.0.0/30 198.18.150.1"
	"--format ndjson -c 3 -p 5 198.19.0.0/30"
	"--format ndjson -c 2 -p 5 --per-probe 198.19.0.0/30"
	"--format text -C 3 -p 5 198.19.0.0/30"
	"--format ndjson -r 1 -t 200 198.19.0.0/29 198.18.150.1"
	"--format text --ttl 1 198.18.200.1-198.18.200.3"
	"--format ndjson -C 2 -p 5 198.19.0.0/31 198.18.150.1"
	"--format csv -c 2 -p 5 --per-probe 198.19.0.0/31"
	"--format text -D -c 2 -p 5 198.19.0.0/31"
	"--format ndjson -b 1300 2001:db8:200::1 2001:db8:100::1"
	"--format text -b 1300 2001:db8:200::1"
	"--format text -a 198.19.0.0/30 198.18.150.1"
	"--format csv -u 198.19.0.0/30 198.18.150.1"
)
# Numbers with a fraction are times or rates; ISO times, key ids and the kernel vary.
mask() {
	sed -E -e 's/[0-9]+\.[0-9]+/T/g' -e 's/"key_id":"[0-9a-f]+"/"key_id":K/' \
		-e 's/"(start|end)":"[^"]*"/"\1":T/g' -e 's/"send_pps":[0-9]+/"send_pps":T/' \
		-e 's/send rate [0-9]+/send rate T/' -e 's/key_id [0-9a-f]+/key_id K/' "$1"
}
rc=0
for i in "${!runs[@]}"; do
	for b in old new; do
		bin=${!b}
		# Learnt path MTUs would make the second build's probes fragment: forget them.
		ip -n rp-probe -6 route flush cache 2>/dev/null
		ip -n rp-probe -4 route flush cache 2>/dev/null
		timeout -s KILL 30 ip netns exec rp-probe "$bin" -t 300 --seed ${SEED:-5} ${runs[$i]} \
			>"$tmp/$b.$i" 2>&1
		echo "exit $?" >>"$tmp/$b.$i"
		mask "$tmp/$b.$i" >"$tmp/$b.$i.m"
	done
	if cmp -s "$tmp/old.$i.m" "$tmp/new.$i.m"; then
		echo "same      ${runs[$i]}"
	else
		echo "DIFFERENT ${runs[$i]}"
		diff "$tmp/old.$i.m" "$tmp/new.$i.m" | head -n 10
		rc=1
	fi
done
exit $rc
