#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Each probe's kernel TX stamp must be its own: the echo request a capture
saw nearest in time to a probe's tx_time must be the one to that probe's
host. A stamp shifted onto a neighbour lands nearer the neighbour's request.
ringping prints tx_time in whole microseconds, so a tie within 1 us is its own.
Usage: check_stamps.py CAPTURE.txt PROBES.ndjson  (capture: tcpdump -tt -n, ns)
Prints the probes checked, the median gap between requests and the largest
own offset; exits 1 on any probe whose nearest request is another host's."""
import bisect
import json
import sys


def capture(path):
    reqs = []
    for line in open(path):
        f = line.split()
        if len(f) > 6 and f[1] in ("IP", "IP6") and "request," in f:
            reqs.append((int(f[0].replace(".", "")), f[4].rstrip(":")))
    reqs.sort()
    return reqs


def main():
    reqs = capture(sys.argv[1])
    times = [t for t, _ in reqs]
    own = {}
    for t, d in reqs:
        own.setdefault(d, []).append(t)
    bad = checked = 0
    worst = 0
    for line in open(sys.argv[2]):
        p = json.loads(line)
        if p.get("type") != "probe" or p.get("tx_time") is None or p["status"] == "send-failed":
            continue
        sec, _, us = str(p["tx_time"]).partition(".")
        tx = int(sec) * 10**9 + int(us.ljust(6, "0")) * 1000 + 500
        mine = min(own.get(p["host"], [10**30]), key=lambda t: abs(t - tx))
        i = bisect.bisect_left(times, tx)
        near = min((abs(times[j] - tx), reqs[j][1]) for j in (i - 1, i) if 0 <= j < len(times))
        checked += 1
        worst = max(worst, abs(mine - tx))
        if near[1] != p["host"] and abs(mine - tx) > near[0] + 500:
            bad += 1
            if bad <= 5:
                print(f"probe to {p['host']}: stamp nearer {near[1]}'s request", file=sys.stderr)
    gaps = sorted(b - a for a, b in zip(times, times[1:])) or [0]
    print(f"checked {checked} probes, median request gap {gaps[len(gaps) // 2]} ns, "
          f"largest own offset {worst} ns, {bad} on another probe")
    return 1 if bad or not checked else 0


sys.exit(main())
