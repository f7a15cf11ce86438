#!/usr/bin/env python3
"""Energy/area model end to end (issue 5): breakdowns add up, the expected part dominates, and
tech_nm scales energy and area by the documented factors (docs/energy_model.md: Stillmaker & Baas
45→28 nm, logic energy ×0.51, area ×0.38)."""
import json
import os
import subprocess
import sys
import tempfile

QASIM = sys.argv[1]


def run(hw, wl, *sets):
    out = tempfile.mkdtemp(prefix="qasim-energy-")
    args = [QASIM, "run", "--hw", hw, "--workload", wl, "--out", out, "--quiet"]
    for s in sets:
        args += ["--set", s]
    p = subprocess.run(args, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return json.load(open(os.path.join(out, "report.json")))


def parts(rep):
    return {m: e["dynamic"] + e["leakage"] for m, e in rep["energy_pj"].items()}


def check_sums(rep):
    total = rep["total"]["energy_pj"]
    assert abs(sum(parts(rep).values()) - total) <= 1e-6 * total
    for m, e in rep["energy_pj"].items():
        assert abs(sum(e["by_action"].values()) - e["dynamic"]) <= 1e-6 * max(1.0, e["dynamic"]), m
    assert abs(sum(L["energy_pj"] for L in rep["layers"]) - total) <= 1e-6 * total


def main():
    vit = run("configs/hw/tpu_like.yaml", "configs/workloads/vit_b16_w8a8.yaml")
    check_sums(vit)
    p = parts(vit)
    dram = sum(v for m, v in p.items() if m.startswith("dram") or m.startswith("hbm"))
    compute_sram = p["sa0"] + p["vec0"]
    assert compute_sram > dram, (compute_sram, dram)

    llm = run("configs/hw/llm_npu.yaml", "zoo:llama2-7b:decode?quant=W4A16KV2&context=1024")
    check_sums(llm)
    p = parts(llm)
    dram = sum(v for m, v in p.items() if m.startswith("dram") or m.startswith("hbm"))
    assert dram > 0.5 * sum(p.values()), p

    # Technology scaling: the same design at 45 and 28 nm.
    r45 = run("configs/hw/tpu_like.yaml", "configs/workloads/vit_b16_w8a8.yaml", "tech_nm=45")
    r28 = run("configs/hw/tpu_like.yaml", "configs/workloads/vit_b16_w8a8.yaml", "tech_nm=28")
    a = r28["area_mm2"]["sa0"]["pe_array"] / r45["area_mm2"]["sa0"]["pe_array"]
    assert abs(a - 0.38) < 0.01, a
    e45 = r45["energy_pj"]["sa0"]["by_action"]["mac"] / r45["energy_pj"]["sa0"]["action_counts"]["mac"]
    e28 = r28["energy_pj"]["sa0"]["by_action"]["mac"] / r28["energy_pj"]["sa0"]["action_counts"]["mac"]
    assert abs(e28 / e45 - 0.51) < 0.01, e28 / e45
    assert r28["total"]["cycles"] == r45["total"]["cycles"], "technology must not change timing"
    print("ok")


main()
