#!/usr/bin/env bash
# Configures and builds the sanitizer build: clang, AddressSanitizer + UndefinedBehaviorSanitizer,
# with the libFuzzer targets, into build-san/ (or $QASIM_SAN_BUILD_DIR).
#   scripts/sanitize_build.sh [TARGET...]     (no target: everything, i.e. tests + fuzz targets)
# One build serves both scripts/test.sh (ctest under ASan+UBSan) and scripts/fuzz.sh: every object
# is compiled with -fsanitize=address,undefined,fuzzer-no-link (coverage hooks, inert without the
# libFuzzer runtime); only fuzz_<name> executables link -fsanitize=fuzzer, tests and qasim link the
# plain ASan/UBSan runtimes (tests/fuzz/CMakeLists.txt). SystemC, yaml-cpp and Boost are the
# uninstrumented Debian libraries (gcc, libstdc++), which clang links as usual.
# -O1 -gline-tables-only: the optimisation level the ASan docs recommend, with file:line in reports
# and less compile/link work than -O2 -g (the CI budget: scripts/test.sh). The gcc sanitizer build stays available by hand:
#   cmake -S . -B build-asan -DQASIM_SANITIZE=address,undefined && cmake --build build-asan
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${QASIM_SAN_BUILD_DIR:-build-san}
jobs=$(nproc 2>/dev/null || echo 2)
CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
  -DQASIM_SANITIZE=address,undefined -DQASIM_FUZZ=ON -DQASIM_BUILD_TESTS=ON -DQASIM_BUILD_BENCH=OFF \
  >/dev/null
if [ $# -gt 0 ]; then
  cmake --build "$dir" -j"$jobs" --target "$@"
else
  cmake --build "$dir" -j"$jobs"
fi
