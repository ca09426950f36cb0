#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A trace's hop RTTs against a capture on the prober's link. In the capture
(pcap, nanosecond stamps, Ethernet) each probe is keyed by its destination and
the name its transport header carries at bytes 6-7 (flow, TTL, query: the ICMP
sequence field, the UDP checksum, the low half of the TCP sequence number),
and so is what answered it: an echo reply by its source and sequence, a TCP
RST or SYN-ACK by its source and acknowledgment less one, a time-exceeded or
unreachable error by the destination and name of the probe it quotes. ringping's NDJSON names each probe by
(target, flow, ttl, query); its rtt_ms must equal the capture's answer time
less its request time: the median difference within MEDIAN_US microseconds,
every one within MAX_US (the two stamp a packet at nearby points of the stack).
Usage: check_trace_rtt.py CAPTURE.pcap PROBES.ndjson MEDIAN_US MAX_US
Prints the probes checked, the median and largest difference; exits 1 if
none was checked, one is missing from the capture, or one is off by more."""
import ipaddress
import json
import struct
import sys


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic != 0xA1B23C4D:
        sys.exit("capture: not a nanosecond pcap (tcpdump --time-stamp-precision=nano)")
    off = 24
    while off + 16 <= len(data):
        sec, nsec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        yield sec * 10**9 + nsec, data[off + 16:off + 16 + incl]
        off += 16 + incl


def ip_parts(b):
    """(src, dst, proto, payload) of an IPv4 or IPv6 packet without extension headers."""
    if b[0] >> 4 == 4:
        hl = (b[0] & 0xF) * 4
        return (ipaddress.ip_address(b[12:16]), ipaddress.ip_address(b[16:20]), b[9], b[hl:])
    return (ipaddress.ip_address(b[8:24]), ipaddress.ip_address(b[24:40]), b[6], b[40:])


def name16(b):
    return struct.unpack(">H", b[6:8])[0]


def tcp_event(src, dst, tcp):
    """A SYN is a request; a RST or SYN-ACK acknowledging one an answer."""
    flags, ack = tcp[13], struct.unpack(">I", tcp[8:12])[0]
    if flags & 0x3F == 0x02:
        return "req", (dst, name16(tcp))
    if flags & 0x10 and flags & 0x06:
        return "ans", (src, (ack - 1) & 0xFFFF)
    return None


def events(path):
    """Requests and answers: (time, 'req'|'ans', (target, name16))."""
    for t, f in packets(path):
        if len(f) < 14 + 28 or f[12:14] not in (b"\x08\x00", b"\x86\xdd"):
            continue
        src, dst, proto, icmp = ip_parts(f[14:])
        if proto == 17 and len(icmp) >= 8:
            yield t, "req", (dst, name16(icmp))
        if proto == 6 and len(icmp) >= 20 and tcp_event(src, dst, icmp):
            yield (t,) + tcp_event(src, dst, icmp)
        if proto not in (1, 58) or len(icmp) < 8:
            continue
        typ, seq = icmp[0], struct.unpack(">H", icmp[6:8])[0]
        if typ in (8, 128):
            yield t, "req", (dst, seq)
        elif typ in (0, 129):
            yield t, "ans", (src, seq)
        elif (proto == 1 and typ in (3, 11)) or (proto == 58 and typ in (1, 3)):
            qsrc, qdst, _, qicmp = ip_parts(icmp[8:])
            if len(qicmp) >= 8:
                yield t, "ans", (qdst, name16(qicmp))


def main():
    req, ans = {}, {}
    for t, kind, key in events(sys.argv[1]):
        (req if kind == "req" else ans).setdefault(key, t)
    tol_med, tol_max = float(sys.argv[3]) * 1000, float(sys.argv[4]) * 1000
    diffs, missing = [], 0
    for line in open(sys.argv[2]):
        p = json.loads(line)
        if p.get("type") != "probe" or "rtt_ms" not in p:
            continue
        seq = (p["flow"] & 0x3F) << 10 | (p["ttl"] & 0x3F) << 4 | (p["query"] & 0xF)
        key = (ipaddress.ip_address(p["target"]), seq)
        if key not in req or key not in ans:
            missing += 1
            continue
        diffs.append(abs(p["rtt_ms"] * 1e6 - (ans[key] - req[key])))
    diffs.sort()
    med = diffs[len(diffs) // 2] if diffs else 0
    worst = diffs[-1] if diffs else 0
    print(f"checked {len(diffs)} probes, {missing} not in the capture, difference median "
          f"{med / 1000:.1f} us, largest {worst / 1000:.1f} us")
    return 1 if not diffs or missing or med > tol_med or worst > tol_max else 0


sys.exit(main())
