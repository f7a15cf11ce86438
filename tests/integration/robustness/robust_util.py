"""Shared helpers of the robustness tests: run qasim, expect exit 2 and a message with needles."""
import os
import subprocess
import sys
import tempfile

QASIM = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else "build/qasim"
TMP = tempfile.mkdtemp(prefix="qasim-robust-")
TINY_HW = "tests/integration/sweep/tiny_hw.yaml"
TINY_WL = "tests/integration/sweep/tiny_gemm.yaml"
HBM_HW = "configs/hw/hbm2_reference.yaml"
CSV_HEADER = "name,op,m,k,n,batch,repeat,elems,b_src,a_fmt,b_fmt,out_fmt\n"
_count = [0]


def write(name, text):
    p = os.path.join(TMP, name)
    with open(p, "w") as f:
        f.write(text)
    return p


def run(args, timeout=120):
    return subprocess.run([QASIM, *args], capture_output=True, text=True, timeout=timeout)


def expect_error(args, *needles):
    """One negative test: exit code 2, every needle in stderr, no crash/internal error."""
    try:
        p = run(args, timeout=60)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"{args}: hangs (no answer in 60 s)")
    assert p.returncode == 2, f"{args}: exit {p.returncode}, stderr: {p.stderr}"
    for n in needles:
        assert n in p.stderr, f"{args}: {n!r} not in {p.stderr!r}"
    for bad in ("internal error", "terminate called", "Traceback", "AddressSanitizer", "runtime error"):
        assert bad not in p.stderr, f"{args}: {bad!r} in {p.stderr!r}"
    _count[0] += 1


def done(what):
    print(f"ok: {_count[0]} {what} negative tests")
