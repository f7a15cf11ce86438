#!/usr/bin/env bash
# Set-up, build and run every test with ctest, in two builds (CI: .ci/run, 2 cores, < 25 min):
#  1. Release (gcc, build/ or $QASIM_BUILD_DIR): the whole suite, i.e. unit, integration, fuzz
#     corpus replays and the golden regressions (label golden).
#  2. Sanitizers (clang, AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer, build-san/
#     or $QASIM_SAN_BUILD_DIR, scripts/sanitize_build.sh): the whole unit and integration suite
#     again (every test but label golden), then a short libFuzzer run of every parser
#     (scripts/fuzz.sh) from the same build: one compile serves both.
# The golden cases stay Release-only: they are regression numbers (whole-model results compared
# with stored values, sim/golden.h), not unit or integration tests, and run through the same code
# paths that the unit and integration tests exercise under the sanitizers.
# Environment:
#   QASIM_SKIP_ASAN=1        skip the sanitizer ctest (stage 2a)
#   QASIM_SKIP_FUZZ=1        skip the fuzzing (stage 2b)
#   QASIM_FUZZ_SECONDS=N     fuzzing time per target (default 30: 6 targets, 3 min; CI budget: 25 min
#                            on 2 cores for everything, apt installs included)
#   QASIM_ASAN_CTEST_ARGS=.. ctest selection under the sanitizers (default: -LE golden; empty: all)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
skip_asan=${QASIM_SKIP_ASAN:-0}
skip_fuzz=${QASIM_SKIP_FUZZ:-0}
fuzz_secs=${QASIM_FUZZ_SECONDS:-30}

# Wall and CPU time (this shell's children: compilers, tests) of each stage, for the CI log.
stage_t0=$SECONDS
stage_cpu0=0
times_file=$(mktemp); trap 'rm -f "$times_file"' EXIT
stage_done() {  # `times` must run in this shell, not in a pipe or $(...): user+sys of the children
  times >"$times_file"
  local cpu; cpu=$(tail -1 "$times_file" | awk '{ for (i = 1; i <= 2; i++) { split($i, a, "m");
    s += a[1] * 60 + a[2] } printf "%.0f", s }')
  echo "== time: $1: $((SECONDS - stage_t0)) s wall, $((cpu - stage_cpu0)) s CPU"
  stage_t0=$SECONDS; stage_cpu0=$cpu
}

extra=()
if [ "$skip_asan" != 1 ] || [ "$skip_fuzz" != 1 ]; then
  extra=(clang libclang-rt-14-dev llvm-14)  # llvm-14: llvm-symbolizer for sanitizer reports
fi
scripts/setup.sh "${extra[@]}"
stage_done setup

echo "== Release build and the whole suite"
scripts/build.sh -DQASIM_BUILD_TESTS=ON
stage_done "Release build"
ctest --test-dir "${QASIM_BUILD_DIR:-build}" --output-on-failure -j"$jobs" --timeout 600
stage_done "Release ctest"

if [ "$skip_asan" != 1 ] || [ "$skip_fuzz" != 1 ]; then
  echo "== sanitizer build (clang, ASan+UBSan, libFuzzer targets) in ${QASIM_SAN_BUILD_DIR:-build-san}"
  if [ "$skip_asan" != 1 ]; then
    scripts/sanitize_build.sh
  fi  # else scripts/fuzz.sh builds only the fuzz targets
  stage_done "sanitizer build"
fi

if [ "$skip_asan" != 1 ]; then
  echo "== unit and integration suite under ASan+UBSan"
  # halt_on_error: the first report fails the test (UBSan is also built -fno-sanitize-recover=all).
  # LeakSanitizer stays on (qasim run/sweep/memtest and the SystemC unit tests exit leak-free).
  # detect_stack_use_after_return=0: SystemC 2.3.4 (Debian) switches between QuickThreads coroutine
  #   stacks without telling ASan, and ASan's fake stacks for use-after-return do not survive such
  #   switches (ASan FAQ: false positives with swapcontext/coroutines): with =1 every run dies with a
  #   SEGV inside the first SC_THREAD (Sequencer::run). Off by default; spelled out so that it stays off.
  # LSAN_OPTIONS=use_stacks=0: LeakSanitizer does not scan thread stacks for roots (heap, globals
  #   and TLS still are; a leak is still a failure). SystemC's coroutines run on heap-allocated
  #   stacks whose lowest page is mprotect'ed PROT_NONE (sc_cor_qt stack protection), and ASan is
  #   not told about the switches, so at exit LSan can take a coroutine stack for the main
  #   thread's and read its guard page: "Tracer caught signal 11", exit 1, in every SystemC run —
  #   depending on the heap layout (it appeared after an unrelated change to models/dram).
  export ASAN_OPTIONS=halt_on_error=1:detect_stack_use_after_return=0
  export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  export LSAN_OPTIONS=use_stacks=0
  if [ -n "${QASIM_ASAN_CTEST_ARGS+x}" ]; then
    sel=($QASIM_ASAN_CTEST_ARGS)
  else
    sel=(-LE golden)
  fi
  ctest --test-dir "${QASIM_SAN_BUILD_DIR:-build-san}" --output-on-failure -j"$jobs" --timeout 1800 \
    "${sel[@]}"
  stage_done "sanitizer ctest"
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
fi

if [ "$skip_fuzz" != 1 ]; then
  echo "== short fuzz run (${fuzz_secs} s per target)"
  scripts/fuzz.sh "$fuzz_secs"
  stage_done "fuzz"
fi
echo "== time: total: $SECONDS s wall"
