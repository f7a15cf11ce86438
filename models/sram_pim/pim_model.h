#pragma once
// SRAM-PIM batched LUT-GEMV (SAIL-style: Zhang, Park, Lee, Sadredini, arXiv:2509.25853): timing,
// actions and tile plan of a GEMV / small-M GEMM computed inside SRAM subarrays that also store
// the weights. Pure C++ (no SystemC). SAIL's subarray parameters were not reachable
// (published_numbers.md §6: "not found"), so the structure below is this project's abstraction,
// stated here in full; every count and cycle term is a closed form of the op and the parameters.
//
// GEMM convention: A[M×K]·B[K×N], M = batch rows (decode tokens) ≤ max_batch, B = resident
// integer weights of P = b bits (1..8), A = fp16/bf16/int activations.
//
// Structure. `banks` banks of `subarrays_per_bank` subarrays of R rows × C columns (bits). Each
// bank has compute periphery for `active_subarrays_per_bank` subarrays at a time ("lanes"):
// per lane a table latch, a lookup mux per g-bit field and `periphery_adders` adders of acc_bits.
// Lanes L = banks · active_subarrays_per_bank.
//
// Weight layout (bit-planes). One weight row (C bits) holds, for one plane p, one activation
// group j (g consecutive k) and one column block of nb = C/g columns, the g-bit index field
// (bit_p(w[jg..jg+g−1][n])) of each of the nb columns. A "task" is one (group j, column block c):
// its P rows (one per plane). Tasks T = G · NB with G = ⌈K/g⌉, NB = ⌈N/nb⌉; they are striped
// over all lanes (row-interleaved placement, like DRAM interleaving): t_l = ⌈T/L⌉ tasks per lane,
// lane i taking the contiguous task range [i·t_l, (i+1)·t_l) in column-major order (c·G + j).
//
// Table (activation side, as T-MAC / LUT Tensor Core, models/lut_core): per group j and batch row
// m, T[s] = Σ_{i<g} s_i·a_{m,jg+i}; symmetric_table stores E = 2^(g−1) entries (sign from the
// first weight bit), else E = 2^g subset sums. SAIL's batching: one table serves the whole batch —
// entry s holds the M batch values side by side (E·M·eb bits, eb = act_bits + ⌈log2 g⌉), so one
// weight-row activation resolves the lookups of all M rows at once.
//   table build per task  = M · (g − 1 + E − 1) adds (Gray-code order; non-symmetric:
//                           M · (2^g − 1 − g)) in the lane's adders: ⌈adds / A⌉ cycles
//   table write per task  = r_t = ⌈E · M · eb / C⌉ row writes ("lut writes") into table rows,
//                           latched into the periphery as they are written
// Lookup step (one row activation): the lane activates one weight row; every one of its nb g-bit
// fields selects a table entry (M values) and the periphery adds them into M·nb accumulators
// (plane shift = wiring): step(M) = max(step_cycles, ⌈nb · M / A⌉) cycles. So M ≤ A·step_cycles/nb
// rides for free on the row activation and beyond that the adders bound the step.
//   task cycles = build(M) + r_t(M) + P · step(M)       (affine in P: the bit-plane term ∝ P)
// Scales. Group scales (gQ along K): after each scale group the lane rescales its M·nb partial
// sums (one fp16 multiply-add each, ⌈M·nb/A⌉ cycles): n_rs = ⌈t_l · g / Q⌉ per lane; per-channel /
// per-tensor scales are applied once at dequantization (n_rs = 0).
// Drain and reduction. Lanes sharing a column block: parts = ⌈G / t_l⌉ when t_l < G, else 1; a
// lane holds cb_l = max(1, ⌈t_l / G⌉) column blocks' accumulators and drains them through its
// row-wide periphery bus: ⌈cb_l · M · nb · acc_bits / C⌉ cycles; the bank adder tree reduces the
// parts: M · N · (parts − 1) adds, ⌈log2 parts⌉ pipelined cycles.
// Type conversion (in-memory quantize / dequantize): the M·K activations are quantized to
// act_bits (per-token absmax scale) and the M·N accumulators dequantized to the output format by
// convert_elems_per_cycle converters: ⌈M·K/cv⌉ + ⌈M·N/cv⌉ cycles (int act formats of act_bits or
// fewer skip the quantize).
//
// Closed form (cycles of one repeat, all lanes in parallel):
//   cycles = ⌈M·K/cv⌉ + t_l · (build + r_t + P · step) + n_rs · ⌈M·nb/A⌉
//            + ⌈cb_l · M · nb · acc_bits / C⌉ + ⌈log2 parts⌉ + ⌈M·N/cv⌉
// Scaling: linear (affine) in P; sub-linear in M while nb·M ≤ A·step_cycles, since the row
// activations (T·P) and the number of table rows for small M do not grow with M.
// Defaults (design assumptions, no published SAIL parameter was reachable, §6): 512×512-bit
// subarrays (a common cache subarray size; CACTI organises MB-class caches from such mats);
// step_cycles = 2 (one row activation with compute sensing + the periphery mux/add at the system
// clock: assumed, not sourced); A = 128 adders per lane, sized so that M ≤ 2 rides on the row
// activation while the PIM periphery stays ≈ 2 % of the SRAM area (SAIL: 2 % overhead; the unit
// test checks the ratio); 4 computing subarrays per bank (power budget assumption).
// Action counts (one repeat):
//   row_activations = T · P                  lookups = T · P · nb · M  (values read from tables)
//   lut_write_rows  = T · r_t                table_build_adds = T · M · (g−1+E−1)
//   periphery_adds  = T · P · nb · M + M · N · (parts − 1)
//   rescales        = M · N · ⌈K/Q⌉ (group scales), 0 otherwise
//   conversions     = M · K (quantize, unless skipped) + M · N (dequantize)
//   drain_bits      = L_used · cb_l · M · nb · acc_bits
// Memory traffic of the op: A (M·K activations) in, M·N outputs out; resident weights move
// nothing (load_b_bytes = 0). One tile per repeat (the whole GEMV).
// Capacity: weights are resident; pim_resident_bytes() is what one op needs (payload + scales,
// all repeats). The hw module accumulates it per op name and enforces the capacity (reject, or
// stream: the non-resident share is loaded from the weights placement every repeat — so
// `placement.weights` must then name the next memory, e.g. dram0 — and written into staging rows
// before its lookups, ⌈rows / lanes⌉ extra cycles). Only ops planned on the PIM count: weights
// of ops the mapping sends elsewhere but placed in the PIM (e.g. an fp16 lm_head) are not
// counted against its capacity.
#include <cstdint>
#include <string>

