#!/usr/bin/env bash
# Reproduces every number of docs/case_studies.md: qasim's presets against three papers
# (BitMoD vs OliVe / ANT, LUT Tensor Core vs a MAC tensor core, SAIL SRAM-PIM vs an LLM NPU).
#
#   scripts/case_studies.sh [OUT_DIR]          (default OUT_DIR: /tmp/qasim_case_studies)
#   QASIM=path/to/qasim scripts/case_studies.sh   (default: build-bs/qasim, then build/qasim)
#   JOBS=2 scripts/case_studies.sh                 (runs in parallel; default 1; numbers identical)
#
# Every run writes OUT_DIR/<tag>/report.json (+ time.txt: user, system, wall seconds); the tables
# are printed to stdout and written to OUT_DIR/summary.md. Hardware variants (ideal memory for
# compute-only figures, simple_dram for the comparison with the previous presets) are generated
# into OUT_DIR/hw/ from configs/hw/*.yaml; the presets themselves are not modified. `_nocoal`
# variants add `dma: {coalesce: false}` (block-by-block DMA transactions, the model before DMA
# coalescing) for before/after figures. No binary is built here.
# About 2 min of CPU (127 s measured at commit 45ded53, JOBS=1, on a shared 2-core machine:
# 1-channel HBM2 decodes take 1.6-4.1 s each, the 1-channel HBM2 prefills up to 14 s).
# Uses python3 + yaml only.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-/tmp/qasim_case_studies}"
QASIM="${QASIM:-}"
if [ -z "$QASIM" ]; then
    for c in "$ROOT/build-bs/qasim" "$ROOT/build/qasim"; do
        if [ -x "$c" ]; then QASIM="$c"; break; fi
    done
fi
[ -x "$QASIM" ] || { echo "qasim binary not found: set QASIM=" >&2; exit 2; }
JOBS="${JOBS:-1}"
mkdir -p "$OUT/hw"
cd "$ROOT"

# ---- hardware variants (memory swapped; everything else as in the preset) ----
python3 - "$OUT/hw" <<'EOF'
import sys, yaml
out = sys.argv[1]
# simple_dram bandwidths of the previous (simple_dram era) presets: 32 GB/s for the BitMoD-artifact
# family (configs/hw/bitmod.yaml header: 128 b x 2 per 1 GHz cycle), 460.8 GB/s for the LLM NPUs
# (README.md example); latency 100 ns and 3.97 pJ/bit are simple_dram's defaults.
simple_bw = {"bitmod": 32, "olive": 32, "int8_baseline": 32, "llm_npu": 460.8, "sail_pim": 460.8}
for p in ["bitmod", "olive", "int8_baseline", "lut_tensor_core", "mac_tensor_core",
          "llm_npu", "sail_pim"]:
    hw = yaml.safe_load(open(f"configs/hw/{p}.yaml"))
    ideal = dict(hw)
    ideal["memory"] = {k: v for k, v in hw["memory"].items() if v["type"] != "hbm"}
    ideal["memory"]["dram0"] = {"type": "ideal"}
    yaml.safe_dump(ideal, open(f"{out}/{p}_ideal.yaml", "w"), sort_keys=False)
    if p in simple_bw:
        sd = dict(hw)
        sd["memory"] = dict(hw["memory"])
        sd["memory"]["dram0"] = {"type": "simple_dram", "bandwidth_gbps": simple_bw[p],
                                 "latency_ns": 100}
        yaml.safe_dump(sd, open(f"{out}/{p}_simple.yaml", "w"), sort_keys=False)
    nc = dict(hw)
    nc["dma"] = dict(hw.get("dma", {}), coalesce=False)
    yaml.safe_dump(nc, open(f"{out}/{p}_nocoal.yaml", "w"), sort_keys=False)
EOF

