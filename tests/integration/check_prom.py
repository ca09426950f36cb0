#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Parse a ringping --prometheus file with prometheus_client's strict OpenMetrics
parser (it rejects a malformed file, a missing # EOF, interleaved families,
non-cumulative histograms) and print per target: sent received hist_count.
Exit 1 with the parser's reason when the file is not valid OpenMetrics."""
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families


def main(path):
    try:
        fams = {f.name: f for f in text_string_to_metric_families(open(path).read())}
    except Exception as e:  # the parser raises ValueError and friends
        print(f"invalid OpenMetrics: {e}")
        return 1
    rows = {}
    for fam, col in (("ringping_probes_sent", 0), ("ringping_probes_received", 1)):
        for s in fams[fam].samples:
            rows.setdefault(s.labels["target"], [0, 0, 0])[col] = int(s.value)
    hist = fams.get("ringping_rtt_seconds")
    for s in hist.samples if hist else []:
        if s.name == "ringping_rtt_seconds_count":
            rows[s.labels["target"]][2] = int(s.value)
    for t in sorted(rows):
        print(t, *rows[t])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
