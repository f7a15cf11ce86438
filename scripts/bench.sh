#!/usr/bin/env bash
# Times whole qasim runs and the hot-path micro-benchmarks; writes bench/results.md.
#   scripts/bench.sh                 # Release build in build-bench/, 5 repetitions per case
#   REPS=3 BUILD_DIR=build-x scripts/bench.sh
#   SKIP_LONG=1 scripts/bench.sh     # leave out LLaMA-2-70B prefill (minutes per repetition)
#   CASE_TIMEOUT=300                 # wall seconds after which a run is stopped and reported so
# Each case runs REPS times under /usr/bin/time -v; the table gives the median wall time, the
# simulated time per wall second (report.json total.time_ns / median wall) and the largest peak
# RSS. HBM bursts per second come from bench/bench_hbm (Google Benchmark), if it exists.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build-bench}"
REPS="${REPS:-5}"
SKIP_LONG="${SKIP_LONG:-0}"
JOBS="${JOBS:-2}"
OUT_MD="${OUT_MD:-$ROOT/bench/results.md}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/qasim-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

[ -x /usr/bin/time ] || "$ROOT/scripts/setup.sh" time

cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS" --target qasim >/dev/null
BENCH_TARGETS=()
for f in "$ROOT"/bench/bench_*.cpp; do
    t="$(basename "$f" .cpp)"
    if cmake --build "$BUILD_DIR" -j "$JOBS" --target "$t" >"$WORK/build_$t.log" 2>&1; then
        BENCH_TARGETS+=("$t")
    else
        echo "bench: $t does not build (left out; see the build log)" >&2
    fi
done
QASIM="$BUILD_DIR/qasim"

# The presets model DRAM with the per-burst HBM2E model (type: hbm). A simple_dram variant (one
# bandwidth, one latency: the presets' memory before the HBM model, 460.8 GB/s HBM2E = 3.6 Gb/s ×
# 1024 pins per published_numbers.md §3, 100 ns) separates the cost of the HBM model from the rest.
simple_variant() {  # $1 = preset yaml, $2 = output
    python3 - "$1" "$2" <<'PY'
import sys, yaml
hw = yaml.safe_load(open(sys.argv[1]))
for name, m in hw["memory"].items():
    if m.get("type") == "hbm":
        hw["memory"][name] = {"type": "simple_dram", "bandwidth_gbps": 460.8, "latency_ns": 100,
                              "capacity_gb": 16}
hw["name"] = hw.get("name", "hw") + "-simple-dram"
yaml.safe_dump(hw, open(sys.argv[2], "w"), sort_keys=False)
PY
}
simple_variant "$ROOT/configs/hw/tpu_like.yaml" "$WORK/tpu_like_simple.yaml"
simple_variant "$ROOT/configs/hw/llm_npu.yaml" "$WORK/llm_npu_simple.yaml"
CASE_TIMEOUT="${CASE_TIMEOUT:-300}"

