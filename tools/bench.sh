#!/bin/bash
# SPDX-License-Identifier: MIT
# ringping side by side with its peers in the namespace lab (tools/lab.sh):
# every tool sweeps the same /16 from rp-probe, back to back, ROUNDS times,
# and the table shows the median of each figure. A benchmark, not a test: it
# prints figures and never fails on a number.
#
# Figures, the same way for every tool:
#   wall       the tool's whole run (start-up, sending, waiting, exit)
#   probes/s   echo requests reaching rp-t0 divided by the time between the
#              first and the last one (a sampler reading rp-t0's counters in
#              rp-tgt every 2 ms, fork-free)
#   rtt/s      round trips: replies leaving rp-t0 divided by the time from
#              the first probe to the last reply
#   found      distinct hosts the tool reports alive
#   cpu        user+sys CPU seconds of the tool (GNU time); on veth the
#              targets' kernel work runs in the sender's context and counts too
#   rss        peak RSS
#
# Usage: tools/bench.sh BUILD_DIR [ROUNDS]     (make bench)
set -u
BUILD=$(cd "$1" && pwd)
ROUNDS=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
LAB="$here/lab.sh"
NET=198.19.0.0/16
SRC=198.18.0.1
TMP=$(mktemp -d /tmp/ringping-bench.XXXXXX)

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root (network namespaces, raw sockets, BPF)" >&2
	exit 1
fi
cleanup() {
	"$LAB" down
	"$here/tracelab.sh" down
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$LAB" up || exit 1
# ICMP datagram sockets for nobody's group in rp-probe only (the sysctl is per namespace).
ip netns exec rp-probe sysctl -qw net.ipv4.ping_group_range="0 65534"
GW=$(ip netns exec rp-tgt cat /sys/class/net/rp-t0/address)
mkfifo "$TMP/nap"

# sampler: until TERM (or 200 s), watch rp-t0; print first/last probe time, last reply time, counts.
sampler() {
	local f=/sys/class/net/rp-t0/statistics r0 t0 r t rp tp first= last= lastt= n=0 now
	exec 3<>"$TMP/nap"
	read -r r0 <$f/rx_packets
	read -r t0 <$f/tx_packets
	rp=$r0 tp=$t0
	trap 'echo "${first:-0} ${last:-0} ${lastt:-0} $((rp - r0)) $((tp - t0))"; exit 0' TERM
	echo ready >"$TMP/sampler.ready"
	while [ $n -lt 100000 ]; do
		read -r r <$f/rx_packets
		read -r t <$f/tx_packets
		now=$EPOCHREALTIME
		if [ "$r" != "$rp" ]; then
			[ -z "$first" ] && first=$now
			last=$now
		fi
		[ "$t" != "$tp" ] && lastt=$now
		rp=$r tp=$t n=$((n + 1))
		read -r -t 0.002 -u 3
	done
}
export -f sampler
export TMP

# measure NAME CMD...: run CMD in rp-probe under the sampler and GNU time; one row to $TMP/rows.
measure() {
	local name=$1 sp i=0 s
	shift
	rm -f "$TMP/sampler.ready"
	ip netns exec rp-tgt bash -c sampler >"$TMP/samp" &
	sp=$!
	while [ ! -e "$TMP/sampler.ready" ] && [ $i -lt 200 ]; do sleep 0.01; i=$((i + 1)); done
	ip netns exec rp-probe /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" \
		timeout -s KILL 120 "$@" >"$TMP/out" 2>"$TMP/err"
	sleep 0.1
	kill -TERM $sp 2>/dev/null
	wait $sp 2>/dev/null
	s=$(cat "$TMP/samp")
	echo "$name $(tail -1 "$TMP/time") $s $(found "$name")" >>"$TMP/rows"
}

# found NAME: hosts the last run reported alive, from its own output.
found() {
	case $1 in
	ringping*) sed -n 's/.*"replied":\([0-9]*\).*/\1/p' "$TMP/out" | tail -1 ;;
	zmap*) sort -u "$TMP/zmap.out" | grep -c . ;;
	masscan*) awk '$1 == "open" {print $4}' "$TMP/masscan.out" | sort -u | grep -c . ;;
	fping*) sort -u "$TMP/out" | grep -c . ;;
	nmap*) grep -c 'Status: Up' "$TMP/out" ;;
	bare_gen*) sed -n 's/.*replies=\([0-9]*\).*/\1/p' "$TMP/out" ;;
	esac
}

