#!/usr/bin/env python3
"""memtest --latency-csv: the read-latency distribution holds one count per read, and its mean and
percentiles are the JSON report's (the k-th smallest latency, k = floor(p * reads))."""
import csv
import json
import os
import subprocess
import sys
import tempfile

QASIM = sys.argv[1]


def main():
    out = tempfile.mkdtemp(prefix="qasim-latcsv-")
    for hw, args in [("configs/hw/hbm2_reference.yaml", ["--pattern", "mixed", "--requests", "6000"]),
                     ("configs/hw/hbm3_reference.yaml", ["--pattern", "random", "--requests", "3000",
                                                         "--outstanding", "4"])]:
        path = os.path.join(out, "lat.csv")
        p = subprocess.run([QASIM, "memtest", "--hw", hw, "--json", "--latency-csv", path] + args,
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        r = json.loads(p.stdout)
        rows = list(csv.DictReader(open(path)))
        cyc = [int(x["latency_cycles"]) for x in rows]
        n = [int(x["reads"]) for x in rows]
        assert cyc == sorted(set(cyc)) and min(n) > 0, "ascending, one row per latency"
        assert sum(n) == r["reads"], (sum(n), r["reads"])
        mean = sum(c * k for c, k in zip(cyc, n)) / sum(n)
        assert abs(mean - r["mean_read_latency_cycles"]) < 1e-9 * mean, (mean, r)
        tck = r["mean_read_latency_ns"] / r["mean_read_latency_cycles"]
        for x in rows:
            assert abs(float(x["latency_ns"]) - int(x["latency_cycles"]) * tck) < 1e-6, x

        def pct(p):
            k = min(sum(n) - 1, int(p * sum(n)))
            below = 0
            for c, m in zip(cyc, n):
                below += m
                if below > k:
                    return c

        assert pct(0.50) == r["p50_read_latency_cycles"], (pct(0.50), r["p50_read_latency_cycles"])
        assert pct(0.99) == r["p99_read_latency_cycles"], (pct(0.99), r["p99_read_latency_cycles"])
    print("ok")


main()
