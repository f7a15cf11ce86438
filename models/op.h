#pragma once
// One row of a workload trace: what a compute unit is asked to do.
#include <cstdint>
#include <string>
#include <vector>

#include "models/formats/format.h"

namespace qasim::models {

/// Operator kinds of a trace (DESIGN.md §3b). Matmul kinds use m, k, n, batch; the others use elems.
enum class OpKind : uint8_t {
    gemm,          ///< A[m×k]·B[k×n] ×batch
    gemv,          ///< gemm with m = 1 (decode projections)
    attention_qk,  ///< Q·Kᵀ per KV-head group, B from the KV cache
    attention_pv,  ///< P·V per KV-head group
    softmax,
    layernorm,
    rmsnorm,
    gelu,
    silu,
    silu_mul,      ///< SiLU(gate)·up (SwiGLU)
    relu,
    relu2,         ///< ReLU(x)² (BitNet)
    relu2_mul,     ///< ReLU(gate)²·up (BitNet b1.58 GLU)
    add,
    mul,
    rope,
    quant,
    dequant,
    embedding,     ///< gather of elems/d rows
    kv_write,      ///< store of new K/V elements to the KV cache
    lut_build,     ///< table precompute (T-MAC / LUT Tensor Core)
};

/// Where operand B comes from: weights, the KV cache, or on-chip activations.
enum class BSrc : uint8_t { weight, kv, act };

const char* to_string(OpKind k);
const char* to_string(BSrc s);
/// Parses an op kind name; returns false if unknown.
bool parse_op_kind(const std::string& s, OpKind* out);
bool parse_b_src(const std::string& s, BSrc* out);
const std::vector<std::string>& op_kind_names();
/// True for gemm, gemv, attention_qk, attention_pv.
bool is_matmul(OpKind k);

/// One trace row. `repeat` identical instances run one after another (e.g. once per layer).
struct Op {
    std::string name;
    OpKind kind = OpKind::gemm;
    uint64_t m = 0, k = 0, n = 0;  ///< A[m×k]·B[k×n]
    uint64_t batch = 1;            ///< independent instances per repeat (heads, KV groups)
    uint64_t repeat = 1;           ///< the row repeated (layers)
    uint64_t elems = 0;            ///< element count for non-matmul ops (per repeat)
    Format a = parse_format("fp16");    ///< operand A / input of non-matmul ops
    Format b = parse_format("fp16");    ///< operand B
    Format out = parse_format("fp16");  ///< result
    BSrc b_src = BSrc::weight;

    /// MACs of one repeat (m·k·n·batch), 0 for non-matmul ops.
    uint64_t macs() const { return is_matmul(kind) ? m * k * n * batch : 0; }
    /// Bytes of the A operand, B operand and output of one repeat, metadata included.
    uint64_t a_bytes() const;
    uint64_t b_bytes() const;
    uint64_t out_bytes() const;
};

}  // namespace qasim::models
