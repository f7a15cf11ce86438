#!/usr/bin/env bash
# Configures and builds qasim in Release into build/ (or $QASIM_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${QASIM_BUILD_DIR:-build}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$dir" -j"$jobs"
