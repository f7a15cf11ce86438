#!/usr/bin/env python3
"""memtest --vcd: the command waveforms agree with the run's counters, and the bank signals obey
JEDEC timing read off the waveform alone (tRC, tRAS, tRP between a bank's ACT and PRE edges; data
bus time = bursts x burst length), independently of the model's internals. Open and closed page;
bad option combinations exit 2."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_waves import parse_vcd  # noqa: E402

QASIM = sys.argv[1]
HW = "configs/hw/hbm2_reference.yaml"
TCK = 1000  # ps (hbm2_reference)
T = {"rc": 48, "ras": 34, "rp": 14, "act_cycles": 2, "burst": 2}  # cycles (hbm2 preset, BL4 DDR)


def read_vcd(path):
    """Returns {path: [(t_ps, value)]} (values as ints; 'x' as None)."""
    sigs, changes = parse_vcd(path)
    return {p: changes[ident] for p, (ident, _, _) in sigs.items()}


def entries(w, code):
    """Times at which the signal changes to `code`."""
    return [t for (t, v) in w if v == code]


def run(extra, out):
    vcd = os.path.join(out, "m.vcd")
    p = subprocess.run([QASIM, "memtest", "--hw", HW, "--json", "--vcd", vcd] + extra,
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert os.path.exists(os.path.join(out, "m.gtkw"))
    return json.loads(p.stdout), read_vcd(vcd)


def check(rep, waves, closed):
    sig = lambda suffix: {k: w for k, w in waves.items() if k.endswith(suffix)}
    count = lambda suffix, code: sum(len(entries(w, code)) for w in sig(suffix).values())
    assert len(sig(".row_cmd")) == 16 and len(sig(".open")) == 256, len(sig(".open"))
    acts, pres, preabs = count(".row_cmd", 1), count(".row_cmd", 2), count(".row_cmd", 3)
    assert acts == rep["acts"], (acts, rep["acts"])
    assert count(".row_cmd", 4) == rep["refreshes"]
    assert count(".col_cmd", 5) == rep["read_bursts"]
    assert count(".col_cmd", 6) == rep["write_bursts"]
    # Every precharge closes a bank: explicit PRE, one PREab per pseudo-channel, or (closed page)
    # the automatic precharge of a RDA/WRA, seen as an `open` falling edge without a PRE.
    # These runs end before the first refresh (tREFI = 3.9 us), so every precharge is one falling
    # edge of one bank's `open`.
    assert preabs == 0 and rep["refreshes"] == 0, rep["elapsed_ns"]
    falls = count(".open", 0) - 256  # minus the initial 0 of every bank
    assert falls == rep["precharges"], (falls, rep["precharges"])
    if closed:
        assert pres < falls / 4, (pres, falls)  # most precharges are automatic (RDA/WRA)
    else:
        assert pres == rep["precharges"], (pres, rep["precharges"])
    # Data bus: busy exactly burst length per burst, never two bursts at once.
    busy = 0
    for w in sig(".data").values():
        last_t, last_v = 0, 0
        for (t, v) in w:
            assert v in (0, 1), v
            busy += (t - last_t) * last_v
            last_t, last_v = t, v
        assert last_v == 0
    assert busy == (rep["read_bursts"] + rep["write_bursts"]) * T["burst"] * TCK, busy
    # Per bank, from the waveform alone: ACT to ACT >= tRC, ACT to PRE >= tRAS, PRE to ACT >=
    # tRP (an ACT of act_cycles cycles counts from its first cycle: tRP - (act_cycles - 1)).
    checked = 0
    for w in sig(".open").values():
        rises = [t for (t, v) in w if v == 1]
        falls_b = [t for (t, v) in w[1:] if v == 0]
        for a, b in zip(rises, rises[1:]):
            assert b - a >= T["rc"] * TCK, (a, b)
        for a in rises:
            nxt = [f for f in falls_b if f > a]
            if nxt:
                assert nxt[0] - a >= T["ras"] * TCK, (a, nxt[0])
        for f in falls_b:
            nxt = [r for r in rises if r > f]
            if nxt:
                assert nxt[0] - f >= (T["rp"] - T["act_cycles"] + 1) * TCK, (f, nxt[0])
                checked += 1
    assert checked > 100, checked
    # Queues stay within their depth; a mixed run drains writes at least once.
    for w in sig(".queued_reads").values():
        assert max(v for (_, v) in w) <= 64
    assert any(v == 1 for w in sig(".write_mode").values() for (_, v) in w)
    return checked


def main():
    out = tempfile.mkdtemp(prefix="qasim-memwaves-")
    rep, waves = run(["--pattern", "mixed", "--requests", "4000", "--seed", "3"], out)
    check(rep, waves, closed=False)
    rep, waves = run(["--pattern", "mixed", "--requests", "3000",
                      "--set", "memory.hbm0.page_policy=closed"], out)
    check(rep, waves, closed=True)
    # Past tREFI: REF and PREab commands (a PREab is one precharge however many banks it closes).
    rep, waves = run(["--pattern", "random", "--requests", "12000"], out)
    rows = {k: w for k, w in waves.items() if k.endswith(".row_cmd")}
    n = lambda code: sum(len(entries(w, code)) for w in rows.values())
    assert n(4) == rep["refreshes"] and n(4) >= 16, (n(4), rep["refreshes"])
    assert n(2) + n(3) == rep["precharges"] and n(3) > 0, (n(2), n(3), rep["precharges"])
    # A window and a signal selection keep only what was asked for.
    vcd = os.path.join(out, "w.vcd")
    p = subprocess.run([QASIM, "memtest", "--hw", HW, "--pattern", "random", "--requests", "500",
                        "--vcd", vcd, "--vcd-signals", "hbm0.ch1.pc0.*", "--vcd-window", "100:400"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    w = read_vcd(vcd)
    assert w and all(k.startswith("hbm0.ch1.pc0.") for k in w), sorted(w)[:5]
    assert all(t <= 400000 for s in w.values() for (t, _) in s)
    # Bad combinations: exit 2 with the option named.
    for args, word in [(["--vcd-signals", "x.*"], "--vcd"),
                       (["--vcd", vcd, "--vcd-signals", "nothing.*"], "nothing"),
                       (["--vcd", vcd, "--vcd-window", "5:1"], "--vcd-window"),
                       (["--vcd", ""], "--vcd: a file path"),
                       (["--latency-csv", ""], "--latency-csv: a file path"),
                       (["--write-trace", ""], "--write-trace: a file path")]:
        p = subprocess.run([QASIM, "memtest", "--hw", HW, "--pattern", "random", "--requests",
                            "10"] + args, capture_output=True, text=True)
        assert p.returncode == 2 and word in p.stderr, (args, p.returncode, p.stderr)
    print("ok")


main()