ROWS=()
# time_case NAME TARGET_S REPS qasim args...   (run from the repo root: configs are relative)
time_case() {
    local name="$1" target="$2" reps="$3"
    shift 3
    local walls=() cpus=() rss=0 sim_ns="" bursts="" status="ok"
    for ((i = 0; i < reps; ++i)); do
        rm -rf "$WORK/out"
        local rc=0
        (cd "$ROOT" && timeout "$CASE_TIMEOUT" /usr/bin/time -v -o "$WORK/time.txt" "$QASIM" "$@" \
            >"$WORK/log.txt" 2>&1) || rc=$?
        if [ "$rc" = 124 ]; then
            status="not finished within ${CASE_TIMEOUT} s wall"
            break
        elif [ "$rc" != 0 ]; then
            status="failed: $(tail -n 1 "$WORK/log.txt")"
            break
        fi
        walls+=("$(python3 - "$WORK/time.txt" <<'PY'
import sys, re
t = open(sys.argv[1]).read()
m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
s = float(m[-1]) + 60 * float(m[-2]) + (3600 * float(m[-3]) if len(m) > 2 else 0)
print(s)
PY
)")
        cpus+=("$(python3 - "$WORK/time.txt" <<'PY'
import sys, re
t = open(sys.argv[1]).read()
u = float(re.search(r"User time \(seconds\): (\S+)", t).group(1))
s = float(re.search(r"System time \(seconds\): (\S+)", t).group(1))
print(u + s)
PY
)")
        local r
        r=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
        ((r > rss)) && rss=$r
        if [ -f "$WORK/out/report.json" ]; then
            sim_ns=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["time_ns"])' \
                "$WORK/out/report.json")
        fi
        # DRAM bursts (RD + WR commands of every HBM memory, stats.txt); none for simple_dram.
        bursts=""
        if [ -f "$WORK/out/stats.txt" ]; then
            bursts=$(awk '$1 ~ /\.(read|write)_bursts$/ { n += $2; f = 1 } END { if (f) printf "%.0f", n }' \
                "$WORK/out/stats.txt")
        fi
    done
    if [ "$status" != "ok" ]; then
        ROWS+=("| $name | – | – | – | – | – | $target | $status |")
        echo "bench: $name $status" >&2
        return
    fi
    local line
    line=$(python3 - "$name" "$target" "$rss" "$sim_ns" "$bursts" "${cpus[*]}" "${walls[@]}" <<'PY'
import sys, statistics
name, target, rss, sim_ns, bursts, cpus = sys.argv[1:7]
walls = sorted(float(w) for w in sys.argv[7:])
cpu = statistics.median(float(c) for c in cpus.split())
med = statistics.median(walls)
rate = f"{float(sim_ns) / med:.3g}" if sim_ns and med > 0 else "–"
rss_mb = int(rss) / 1024
ok = []
if target != "–":
    ok.append("wall ✓" if med <= float(target) else "wall ✗")
ok.append("RSS ✓" if rss_mb <= 200 else "RSS ✗")
spread = f"{walls[0]:.2f}–{walls[-1]:.2f}"
if target != "–":
    ok.append("CPU ✓" if cpu <= float(target) else "CPU ✗")
brate = f"{float(bursts) / cpu:.3g}" if bursts and cpu > 0 else "–"
print(f"| {name} | {med:.3f} ({spread}) | {cpu:.3f} | {rate} | {brate} | {rss_mb:.0f} | {target} | {', '.join(ok)} |")
PY
)
    ROWS+=("$line")
    echo "bench: $line" >&2
}

O="--out $WORK/out -q"
VIT=configs/workloads/vit_b16_w8a8.yaml
DEC="zoo:llama2-7b:decode?quant=W4A16KV2&context=1024"
DEC_INT8="zoo:llama2-7b:decode?quant=W4A8KV8,lm_head=int8/channel/fp32&context=1024"
P70="zoo:llama2-70b:prefill?seq=2048&quant=W4A16"
time_case "ViT-B/16 W8A8, tpu_like (HBM2E)" 0.5 "$REPS" run $O --hw configs/hw/tpu_like.yaml --workload $VIT
time_case "ViT-B/16 W8A8, tpu_like, simple_dram" 0.5 "$REPS" run $O --hw "$WORK/tpu_like_simple.yaml" \
    --workload $VIT
time_case "ViT-B/16 W8A8, tpu_like (HBM2E), --timeline on" – "$REPS" run $O --hw configs/hw/tpu_like.yaml \
    --workload $VIT --timeline "$WORK/timeline.json"
time_case "LLaMA-2-7B W4 decode B=1 L=1024, llm_npu (HBM2E)" 1 "$REPS" run $O --hw configs/hw/llm_npu.yaml \
    --workload "$DEC"
