#!/usr/bin/env python3
"""Sizes: MAC/element counts beyond the 64-bit counters are rejected with a message naming the row
(never wrap); a LLaMA-2-70B prefill at S=32768 is rejected by the zoo (max context 4096) with a
message, and the same model with a 32k context (HF config) gives MAC totals equal to the exact
(Python big-integer) sum of its trace rows."""
import json
import os
import sys

from robust_util import CSV_HEADER, TMP, done, expect_error, run, write

LLM_HW = "configs/hw/llm_npu.yaml"
BIG_PROXY_SEQ = int(os.environ.get("QASIM_SIZES_SEQ", "128"))


def main():
    # One GEMM with M*K*N = 2^66.
    p = write("mkn.yaml", "schema: qasim.trace/1\nops:\n  - {name: big, op: gemm, m: 4194304, k: 4194304, "
              "n: 4194304}\n")
    expect_error(["run", "--hw", LLM_HW, "--workload", p], p, "big", "2^6")
    # M*K*N fits, times batch does not.
    p = write("batch.yaml", "schema: qasim.trace/1\nops:\n  - {name: bat, op: gemm, m: 1048576, k: 1048576, "
              "n: 1048576, batch: 1024}\n")
    expect_error(["run", "--hw", LLM_HW, "--workload", p], p, "bat", "2^6")
    # Each row fits (2^62 MACs), their sum does not: total.macs would wrap.
    row = "{name: %s, op: gemm, m: 1048576, k: 1048576, n: 1048576, batch: 4}"
    p = write("sum.yaml", "schema: qasim.trace/1\nops:\n  - " + row % "r0" + "\n  - " + row % "r1" + "\n")
    expect_error(["run", "--hw", LLM_HW, "--workload", p], p, "r1", "total MACs", "2^62")
    # The CSV reader, with repeat.
    p = write("rep.csv", CSV_HEADER + "rep,gemm,65536,65536,65536,1,1048576,,weight,,,\n")
    expect_error(["run", "--hw", LLM_HW, "--workload", p], p, "rep", "2^6")
    # Elementwise ops: elems*repeat.
    p = write("elems.yaml", "schema: qasim.trace/1\nops:\n  - {name: el, op: add, elems: 9223372036854775807, "
              "repeat: 4}\n")
    expect_error(["run", "--hw", LLM_HW, "--workload", p], p, "el")
    # Integers beyond 2^64 in the trace itself.
    p = write("u64.yaml", "schema: qasim.trace/1\nops:\n  - {name: x, op: gemm, m: 18446744073709551616, k: 1, "
              "n: 1}\n")
    expect_error(["run", "--hw", LLM_HW, "--workload", p], p, "m", "18446744073709551616")
    # The zoo's LLaMA-2-70B refuses S=32768 (beyond max_position_embeddings) with a message.
    expect_error(["run", "--hw", LLM_HW, "--workload", "zoo:llama2-70b:prefill?seq=32768&quant=W4A16"],
                 "32768", "maximum context 4096")
    done("size")
    # The 70B shapes with a 32k context: MAC totals are exact. S is QASIM_SIZES_SEQ (default 128 to
    # keep ctest short; 32768 was run once by hand, see the issue-12 note).
    cfg = json.load(open("workloads/zoo/llama2-70b.json"))
    cfg["max_position_embeddings"] = 32768
    hf = write("llama2_70b_32k.json", json.dumps(cfg))
    tr = os.path.join(TMP, "l70.csv")
    p = run(["trace", "--hf-config", hf, "--phase", "prefill", "--seq", str(BIG_PROXY_SEQ), "--quant", "W4A16",
             "--out", tr])
    assert p.returncode == 0, p.stderr
    want = 0
    for line in open(tr):
        if line.startswith("#") or line.startswith("name,"):
            continue
        f = line.rstrip("\n").split(",")
        m, k, n, batch, repeat = (int(x) if x else 0 for x in f[2:7])
        if m:
            want += m * k * n * max(batch, 1) * max(repeat, 1)
    out = os.path.join(TMP, "l70_out")
    p = run(["run", "--hw", LLM_HW, "--workload", tr, "--out", out, "--quiet"], timeout=1800)
    assert p.returncode == 0, p.stderr
    rep = json.load(open(os.path.join(out, "report.json")))
    got = rep["total"]["macs"]
    assert got == want, f"macs {got} != exact {want}"
    assert sum(L["macs"] for L in rep["layers"]) == got
    for key in ("cycles", "dram_read_bytes", "dram_write_bytes"):
        assert 0 < rep["total"][key] < 2**63, (key, rep["total"][key])
    print(f"ok: llama2-70b prefill S={BIG_PROXY_SEQ}: {got} MACs exact, {rep['total']['cycles']} cycles")


if __name__ == "__main__":
    sys.exit(main())
