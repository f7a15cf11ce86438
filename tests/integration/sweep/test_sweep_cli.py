#!/usr/bin/env python3
"""`qasim sweep` end to end (issue 9). Usage: test_sweep_cli.py QASIM CASE, run from the repo root.

Cases (one ctest test each, see tests/integration/CMakeLists.txt):
  j2_27              the 27-point tiny sweep with -j 2: every point ok, rows 0..26 in order, and
                     results.csv/pareto.csv byte-identical to a -j 1 run
  shard_merge        --shard 0/3, 1/3, 2/3 merged equals the unsharded results.csv and pareto.csv
  resume_after_kill  a sweep SIGKILLed half-way (whole process group), and one stopped by SIGTERM,
                     resumed with --resume equal an uninterrupted run
  bad_files          bad sweep files exit 2 naming the file and key, before any point runs
  failing_point      a bad combination is recorded with its error and the sweep goes on
  plots_tiny         scripts/plot_sweep.py writes non-empty PNGs (Pareto + one per parameter)
  memtest_points     a memory sweep (base.memtest: one `qasim memtest --json` per point, memtest.OPTION
                     keys, a $variable and a hardware key): every metric in results.csv equals the JSON
                     of the same memtest run made by hand; --resume has nothing left to do; the plots
                     include the loaded-latency curve
  shipped_<name>     configs/sweeps/<name>.yaml runs with -j 2, every point ok, plots written;
                     prints the wall time and points per minute. Exit 77 (skipped) when the unit
                     type the sweep needs is not registered (`qasim describe TYPE` fails).
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

QASIM = os.path.abspath(sys.argv[1])
CASE = sys.argv[2]
TINY = "tests/integration/sweep/tiny_27.yaml"
HW = "tests/integration/sweep/tiny_hw.yaml"
TRACE = "tests/integration/sweep/tiny_gemm.yaml"
MEM_HW = "configs/hw/hbm2_reference.yaml"
MEM_BASE = f"base: {{hw: {MEM_HW}, memtest: [--requests, '2000', --seed, '${{seed}}']}}\n"
MEM_BASE_PLAIN = f"base: {{hw: {MEM_HW}, memtest: [--requests, '2000']}}\n"
SKIP = 77
TMP = tempfile.mkdtemp(prefix=f"qasim-sweep-{CASE}-")


def sweep(*args, check=True):
    p = subprocess.run([QASIM, "sweep", *args], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"qasim sweep {' '.join(args)}: exit {p.returncode}\n{p.stderr}")
    return p


def read(path):
    with open(path, "rb") as f:
        return f.read()


def rows(path):
    return read(path).decode().splitlines()[1:]


def reference(name="ref", jobs="2"):
    out = os.path.join(TMP, name)
    sweep(TINY, "-j", jobs, "--out", out, "--quiet")
    return out


def same_results(a, b):
    for f in ("results.csv", "pareto.csv"):
        ta, tb = read(os.path.join(a, f)), read(os.path.join(b, f))
        assert ta == tb, f"{a}/{f} differs from {b}/{f}:\n{ta.decode()}\n---\n{tb.decode()}"


def case_j2_27():
    j2 = reference("j2", "2")
    lines = rows(os.path.join(j2, "results.csv"))
    assert len(lines) == 27, f"{len(lines)} rows"
    for i, line in enumerate(lines):
        f = line.split(",")
        assert f[0] == str(i), f"row {i} is point {f[0]}"
        assert f[-2] == "ok", line
        assert os.path.getsize(os.path.join(j2, f[-1])) > 0, f"{f[-1]} missing"
    assert len(rows(os.path.join(j2, "pareto.csv"))) >= 1
    same_results(j2, reference("j1", "1"))


def case_shard_merge():
    ref = reference()
    shards = []
    for i in range(3):
        d = os.path.join(TMP, f"shard{i}")
        sweep(TINY, "-j", "2", "--shard", f"{i}/3", "--out", d, "--quiet")
        n = len(rows(os.path.join(d, "results.csv")))
        assert n == 9, f"shard {i}/3 has {n} rows"
        shards.append(d)
    merged = os.path.join(TMP, "merged")
    sweep("--merge", *reversed(shards), "--out", merged, "--quiet")
    same_results(ref, merged)
    # Report paths stay valid in the merged folder.
    for line in rows(os.path.join(merged, "results.csv")):
        assert os.path.getsize(os.path.join(merged, line.split(",")[-1])) > 0
    # A missing shard is reported, not silently ignored.
    partial = sweep("--merge", shards[0], shards[1], "--out", os.path.join(TMP, "partial"))
    assert "9 of 27 points missing" in partial.stderr, partial.stderr


def wait_rows(path, n, proc, limit_s=60):
    t0 = time.time()
    while time.time() - t0 < limit_s:
        if os.path.exists(path) and len(rows(path)) >= n:
            return
        if proc.poll() is not None:
            raise AssertionError("the sweep ended before it could be interrupted")
        time.sleep(0.005)
    raise AssertionError(f"no {n} rows in {path} after {limit_s} s")


def case_resume_after_kill():
    ref = reference()
    for how in ("SIGKILL", "SIGTERM"):
        out = os.path.join(TMP, f"killed_{how}")
        p = subprocess.Popen([QASIM, "sweep", TINY, "-j", "2", "--out", out], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
        wait_rows(os.path.join(out, "results.csv"), 6, p)
        if how == "SIGKILL":
            os.killpg(p.pid, signal.SIGKILL)  # the sweep and its running points, with no warning
        else:
            p.send_signal(signal.SIGTERM)  # the sweep stops its points and exits
        _, err = p.communicate(timeout=60)
        done = len(rows(os.path.join(out, "results.csv")))
        assert 6 <= done < 27, f"{how}: {done} rows after the kill"
        if how == "SIGTERM":
            assert p.returncode == 128 + signal.SIGTERM, f"exit {p.returncode}: {err}"
            assert "continue with --resume" in err, err
        else:
            time.sleep(0.3)  # let orphaned points (if any) finish before resuming
        # A plain re-run refuses to overwrite; --resume runs only the missing points.
        again = sweep(TINY, "--out", out, check=False)
        assert again.returncode == 2 and "--resume" in again.stderr, again.stderr
        r = sweep(TINY, "-j", "2", "--out", out, "--resume")
        assert f"{done} already done" in r.stderr, r.stderr
        same_results(ref, out)


def write(name, text):
    p = os.path.join(TMP, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def case_bad_files():
    base = f"base: {{hw: {HW}, workload: {TRACE}}}\n"
    cases = [
        ("unknown_key_path.yaml", base + "grid: {units.sa0.rowz: [4, 8]}\n",
         ["grid.units.sa0.rowz", "unknown key path", "allowed keys: rows, cols"]),
        ("unknown_unit.yaml", base + "grid: {units.sa9.rows: [4, 8]}\n", ["grid.units.sa9.rows", "unknown key path"]),
        ("empty_grid.yaml", base + "grid: {units.sa0.rows: [4], units.sa0.dataflow: []}\n",
         ["grid.units.sa0.dataflow", "empty list"]),
        ("zip_lengths.yaml", base + "zip: {units.sa0.rows: [4, 8, 16], units.sa0.cols: [4, 8]}\n",
         ["zip: lists varied together must have equal lengths", "units.sa0.rows has 3", "units.sa0.cols has 2"]),
        ("unknown_objective.yaml", base + "grid: {units.sa0.rows: [4]}\nobjectives: [time_ns, latency]\n",
         ["objectives[1]", "unknown objective 'latency'"]),
        ("unknown_top_key.yaml", base + "grids: {units.sa0.rows: [4]}\n", ["grids: unknown key"]),
        ("bad_constraint.yaml", base + "grid: {units.sa0.rows: [4]}\nconstraints: [\"units.sa0.rows >\"]\n",
         ["constraints[0]", "column"]),
        ("missing_workload.yaml", f"base: {{hw: {HW}, workload: nowhere/t.yaml}}\n",
         ["base.workload", "nowhere/t.yaml", "not found"]),
        ("memtest_bad_option.yaml", MEM_BASE_PLAIN + "grid: {memtest.outstandng: [1, 8]}\n",
         ["grid.memtest.outstandng", "qasim memtest has no option --outstandng"]),
        ("memtest_bad_value.yaml", MEM_BASE_PLAIN + "grid: {memtest.outstanding: [1, eight]}\n",
         ["base.memtest with memtest.outstanding", "'eight'", "--outstanding"]),
        ("memtest_and_workload.yaml",
         f"base: {{hw: {MEM_HW}, workload: {TRACE}, memtest: [--requests, '100']}}\n",
         ["base.memtest: give either workload", "not both"]),
        ("memtest_output_file.yaml", f"base: {{hw: {MEM_HW}, memtest: [--latency-csv, l.csv]}}\n",
         ["base.memtest[0]: '--latency-csv' is not allowed"]),
    ]
    for name, text, needles in cases:
        path = write(name, text)
        out = os.path.join(TMP, "out_" + name)
        p = sweep(path, "--out", out, check=False)
        assert p.returncode == 2, f"{name}: exit {p.returncode}: {p.stderr}"
        assert path in p.stderr, f"{name}: the file is not named: {p.stderr}"
        for n in needles:
            assert n in p.stderr, f"{name}: {n!r} not in {p.stderr!r}"
        assert not os.path.exists(out), f"{name}: {out} was created: a point ran"
    p = sweep(TINY, "--shard", "3/3", "--out", os.path.join(TMP, "s"), check=False)
    assert p.returncode == 2 and "--shard" in p.stderr, p.stderr


def case_failing_point():
    path = write("failing.yaml", f"base: {{hw: {HW}, workload: {TRACE}}}\n"
                                 "grid: {units.sa0.rows: [0, 4], units.sa0.dataflow: [os, xs]}\n")
    out = os.path.join(TMP, "failing")
    p = sweep(path, "-j", "2", "--out", out)
    lines = rows(os.path.join(out, "results.csv"))
    assert len(lines) == 4, lines
    status = {int(line.split(",")[0]): line for line in lines}
    assert "units.sa0.rows" in status[0] and "'0'" in status[0], status[0]
    assert "units.sa0.dataflow" in status[3] and "xs" in status[3], status[3]
    assert status[2].split(",")[-2] == "ok", status[2]
    assert "3 failed" in p.stdout, p.stdout
    assert [r.split(",")[0] for r in rows(os.path.join(out, "pareto.csv"))] == ["2"]


def python_with_matplotlib():
    for exe in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if exe and os.path.exists(exe) and subprocess.run([exe, "-c", "import matplotlib, yaml"],
                                                          capture_output=True).returncode == 0:
            return exe
    raise AssertionError("no python3 with matplotlib and yaml (scripts/setup.sh installs python3-matplotlib)")


def check_plots(out, n_params, *extra, n_other=0):
    p = subprocess.run([python_with_matplotlib(), "scripts/plot_sweep.py", out, *extra], capture_output=True,
                       text=True)
    assert p.returncode == 0, p.stderr
    files = p.stdout.split()
    assert len(files) == 1 + n_params + n_other, files
    assert os.path.basename(files[0]).startswith("pareto_"), files
    for f in files:
        data = read(f)
        assert len(data) > 1000 and data[:8] == b"\x89PNG\r\n\x1a\n", f"{f}: not a PNG ({len(data)} bytes)"
    return files


def case_plots_tiny():
    out = reference()
    files = check_plots(out, 4)
    assert os.path.join(out, "plots", "param_units.sa0.dataflow.png") in files, files
    files = check_plots(out, 4, "--x", "area_mm2", "--y", "time_ns")
    assert files[0].endswith("pareto_area_mm2_vs_time_ns.png"), files


def case_memtest_points():
    import json
    path = write("mem.yaml", MEM_BASE + "grid:\n  $seed: [3]\n  memtest.pattern: [random, mixed]\n"
                                        "  memtest.outstanding: [1, 16]\n  memory.hbm0.read_queue_depth: [32]\n"
                                        "objectives: [max:bandwidth_gbps, p99_read_latency_ns]\n")
    out = os.path.join(TMP, "mem")
    sweep(path, "-j", "2", "--out", out, "--quiet")
    text = read(os.path.join(out, "results.csv")).decode().splitlines()
    header = text[0].split(",")
    assert header[:5] == ["point", "$seed", "memtest.pattern", "memtest.outstanding",
                          "memory.hbm0.read_queue_depth"], header
    metrics = header[5:-2]
    assert metrics == ["bandwidth_gbps", "mean_read_latency_ns", "p50_read_latency_ns", "p99_read_latency_ns",
                       "row_hit_rate", "activations_per_request", "energy_pj"], metrics
    assert len(text) == 5, text
    for line in text[1:]:
        f = dict(zip(header, line.split(",")))
        assert f["status"] == "ok", line
        assert f["report"].endswith("/memtest.json"), line
        p = subprocess.run([QASIM, "memtest", "--hw", MEM_HW, "--requests", "2000", "--seed", "3", "--pattern",
                            f["memtest.pattern"], "--outstanding", f["memtest.outstanding"], "--set",
                            "memory.hbm0.read_queue_depth=32", "--json"], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        # Same numbers as written: compare the JSON texts of the by-hand run.
        by_hand = {}
        for ln in p.stdout.splitlines():
            if '": ' in ln:
                k, v = ln.split('": ', 1)
                by_hand[k.strip().strip('"')] = v.strip().rstrip(",")
        for m in metrics:
            assert f[m] == by_hand[m], f"point {f['point']}: {m} {f[m]} vs {by_hand[m]} by hand"
        saved = json.load(open(os.path.join(out, f["report"])))
        assert saved == json.loads(p.stdout), f"point {f['point']}: memtest.json differs from the run by hand"
    r = sweep(path, "-j", "2", "--out", out, "--resume")
    assert "running 0" in r.stderr, r.stderr
    assert read(os.path.join(out, "results.csv")).decode().splitlines() == text
    files = check_plots(out, 4, n_other=1)
    assert os.path.join(out, "plots", "latency_vs_bandwidth.png") in files, files
    assert files[0].endswith("pareto_bandwidth_gbps_vs_p99_read_latency_ns.png"), files


SHIPPED = {
    # name: (unit types it needs, varied parameters, expected points[, other plots])
    "systolic_vit": (["systolic_array"], 4, 27),
    "llm_decode_bits": (["systolic_array", "bitserial_array", "lut_tensor_core"], 3, 24),
    "lut_dla": (["lut_tensor_core"], 4, 9),
    "hbm2_loaded_latency": ([], 2, 30, 1),
}


def case_shipped(name):
    types, n_params, n_points, *other = SHIPPED[name]
    for t in types:
        if subprocess.run([QASIM, "describe", t], capture_output=True).returncode != 0:
            print(f"skipped: unit type {t} is not registered in this build")
            sys.exit(SKIP)
    out = os.path.join(TMP, name)
    t0 = time.time()
    p = sweep(f"configs/sweeps/{name}.yaml", "-j", "2", "--out", out)
    wall = time.time() - t0
    lines = rows(os.path.join(out, "results.csv"))
    assert len(lines) == n_points, f"{len(lines)} rows"
    bad = [line for line in lines if line.split(",")[-2] != "ok"]
    assert not bad, "failed points:\n" + "\n".join(bad)
    print(f"{name}: {n_points} points in {wall:.1f} s wall with -j 2 = {n_points / wall * 60:.1f} points/min")
    print(p.stdout)
    check_plots(out, n_params, n_other=other[0] if other else 0)


def main():
    try:
        if CASE.startswith("shipped_"):
            case_shipped(CASE[len("shipped_"):])
        else:
            globals()["case_" + CASE]()
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print(f"{CASE}: ok")


if __name__ == "__main__":
    main()
