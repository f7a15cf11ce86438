#!/usr/bin/env python3
"""memtest --write-trace: a pattern written as a trace and played back with --trace gives the same
report (the trace holds exactly the pattern's requests, in order); with --trace it is an error."""
import json
import os
import subprocess
import sys
import tempfile

QASIM = sys.argv[1]
HW = "configs/hw/hbm2_reference.yaml"


def memtest(*args, code=0):
    p = subprocess.run([QASIM, "memtest", "--hw", HW] + list(args), capture_output=True, text=True)
    assert p.returncode == code, (args, p.returncode, p.stderr)
    return p


def main():
    out = tempfile.mkdtemp(prefix="qasim-wtrace-")
    path = os.path.join(out, "p.trace")
    for args in [["--pattern", "mixed", "--requests", "20000", "--seed", "9"],
                 ["--pattern", "stride", "--requests", "5000", "--stride-bytes", "8192"],
                 ["--pattern", "random", "--requests", "3000", "--request-bytes", "128",
                  "--read-ratio", "0.7", "--outstanding", "8"]]:
        a = json.loads(memtest(*args, "--json", "--write-trace", path).stdout)
        lines = open(path).read().splitlines()
        assert len(lines) == a["requests"], (len(lines), a["requests"])
        assert sum(1 for x in lines if x.endswith(" W")) == a["writes"]
        keep = [x for x in args if x in ("--request-bytes", "--outstanding")]
        extra = sum(([x, args[args.index(x) + 1]] for x in keep), [])
        b = json.loads(memtest("--trace", path, "--json", *extra).stdout)
        diff = {k: (a[k], b[k]) for k in a if k != "source" and a[k] != b[k]}
        assert not diff, (args, diff)
    p = memtest("--trace", path, "--write-trace", path + "2", code=2)
    assert "--write-trace" in p.stderr, p.stderr
    print("ok")


main()