run_peers() {
	: >"$TMP/empty"
	echo "$NET" >"$TMP/allow"
	measure zmap zmap -M icmp_echoscan -r 0 -i rp-p0 -S $SRC -G "$GW" -b "$TMP/empty" \
		-w "$TMP/allow" -c 1 -q --disable-syslog -o "$TMP/zmap.out"
	measure masscan timeout 15 masscan --ping "$NET" --rate 1000000 -e rp-p0 \
		--adapter-ip $SRC --router-mac "$GW" --wait 1 -oL "$TMP/masscan.out"
	measure fping fping -i 0 -r 0 -a -f "$TMP/all"
	measure nmap nmap -sn -PE -n -T5 --max-retries 0 --min-rate 50000 --min-hostgroup 4096 \
		-e rp-p0 -oG - "$NET"
}

run_ringping() {
	local tag=$1
	shift
	measure "ringping$tag" "$BUILD/ringping" --rate 0 -q --format ndjson "$@" "${NET6:-$NET}"
	measure "ringping-xdp$tag" "$BUILD/ringping" --rate 0 -q --format ndjson --xdp rp-p0 "$@" \
		"${NET6:-$NET}"
	# Without privilege (ICMP datagram sockets, as nobody): no packet send path there.
	case "$*" in
	*packet*) ;;
	*) measure "ringping-dgram$tag" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BUILD/ringping" --rate 0 -q --format ndjson "$@" "${NET6:-$NET}" ;;
	esac
}

xdp_responder() {
	if [ "$1" = on ]; then
		ip -n rp-tgt link set dev rp-t0 xdpdrv obj "$BUILD/xdp_echo.bpf.o" sec xdp
	else
		ip -n rp-tgt link set dev rp-t0 xdpdrv off
	fi
}
# The prober's end needs an XDP program for XDP_TX replies to arrive; ringping --xdp brings its own.
xdp_peer() {
	if [ "$1" = on ]; then
		ip -n rp-probe link set dev rp-p0 xdpdrv obj "$BUILD/xdp_pass.bpf.o" sec xdp
	else
		ip -n rp-probe link set dev rp-p0 xdpdrv off
	fi
}

# median COLUMN over rows named NAME
median() {
	awk -v n="$1" -v c="$2" '$1 == n {print $c}' "$TMP/rows" | sort -g |
		awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print "-"}'
}

# Row fields: 1 name 2 wall 3 user 4 sys 5 rss_kb 6 first 7 last 8 last_reply 9 probes 10 replies 11 found
table() {
	awk '{
		span = $7 - $6; rspan = $8 - $6
		pps = span > 0 ? $9 / span : 0; rtt = rspan > 0 ? $10 / rspan : 0
		printf "%s %.2f %.0f %.0f %s %.2f %.0f\n", $1, $2, pps, rtt, $11, $3 + $4, $5 / 1024
	}' "$TMP/rows" >"$TMP/fig"
	printf '%-24s %7s %10s %10s %8s %6s %7s\n' tool wall_s probes/s rtt/s found cpu_s rss_MB
	awk '{print $1}' "$TMP/fig" | awk '!seen[$0]++' | while read -r n; do
		printf '%-24s' "$n"
		for c in 2 3 4 5 6 7; do
			awk -v n="$n" -v c="$c" '$1 == n {print $c}' "$TMP/fig" | sort -g |
				awk '{v[NR] = $1} END {printf " %10s", v[int((NR + 1) / 2)]}'
		done
		echo
	done
}

# trace_row NAME WARTS|NDJSON TIME_FILE: name, wall, probes, (target, hop) pairs answered, targets reached, rss.
trace_row() {
	local wall rss
	wall=$(awk '/^wall/ {print $2}' "$3")
	rss=$(awk '/^rss/ {print $2}' "$3")
	if [ "${2##*.}" = warts ]; then
		sc_warts2json "$2" | python3 -c '
import json, sys
p = h = c = 0
for line in sys.stdin:
    r = json.loads(line)
    if r.get("type") == "trace":
        p += r.get("probe_count", 0); c += r.get("stop_reason") == "COMPLETED"
        h += len({x["probe_ttl"] for x in r.get("hops", [])})
print(p, h, c)'
	else
		tail -1 "$2" | python3 -c 'import json, sys; s = json.load(sys.stdin); print(s["sent"], s["answered"], s["reached"])'
	fi | awk -v n="$1" -v w="$wall" -v r="$rss" '{ printf "%-24s %7.2f %8d %8d %8d %7.0f\n", n, w, $1, $2, $3, r / 1024 }'
}

