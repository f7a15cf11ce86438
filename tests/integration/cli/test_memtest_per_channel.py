#!/usr/bin/env python3
"""memtest --per-channel: the JSON `channels` add up to the totals, the text table has one row per
channel, and the 4 KiB stride (one channel under the reference map) shows in channel 0 alone."""
import json
import subprocess
import sys

QASIM = sys.argv[1]
HW = "configs/hw/hbm2_reference.yaml"
KEYS = ["acts", "precharges", "refreshes", "read_bursts", "write_bursts", "row_hits", "row_misses",
        "row_conflicts"]


def memtest(*args):
    p = subprocess.run([QASIM, "memtest", "--hw", HW] + list(args), capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p.stdout


def main():
    for pattern in ["mixed", "stride"]:
        r = json.loads(memtest("--pattern", pattern, "--requests", "8000", "--per-channel",
                               "--json"))
        ch = r["channels"]
        assert [c["channel"] for c in ch] == list(range(8)), ch
        for k in KEYS:
            assert sum(c[k] for c in ch) == r[k], (pattern, k)
        bw = sum(c["bandwidth_gbps"] for c in ch)
        assert abs(bw - r["bandwidth_gbps"]) < 1e-6 * r["bandwidth_gbps"], (bw, r["bandwidth_gbps"])
        busy = [c["channel"] for c in ch if c["read_bursts"] + c["write_bursts"] > 0]
        assert busy == ([0] if pattern == "stride" else list(range(8))), busy
        assert all(c["refreshes"] > 0 for c in ch)  # idle channels refresh too
        plain = json.loads(memtest("--pattern", pattern, "--requests", "8000", "--json"))
        assert "channels" not in plain
        assert all(plain[k] == r[k] for k in KEYS), pattern
    text = memtest("--pattern", "random", "--requests", "2000", "--per-channel")
    rows = text[text.index("per channel"):].splitlines()[1:9]
    assert [int(x.split()[0]) for x in rows] == list(range(8)), rows
    print("ok")


main()
