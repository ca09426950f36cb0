#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Each probe's kernel TX stamp must be its own: the echo request a capture
saw nearest in time to a probe's tx_time must be the one to that probe's
host. A stamp shifted onto a neighbour lands nearer the neighbour's request.
ringping prints tx_time in whole microseconds, so a tie within 1 us is its own.
The capture stamps a request where the tap sees it, the kernel TX stamp a
little later (tens of microseconds under emulation), and an emulated CPU that
stalls between the two can put some probes past the half-gap. A shift by one
probe moves every stamp after the first failed send, so the verdict is on the
run as a whole: the median own offset must stay under a quarter of the median
gap between requests, and at most 20 % of the probes may sit nearer another.
Usage: check_stamps.py CAPTURE.txt PROBES.ndjson  (capture: tcpdump -tt -n, ns)
Prints the probes checked, the median gap between requests, the median and
largest own offset, and how many sat nearer another request; exits 1 when the
run's stamps are not its probes' own, as above."""
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
    offs = []
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
        offs.append(abs(mine - tx))
        if near[1] != p["host"] and abs(mine - tx) > near[0] + 500:
            bad += 1
            if bad <= 5:
                print(f"probe to {p['host']}: stamp nearer {near[1]}'s request", file=sys.stderr)
    gaps = sorted(b - a for a, b in zip(times, times[1:])) or [0]
    gap = gaps[len(gaps) // 2]
    offs.sort()
    med = offs[len(offs) // 2] if offs else 0
    worst = offs[-1] if offs else 0
    print(f"checked {checked} probes, median request gap {gap} ns, median own offset {med} ns, "
          f"largest {worst} ns, {bad} on another probe")
    return 1 if not checked or med * 4 > gap or bad * 5 > checked else 0


sys.exit(main())
