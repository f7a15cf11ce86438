#pragma once
// Vector unit timing and traffic model: element-wise and row-reduction ops (softmax, norms,
// activations, residual adds, RoPE, (de)quantization, gathers, KV writes, LUT builds) on a
// SIMD unit of `lanes` lanes. Pure C++ (no SystemC).
//
// Operation counts per element (the `ops` column of the table in vector_model.cpp) follow
// LLM-Viewer's conventions (hahnyuan/LLM-Viewer@472f71f, as recorded in
// reference/workloads.md §4): softmax 5 OPs/elem, norm 7, add 1, activation 2. Ops LLM-Viewer does
// not list are derived in the table's comments. One lane executes one operation per cycle
// (transcendentals — exp, erf/tanh, sigmoid — on a pipelined special-function unit per lane with
// the same throughput), so the default cycles per element per lane equal the op count.
//
// Cycles of a tile of e elements:
//     ceil(e / lanes) · cycles_per_element(op)  +  reductions(op) · ceil(log2(lanes))
// The first term is the lanes-wide streaming of every pass. A row reduction (max, sum) first
// accumulates per lane (counted in the op count), then combines the lanes in a binary adder/max
// tree of depth ceil(log2(lanes)); the tree is pipelined across rows, but the pass that follows
// needs the reduced value (softmax: subtract the max, divide by the sum; norms: the mean and the
// variance), so its latency is exposed once per dependent reduction per tile.
//
// Tiles: chunks of elements that fit the unit's buffer. The buffer must hold a chunk's inputs and
// its output (at their formats' bits per element, group metadata amortised). The chunk is the
// largest multiple of `lanes` such that two chunks fit (double buffering: the next chunk loads
// while this one computes); if not even two lane-vectors fit, one chunk fills the buffer and the
// tiles run single-buffered. Chunks are independent: a softmax/norm row longer than a chunk is
// handled in passes over chunks (online softmax), which this model does not charge extra.
//
// Traffic per tile (bytes, metadata included via Format::bytes of the chunk):
//   inputs   → load_a_bytes (activations; add, mul, silu_mul and relu2_mul read two inputs of
//              format `a`: the trace gives one input format for element-wise ops),
//              embedding reads its table rows (format `b`, b_src weight) → load_b_bytes,
//              lut_build reads elems/2 activations (T-MAC groups of g = 4 activations build
//              2^(g−1) = 8 table entries: microsoft/T-MAC@7042f8f, reference/workloads.md §3);
//   output   → store_bytes (format `out`).
// Actions per tile: "vec_op" (element operations = elems · ops), "vec_special" (exp/erf/sigmoid
// evaluations), "vec_buffer_read_bits" and "vec_buffer_write_bits" (buffer accesses by the lanes:
// each pass over the chunk reads its inputs; multi-pass ops write intermediates, e.g. softmax's
// exponentials; the DMA's fills and drains of the buffer are not counted here, as in SCALE-Sim's
// SRAM counts). Tile::macs = element operations (TilePlan contract), peak_ops_per_cycle = lanes
// (× ops/cycles-per-element when an override makes an op faster than one op per lane-cycle).
#include <cstdint>
#include <map>

#include "models/op.h"
#include "models/tile_plan.h"

namespace qasim::models {

/// Per-op costs of the vector unit (one row of the table in vector_model.cpp).
struct VectorOpCost {
    uint32_t ops_per_elem = 1;      ///< element operations per output element
    uint32_t reductions = 0;        ///< dependent lanes-wide reductions (tree latency each)
    uint32_t special_per_elem = 0;  ///< transcendental evaluations per element (exp, erf, sigmoid)
    uint32_t inputs = 1;            ///< input tensors of `elems` elements each
    uint32_t read_passes = 1;       ///< passes over the chunk reading its inputs from the buffer
    uint32_t write_passes = 1;      ///< buffer writes per element (intermediates + result)
};

/// The default cost of a vector op kind. Throws std::invalid_argument for matmul kinds.
const VectorOpCost& vector_op_cost(OpKind kind);

/// Parameters of one vector unit.
struct VectorParams {
    /// SIMD lanes (elements per cycle per operation); 128 as vec0 in DESIGN.md §4's sketch.
    uint64_t lanes = 128;
    /// On-chip buffer (bytes) for inputs and outputs of the tiles. Default 256 KiB, the same as
    /// hw/vector's `buffer_kb` default (a configuration choice, not a measured figure).
    uint64_t buffer_bytes = 256ull * 1024;
    /// Cycles per element per lane by op kind, overriding the defaults (= ops_per_elem).
    std::map<OpKind, uint64_t> cycles_per_elem;

    /// The cycles per element per lane used for `kind` (override or default).
    uint64_t cycles_per_element(OpKind kind) const;
};

/// Tile plan of one repeat of a non-matmul Op: elems elements in buffer-sized chunks.
/// Throws std::invalid_argument for matmul ops, elems = 0, lanes = 0, a buffer that cannot hold
/// one element, a zero cycles-per-element override, or 64-bit overflow.
TilePlan vector_plan(const Op& op, const VectorParams& p);

}  // namespace qasim::models
