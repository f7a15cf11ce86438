#!/usr/bin/env python3
"""qasim bench (issue 13): times whole runs in their own processes. Checks the JSON and the table, that
the simulated time it reports is the run's own (report.json total.time_ns), and the bad-input paths
(exit 2 with a message naming the option and value). Timings themselves are not judged here: they
depend on the machine (bench/results.md records them)."""
import json
import os
import subprocess
import sys
import tempfile

QASIM = sys.argv[1]
HW = "configs/hw/tpu_like.yaml"
VIT = "configs/workloads/vit_b16_w8a8.yaml"


def run(*args, cwd=None):
    return subprocess.run([QASIM, *args], capture_output=True, text=True, cwd=cwd)


def expect_error(args, *needles, cwd=None):
    p = run(*args, cwd=cwd)
    assert p.returncode == 2, (args, p.returncode, p.stdout, p.stderr)
    for n in needles:
        assert n in p.stderr, (args, n, p.stderr)


def main():
    # One custom run, twice.
    p = run("bench", "--hw", HW, "--workload", VIT, "--reps", "2", "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["schema"] == "qasim.bench/1"
    assert len(doc["cases"]) == 1
    c = doc["cases"][0]
    assert c["hw"] == HW and c["workload"] == VIT and c["reps"] == 2
    assert len(c["wall_s"]) == 2 and len(c["cpu_s"]) == 2
    assert all(w > 0 for w in c["wall_s"]) and c["peak_rss_mb"] > 0
    assert min(c["wall_s"]) <= c["wall_median_s"] <= max(c["wall_s"])
    assert "target_s" not in c and "met" not in c
    with tempfile.TemporaryDirectory(prefix="qasim-bench-") as out:
        r = run("run", "--hw", HW, "--workload", VIT, "--out", out, "--quiet")
        assert r.returncode == 0, r.stderr
        rep = json.load(open(os.path.join(out, "report.json")))
    assert abs(c["sim_time_ns"] - rep["total"]["time_ns"]) <= 1e-9 * rep["total"]["time_ns"], (
        c["sim_time_ns"], rep["total"]["time_ns"])

    # --set reaches the timed run: a smaller array takes longer in simulated time.
    p = run("bench", "--hw", HW, "--workload", VIT, "--set", "units.sa0.rows=64", "--reps", "1", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["cases"][0]["sim_time_ns"] > c["sim_time_ns"]

    # The standard cases (without the 70B prefill), table and JSON.
    p = run("bench", "--reps", "1", "--json")
    assert p.returncode == 0, p.stderr
    cases = json.loads(p.stdout)["cases"]
    assert [k["target_s"] for k in cases] == [0.5, 1.0, 1.0], cases
    assert all(k["rss_target_mb"] == 200 and isinstance(k["met"], bool) for k in cases)
    assert all(k["sim_time_ns"] > 0 for k in cases)
    p = run("bench", "--reps", "1")
    assert p.returncode == 0, p.stderr
    assert "| ViT-B/16 W8A8, tpu_like (HBM2E) |" in p.stdout, p.stdout
    assert p.stdout.count("\n| ") == 4, p.stdout  # header and three cases

    # Bad input.
    expect_error(["bench", "--reps", "0"], "--reps 0", "[1, 1000]")
    expect_error(["bench", "--reps", "-1"], "--reps -1", "[1, 1000]")
    expect_error(["bench", "--hw", HW], "--hw", "needs --workload")
    expect_error(["bench", "--workload", VIT], "--workload", "needs --hw")
    expect_error(["bench", "--set", "units.sa0.rows=64"], "--set", "needs --hw and --workload")
    expect_error(["bench", "--hw", HW, "--workload", VIT, "--long"], "--long")
    expect_error(["bench", "--hw", "no_such.yaml", "--workload", VIT], "no_such.yaml", "not found")
    expect_error(["bench", "--root", "/nonexistent-dir"], "--root", "not a directory")
    with tempfile.TemporaryDirectory(prefix="qasim-bench-cwd-") as cwd:
        expect_error(["bench"], "source tree", cwd=cwd)
    # A run that rejects its input: the run's own message comes through.
    expect_error(["bench", "--hw", HW, "--workload", VIT, "--set", "units.sa0.rows=0", "--reps", "1"],
                 "units.sa0.rows", "[1, 65536]", "exited with code 2")
    expect_error(["bench", "--bogus"], "--bogus")
    print("ok")


if __name__ == "__main__":
    main()