# The trace lab's /20 (4,096 targets, 7 hops, r5 silent) traced by ringping and scamper (Paris ICMP
# and UDP, and TCP SYNs; a window of every target, 1 s per hop) at 10,000 probes/s (scamper's most),
# and by ringping unpaced.
trace_bench() {
	local r p t=$TMP/tr
	"$here/tracelab.sh" up "$BUILD/quote8" || return
	seq 0 4095 | awk '{printf "198.18.%d.%d\n", 80 + int($1 / 256), $1 % 256}' >"$TMP/t20"
	printf '%-24s %7s %8s %8s %8s %7s\n' tool wall_s probes answered reached rss_MB
	for r in $(seq "$ROUNDS"); do
		for p in icmp:10000 icmp:0 udp:10000 tcp:10000; do
			/usr/bin/time -f "wall %e\nrss %M" -o "$t.time" ip netns exec rt-probe "$BUILD/ringping" trace \
				--proto "${p%:*}" -q 1 --rate "${p#*:}" --format ndjson 198.18.80.0/20 >"$t.ndjson" 2>/dev/null
			trace_row "ringping-${p%:*}-${p#*:}" "$t.ndjson" "$t.time"
		done
		command -v scamper >/dev/null || continue
		for p in icmp-paris udp-paris tcp; do
			rm -f "$t.warts"
			/usr/bin/time -f "wall %e\nrss %M" -o "$t.time" ip netns exec rt-probe scamper -O warts \
				-o "$t.warts" -p 10000 -w 4096 -c "trace -P $p -q 1 -w 1" -f "$TMP/t20" 2>/dev/null
			trace_row "scamper-$p-10000" "$t.warts" "$t.time"
		done
	done | sort -s -k1,1
	"$here/tracelab.sh" down
}

seq 0 65535 | awk '{printf "198.19.%d.%d\n", int($1 / 256), $1 % 256}' >"$TMP/all"
echo "bench: $(uname -r), $(nproc) CPUs, $(date -u +%F), $ROUNDS rounds, /16 = 65,536 targets"
echo
"$BUILD/bpf_cost" 10

echo
echo "== kernel responder (AnyIP), one sweep of the /16"
: >"$TMP/rows"
for r in $(seq "$ROUNDS"); do
	measure bare_gen "$BUILD/bare_gen" -i rp-p0 -s $SRC -m "$GW" -t 2 "$NET"
	run_peers
	run_ringping ""
	run_ringping "-packet" --send-path packet
	NET6=2001:db8:1::/112 run_ringping "-v6" # 65,536 addresses too, in IPv6
	NET6=2001:db8:1::/112 run_ringping "-packet-v6" --send-path packet
done
table | tee "$TMP/t1"

echo
echo "== kernel responder, the /16 probed 20 times (-c 20)"
: >"$TMP/rows"
for r in $(seq "$ROUNDS"); do
	measure bare_gen-c20 "$BUILD/bare_gen" -i rp-p0 -s $SRC -m "$GW" -t 2 -c 20 "$NET"
	run_ringping "-c20" -c 20 -p 0
	run_ringping "-packet-c20" -c 20 -p 0 --send-path packet
done
table

echo
echo "== XDP responder (XDP_TX in rp-t0), the /16 probed 20 times"
: >"$TMP/rows"
xdp_responder on
for r in $(seq "$ROUNDS"); do
	xdp_peer on
	measure bare_gen-c20 "$BUILD/bare_gen" -i rp-p0 -s $SRC -m "$GW" -t 2 -c 20 "$NET"
	measure ringping-c20 "$BUILD/ringping" --rate 0 -q --format ndjson -c 20 -p 0 "$NET"
	measure ringping-packet-c20 "$BUILD/ringping" --rate 0 -q --format ndjson -c 20 -p 0 \
		--send-path packet "$NET"
	xdp_peer off
	measure ringping-xdp-packet-c20 "$BUILD/ringping" --rate 0 -q --format ndjson -c 20 -p 0 \
		--send-path packet --xdp rp-p0 "$NET"
done
xdp_responder off
table

echo
echo "== trace: the /20 behind the trace lab's chain (tools/tracelab.sh), one query per hop"
trace_bench | tee "$TMP/t3"

echo
echo "== ratios, one /16 sweep, kernel responder (ringping's best mode against each peer)"
best=$(awk '$1 ~ /^ringping/ && $1 !~ /-v6$/' "$TMP/t1" | sort -k3 -g | tail -1)
set -- $best
printf 'best ringping mode: %s\n' "$1"
awk -v w="$2" -v p="$3" -v c="$6" '$1 !~ /^(ringping|bare_gen|tool)/ {
	printf "vs %-8s send rate x%.2f   wall x%.2f (lower is better)   cpu x%.2f (lower is better)\n",
		$1, ($3 > 0 ? p / $3 : 0), ($2 > 0 ? w / $2 : 0), ($6 > 0 ? c / $6 : 0)
}' "$TMP/t1"
exit 0