#include "models/op.h"
#include "models/tile_plan.h"

namespace qasim::models {

/// Parameters of one SRAM-PIM device.
struct PimParams {
    uint64_t banks = 512;                   ///< banks
    uint64_t subarrays_per_bank = 256;      ///< subarrays per bank
    uint64_t subarray_rows = 512;           ///< rows (R) per subarray
    uint64_t subarray_cols = 512;           ///< columns (C, bits) per subarray
    uint64_t active_subarrays_per_bank = 4; ///< subarrays of a bank computing at once (lanes/bank)
    uint64_t group_k = 4;                   ///< activations per table (g)
    bool symmetric_table = true;            ///< 2^(g−1) entries
    uint64_t act_bits = 8;                  ///< activations quantized in memory to this width
    uint64_t acc_bits = 32;                 ///< accumulator width (bits)
    uint64_t periphery_adders = 128;        ///< adders per lane (A)
    uint64_t step_cycles = 2;               ///< cycles of one row activation + lookup step
    uint64_t convert_elems_per_cycle = 256; ///< type-conversion throughput (elements/cycle)
    uint64_t max_batch = 8;                 ///< largest M the unit accepts

    uint64_t lanes() const { return banks * active_subarrays_per_bank; }
    uint64_t columns_per_row() const { return subarray_cols / group_k; }  ///< nb
    uint64_t table_entries() const { return symmetric_table ? (1ull << (group_k - 1)) : (1ull << group_k); }
    uint64_t entry_bits() const;                                        ///< eb
    uint64_t capacity_bytes() const { return banks * subarrays_per_bank * subarray_rows * subarray_cols / 8; }
    uint64_t subarray_bytes() const { return subarray_rows * subarray_cols / 8; }
};

/// Every term of the closed form for one repeat of a GEMV/GEMM (see the header comment).
struct PimGemv {
    uint64_t m = 0, k = 0, n = 0, planes = 0;
    uint64_t groups = 0, col_blocks = 0, tasks = 0, tasks_per_lane = 0, lanes_used = 0;
    uint64_t table_rows = 0, build_cycles = 0, step = 0, task_cycles = 0;
    uint64_t rescale_groups = 0, rescale_cycles = 0;
    uint64_t parts = 1, col_blocks_per_lane = 1, drain_cycles = 0, reduce_cycles = 0;
    uint64_t quant_cycles = 0, dequant_cycles = 0;
    uint64_t cycles = 0;  ///< total of one repeat
    // Actions (one repeat).
    uint64_t row_activations = 0, lookups = 0, lut_write_rows = 0, table_build_adds = 0;
    uint64_t periphery_adds = 0, rescales = 0, conversions = 0, drain_bits = 0;
};

/// Empty if the op can run on the PIM; otherwise why not (M, weight bits/format, B source).
std::string pim_support(const Op& op, const PimParams& p);
/// Closed form of one repeat; throws std::invalid_argument for an unsupported op.
PimGemv pim_gemv(const Op& op, const PimParams& p);
/// Weight bytes the op keeps resident (payload + scale metadata, × batch × repeat).
uint64_t pim_resident_bytes(const Op& op);
/// Tile plan of one repeat: one tile; `streamed_b_bytes` of weights per repeat arrive from the
/// weights placement (overflow: stream) and are written into staging rows before use.
TilePlan pim_plan(const Op& op, const PimParams& p, uint64_t streamed_b_bytes = 0);
/// Checks the parameters; empty or a message naming the field.
std::string pim_params_error(const PimParams& p);

}  // namespace qasim::models
