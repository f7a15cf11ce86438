#!/usr/bin/env bash
# The main job on the embedded default: ViT-B/16 (W8A8, 224 px) on the TPU-like preset.
# Installs what is missing, builds in Release, runs, and prints the per-layer table and totals.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh --log-level=WARNING -DQASIM_BUILD_TESTS=OFF -DQASIM_BUILD_BENCH=OFF
dir=${QASIM_BUILD_DIR:-build}
SECONDS=0
"$dir/qasim" run --hw configs/hw/tpu_like.yaml --workload configs/workloads/vit_b16_w8a8.yaml --out out/demo
echo "demo: simulated in ${SECONDS}s; report in out/demo/report.json, per-layer CSV in out/demo/layers.csv"
