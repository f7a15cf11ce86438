#!/usr/bin/env python3
"""qasim run --vcd/--timeline end to end (issue 10): vcd2fst converts the VCD; each unit's busy time in
the VCD equals its busy cycles in report.json within one tile; the timeline JSON has the expected
tracks and its tile slices sum to each op's compute cycles; tracing does not change the report;
--vcd-signals / --vcd-window select and bad values are input errors (exit 2)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

QASIM = sys.argv[1]
HW = "configs/hw/tpu_like.yaml"
WL = "configs/workloads/vit_b16_w8a8.yaml"


def run(*args, code=0):
    p = subprocess.run([QASIM, *args], capture_output=True, text=True)
    if p.returncode != code:
        sys.exit(f"qasim {' '.join(args)}: exit {p.returncode}, expected {code}:\n{p.stdout}\n{p.stderr}")
    return p


def parse_vcd(path):
    """Returns ({path: (id, kind, width)}, {id: [(t, value)]}) with value int, float or None (x)."""
    sigs, scope, changes = {}, [], {}
    t = None
    with open(path) as f:
        in_header = True
        for line in f:
            w = line.split()
            if not w:
                continue
            if in_header:
                if w[0] == "$scope":
                    scope.append(w[2])
                elif w[0] == "$upscope":
                    scope.pop()
                elif w[0] == "$var":
                    kind, width, ident, name = w[1], int(w[2]), w[3], w[4]
                    sigs[".".join(scope[1:] + [name])] = (ident, kind, width)
                    changes[ident] = []
                elif w[0] == "$enddefinitions":
                    in_header = False
                continue
            c = w[0]
            if c[0] == "#":
                t = int(c[1:])
            elif c[0] == "$":
                continue
            elif c[0] == "b":
                changes[w[1]].append((t, None if "x" in c else int(c[1:], 2)))
            elif c[0] == "r":
                changes[w[1]].append((t, float(c[1:])))
            else:
                changes[c[1:]].append((t, None if c[0] == "x" else int(c[0])))
    return sigs, changes


def high_time(ch, t_end):
    total, last_t, last_v = 0, 0, 0
    for t, v in ch:
        if last_v:
            total += t - last_t
        last_t, last_v = t, v
    if last_v:
        total += t_end - last_t
    return total


def main():
    out = tempfile.mkdtemp(prefix="qasim-waves-")
    vcd, tl = os.path.join(out, "waves.vcd"), os.path.join(out, "timeline.json")
    t0 = time.monotonic()
    run("run", "--hw", HW, "--workload", WL, "--out", out, "--vcd", vcd, "--timeline", tl, "--quiet")
    wall = time.monotonic() - t0
    print(f"ViT-B/16 with --vcd and --timeline: {wall:.2f} s wall, VCD {os.path.getsize(vcd)} B, "
          f"timeline {os.path.getsize(tl)} B")
    rep = json.load(open(os.path.join(out, "report.json")))
    period_ps = 1e6 / rep["hw"]["clock_mhz"]
    layers = rep["layers"]

    # Tracing on does not change the results.
    plain = tempfile.mkdtemp(prefix="qasim-waves-plain-")
    run("run", "--hw", HW, "--workload", WL, "--out", plain, "--quiet")
    assert open(os.path.join(plain, "report.json")).read() == open(os.path.join(out, "report.json")).read(), \
        "report differs with tracing on"

    # GTKWave save file beside the VCD, pointing at it.
    gtkw = open(os.path.join(out, "waves.gtkw")).read()
    assert f'[dumpfile] "{os.path.abspath(vcd)}"' in gtkw, gtkw[:300]
    for g in ("sa0", "vec0", "dma", "dram0", "global"):
        assert f"-{g}\n" in gtkw, g

    # vcd2fst (Debian package gtkwave) reads the VCD without error.
    vcd2fst = shutil.which("vcd2fst")
    assert vcd2fst, "vcd2fst not found: install the Debian package gtkwave (scripts/setup.sh)"
    fst = os.path.join(out, "waves.fst")
    p = subprocess.run([vcd2fst, "-v", vcd, "-f", fst], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert os.path.getsize(fst) > 0
    assert "error" not in (p.stdout + p.stderr).lower(), p.stdout + p.stderr

    # Timeline: valid JSON, the expected tracks, slices consistent with the report.
    doc = json.load(open(tl))
    ev = doc["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
    units = sorted({L["unit"] for L in layers})
    for track in ["layers", "dma.rd", "dma.wr", *units]:
        assert track in names.values(), (track, names)
    tid_of = {v: k for k, v in names.items()}
    tiles = [e for e in ev if e["ph"] == "X" and e.get("cat") == "tile"]
    assert len(tiles) == sum(L["tiles"] for L in layers), (len(tiles), sum(L["tiles"] for L in layers))
    max_tile_ps = max(e["dur"] for e in tiles) * 1e6
    for j, L in enumerate(layers):
        mine = [e for e in tiles if e["args"]["op"] == j]
        assert mine and all(e["tid"] == tid_of[L["unit"]] for e in mine), L["name"]
        cyc = sum(e["dur"] for e in mine) * 1e6 / period_ps
        # ps resolution per tile: rounding of each tile's time is at most 1 ps.
        assert abs(cyc - L["compute_cycles"]) <= len(mine) / period_ps + 1e-6 * L["compute_cycles"], \
            (L["name"], cyc, L["compute_cycles"])
        ops = [e for e in ev if e["ph"] == "X" and e.get("cat") == "op" and e["args"]["op"] == j]
        assert len(ops) == 1 and ops[0]["args"]["name"] == L["name"] and "shape" in ops[0]["args"] \
            and "bits" in ops[0]["args"], ops
    lay = [e for e in ev if e["ph"] == "X" and e.get("cat") == "layer"]
    assert len(lay) == len(layers)
    assert abs(sum(e["dur"] for e in lay) * 1e6 / period_ps - rep["total"]["cycles"]) <= len(layers)
    counters = {e["name"] for e in ev if e["ph"] == "C"}
    assert {"dma.rd GB/s", "dma.wr GB/s", "dram0 GB/s"} <= counters, counters
    assert sum(1 for e in ev if e["ph"] == "X" and e.get("cat") == "dma") > 0

    # VCD: busy time per unit = Σ compute_cycles of its layers, within one tile.
    sigs, changes = parse_vcd(vcd)
    t_end = int(rep["total"]["time_ns"] * 1000) + 1
    for u in units:
        busy_ps = high_time(changes[sigs[f"{u}.busy"][0]], t_end)
        want_ps = sum(L["compute_cycles"] for L in layers if L["unit"] == u) * period_ps
        assert abs(busy_ps - want_ps) <= max_tile_ps, (u, busy_ps, want_ps, max_tile_ps)
        print(f"{u}: busy {busy_ps} ps in the VCD, report {want_ps:.0f} ps")
        # Every op of the unit shows up on its `op` signal; `tile` changes at tile starts.
        ops_seen = {v for _, v in changes[sigs[f"{u}.op"][0]] if v is not None}
        assert ops_seen == {j for j, L in enumerate(layers) if L["unit"] == u}, (u, ops_seen)
        pes = [v for _, v in changes[sigs[f"{u}.active_pes"][0]]]
        assert max(pes) > 0 and min(pes) == 0, u
    # Changes happen at event times, not only at quantum boundaries: busy toggles at many distinct
    # times, most of them not multiples of the quantum.
    resolved = yaml.safe_load(open(os.path.join(out, "config.resolved.yaml")))
    q_ps = round(1000 * resolved["sim"]["quantum_ns"])
    times = [t for t, _ in changes[sigs["vec0.busy"][0]]]
    assert len(times) > 10
    assert sum(1 for t in times if t % q_ps) > len(times) // 2, ("changes only at quantum boundaries", q_ps)
    layer_vals = [v for _, v in changes[sigs["layer"][0]] if v is not None]
    assert layer_vals == list(range(len(layers))), layer_vals
    dbytes = changes[sigs["dma.rd_bytes"][0]][-1][1]
    assert dbytes == sum(L["dram_read_bytes"] for L in layers), (dbytes, rep["total"]["dram_read_bytes"])
    mem_rd = changes[sigs["dram0.read_bytes"][0]][-1][1]
    assert mem_rd > 0
    infl = changes[sigs["dma.rd_inflight"][0]]
    assert infl[-1][1] == 0 and max(v for _, v in infl) >= 1

    # --vcd-signals and --vcd-window.
    vcd2 = os.path.join(out, "sel.vcd")
    run("run", "--hw", HW, "--workload", WL, "--vcd", vcd2, "--vcd-signals", "sa0.*,layer",
        "--vcd-window", "1000:50000", "--quiet")
    s2, c2 = parse_vcd(vcd2)
    assert set(s2) == {"layer", "sa0.busy", "sa0.active_pes", "sa0.op", "sa0.tile",
                       "sa0.ifmap_sram.occupancy_bytes", "sa0.filter_sram.occupancy_bytes",
                       "sa0.ofmap_sram.occupancy_bytes"}, set(s2)
    all_t = [t for ch in c2.values() for t, _ in ch]
    assert min(all_t) == 1000000 and max(all_t) <= 50000000, (min(all_t), max(all_t))
    assert os.path.exists(os.path.join(out, "sel.gtkw"))

    # Input errors.
    for bad in (["--vcd", vcd2, "--vcd-signals", "nosuch.*"], ["--vcd", vcd2, "--vcd-window", "5:1"],
                ["--vcd", vcd2, "--vcd-window", "x"], ["--vcd-window", "1:5"]):
        p = run("run", "--hw", HW, "--workload", WL, "--quiet", *bad, code=2)
        assert "--vcd" in p.stderr, p.stderr
    print("ok")


if __name__ == "__main__":
    main()
