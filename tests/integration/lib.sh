# SPDX-License-Identifier: MIT
# Helpers for the namespace-lab tests: assertions that count, a JSON field
# reader for ringping's flat NDJSON summary, and bounded polling.

PASS=0
FAIL=0
CUR=""

pass() { PASS=$((PASS + 1)); echo "ok   - $CUR"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $CUR: $*"; }

# expect_eq NAME GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then return 0; fi
	fail "$1 is '$2', expected '$3'"
	return 1
}

# json_field FIELD < ndjson: the value of a top-level field on each line (flat objects only).
json_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }

# summary_field FIELD FILE: from the last NDJSON summary line of FILE.
summary_field() { grep '"type":"summary"' "$2" | tail -1 | json_field "$1"; }

# num FIELD FILE: a summary number, 0 when missing (arithmetic on nothing would end the script).
num() {
	local v
	v=$(summary_field "$1" "$2")
	echo "${v:-0}"
}

# wait_until SECONDS CMD...: poll every 50 ms, bounded.
wait_until() {
	local limit=$(($1 * 20)) i=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.05
	done
}

# file_stable FILE: poll until FILE's size holds still for 0.2 s (at most 10 s).
file_stable() {
	local prev=-1 size i same=0
	for i in $(seq 200); do
		size=$(stat -c %s "$1" 2>/dev/null || echo 0)
		if [ "$size" = "$prev" ]; then
			same=$((same + 1))
			[ $same -ge 4 ] && return 0
		else
			same=0
		fi
		prev=$size
		sleep 0.05
	done
	return 1
}

# run_test NAME: run function NAME, count it as passed unless it called fail.
run_test() {
	local before=$FAIL
	CUR=$1
	"$1"
	[ $FAIL -eq $before ] && pass
	return 0
}