# A GEMM-only trace: the seven linear layers of one LLaMA-2-7B block at M = 256 tokens, weights
# given as $1 (e.g. int1), FP16 activations. Used for the unit-level LUT vs MAC comparison.
gemm_trace() {
    cat > "$OUT/llama_linears_$1.yaml" <<EOF
schema: qasim.trace/1
model: llama2-7b-linears
phase: prefill
batch: 1
quant: {weights: $1, activations: fp16}
ops:
  - {name: L.qkvo, op: gemm, m: 256, k: 4096, n: 4096, b_src: weight, repeat: 4}
  - {name: L.gate_up, op: gemm, m: 256, k: 4096, n: 11008, b_src: weight, repeat: 2}
  - {name: L.down, op: gemm, m: 256, k: 11008, n: 4096, b_src: weight}
EOF
    echo "$OUT/llama_linears_$1.yaml"
}

# run TAG HW_YAML WORKLOAD [--set KEY=VALUE ...]
run() {
    local tag="$1" hw="$2" wl="$3"
    shift 3
    mkdir -p "$OUT/$tag"
    printf '%s\t%s\t%s\t%s\n' "$tag" "$hw" "$wl" "$*" >> "$OUT/runs.tsv"
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    /usr/bin/time -f "%U %S %e" -o "$OUT/$tag/time.txt" \
        "$QASIM" run --hw "$hw" --workload "$wl" --out "$OUT/$tag" --quiet "$@" &
}
: > "$OUT/runs.tsv"
HW=configs/hw
ANT=(--set units.sa0.pe_format=fp16)   # ANT-like: FP16 x INT4 FMA PEs (int8_baseline.yaml header)

# ---- 1. BitMoD (W3) vs OliVe (W4A4) vs ANT-like (W4A16 int4/g128), iso-PE-area presets ----
for m in llama2-7b llama2-13b llama3-8b; do
    for ctx in 256 1024; do
        run "bm_dec_${m}_${ctx}_bitmod" $HW/bitmod.yaml "zoo:$m:decode?quant=W3&context=$ctx"
        run "bm_dec_${m}_${ctx}_olive" $HW/olive.yaml "zoo:$m:decode?quant=W4A4&context=$ctx"
        run "bm_dec_${m}_${ctx}_ant" $HW/int8_baseline.yaml "zoo:$m:decode?quant=W4A16&context=$ctx" \
            "${ANT[@]}"
    done
    # prefill of the artifact's 256-token context, compute only (ideal memory) and with HBM
    run "bm_pre_${m}_ideal_bitmod" "$OUT/hw/bitmod_ideal.yaml" "zoo:$m:prefill?seq=256&quant=W3"
    run "bm_pre_${m}_ideal_olive" "$OUT/hw/olive_ideal.yaml" "zoo:$m:prefill?seq=256&quant=W4A4"
    run "bm_pre_${m}_ideal_ant" "$OUT/hw/int8_baseline_ideal.yaml" \
        "zoo:$m:prefill?seq=256&quant=W4A16" "${ANT[@]}"
done
for p in bitmod olive ant; do
    case $p in bitmod) q=W3;; olive) q=W4A4;; ant) q=W4A16;; esac
    hwf=$p; extra=(); [ $p = ant ] && { hwf=int8_baseline; extra=("${ANT[@]}"); }
    run "bm_pre_llama2-7b_hbm_$p" $HW/$hwf.yaml "zoo:llama2-7b:prefill?seq=256&quant=$q" "${extra[@]}"
    # the same decode on memories of the previous kind (simple_dram at 32 GB/s) and ideal memory
    run "bm_dec_llama2-7b_1024_simple_$p" "$OUT/hw/${hwf}_simple.yaml" \
        "zoo:llama2-7b:decode?quant=$q&context=1024" "${extra[@]}"
    run "bm_dec_llama2-7b_1024_ideal_$p" "$OUT/hw/${hwf}_ideal.yaml" \
        "zoo:llama2-7b:decode?quant=$q&context=1024" "${extra[@]}"
    # before DMA coalescing: the same HBM2 preset with block-by-block DMA transactions
    run "bm_dec_llama2-7b_1024_nocoal_$p" "$OUT/hw/${hwf}_nocoal.yaml" \
        "zoo:llama2-7b:decode?quant=$q&context=1024" "${extra[@]}"
    run "bm_pre_llama2-7b_nocoal_$p" "$OUT/hw/${hwf}_nocoal.yaml" \
        "zoo:llama2-7b:prefill?seq=256&quant=$q" "${extra[@]}"
