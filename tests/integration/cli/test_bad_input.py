#!/usr/bin/env python3
"""Bad input exits 2 with one message naming file, key path, value and what is allowed."""
import os
import subprocess
import sys
import tempfile

QASIM = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="qasim-bad-")
GOOD_HW = open("configs/hw/tpu_like.yaml").read()
WL = "configs/workloads/vit_b16_w8a8.yaml"


def write(name, text):
    p = os.path.join(TMP, name)
    open(p, "w").write(text)
    return p


def expect_error(args, *needles):
    p = subprocess.run([QASIM, *args], capture_output=True, text=True)
    assert p.returncode == 2, f"{args}: exit {p.returncode}, stderr: {p.stderr}"
    for n in needles:
        assert n in p.stderr, f"{args}: {n!r} not in {p.stderr!r}"
    assert "Traceback" not in p.stderr and "terminate called" not in p.stderr


def main():
    hw = write("unknown_key.yaml", GOOD_HW.replace("rows: 128", "rows: 128\n    rowz: 3"))
    expect_error(["run", "--hw", hw, "--workload", WL], hw, "units.sa0.rowz", "unknown key", "allowed keys")
    hw = write("zero.yaml", GOOD_HW.replace("rows: 128", "rows: 0"))
    expect_error(["run", "--hw", hw, "--workload", WL], "units.sa0.rows", "'0'", "[1, 65536]")
    hw = write("neg.yaml", GOOD_HW.replace("lanes: 128", "lanes: -8"))
    expect_error(["run", "--hw", hw, "--workload", WL], "units.vec0.lanes", "'-8'")
    hw = write("type.yaml", GOOD_HW.replace("rows: 128", "rows: lots"))
    expect_error(["run", "--hw", hw, "--workload", WL], "units.sa0.rows", "'lots'", "integer")
    hw = write("df.yaml", GOOD_HW.replace("dataflow: ws", "dataflow: xs"))
    expect_error(["run", "--hw", hw, "--workload", WL], "units.sa0.dataflow", "'xs'", "os, ws, is")
    hw = write("utype.yaml", GOOD_HW.replace("type: systolic_array", "type: warp_drive"))
    expect_error(["run", "--hw", hw, "--workload", WL], "units.sa0.type", "warp_drive", "systolic_array")
    hw = write("op.yaml", GOOD_HW.replace("ops: [gemm, gemv, attention]", "ops: [gemmm]"))
    expect_error(["run", "--hw", hw, "--workload", WL], "mapping[0].ops", "gemmm", "allowed")
    expect_error(["run", "--hw", os.path.join(TMP, "missing.yaml"), "--workload", WL], "missing.yaml")
    expect_error(["run", "--hw", "configs/hw/tpu_like.yaml", "--workload", os.path.join(TMP, "none.yaml")],
                 "none.yaml")
    tr = write("bad_row.yaml", "schema: qasim.trace/1\nops:\n  - {name: x, op: gemm, m: 0, k: 4, n: 4}\n")
    expect_error(["run", "--hw", "configs/hw/tpu_like.yaml", "--workload", tr], tr, "m")
    tr = write("bad_op.yaml", "schema: qasim.trace/1\nops:\n  - {name: x, op: convolve, m: 1, k: 4, n: 4}\n")
    expect_error(["run", "--hw", "configs/hw/tpu_like.yaml", "--workload", tr], tr, "convolve")
    expect_error(["run", "--hw", "configs/hw/tpu_like.yaml", "--workload", WL, "--set", "units.sa0.rows=0"],
                 "units.sa0.rows")
    expect_error(["run", "--hw", "configs/hw/tpu_like.yaml"], "workload")
    expect_error(["run", "--hw", "configs/hw/tpu_like.yaml", "--workload", WL, "--frobnicate"], "frobnicate")
    expect_error(["nosuchcommand"], "unknown command")
    expect_error(["describe", "no_such_type"], "no_such_type", "systolic_array")
    print("ok")


main()


def overflow():
    tr = write("huge.yaml", "schema: qasim.trace/1\nops:\n  - {name: big, op: gemm, m: 4194304, k: 4194304, n: 4194304}\n")
    expect_error(["run", "--hw", "configs/hw/tpu_like.yaml", "--workload", tr], "big", "2^6")
    tr = write("huge_rep.yaml", "schema: qasim.trace/1\nops:\n  - {name: rep, op: gemm, m: 65536, k: 65536, n: 65536, repeat: 1048576}\n")
    expect_error(["run", "--hw", "configs/hw/llm_npu.yaml", "--workload", tr], "rep", "2^6")
    print("ok overflow")


overflow()
