#pragma once
// Bit-serial PE array model (Stripes, BitMoD; OliVe as its bit-parallel limit). Pure C++.
//
// Structure (BitMoD, Chen et al. HPCA 2025, artifact abdelfattah-lab/BitMoD-HPCA-25@e445a5f
// bitmod_sim/accelerator.py `_calc_tile_fc`, pe_array.py `pe_latency`):
//   R × C PEs; PE row r ↔ an output channel n (N), PE column c ↔ a token m (M). Every PE holds
//   one output in its accumulator (output stationary) and computes, per K-step, a dot product of
//   `dot_width` (D) consecutive elements along K. One operand (the *serial* one: weights B by
//   default, or activations A) enters the PE `bits_per_cycle` (b) bits per cycle; the other (the
//   *parallel* one) is held whole in the PE for the K-step.
//
// Closed form of one GEMM instance A[M×K]·B[K×N] (batch instances run back to back):
//   passes   P = ceil(s / b) · S,  s = serial bits of the serial operand's format
//              (Format::serial_passes(): int/bitmod/ovp bits, ternary 2, float mantissa+hidden),
//              S = parallel slices: 1 if the parallel operand fits `parallel_format`, else
//              ceil(operand significand / datapath width) (see parallel_slices()).
//   K-steps  Ks = Σ over scale groups of ceil(group length / D)  (groups along K of either
//              operand, group size G; without groups Ks = ceil(K / D)). A dot product never
//              straddles a group boundary: the group's partial sum must be rescaled alone.
//   blocks   Bn = ceil(N / R), Bm = ceil(M / C) (output blocks; loop order: see the schedule below)
//   bit-serial cycles  Cbs = Bn · Bm · Ks · P                      (the part ∝ serial bits)
//   dequant stall per group boundary  max(0, dequant_cycles − ceil(G / D) · P)
//              (BitMoD's per-PE dequant unit rescales a finished group's partial sum while the
//              next group's bit-serial steps run; it only stalls when a group is shorter than
//              the unit's latency), counted for every group of every block
//   drain    dequant_cycles once per op instance (the last group's rescale is exposed)
//   compute  = Cbs + stalls + drain.
// Hence for compute-bound GEMMs with b = 1: Cbs(W3) = ¾ Cbs(W4) and Cbs(W8) = 2 Cbs(W4) exactly;
// the total differs only by the drain (a few cycles per op). With b = 2 (BitMoD's artifact:
// `pe_latency = ceil(floor(w_prec) / 2)`, so W3 and W4 both take 2 cycles) the ratio is
// ceil(3/2) : ceil(4/2) = 1.
//
// Actions (per tile):
//   "bs_step"            active PE-cycles of bit-serial work (used PEs × Ks × P)
//   "exp_align"          products whose exponents are added before the serial steps (float,
//                        BitMoD or OVP operand; BitMoD's PE "exp-match" block): one per MAC
//   "dequant"            group partial-sum rescales (M·N·groups) plus, for per-channel/tensor
//                        scaled operands, one output rescale per output
//   "bitmod_decode"      BitMoD per-group datatype decode of weight codes (per element read)
//   "ovp_decode"         OliVe outlier-victim pair decodes (per OVP element read, both operands)
//   "sram_read_bits.weight", "sram_read_bits.act"   operand buffer reads (element bits; each
//                        element is read once per output block that uses it)
//   "sram_read_bits.meta"  scale/zero metadata read at group boundaries
//   "sram_write_bits.out"  finished outputs (out format)
//
// Schedule and DRAM traffic. Output blocks are R outputs (N) × C tokens (M). The operand that fits
// its buffer stays resident and is loaded once: if A (M×K) fits, N blocks are the outer loop and
// each weight slice K × R (Format::matrix_bytes, metadata included) is loaded once; else if all
// weights fit, M blocks are outer. If neither fits, chunks of one operand are held (half its
// buffer each, so the next chunk loads into the other half) and the other is re-streamed once per
// chunk; the order with less traffic is chosen (the BitMoD artifact's refetch rule,
// bitmod_sim/accelerator.py `_calc_num_mem_refetch`). A tile is one chunk × one block of the
// other operand (one output block when the chunk is 1). Outputs are stored once: all at the end of
// the instance if they fit the output buffer, else by each tile.
//
// double_buffered (TilePlan; the next tile's loads overlap the current tile's compute): for each
// of the weight, activation and output buffers, two tiles' loads (stores) fit it, or the operand
// is resident (weights / A: the whole operand of one instance fits; outputs: all held, stored
// once at the instance's end). Batch instances run back to back and each one reloads both
// operands, so with batch > 1 the first tile of instance i + 1 loads while the last tile of
// instance i computes: a resident operand then also needs room for what that last tile still
// reads (weights: K × its rows, A: K × its columns; blocks used only by earlier tiles are dead)
// plus the first tile's load, and held outputs for out_all (stored after the last tile) plus the
// first tile's outputs. When an instance is one tile (or one block of that operand) this is two
// instance copies. batch == 1: resident or two tiles, as before.
//
// K-split (BitserialParams::k_split, default on). With one inner block (decode GEMVs: M <= C
// tokens with N blocks outer, or N <= R with M blocks outer) every operand slice is used by one
// tile only. If the plan above is not double buffered (typically a K × R weight slice larger than
// half the weight buffer: LLaMA-2-7B down_proj, K = 11008, W3: 269,696 B against 256 KiB), each
// tile streams its K range in kp pieces: the PEs keep their outputs in the accumulators (output
// stationary), so piece q + 1 loads while piece q computes. kp is the fewest pieces that make the
// plan double buffered (binary search; loads shrink monotonically with kp); none is used if even
// the finest cut does not help (e.g. the output buffer is the limit). Pieces are cut at multiples
// of U = lcm(D, scale group sizes) and are equal but the last, so K-steps, scale groups, group
// stalls, MACs and buffer reads add up exactly to the unsplit tile's; the drain, the output
// writes and stores, and a per-output rescale without groups belong to the last piece. Loads are
// matrix_bytes of each piece (rounded up to whole bytes per piece). With several inner blocks the
// outer slice is re-used by every inner block and is not split. k_split = false: whole-K tiles
// (the BitMoD artifact's `_calc_tile_fc` tiles), whose loads then serialize with compute.
#include <cstdint>
#include <string>

