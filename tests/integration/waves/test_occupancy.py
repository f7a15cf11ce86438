#!/usr/bin/env python3
"""Buffer occupancy and HBM open rows in the VCD (issue 10): every operand buffer of every unit and
every `type: sram` memory has `<...>.occupancy_bytes`, every HBM channel `<hbm>.chN.open_rows`;
occupancy stays within [0, capacity] and returns to 0, it changes at event times (tile start/end,
transfer start/completion), not at quantum boundaries; open rows stay within the banks of a
channel; vcd2fst converts the VCD; `--vcd-signals` globs select the new signals."""
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_waves import parse_vcd, run  # noqa: E402

QASIM = sys.argv[1]
HW = "configs/hw/tpu_like.yaml"
WL = "configs/workloads/vit_b16_w8a8.yaml"
# HBM2E: 2 pseudo-channels × 4 bank groups × 4 banks per channel (JEDEC JESD235D, the hbm2e preset
# of models/dram/dram_spec.cpp).
HBM2E_BANKS_PER_CHANNEL = 32


def values(changes, sigs, path):
    return changes[sigs[path][0]]


def check_occupancy(sigs, changes, path, capacity):
    ch = values(changes, sigs, path)
    vals = [v for _, v in ch]
    assert all(v is not None and 0 <= v <= capacity for v in vals), (path, min(vals), max(vals), capacity)
    assert max(vals) > 0, path
    assert ch[-1][1] == 0, (path, ch[-1])
    return max(vals)


def event_times(sigs, changes, unit):
    """Times of the unit's tile starts/ends and of the DMA's transfer starts/completions."""
    t = set()
    for p in (f"{unit}.tile", f"{unit}.busy", "dma.rd_inflight", "dma.wr_inflight", "dma.rd_bytes",
              "dma.wr_bytes", "dma.rd_bw_gbps", "dma.wr_bw_gbps"):
        t.update(x for x, _ in values(changes, sigs, p))
    return t


