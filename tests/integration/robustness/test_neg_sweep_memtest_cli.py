#!/usr/bin/env python3
"""Bad sweep files, memtest arguments and CLI arguments: exit 2 with a message naming the option or
file, key, value and what is allowed."""
from robust_util import HBM_HW, TINY_HW, TINY_WL, TMP, done, expect_error, write

SWEEP = f"name: s\nbase:\n  hw: {TINY_HW}\n  workload: {TINY_WL}\n"


def sweep_case(name, text, *needles):
    p = write(name, text)
    expect_error(["sweep", p, "--list"], p, *needles)


def memtest(case):
    args, needles = case
    expect_error(["memtest", "--hw", HBM_HW, *args], *needles)


def main():
    # Sweeps.
    sweep_case("key.yaml", SWEEP + "grid:\n  units.sa0.rowz: [4, 8]\n", "grid.units.sa0.rowz", "rowz",
               "allowed keys")
    sweep_case("empty.yaml", SWEEP + "grid:\n  units.sa0.rows: []\n", "grid.units.sa0.rows", "empty list")
    sweep_case("top.yaml", SWEEP + "gird:\n  units.sa0.rows: [4]\n", "gird", "unknown key", "grid, zip")
    sweep_case("zip.yaml", SWEEP + "zip:\n  units.sa0.rows: [4, 8]\n  units.sa0.cols: [4]\n", "zip",
               "equal lengths")
    sweep_case("obj.yaml", SWEEP + "grid:\n  units.sa0.rows: [4]\nobjectives: [speed]\n", "objectives[0]",
               "'speed'", "time_ns")
    sweep_case("base.yaml", "name: s\nbase:\n  hw: /nonexistent.yaml\n  workload: x\ngrid:\n"
               "  units.sa0.rows: [4]\n", "/nonexistent.yaml", "base.workload")
    sweep_case("map_key.yaml", SWEEP + "grid:\n  {a: 1}: [4]\n")
    good = write("good.yaml", SWEEP + "grid:\n  units.sa0.rows: [4]\n")
    expect_error(["sweep", good, "--list", "--shard", "3/2"], "--shard", "'3/2'", "0 <= I < N")
    expect_error(["sweep", TMP + "/no_such_sweep.yaml"], "no_such_sweep.yaml", "cannot be read")
    # memtest arguments.
    memtest((["--pattern", "zigzag", "--requests", "10"], ["--pattern", "'zigzag'", "stream, random"]))
    memtest((["--pattern", "stream", "--requests", "0"], ["--requests", "[1, 2^32]", "got 0"]))
    # "-5" became 2^64-5 requests (an endless run) before the bound.
    memtest((["--pattern", "stream", "--requests", "-5"], ["--requests", "[1, 2^32]"]))
    memtest((["--pattern", "mixed", "--requests", "10", "--read-ratio", "1.5"], ["--read-ratio", "[0, 1]"]))
    # A negative or NaN ratio was silently replaced by the default before.
    memtest((["--pattern", "mixed", "--requests", "10", "--read-ratio", "-0.5"], ["--read-ratio", "[0, 1]"]))
    memtest((["--pattern", "mixed", "--requests", "10", "--read-ratio", "nan"], ["--read-ratio", "[0, 1]"]))
    memtest((["--pattern", "stride", "--requests", "10", "--stride-bytes", "0"], ["--stride-bytes", ">= 1"]))
    memtest((["--pattern", "stream", "--requests", "10", "--request-bytes", "100"],
             ["--request-bytes", "multiple of the burst", "100"]))
    for bad in ["0", "3/0", "1.5", "-1", "2/", "/4", "1/2/3", "x", "2000000"]:
        memtest((["--pattern", "stream", "--requests", "10", "--offer-rate", bad],
                 ["--offer-rate", "'" + bad + "'", "N/M", "[1, 1000000]"]))
    memtest((["--memory", "nope", "--pattern", "stream", "--requests", "10"], ["'nope'", "hbm0"]))
    memtest((["--pattern", "stream", "--requests", "abc"], ["'abc'", "--requests"]))
    memtest(([], ["--pattern", "--trace"]))
    tr = write("bad.trace", "0x1000 READ 0\nbogus line here\n")
    memtest((["--trace", tr], [tr + ":2", "'bogus'", "hexadecimal"]))
    tr = write("long.trace", "0xffffffffffffffffff READ 1\n")
    memtest((["--trace", tr], [tr + ":1", "at most 16 digits"]))
    expect_error(["memtest", "--hw", TINY_HW, "--pattern", "stream", "--requests", "10"], TINY_HW,
                 "no memory of type hbm", "mem0 (ideal)")
    # CLI arguments (run / trace / describe).
    run = ["run", "--hw", TINY_HW, "--workload", TINY_WL]
    expect_error(run + ["--set", "units.sa0.rows"], "--set", "KEY.PATH=VALUE")
    expect_error(run + ["--set", "units.sa9.rows=4"], "units.sa9")
    expect_error(run + ["--hw", TINY_HW], "--hw", "more than once")
    expect_error(["run", "--hw"], "--hw", "missing")
    expect_error(["trace", "zoo:nosuchmodel"], "nosuchmodel", "llama2-7b")
    expect_error(["trace", "llama2-7b", "--quant", "W9A99"], "quant", "W9A99", "Allowed")
    expect_error(["trace", "llama2-7b", "--phase", "middle"], "--phase", "'middle'", "prefill, decode")
    expect_error(["trace", "llama2-7b", "--seq", "-3"], "--seq", "'-3'", ">= 1")
    expect_error(["trace", "llama2-7b", "--batch", "99999999999999999999"], "--batch", "99999999999999999999")
    expect_error(["trace", "llama2-7b", "--format", "xml"], "--format", "'xml'", "yaml, csv")
    expect_error(["trace", "zoo:llama2-7b:prefill?sek=4"], "sek", "unknown option", "seq")
    expect_error(["trace", "llama2-7b", "--kv-residual", "7", "--quant", "W4A16KV2"], "kv_residual", "7",
                 "multiple of the KV group")
    hf = write("hf.json", '{"hidden_size": "big"}')
    expect_error(["trace", "--hf-config", hf], hf, "model_type", "llama")
    expect_error(["run", "--hw", TINY_HW, "--workload", "zoo:llama2-7b:decode?quant=W4Z"], "quant", "W4Z")
    done("sweep/memtest/CLI")


main()