#include "models/formats/format.h"
#include "models/op.h"
#include "models/tile_plan.h"

namespace qasim::models {

/// Which operand is consumed bit-serially.
enum class SerialOperand : uint8_t { weight, activation };

const char* to_string(SerialOperand s);

/// Parameters of one bit-serial array (defaults and their sources: hw/bitserial/bitserial_array.h).
struct BitserialParams {
    uint64_t rows = 64;  ///< R: PE rows (output channels N)
    uint64_t cols = 16;  ///< C: PE columns (tokens M)
    SerialOperand serial = SerialOperand::weight;
    uint32_t bits_per_cycle = 1;  ///< serial bits consumed per cycle (b)
    uint32_t dot_width = 4;       ///< D: K elements per PE per step (BitMoD: 4)
    uint32_t dequant_cycles = 1;  ///< latency of the per-PE group dequant unit (cycles)
    uint64_t weight_sram_bytes = 512ull * 1024;     ///< buffer of the serial-side/weight operand
    uint64_t act_sram_bytes = 512ull * 1024;        ///< buffer of the activation operand
    uint64_t out_sram_bytes = 128ull * 1024;        ///< output buffer
    Format parallel_format = parse_format("fp16");  ///< bit-parallel operand datapath
    uint32_t acc_bits = 32;                         ///< accumulator width (bits)
    bool k_split = true;  ///< K pieces for single-inner-block plans (header, "K-split")
};

/// Slices the bit-parallel datapath `pe` needs for operand format `op`: 1 if it fits (as
/// hw::pe_fit), ceil(significand bits / datapath bits) for an integer-like datapath given a wider
/// integer or a float operand (slices composed by shift-add, floats aligned by exponent as the
/// OliVe/BitMoD exponent-integer PEs do), 0 if impossible (a float datapath given a float with
/// more exponent or mantissa bits).
uint32_t parallel_slices(const Format& op, const Format& pe);

/// Serial bits of a format (Format::serial_passes()).
uint32_t serial_bits(const Format& f);

/// Closed-form figures of one GEMM instance.
struct BitserialInfo {
    uint64_t passes = 0;   ///< P
    uint64_t k_steps = 0;  ///< Ks
    uint64_t groups = 0;   ///< scale groups along K (0 if no group scales)
    uint64_t n_blocks = 0, m_blocks = 0;
    uint64_t bs_cycles = 0;     ///< Cbs = blocks · Ks · P
    uint64_t stall_cycles = 0;  ///< dequant stalls
    uint64_t drain_cycles = 0;  ///< exposed last dequant
    uint64_t total_cycles = 0;  ///< Cbs + stalls + drain
};

/// Closed form of A[M×K]·B[K×N] with formats a, b. Throws std::invalid_argument for zero sizes,
/// a parallel operand the datapath cannot take, or overflow.
BitserialInfo bitserial_info(uint64_t M, uint64_t K, uint64_t N, const Format& a, const Format& b,
                             const BitserialParams& p);

/// Tile plan of one repeat of a matmul Op: one tile per held chunk × streamed block (see the
/// schedule above), run-length encoded; compute_cycles() equals batch × total_cycles.
TilePlan bitserial_plan(const Op& op, const BitserialParams& p);

}  // namespace qasim::models
