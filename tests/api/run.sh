#!/bin/bash
# SPDX-License-Identifier: MIT
# libringping in the lab: the API tests (then again under ASan and LSan), and the
# three examples of tools/examples built the way a user would, against a
# `make install DESTDIR=...` tree with `pkg-config --cflags --libs ringping`.
#   tests/api/run.sh BUILD_DIR      (root; brings the lab up and down)
set -u
build=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
LAB=$top/tools/lab.sh
if [ "$(id -u)" != 0 ]; then
	echo "api: skipped: the API tests need root and the lab"
	echo "api: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
tmp=$(mktemp -d /tmp/rp-api.XXXXXX)
trap '"$LAB" down >/dev/null 2>&1; rm -rf "$tmp"' EXIT
"$LAB" up >/dev/null || { echo "api: lab set-up failed"; exit 1; }

# The cmocka programs run inside the prober's namespace.
for t in test_api test_api_asan; do
	printf '#!/bin/sh\nexec ip netns exec rp-probe %s\n' "$build/$t" >"$tmp/$t"
	chmod +x "$tmp/$t"
done
# test_dgram_mode needs ICMP datagram sockets for root's group in rp-probe.
ip netns exec rp-probe sysctl -qw net.ipv4.ping_group_range="0 0" || { echo "api: sysctl failed"; exit 1; }
# test_rtts_with_retries_stay_in_their_row needs a lossy /28.
"$LAB" impair loss 50 198.19.50.0/28 || { echo "api: impair failed"; exit 1; }
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1 \
	"$top/tools/run_tests.sh" api "$tmp/test_api" "$tmp/test_api_asan"
rc=$?
"$LAB" impair off

passed=0 failed=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1"; failed=$((failed + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: '$2', expected '$3'"; fi; }
inns() { timeout -s KILL 30 ip netns exec rp-probe env LD_LIBRARY_PATH="$lib" "$@"; }

inst=$tmp/inst
make -s -C "$top" OUTPUT="$build" install DESTDIR="$inst" PREFIX=/usr >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install"; }
lib=$inst/usr/lib
pc() { PKG_CONFIG_SYSROOT_DIR=$inst PKG_CONFIG_PATH=$lib/pkgconfig pkg-config "$@" ringping; }
for f in bin/ringping lib/libringping.a lib/libringping.so include/ringping.h \
	lib/pkgconfig/ringping.pc share/man/man8/ringping.8 share/man/man3/libringping.3 \
	share/bash-completion/completions/ringping; do
	[ -e "$inst/usr/$f" ] || fail "installed: $f missing"
done
check "pkg-config version" "$(pc --modversion)" "$(sed -n 's/^#define RINGPING_VERSION "\(.*\)"/\1/p' "$top/include/ringping.h")"
for x in multiping traceroute twoengines; do
	# shellcheck disable=SC2046 # pkg-config's words are separate flags
	if cc -Wall -Werror -o "$tmp/$x" "$top/tools/examples/$x.c" $(pc --cflags --libs) -lpthread \
		2>"$tmp/$x.cc"; then ok "$x builds with pkg-config"; else cat "$tmp/$x.cc"; fail "$x build"; fi
done

out=$(inns "$tmp/multiping" -c 2 -i 50 198.19.0.1 198.18.150.1 198.18.100.7 2001:db8:1::5)
check "multiping: exit" $? 0
check "multiping: a line per probe, each resolved" "$(printf '%s\n' "$out" | tail -1)" \
	"8 probes, 4 replies, 8 lines"
check "multiping: replies" "$(printf '%s\n' "$out" | grep -c ' bytes from ')" 4
check "multiping: unreachable from the router" \
	"$(printf '%s\n' "$out" | grep -c '198.18.100.7: icmp_seq=[01] unreachable (type 3 code 1) from 198.18.0.2')" 2
check "multiping: timeouts" "$(printf '%s\n' "$out" | grep -c '198.18.150.1: icmp_seq=[01] no-reply')" 2

out=$(inns "$tmp/traceroute" 198.18.200.1)
check "traceroute: exit" $? 0
check "traceroute: hop 1 is the router" "$(printf '%s\n' "$out" | sed -n 1p | awk '{print $1, $2}')" "1 198.18.0.2"
check "traceroute: hop 2 is the target" "$(printf '%s\n' "$out" | sed -n 2p | awk '{print $1, $2, $5}')" \
	"2 198.18.200.1 (target)"
out=$(inns "$tmp/traceroute" 2001:db8:200::1)
check "traceroute (IPv6): hops" "$(printf '%s\n' "$out" | awk '{print $2}' | tr '\n' ' ')" \
	"2001:db8::2 2001:db8:200::1 "

out=$(inns "$tmp/twoengines" -c 5 198.19.7.0/29 2001:db8:1::/125)
check "twoengines: exit (each engine's own replies, once)" $? 0
check "twoengines: 80 probes each, all answered" \
	"$(printf '%s\n' "$out" | grep -c ': 80 probes, 80 callbacks, 80 replied, 0 duplicates, 0 invalid')" 2

echo "examples: $passed passed, $failed failed"
[ $rc -eq 0 ] && [ $failed -eq 0 ]