def main():
    out = tempfile.mkdtemp(prefix="qasim-occ-")
    vcd = os.path.join(out, "waves.vcd")
    run("run", "--hw", HW, "--workload", WL, "--out", out, "--vcd", vcd, "--quiet")
    sigs, changes = parse_vcd(vcd)
    resolved = yaml.safe_load(open(os.path.join(out, "config.resolved.yaml")))
    sa, vec = resolved["units"]["sa0"], resolved["units"]["vec0"]
    q_ps = round(1000 * resolved["sim"]["quantum_ns"])

    # Operand buffers: within capacity, back to 0 at the end, changes at event times.
    buffers = {"sa0.ifmap_sram": sa["ifmap_sram_kb"], "sa0.filter_sram": sa["filter_sram_kb"],
               "sa0.ofmap_sram": sa["ofmap_sram_kb"], "vec0.buffer": vec["buffer_kb"]}
    occ = [p for p in sigs if p.endswith(".occupancy_bytes")]
    assert sorted(occ) == sorted(b + ".occupancy_bytes" for b in buffers), occ
    for b, kb in buffers.items():
        path = b + ".occupancy_bytes"
        peak = check_occupancy(sigs, changes, path, kb * 1024)
        unit = b.split(".")[0]
        ev = event_times(sigs, changes, unit)
        times = [t for t, _ in values(changes, sigs, path)][1:]  # after $dumpvars
        off = [t for t in times if t not in ev]
        assert not off, (path, off[:10])
        assert sum(1 for t in times if t % q_ps) > len(times) // 2, (path, "quantum boundaries only")
        print(f"{path}: {len(times)} changes, peak {peak} B of {kb * 1024} B")
    # The ofmap buffer holds outputs while the systolic array runs: it rises after tile starts.
    assert len(values(changes, sigs, "sa0.ofmap_sram.occupancy_bytes")) > 10

    # HBM open rows: one signal per channel, 0..banks per channel, some rows opened.
    rows = sorted(p for p in sigs if p.startswith("dram0.ch") and p.endswith(".open_rows"))
    assert rows == [f"dram0.ch{c}.open_rows" for c in range(8)], rows
    peak_rows = 0
    for p in rows:
        vals = [v for _, v in values(changes, sigs, p)]
        assert all(v is not None and 0 <= v <= HBM2E_BANKS_PER_CHANNEL for v in vals), (p, max(vals))
        peak_rows = max(peak_rows, max(vals))
    assert peak_rows > 0
    print(f"open rows: peak {peak_rows} of {HBM2E_BANKS_PER_CHANNEL} banks per channel")

    # vcd2fst converts the VCD with the new signals.
    vcd2fst = shutil.which("vcd2fst")
    assert vcd2fst, "vcd2fst not found: install the Debian package gtkwave (scripts/setup.sh)"
    fst = os.path.join(out, "waves.fst")
    p = subprocess.run([vcd2fst, "-v", vcd, "-f", fst], capture_output=True, text=True)
    assert p.returncode == 0 and os.path.getsize(fst) > 0, p.stderr
    assert "error" not in (p.stdout + p.stderr).lower(), p.stdout + p.stderr

    # GTKWave save file: occupancy and open rows as analog steps (the flags of the analog dma.rd_bytes),
    # inside their unit's / memory's group.
    lines = open(os.path.join(out, "waves.gtkw")).read().splitlines()

    def flags_of(path):  # nested signals carry their path in the group as alias: +{alias} top.path
        i = next(k for k, x in enumerate(lines) if x == "top." + path or x.endswith("} top." + path))
        return lines[i - 1], i

    analog, _ = flags_of("dma.rd_bytes")
    for p, group in (("sa0.ifmap_sram.occupancy_bytes", "sa0"), ("vec0.buffer.occupancy_bytes", "vec0"),
                     ("dram0.ch0.open_rows", "dram0")):
        f, i = flags_of(p)
        assert f == analog, (p, f, analog)
        if p.count(".") > 1:
            assert lines[i].startswith("+{" + p.split(".", 1)[1].replace(".", " ") + "} "), lines[i]
        begin = max(k for k in range(i) if lines[k] == "-" + group)
        assert all(not (lines[k].startswith("-") and lines[k] not in ("-", "-" + group))
                   for k in range(begin, i)), (p, group)

    # --vcd-signals selects exactly the new signals.
    vcd2 = os.path.join(out, "sel.vcd")
    run("run", "--hw", HW, "--workload", WL, "--vcd", vcd2, "--vcd-signals",
        "*.occupancy_bytes,dram0.ch*.open_rows", "--quiet")
    s2, _ = parse_vcd(vcd2)
    assert set(s2) == set(occ) | set(rows), set(s2)

    # A `type: sram` global buffer holding the activations: what each row writes is resident until
    # the next row ends. ViT-B/16's rows repeat 12 times and all repeats of a row run before the next
    # row, so up to two rows × 12 outputs are resident (14.5 MB): within the 24 MiB buffer.
    hw = yaml.safe_load(open(HW))
    hw["memory"]["gbuf"] = {"type": "sram", "size_kb": 24576}
    hw["placement"] = {"weights": "dram0", "kv": "dram0", "activations": "gbuf"}
    hw_path = os.path.join(out, "gbuf.yaml")
    yaml.safe_dump(hw, open(hw_path, "w"), sort_keys=False)
    vcd3 = os.path.join(out, "gbuf.vcd")
    run("run", "--hw", hw_path, "--workload", WL, "--vcd", vcd3, "--vcd-signals", "gbuf.*,layer",
        "--quiet")
    s3, c3 = parse_vcd(vcd3)
    assert "gbuf.occupancy_bytes" in s3, set(s3)
    g = values(c3, s3, "gbuf.occupancy_bytes")
    vals = [v for _, v in g]
    assert all(0 <= v <= 24576 * 1024 for v in vals) and max(vals) > 0, (min(vals), max(vals))
    wr = values(c3, s3, "gbuf.write_bytes")[-1][1]
    assert wr > 0
    print(f"gbuf.occupancy_bytes: peak {max(vals)} B, {len(g)} changes")
    print("ok")


if __name__ == "__main__":
    main()
