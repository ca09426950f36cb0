#!/bin/bash
# SPDX-License-Identifier: MIT
# Run cmocka test programs, show their output, and close with one tally line.
# A program exiting 77 was skipped (it printed why).
set -u
suite=$1; shift
passed=0 failed=0 skipped=0 broken=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out"
	if [ $rc -eq 77 ]; then skipped=$((skipped + 1)); continue; fi
	# A program may run several groups: each closes with its own tally.
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
	# A crash or a non-zero exit without a FAILED line is still a failure.
	if [ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ]; then broken=$((broken + 1)); failed=$((failed + 1)); fi
done
echo "$suite: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
