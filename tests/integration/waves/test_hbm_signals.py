#!/usr/bin/env python3
"""HBM waveforms: per-channel bytes, refreshes, activations and row hits are traced, and the
channels' final byte counters add up to the report's DRAM bytes."""
import json
import os
import subprocess
import sys
import tempfile

QASIM = sys.argv[1]


def main():
    out = tempfile.mkdtemp(prefix="qasim-hbmwaves-")
    vcd = os.path.join(out, "w.vcd")
    p = subprocess.run([QASIM, "run", "--hw", "configs/hw/tpu_like.yaml", "--workload",
                        "configs/workloads/vit_b16_w8a8.yaml", "--out", out, "--vcd", vcd,
                        "--vcd-signals", "dram0.*", "--quiet"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    rep = json.load(open(os.path.join(out, "report.json")))
    ids, scope, last = {}, [], {}
    with open(vcd) as f:
        for line in f:
            t = line.split()
            if not t:
                continue
            if t[0] == "$scope":
                scope.append(t[2])
            elif t[0] == "$upscope":
                scope.pop()
            elif t[0] == "$var":
                ids[t[3]] = ".".join(scope[1:] + [t[4]])
            elif t[0][0] == "b" and len(t) == 2 and t[1] in ids:
                last[ids[t[1]]] = int(t[0][1:], 2)
    ch = [k for k in ids.values() if k.startswith("dram0.ch") and k.endswith(".bytes")]
    assert len(ch) == 8, sorted(ids.values())
    for k in ["dram0.refreshes", "dram0.activations", "dram0.row_hits"]:
        assert k in ids.values(), k
    moved = sum(last.get(k, 0) for k in ch)
    total = rep["total"]["dram_read_bytes"] + rep["total"]["dram_write_bytes"]
    assert moved >= total and moved - total < 64 * 1024, (moved, total)  # bursts round up
    assert last.get("dram0.activations", 0) > 0
    print("ok")


main()
