#pragma once
// Systolic-array timing and traffic model: folds, cycles, SRAM operand accesses and the tile plan
// of one matmul Op on an R×C array (output, weight or input stationary). Pure C++ (no SystemC).
//
// GEMM convention: A[M×K]·B[K×N] → C[M×N] (reference/scalesim/README.md). The array has R rows
// and C columns. Mapping (SCALE-Sim v2, scalesim/compute/systolic_compute_{os,ws,is}.py):
//
//   dataflow | array rows ↔ | array cols ↔ | stationary in the PEs | streamed length T
//   os       | M (A rows)   | N (B cols)   | C (outputs)           | K
//   ws       | K            | N            | B tile (R×C)          | M
//   is       | K            | M            | A tile (R×C)          | N
//
// Folds: the array covers R rows × C columns of the (rows, cols) space per fold, so
//   folds = ceil(rows_dim / R) · ceil(cols_dim / C).
// Fold order (SCALE-Sim's loops `for fc in col_fold: for fr in row_fold`): the column fold is the
// outer loop, the row fold the inner one. For ws/is the inner loop walks K, so the partial sums of
// one column block accumulate over consecutive folds.
//
// Two timing modes:
//
// * SystolicMode::scalesim (default) reproduces SCALE-Sim v2 (commit 22f88b1) exactly, quirks
//   included (reference/scalesim/README.md, checked against all 23 shared cases):
//     cycles per fold  os: R + C + K − 2     ws: 2R + C + M − 2     is: 2R + C + N − 2
//     total            folds · cycles_per_fold − 1   (its off-by-one)
//   SRAM accesses per fold: each streamed operand element is read once per fold that uses it; the
//   ofmap writes are the fold's outputs (ws/is: partial sums, every fold), and os adds R + C per
//   fold (SCALE-Sim's own count `shape[0] + shape[1]` of the padded output tile, an over-count
//   its issue tracker acknowledges). Partial-sum reads are not counted. Each fold pays the full
//   fill/drain skew and, in ws/is, a full R-cycle stationary load, with no overlap between folds.
//
// * SystolicMode::physical models the array as built, with double-buffered PE registers
//   (TPU v1: "the matrix unit holds one 64 KiB tile of weights plus one for double-buffering, to
//   hide the 256 cycles it takes to shift a tile in", Jouppi et al., ISCA 2017, §2). Derivation,
//   with PE(r, c) at row r, column c and cycle 0 the first cycle of fold f's stream (time s_f):
//   - ws: stationary B tile. Row r of the A stream enters column 0 at s_f + t + r (skewed input)
//     for t = 0..T−1 and moves one column per cycle; the partial sum of column c moves one row per
//     cycle, so the last MAC of column c is at s_f + (T−1) + (R−1) + c: the sum reaches the bottom
//     edge after all R rows (no row bypass). Hence a fold that is the last one costs
//     T + R + c_used − 2 cycles from s_f (c_used = used columns; SCALE-Sim uses C).
//     Stationary preload: weights shift down the columns, one row per cycle, so placing them in the
//     r_used used rows takes P = r_used cycles (rows below get no A input, hence contribute 0).
//     With a shadow weight register per PE the next fold's weights shift in while the current fold
//     streams, and each PE switches when the next stream's wavefront reaches it. Fold f+1 may start
//     when fold f's stream has entered (T cycles) and its own preload is done:
//       s_{f+1} − s_f = max(T, P_{f+1}).   Only the first preload P_0 is exposed.
//     Partial sums of fold (fc, fr > 0) are read from the accumulator SRAM and added (read-modify-
//     write, pipelined: no cycles, but counted as `sram_read_bits.ofmap`).
//   - is: the same with A stationary (rows ↔ K, cols ↔ M) and B streamed (T = N).
//   - os: A rows enter from the left, B columns from the top; PE(r, c) does its k-th MAC at
//     s_f + k + r + c, so the last MAC of the fold is at s_f + (K−1) + (r_used−1) + (c_used−1).
//     The R×C results must then leave the array: each column shifts its results down to the bottom
//     edge, R cycles for the value in row 0 (the original SCALE-Sim paper's OS form 2R + C + T − 2
//     includes this drain; SCALE-Sim v2's code omits it: reference/scalesim/README.md). With a
//     shadow output register per PE the drain of fold f overlaps fold f+1, but a column can only
//     emit one value per cycle, so a new fold can start every max(K, R) cycles. The last fold
//     costs K + r_used + c_used − 2 + R.
//   Over a fold sequence (a batch of GEMMs is one sequence: the instances are independent, so the
//   pipeline does not drain between them), with stream starts
//     s_0 = P_0 (ws/is) or 0 (os),  s_{f+1} = s_f + max(T, P_{f+1}) (ws/is) or + max(K, R) (os),
//   the finish is max_f (s_f + tail_f), tail_f = T + R + c_f − 2 (ws/is) or K + r_f + c_f − 2 + R
//   (os). Usually the last fold finishes last; a wider earlier fold can finish later when the last
//   column block is short (e.g. M = 1 on a wide array), and the closed form takes the maximum over
//   the latest fold of each (rows, cols) class. No −1.
//   For one full fold, physical = SCALE-Sim + 1 (ws/is: its off-by-one) or SCALE-Sim + R + 1 (os:
//   the drain). With several folds the overlap saves at least (F−1)·(R + C − 1) − 1 ≥ 0 cycles in
//   ws/is, so physical ≤ SCALE-Sim; in os it saves (F−1)·(min(K, R) + C − 2) against the added
//   drain R + 1, so physical ≤ SCALE-Sim unless there are very few folds and K, C are small.
//   Physical is never below the ideal M·K·N / (R·C): every fold spends at least T cycles streaming
//   and Σ_folds T·R·C ≥ M·K·N.
//   SRAM accesses: as SCALE-Sim, except os writes exactly M·N outputs (no R + C per fold) and
//   ws/is count the partial-sum reads (M·N·(ceil(K/R) − 1)); partial-sum traffic uses acc_bits.
//
// DRAM traffic rule (both modes; the unit's own model, not SCALE-Sim parity — SCALE-Sim's DRAM
// traffic is its SRAM misses). The fold list, its cycles and its SRAM counts are those above and
// do not depend on the buffers; only the DRAM bytes of each fold tile follow a loop order chosen
// per op. Each tile carries the DRAM bytes of its fold summed over the loop order's passes
// (exact totals; a block order that revisits a fold in every block shows the sum in that fold).
// "Re-used operand" X and its slices: os: A panels (R rows × K), ws: A K-slices (R × M), is:
// B K-slices (R × N); slice i is used by the fold (o, i) of every column fold o. The other
// operand Y: os: B panels (K × C, used by every row fold of column fold o); ws: stationary B
// tiles; is: stationary A tiles (one fold each).
//   1. All of X (one batch instance) fits its buffer (os/ws: ifmap, is: filter): X is fetched
//      once, by the first column fold; Y once (os: once per column fold if a K × C panel fits
//      the filter buffer, else see the pinned panel below). This is also the old per-fold rule
//      (which re-fetched a panel that does not fit whole in every row fold).
//   2. Otherwise three loop orders are costed and the one with the fewest DRAM bytes (loads +
//      stores, spills included) is used; ties keep the earlier one, so the traffic is never above
//      the old per-fold rule (a) and equals it when everything fits:
//      a. per-fold rule: X slice i is re-fetched in every column fold (os, ws: ceil(N/C)×,
//         is: ceil(M/C)×).
//      b. stream order with column chunks (B-resident for os): column folds are grouped into
//         chunks of x > 1; the chunk's folds run K-slice outer, so X slice i is fetched once per
//         chunk (ceil(n_outer/x)×). os: the chunk's K × x·C panels of B must fit the filter
//         buffer; ws/is: the chunk's partial sums (M × x·C, resp. x·C × N at acc_bits) must fit
//         the ofmap buffer and one X slice its buffer.
//      c. block order (X-resident, the BitMoD artifact's refetch rule, accelerator.py
//         `_calc_num_mem_refetch`, cf. models/bitserial): the non-stationary dimension of X is
//         cut into blocks that fit X's buffer; for each block all folds run, so X is fetched once
//         and Y once per block. os: blocks of x row folds (x·R rows × K of A in the ifmap buffer);
//         the B panel of column fold o is fetched by the block's first row fold (by every row
//         fold if a panel does not fit). ws: blocks of m rows of A (m × K in the ifmap buffer), T
//         = M split into ceil(M/m) blocks, every B tile fetched ceil(M/m)×. is: blocks of n
//         columns of B (K × n in the filter buffer), every A tile fetched ceil(N/n)×. Two block
//         sizes are costed for ws/is: the largest that fits, and the largest whose partial sums
//         (block × C) also fit the ofmap buffer.
//      os, a K × C panel of B larger than the filter buffer (every order): the panel is fetched
//      whole by the first row fold that uses it (per column fold, or per block and column fold),
//      and half the filter buffer keeps its first rows pinned while the other half streams the
//      rest, so each further row fold re-fetches panel − filter/2 bytes.
//      Not modelled: splitting K (os folds always stream the whole K; a K-split os schedule with
//      partial sums would change cycles and SRAM counts). A larger filter buffer is the cure.
//   * The stationary tile of ws (B) and is (A) is fetched once per fold (× blocks in order c).
//   * os: each fold stores its outputs once (accumulated in the PEs, no partial sums).
//     ws/is: if the partial sums of one column block (M×C for ws, C×N for is, or the block's /
//     chunk's share in orders b, c, at acc_bits) fit the ofmap buffer they stay on chip and the
//     final outputs are stored once, at the block's last K-fold; otherwise every K-fold but the
//     last spills its partial sums to DRAM (store_bytes, acc_bits) and every K-fold but the first
//     reloads them (counted in load_a_bytes: TilePlan has no third load field and the sequencer
//     reads load_a from the activation region, where spilled partial sums live).
//   Slice bytes use Format::matrix_bytes of the slice (groups run along K), so a scale group cut by
//   a fold boundary is fetched with each slice using it (exact when R is a multiple of the group).
//   The double_buffered flag below is computed from the fold slices and does not depend on the
//   loop order.
//
// double_buffered (TilePlan): true when, for each of the three buffers, the operand is either
// resident (whole operand fits, so every load lands in its own space) or the buffer holds two
// folds' worth of that operand (the largest fold's slice/tile: os A R×K, B K×C, C R×C outputs;
// ws A M×R, B R×C, psums M×C; is A R×C, B R×N, psums C×N), so that the next fold's data can be
// loaded (or the previous fold's results stored) while the current fold computes.
// Batch instances run back to back and every instance reloads A and B (its own operands), so
// with batch > 1 "resident" needs more: the first fold of instance i + 1 loads (prefetch) while
// the last fold of instance i computes, when only that fold's slices of instance i are still in
// use (re-used slices and panels are dead once the last column fold has passed them) and its
// output block is stored. Hence per buffer: last fold's slice + first fold's slice <= buffer
// (os A r_last×K, B K×c_last, outputs r_last×c_last; ws A r_last×M, B r_last×c_last, psums
// M×c_last; is A r_last×c_last, B r_last×N, psums c_last×N). With one fold along that operand's
// dimensions this is two instance copies; with two or more it follows from "all fits" (up to
// byte rounding). batch == 1: unchanged.
#include <cstdint>
#include <string>

