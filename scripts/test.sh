#!/usr/bin/env bash
# Set-up, build and run every test (unit, integration, golden) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh -DQASIM_BUILD_TESTS=ON
dir=${QASIM_BUILD_DIR:-build}
jobs=$(nproc 2>/dev/null || echo 2)
ctest --test-dir "$dir" --output-on-failure -j"$jobs" --timeout 600
