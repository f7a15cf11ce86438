#!/usr/bin/env python3
"""Determinism: the same run twice gives byte-identical report.json and layers.csv; a sweep run with
-j 1 and with -j 2 gives byte-identical results.csv and per-point reports."""
import filecmp
import os
import subprocess
import sys
import tempfile

QASIM = os.path.abspath(sys.argv[1])


def run(*args):
    p = subprocess.run([QASIM, *args], capture_output=True, text=True)
    assert p.returncode == 0, f"qasim {' '.join(args)} failed ({p.returncode}):\n{p.stderr}"
    return p


def same(a, b):
    assert open(a, "rb").read() == open(b, "rb").read(), f"{a} and {b} differ"


def main():
    tmp = tempfile.mkdtemp(prefix="qasim-det-")
    # Runs: an LLM decode on HBM (DRAM timing, several units) and the ViT on the TPU-like config.
    for i, (hw, wl) in enumerate([("configs/hw/llm_npu.yaml", "configs/workloads/llama2_7b_decode_w4a16kv2.yaml"),
                                  ("configs/hw/tpu_like.yaml", "configs/workloads/vit_b16_w8a8.yaml")]):
        outs = []
        for rep in range(2):
            out = os.path.join(tmp, f"run{i}_{rep}")
            run("run", "--hw", hw, "--workload", wl, "--out", out, "--quiet")
            outs.append(out)
        for f in ("report.json", "layers.csv", "config.resolved.yaml"):
            same(os.path.join(outs[0], f), os.path.join(outs[1], f))
    # Sweep: -j 1 vs -j 2 (points finish in a different order).
    sweep = "tests/integration/sweep/tiny_27.yaml"
    d1, d2 = os.path.join(tmp, "sweep_j1"), os.path.join(tmp, "sweep_j2")
    run("sweep", sweep, "-j", "1", "--out", d1, "--quiet")
    run("sweep", sweep, "-j", "2", "--out", d2, "--quiet")
    for f in ("results.csv", "pareto.csv"):
        same(os.path.join(d1, f), os.path.join(d2, f))
    pts = sorted(os.listdir(os.path.join(d1, "points")))
    assert pts == sorted(os.listdir(os.path.join(d2, "points"))) and len(pts) == 27, pts
    for p in pts:
        same(os.path.join(d1, "points", p, "report.json"), os.path.join(d2, "points", p, "report.json"))
    print(f"ok: 2 runs x 2 identical, sweep -j1 == -j2 over {len(pts)} points")


main()