#include "models/op.h"
#include "models/tile_plan.h"

namespace qasim::models {

/// Which operand stays in the PEs: output (os), weight/B (ws) or input/A (is).
enum class Dataflow : uint8_t { os, ws, is };

/// Timing convention: SCALE-Sim v2 parity (default) or the physical array (see the file header).
enum class SystolicMode : uint8_t { scalesim, physical };

const char* to_string(Dataflow d);
const char* to_string(SystolicMode m);
/// Parse "os" | "ws" | "is"; false if unknown.
bool parse_dataflow(const std::string& s, Dataflow* out);
/// Parse "scalesim" | "physical"; false if unknown.
bool parse_systolic_mode(const std::string& s, SystolicMode* out);

/// Parameters of one systolic array.
struct SystolicParams {
    uint64_t rows = 128;                     ///< R: PE rows
    uint64_t cols = 128;                     ///< C: PE columns
    Dataflow dataflow = Dataflow::ws;        ///< stationary operand
    SystolicMode mode = SystolicMode::scalesim;  ///< timing convention
    /// Operand buffers (bytes). Defaults: DESIGN.md §4 hardware sketch (1024, 1024, 512 KiB).
    uint64_t ifmap_sram_bytes = 1024ull * 1024;  ///< holds A
    uint64_t filter_sram_bytes = 1024ull * 1024; ///< holds B
    uint64_t ofmap_sram_bytes = 512ull * 1024;   ///< holds C / partial sums
    /// Partial-sum width (bits): INT8×INT8 products summed over K need 16 + log2(K) bits; 32-bit
    /// accumulators are the common choice (TPU v1: 32-bit accumulators, Jouppi et al. ISCA 2017).
    uint32_t acc_bits = 32;
    /// K-split (systolic_plan): output stationary with one row fold (M <= R, decode GEMVs), a
    /// plan that is not double buffered streams each fold's K range in the fewest pieces that
    /// make it so (outputs stay in the PEs across K). Pieces share the fold's cycles, MACs,
    /// loads, buffer reads and actions in proportion to their K (models/tile_runs.h split_k:
    /// totals unchanged); the output writes and the store belong to the last piece.
    bool k_split = true;
};

/// Closed-form fold figures of one GEMM (one batch instance).
struct FoldInfo {
    uint64_t folds = 0;            ///< array passes
    /// scalesim: cycles charged per fold. physical: the steady-state fold interval max(T, R).
    uint64_t cycles_per_fold = 0;
    uint64_t total_cycles = 0;     ///< cycles of the GEMM
    double mapping_eff = 0;        ///< mean fraction of PEs mapped per fold (0..1)
    double util = 0;               ///< M·K·N / (R·C·total_cycles) (0..1); 0 if total_cycles is 0
    uint64_t ifmap_reads = 0;      ///< SRAM reads of A elements
    uint64_t filter_reads = 0;     ///< SRAM reads of B elements
    uint64_t ofmap_writes = 0;     ///< SRAM writes of outputs / partial sums
    uint64_t ofmap_reads = 0;      ///< SRAM reads of partial sums (physical ws/is only)
};

/// Folds, cycles and SRAM accesses of A[M×K]·B[K×N] (closed forms, see the file header).
/// Throws std::invalid_argument for zero dimensions/array sizes or 64-bit overflow.
FoldInfo systolic_folds(uint64_t M, uint64_t K, uint64_t N, const SystolicParams& p);

/// Cycles of `batch` independent M×K×N GEMMs run one after another: batch · total_cycles in
/// scalesim mode (the sum of SCALE-Sim's per-layer results), one pipelined fold sequence in
/// physical mode. Equals systolic_plan(...).compute_cycles().
uint64_t systolic_cycles(uint64_t M, uint64_t K, uint64_t N, uint64_t batch,
                         const SystolicParams& p);

/// Tile plan of one repeat of a matmul Op (gemm, gemv, attention_qk, attention_pv): one tile per
/// fold, run-length encoded, batch instances one after another. In scalesim mode the −1 sits in
/// the last fold of each instance; in physical mode the first fold carries the first preload and
/// the last fold the final fill/drain tail. Actions per tile: "mac" (useful MACs),
/// "pe_active_cycles" (mapped PEs × tile cycles; unmapped PEs are clock-gated),
/// "pe_stationary_loads" (ws/is operand elements shifted into PE registers),
/// "sram_read_bits.ifmap", "sram_read_bits.filter", "sram_write_bits.ofmap",
/// "sram_read_bits.ofmap" (partial-sum reads, physical mode), "ovp_decode" (one per element of an
/// OliVe `ovp*` operand read from its buffer: ifmap reads if A is ovp, filter reads if B is).
/// Throws std::invalid_argument for non-matmul ops, zero dimensions or 64-bit overflow.
TilePlan systolic_plan(const Op& op, const SystolicParams& p);

}  // namespace qasim::models
