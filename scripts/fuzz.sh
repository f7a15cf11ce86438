#!/usr/bin/env bash
# Fuzzes every parser with libFuzzer (clang, ASan+UBSan): scripts/fuzz.sh [SECONDS per target] [TARGET...]
# Builds the fuzz_<name> targets in the sanitizer build (scripts/sanitize_build.sh, build-san/ or
# $QASIM_SAN_BUILD_DIR), the same build that scripts/test.sh runs ctest in.
# Seeds come from configs/ and tests/fuzz/corpus/; a crashing input is copied to
# tests/fuzz/regressions/<target>/, which ctest replays in every build (fuzz.replay.<target>).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
scripts/setup.sh clang libclang-rt-14-dev llvm-14
export QASIM_SAN_BUILD_DIR=${QASIM_SAN_BUILD_DIR:-${QASIM_FUZZ_BUILD_DIR:-build-san}}
dir=$QASIM_SAN_BUILD_DIR
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=($(ls tests/fuzz/fuzz_*.cpp | sed 's|.*/fuzz_||; s|\.cpp||'))
fi
scripts/sanitize_build.sh $(printf 'fuzz_%s ' "${targets[@]}")
status=0
for t in "${targets[@]}"; do
  seeds=(tests/fuzz/corpus/$t tests/fuzz/regressions/$t)  # past crashes seed the search too
  case $t in
    hw_config) seeds+=(configs/hw tests/golden/hw) ;;
    trace_yaml) seeds+=(configs/workloads) ;;
    sweep) seeds+=(configs/sweeps) ;;
  esac
  work="$dir/corpus/$t"; mkdir -p "$work" "tests/fuzz/regressions/$t"
  existing=()
  for s in "${seeds[@]}"; do [ -d "$s" ] && existing+=("$s"); done
  echo "== fuzz_$t for ${secs}s"
  if ! ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      "$dir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 \
      -artifact_prefix="tests/fuzz/regressions/$t/" -print_final_stats=1 "$work" "${existing[@]}" \
      2>"$dir/fuzz_$t.log"; then
    echo "fuzz_$t: FAILED (see $dir/fuzz_$t.log; input saved in tests/fuzz/regressions/$t/)"
    tail -30 "$dir/fuzz_$t.log"
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$dir/fuzz_$t.log" | sed "s/^/fuzz_$t: /" || true
done
exit $status