done

# ---- 2. LUT Tensor Core vs MAC tensor core ----
for w in int1 int2 int4; do
    t=$(gemm_trace $w)
    run "lut_unit_${w}_lut" "$OUT/hw/lut_tensor_core_ideal.yaml" "$t"
    run "lut_unit_${w}_mac" "$OUT/hw/mac_tensor_core_ideal.yaml" "$t"
done
Q1='weights=int1/g128,activations=fp16,lm_head=int4/g128'
for p in lut mac; do
    run "lut_sys_llama2-7b_pre_$p" $HW/${p}_tensor_core.yaml "zoo:llama2-7b:prefill?seq=256&quant=$Q1"
    run "lut_sys_llama2-7b_dec_$p" $HW/${p}_tensor_core.yaml "zoo:llama2-7b:decode?quant=$Q1"
    run "lut_sys_bitnet_pre_$p" $HW/${p}_tensor_core.yaml \
        "zoo:bitnet-2b4t:prefill?seq=256&quant=W1.58A16,lm_head=int4/g128"
    run "lut_sys_bitnet_dec_$p" $HW/${p}_tensor_core.yaml \
        "zoo:bitnet-2b4t:decode?quant=W1.58A16,lm_head=int4/g128"
    run "lut_sys_llama2-7b_pre_nocoal_$p" "$OUT/hw/${p}_tensor_core_nocoal.yaml" \
        "zoo:llama2-7b:prefill?seq=256&quant=$Q1"
    run "lut_sys_llama2-7b_dec_nocoal_$p" "$OUT/hw/${p}_tensor_core_nocoal.yaml" \
        "zoo:llama2-7b:decode?quant=$Q1"
done

# ---- 3. SAIL SRAM-PIM vs the LLM NPU, LLaMA-2-7B W4A16KV2 decode (context 1024) ----
for b in 1 8; do
    run "sail_b${b}_pim" $HW/sail_pim.yaml "zoo:llama2-7b:decode?quant=W4A16KV2&batch=$b"
    run "sail_b${b}_npu" $HW/llm_npu.yaml "zoo:llama2-7b:decode?quant=W4A16KV2&batch=$b"
    run "sail_b${b}_simple_pim" "$OUT/hw/sail_pim_simple.yaml" "zoo:llama2-7b:decode?quant=W4A16KV2&batch=$b"
    run "sail_b${b}_simple_npu" "$OUT/hw/llm_npu_simple.yaml" "zoo:llama2-7b:decode?quant=W4A16KV2&batch=$b"
    run "sail_b${b}_nocoal_pim" "$OUT/hw/sail_pim_nocoal.yaml" "zoo:llama2-7b:decode?quant=W4A16KV2&batch=$b"
    run "sail_b${b}_nocoal_npu" "$OUT/hw/llm_npu_nocoal.yaml" "zoo:llama2-7b:decode?quant=W4A16KV2&batch=$b"
done

run sail_b1_ideal_npu "$OUT/hw/llm_npu_ideal.yaml" "zoo:llama2-7b:decode?quant=W4A16KV2&batch=1"

# ---- DRAM path checks behind the decode figures (docs/case_studies.md §1, §4) ----
# bandwidth of a plain 64 B stream on the 1-channel HBM2 of the BitMoD presets
"$QASIM" memtest --hw $HW/bitmod.yaml --pattern stream --requests 100000 --json > "$OUT/memtest_bitmod.json"
# the DMA block size / blocks in flight, added as a `dma:` section to bitmod.yaml
# (coalesce on: the default; coalesce off: block-by-block, the model before DMA coalescing)
for d in "block_bytes 4096" "max_outstanding 128" "block_bytes 1024" "block_bytes 16384"; do
    set -- $d
    for c in True False; do
        python3 -c "import yaml; h = yaml.safe_load(open('$HW/bitmod.yaml')); \
h['dma'] = {'$1': $2, 'coalesce': $c}; \
yaml.safe_dump(h, open('$OUT/hw/bitmod_dma_$1_$2_$c.yaml', 'w'), sort_keys=False)"
        run "dma_$1_$2_$c" "$OUT/hw/bitmod_dma_$1_$2_$c.yaml" "zoo:llama2-7b:decode?quant=W3&context=1024"
    done