# tpu_like has int8 PEs: the W4 decode there uses int8 activations, KV cache and lm_head (W4A16's
# fp16 operands cannot run on int8 PEs).
time_case "LLaMA-2-7B W4A8KV8 decode B=1 L=1024, tpu_like (HBM2E)" 1 "$REPS" run $O \
    --hw configs/hw/tpu_like.yaml --workload "$DEC_INT8"
time_case "LLaMA-2-7B W4 decode B=1 L=1024, llm_npu, simple_dram" 1 "$REPS" run $O \
    --hw "$WORK/llm_npu_simple.yaml" --workload "$DEC"
if [ "$SKIP_LONG" != 1 ]; then
    time_case "LLaMA-2-70B W4 prefill S=2048, llm_npu, simple_dram" 30 "$REPS" run $O \
        --hw "$WORK/llm_npu_simple.yaml" --workload "$P70"
    time_case "LLaMA-2-70B W4 prefill S=2048, llm_npu (HBM2E)" 30 1 run $O --hw configs/hw/llm_npu.yaml \
        --workload "$P70"
fi
time_case "27-point sweep systolic_vit (HBM2E), -j 2" – "$REPS" sweep configs/sweeps/systolic_vit.yaml -j 2 \
    --out "$WORK/out" --force

# Micro-benchmarks (Google Benchmark, JSON), one line per benchmark.
MICRO=()
for t in "${BENCH_TARGETS[@]}"; do
    "$BUILD_DIR/bench/$t" --benchmark_format=json --benchmark_min_time=0.2 >"$WORK/$t.json" 2>/dev/null ||
        { MICRO+=("| $t | failed | |"); continue; }
    while IFS= read -r l; do MICRO+=("$l"); done < <(python3 - "$WORK/$t.json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("error_occurred"):
        print(f"| {b['name']} | skipped: {b.get('error_message', '')} | |")
        continue
    rates = [f"{k} {v:.3g}" for k, v in b.items()
             if k.endswith("/s") and isinstance(v, (int, float))]
    print(f"| {b['name']} | {b['real_time']:.4g} {b['time_unit']} | {', '.join(rates)} |")
PY
)
done

{
    echo "# qasim simulation speed"
    echo
    echo "Produced by \`scripts/bench.sh\` (do not edit by hand). $(date -u '+%Y-%m-%d %H:%M UTC'), commit"
    echo "\`$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)\`$(git -C "$ROOT" diff --quiet -- . ':(exclude)bench/results.md' 2>/dev/null || echo ' + local changes'),"
    echo "$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1),"
    echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg). Release build, $REPS repetitions per case."
    echo
    echo "## Whole runs"
    echo
    echo "Wall: median (min–max) in s. CPU: median user + system s (the figure that does not depend on"
    echo "what else the machine runs; the sweep's counts its -j 2 workers). Simulated ns per wall second:"
    echo "report.json total.time_ns / median wall (the sweep has no single simulated time). Peak RSS:"
    echo "largest of the repetitions (MB). DRAM bursts per CPU second: RD + WR commands of the HBM"
    echo 'memories (stats.txt `*.read_bursts`, `*.write_bursts`, whether simulated or replayed from the'
    echo "exact memos) / median CPU s; – for simple_dram. Targets: wall as listed, RSS ≤ 200 MB."
    echo
    echo "| case | wall s | CPU s | sim ns / wall s | DRAM bursts / CPU s | peak RSS MB | target s | met |"
    echo "|---|---|---|---|---|---|---|---|"
    for r in "${ROWS[@]}"; do echo "$r"; done
    echo
    echo "## Hot paths (Google Benchmark)"
    echo
    echo "HBM bursts per second: bench_hbm (target ≥ 10 M bursts/s)."
    echo
    echo "| benchmark | time per iteration | rates |"
    echo "|---|---|---|"
    for r in "${MICRO[@]}"; do echo "$r"; done
    if [ -f "$ROOT/bench/notes.md" ]; then
        echo
        cat "$ROOT/bench/notes.md"
    fi
} >"$OUT_MD"
echo "bench: wrote $OUT_MD" >&2
