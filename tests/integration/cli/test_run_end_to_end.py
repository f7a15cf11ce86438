#!/usr/bin/env python3
"""qasim run end to end: report.json fields present and consistent, layers.csv, resolved config."""
import csv
import json
import os
import subprocess
import sys
import tempfile

QASIM = sys.argv[1]


def run(*args, check=True):
    p = subprocess.run([QASIM, *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        sys.exit(f"qasim {' '.join(args)} failed ({p.returncode}):\n{p.stderr}")
    return p


def main():
    out = tempfile.mkdtemp(prefix="qasim-e2e-")
    run("run", "--hw", "configs/hw/tpu_like.yaml", "--workload", "configs/workloads/vit_b16_w8a8.yaml",
        "--out", out, "--quiet")
    rep = json.load(open(os.path.join(out, "report.json")))
    assert rep["schema"] == "qasim.report/1"
    for k in ["cycles", "time_ns", "energy_pj", "area_mm2", "macs", "utilization", "dram_read_bytes",
              "dram_write_bytes"]:
        assert k in rep["total"], k
    layers = rep["layers"]
    assert layers, "no layers"
    for L in layers:
        for k in ["name", "op", "unit", "m", "k", "n", "repeat", "cycles", "compute_cycles", "stall_cycles",
                  "macs", "utilization", "sram_reads", "sram_writes", "dram_read_bytes", "dram_write_bytes",
                  "energy_pj"]:
            assert k in L, (L["name"], k)
        assert L["cycles"] >= L["compute_cycles"] or L["op"] not in ("gemm",), L
        assert 0 <= L["utilization"] <= 1.0 + 1e-9, L
    total = rep["total"]
    assert sum(L["cycles"] for L in layers) == total["cycles"], "total cycles != sum of layer cycles"
    assert sum(L["macs"] for L in layers) == total["macs"]
    assert total["macs"] == 17563828224, total["macs"]
    assert sum(L["dram_read_bytes"] for L in layers) == total["dram_read_bytes"]
    assert sum(L["dram_write_bytes"] for L in layers) == total["dram_write_bytes"]
    e_layers = sum(L["energy_pj"] for L in layers)
    assert abs(e_layers - total["energy_pj"]) <= 1e-6 * total["energy_pj"], (e_layers, total["energy_pj"])
    e_mod = sum(m["total"] for m in rep["energy_pj"].values())
    assert abs(e_mod - total["energy_pj"]) <= 1e-6 * total["energy_pj"]
    a_mod = sum(m["total"] for m in rep["area_mm2"].values())
    assert abs(a_mod - total["area_mm2"]) <= 1e-9 * max(1, total["area_mm2"])
    assert total["energy_pj"] > 0 and total["area_mm2"] > 0
    assert abs(total["time_ns"] - total["cycles"] * 1000.0 / rep["hw"]["clock_mhz"]) < 1.0
    rows = list(csv.DictReader(open(os.path.join(out, "layers.csv"))))
    assert len(rows) == len(layers)
    assert [r["name"] for r in rows] == [L["name"] for L in layers]
    assert os.path.getsize(os.path.join(out, "stats.txt")) > 0
    resolved = os.path.join(out, "config.resolved.yaml")
    assert "ifmap_sram_kb" in open(resolved).read()
    # The resolved config runs again and gives the same report (round trip, determinism).
    out2 = tempfile.mkdtemp(prefix="qasim-e2e-")
    run("run", "--hw", resolved, "--workload", "configs/workloads/vit_b16_w8a8.yaml", "--out", out2, "--quiet")
    rep2 = json.load(open(os.path.join(out2, "report.json")))
    assert rep2["total"] == rep["total"], "resolved config gives another result"
    # Determinism: the same run twice gives a byte-identical report.
    out3 = tempfile.mkdtemp(prefix="qasim-e2e-")
    run("run", "--hw", "configs/hw/tpu_like.yaml", "--workload", "configs/workloads/vit_b16_w8a8.yaml",
        "--out", out3, "--quiet")
    assert open(os.path.join(out, "report.json")).read() == open(os.path.join(out3, "report.json")).read()
    # Without --out: a table on stdout, nothing written.
    p = run("run", "--hw", "configs/hw/tpu_like.yaml", "--workload", "configs/workloads/vit_b16_w8a8.yaml")
    assert "total:" in p.stdout and "utilization" in p.stdout, p.stdout
    print("ok")


main()
