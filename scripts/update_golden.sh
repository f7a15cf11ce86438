#!/usr/bin/env bash
# Review flow for golden expected values (tests/golden/*.yaml, format in sim/golden.h).
#
#   scripts/update_golden.sh [GLOB]        e.g. scripts/update_golden.sh 'regression_*'
#
# 1. Builds qasim (scripts/build.sh; build/ or $QASIM_BUILD_DIR).
# 2. Runs `qasim regress tests/golden --update`: every case runs and is compared; the expected values
#    of failing `source: "regression: qasim ..."` cases are rewritten in place (comments and layout
#    kept), and each change is printed as `metric: old -> new` before the file is written.
#    Cases with an independent source (scale-sim, closed form, dram reference, published) are never
#    rewritten: a mismatch there makes the command refuse (exit 2). Fix the simulator, or — if the
#    reference itself was wrong — edit that case by hand and say why in its comment.
# 3. Shows `git diff --stat` and `git diff tests/golden` for review. Nothing is committed: read the
#    diff, re-run `qasim regress tests/golden`, and commit the changed cases together with the code
#    change that explains them (name the reason in the commit message).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${QASIM_BUILD_DIR:-build}
jobs=$(nproc 2>/dev/null || echo 2)
scripts/build.sh >/dev/null
filter=()
if [[ $# -ge 1 ]]; then filter=(--filter "$1"); fi
status=0
"$dir/qasim" regress tests/golden --root . -j "$jobs" --update --failures-only "${filter[@]}" || status=$?
echo
if command -v git >/dev/null && git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git --no-pager diff --stat -- tests/golden
    git --no-pager diff -- tests/golden
fi
if [[ $status -ne 0 ]]; then
    echo "update_golden: qasim regress --update exited with $status (2: malformed case or refused update," \
         "1: a case failed to run); nothing else was changed" >&2
fi
exit $status