done
wait

# ---- tables ----
python3 - "$OUT" <<'EOF' | tee "$OUT/summary.md"
import json, os, sys
out = sys.argv[1]

def rep(tag):
    r = json.load(open(f"{out}/{tag}/report.json"))
    u, s, e = open(f"{out}/{tag}/time.txt").read().split()[-3:]
    r["cpu_s"] = float(u) + float(s)
    return r

def tot(tag, key="cycles"):
    return rep(tag)["total"][key]

def cpu(*tags):
    return " / ".join(f"{rep(t)['cpu_s']:.1f}" for t in tags)

print("## 1. BitMoD vs OliVe vs ANT-like\n")
print("| model | phase | memory | BitMoD W3 cycles | OliVe W4A4 cycles | ANT-like W4A16 cycles | "
      "speed-up vs OliVe | vs ANT | energy ratio OliVe/BitMoD | ANT/BitMoD | CPU s (B/O/A) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
rows = []
for m in ["llama2-7b", "llama2-13b", "llama3-8b"]:
    for ctx in [256, 1024]:
        rows.append((m, f"decode L={ctx}", "HBM2 1 ch", f"bm_dec_{m}_{ctx}_"))
    rows.append((m, "prefill S=256", "ideal", f"bm_pre_{m}_ideal_"))
rows.append(("llama2-7b", "prefill S=256", "HBM2 1 ch", "bm_pre_llama2-7b_hbm_"))
rows.append(("llama2-7b", "decode L=1024", "HBM2 1 ch, coalesce off", "bm_dec_llama2-7b_1024_nocoal_"))
rows.append(("llama2-7b", "prefill S=256", "HBM2 1 ch, coalesce off", "bm_pre_llama2-7b_nocoal_"))
rows.append(("llama2-7b", "decode L=1024", "simple_dram 32 GB/s", "bm_dec_llama2-7b_1024_simple_"))
rows.append(("llama2-7b", "decode L=1024", "ideal", "bm_dec_llama2-7b_1024_ideal_"))
sp = {}
for m, ph, mem, pre in rows:
    b, o, a = (pre + s for s in ("bitmod", "olive", "ant"))
    cb, co, ca = tot(b), tot(o), tot(a)
    eb, eo, ea = tot(b, "energy_pj"), tot(o, "energy_pj"), tot(a, "energy_pj")
    sp[(m, ph, mem)] = (co / cb, ca / cb)
    print(f"| {m} | {ph} | {mem} | {cb:,} | {co:,} | {ca:,} | {co/cb:.2f}× | {ca/cb:.2f}× | "
          f"{eo/eb:.2f}× | {ea/eb:.2f}× | {cpu(b, o, a)} |")
for ph, mem in [("decode L=256", "HBM2 1 ch"), ("decode L=1024", "HBM2 1 ch"),
                ("prefill S=256", "ideal")]:
    v = [sp[(m, ph, mem)] for m in ["llama2-7b", "llama2-13b", "llama3-8b"]]
    print(f"\nmean of 3 models, {ph}, {mem}: vs OliVe {sum(x[0] for x in v)/3:.2f}×, "
          f"vs ANT {sum(x[1] for x in v)/3:.2f}×")

for k, pre in [("decode L=1024, coalesce on", "bm_dec_llama2-7b_1024_"),
               ("decode L=1024, coalesce off", "bm_dec_llama2-7b_1024_nocoal_"),
               ("prefill, coalesce on", "bm_pre_llama2-7b_hbm_"),
               ("prefill, coalesce off", "bm_pre_llama2-7b_nocoal_")]:
    print(f"\nDRAM bandwidth reached (total.dram_bw_gbps), LLaMA-2-7B, {k}: " + ", ".join(
        f"{p} {tot(pre+p, 'dram_bw_gbps'):.1f} GB/s "
        f"({(tot(pre+p, 'dram_read_bytes') + tot(pre+p, 'dram_write_bytes'))/1e9:.2f} GB)"
        for p in ("bitmod", "olive", "ant")))
r = rep("bm_dec_llama2-7b_1024_bitmod")
e = r["energy_pj"]["dram0"]
print(f"BitMoD LLaMA-2-7B decode L=1024: DRAM energy {e['total']/1e9:.1f} mJ of "
      f"{r['total']['energy_pj']/1e9:.1f} mJ, of which background {e['leakage']/1e9:.1f} mJ "
      f"({e['leakage']/r['total']['time_ns']:.0f} mW); dram0 area {r['area_mm2']['dram0']['total']:.1f} mm²")

print("\n## 2. LUT Tensor Core vs MAC tensor core\n")
print("Unit level (GEMM-only trace, 7 LLaMA-2-7B linears at M=256, ideal memory):\n")
print("| weights | LUT cycles | MAC cycles | LUT unit mm² | MAC unit mm² | density ratio (unit) | "
      "density ratio (datapath) | energy-eff. ratio (unit) | energy-eff. ratio (datapath) | CPU s (L/M) |")
print("|---|---|---|---|---|---|---|---|---|---|")
lut_dp_area = ["adders", "lut_tables", "precompute"]
mac_dp_area = ["mac_lanes", "dequant"]
lut_dp_e = ["lookup", "shift_acc", "lut_write", "table_build_add", "table_build", "bias_add",
            "operand_reg_bits"]
mac_dp_e = ["mac", "dequant", "operand_reg_bits"]
for w in ["int1", "int2", "int4"]:
    L, M = rep(f"lut_unit_{w}_lut"), rep(f"lut_unit_{w}_mac")
    cl, cm = L["total"]["cycles"], M["total"]["cycles"]
    al, am = L["area_mm2"]["lut0"], M["area_mm2"]["mac0"]
    el, em = L["energy_pj"]["lut0"], M["energy_pj"]["mac0"]
    macs = L["total"]["macs"]
    assert macs == M["total"]["macs"]
    dens = (macs / cl / al["total"]) / (macs / cm / am["total"])
    adl, adm = sum(al.get(k, 0) for k in lut_dp_area), sum(am.get(k, 0) for k in mac_dp_area)
    densd = (macs / cl / adl) / (macs / cm / adm)
    eed = sum(em["by_action"].get(k, 0) for k in mac_dp_e) / \
        sum(el["by_action"].get(k, 0) for k in lut_dp_e)
    print(f"| {w} | {cl:,} | {cm:,} | {al['total']:.2f} | {am['total']:.2f} | {dens:.2f}× | "
          f"{densd:.2f}× | {em['total']/el['total']:.2f}× | {eed:.2f}× | "
          f"{cpu(f'lut_unit_{w}_lut', f'lut_unit_{w}_mac')} |")
L = rep("lut_unit_int1_lut")["energy_pj"]["lut0"]
print(f"\nLUT int1 unit energy split: " + ", ".join(
    f"{k} {v/L['total']*100:.0f} %" for k, v in sorted(L["by_action"].items(), key=lambda x: -x[1])[:4])
    + f", leakage {L['leakage']/L['total']*100:.0f} %")
print("\nWhole system (presets, HBM2E):\n")
print("| workload | LUT time ms | MAC time ms | speed-up LUT/MAC | LUT mJ | MAC mJ | energy ratio MAC/LUT | CPU s (L/M) |")
print("|---|---|---|---|---|---|---|---|")
for name, tag in [("LLaMA-2-7B prefill S=256, W1 (int1/g128), lm_head int4", "llama2-7b_pre"),
                  ("LLaMA-2-7B decode L=1024, W1 (int1/g128), lm_head int4", "llama2-7b_dec"),
                  ("BitNet-2B4T prefill S=256, W1.58A16", "bitnet_pre"),
                  ("BitNet-2B4T decode L=1024, W1.58A16", "bitnet_dec"),
                  ("LLaMA-2-7B prefill S=256, W1, coalesce off", "llama2-7b_pre_nocoal"),
                  ("LLaMA-2-7B decode L=1024, W1, coalesce off", "llama2-7b_dec_nocoal")]:
    l, m = f"lut_sys_{tag}_lut", f"lut_sys_{tag}_mac"
    tl, tm = tot(l, "time_ns"), tot(m, "time_ns")
    el, em = tot(l, "energy_pj"), tot(m, "energy_pj")
    print(f"| {name} | {tl/1e6:.2f} | {tm/1e6:.2f} | {tm/tl:.2f}× | {el/1e9:.1f} | {em/1e9:.1f} | "
          f"{em/el:.2f}× | {cpu(l, m)} |")
    print(f"  (DRAM GB/s: LUT {tot(l, 'dram_bw_gbps'):.1f}, MAC {tot(m, 'dram_bw_gbps'):.1f})")

print("\n## 3. SAIL SRAM-PIM vs LLM NPU (LLaMA-2-7B W4A16KV2 decode, L=1024)\n")
print("| batch | memory | PIM tok/s | NPU tok/s | speed-up | PIM J/token | NPU J/token | CPU s (P/N) |")
print("|---|---|---|---|---|---|---|---|")
for b in [1, 8]:
    for mem, pre in [("HBM2E (presets)", f"sail_b{b}_"), ("simple_dram 460.8 GB/s", f"sail_b{b}_simple_"),
                     ("HBM2E, coalesce off", f"sail_b{b}_nocoal_")]:
        p, n = pre + "pim", pre + "npu"
        tp, tn = b / (tot(p, "time_ns") * 1e-9), b / (tot(n, "time_ns") * 1e-9)
        jp, jn = tot(p, "energy_pj") * 1e-12 / b, tot(n, "energy_pj") * 1e-12 / b
        print(f"| {b} | {mem} | {tp:.1f} | {tn:.1f} | {tp/tn:.1f}× | {jp:.4f} | {jn:.4f} | {cpu(p, n)} |")
print(f"\nLLM NPU batch 1 with ideal memory: {tot('sail_b1_ideal_npu', 'time_ns')/1e6:.1f} ms")
m = json.load(open(f"{out}/memtest_bitmod.json"))
print(f"\nmemtest stream on bitmod.yaml's HBM2 channel: {m['bandwidth_gbps']:.1f} of {m['peak_gbps']} GB/s")
print("\nBitMoD LLaMA-2-7B W3 decode L=1024 vs the DMA settings:\n")
print("| dma setting | coalesce on GB/s | cycles | CPU s | coalesce off GB/s | cycles | CPU s |")
print("|---|---|---|---|---|---|---|")
for t in ["dma_block_bytes_4096", "dma_max_outstanding_128", "dma_block_bytes_1024",
          "dma_block_bytes_16384"]:
    on, off = t + "_True", t + "_False"
    print(f"| {t[4:]} | {tot(on, 'dram_bw_gbps'):.1f} | {tot(on):,} | {cpu(on)} | "
          f"{tot(off, 'dram_bw_gbps'):.1f} | {tot(off):,} | {cpu(off)} |")
for b in [1, 8]:
    for s in ["pim", "npu", "nocoal_pim", "nocoal_npu"]:
        r = rep(f"sail_b{b}_{s}")
        print(f"\nbatch {b} {s}: energy by component (mJ): " + ", ".join(
            f"{k} {v['total']/1e9:.1f} (leakage {v['leakage']/1e9:.1f})"
            for k, v in r["energy_pj"].items() if v["total"] > 0)
            + f"; DRAM {r['total']['dram_bw_gbps']:.0f} GB/s")
EOF
