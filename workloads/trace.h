#pragma once
// Workload traces (schema qasim.trace/1, DESIGN.md §4): YAML or CSV with the same columns.
// M, K, N always mean A[M×K]·B[K×N]; `repeat` multiplies a row.
//
// YAML layout:
//   schema: qasim.trace/1          (required)
//   model: llama2-7b               (optional)
//   phase: decode                  prefill | decode (default prefill)
//   batch: 1                       >= 1 (default 1)
//   seq: 1023                      optional: prompt length (prefill) or tokens cached (decode)
//   context: 1024                  optional: keys attended per query
//   quant: {weights: int4/g128, activations: fp16, kv: int2/g32/fp16sz, scores: fp16}
//   ops:
//     - {name: L.q_proj, op: gemm, m: 1, k: 4096, n: 4096, b_src: weight, repeat: 32}
//
// Row keys: name, op, m, k, n, batch (default 1), repeat (default 1), elems, b_src, a_fmt, b_fmt,
// out_fmt. Matmul rows (gemm, gemv, attention_qk, attention_pv) need m, k, n >= 1, no elems;
// the other rows need elems >= 1 and take none of m, k, n, batch, b_src, b_fmt.
//
// Default formats of a row (explicit a_fmt / b_fmt / out_fmt override them); every role absent from
// `quant` is fp16, except `scores`, which defaults to the activations format:
//   a   ← activations; attention_pv: scores (the post-softmax probabilities); embedding: weights
//   b   ← by b_src: weight → weights, kv → KV-operand form of `kv` (see kv_operand_format), act →
//         activations
//   out ← activations; softmax: scores; kv_write: kv
//   b_src default: weight for gemm/gemv, kv for attention_qk/attention_pv.
//
// CSV: a header line with the row keys as column names (any order, `name` and `op` required), one
// row per op, empty cells = defaults, cells may be double-quoted. Lines starting with `#` are
// comments; before the header, a comment `# KEY: VALUE` with KEY one of schema, model, phase,
// batch, seq, context, quant sets that trace-level field (quant as a YAML flow map), other comments
// are ignored. Missing trace-level fields take the defaults above (schema qasim.trace/1).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/op.h"

namespace qasim::workloads {

struct Trace {
    std::string schema = "qasim.trace/1";
    std::string model;              ///< e.g. llama2-7b
    std::string phase = "prefill";  ///< prefill | decode
    uint64_t batch = 1;
    uint64_t seq = 0;      ///< prompt length (prefill) or tokens already cached (decode)
    uint64_t context = 0;  ///< keys attended per query (decode: L)
    /// Default formats by role: weights, activations, kv, scores (attention probabilities).
    std::map<std::string, std::string> quant;
    std::vector<models::Op> ops;
    std::string source;  ///< file path or zoo spec, for messages and the report

    uint64_t total_macs() const;
};

/// Reads a trace file (.yaml/.yml or .csv). Throws sim::ConfigError naming file, row and key.
Trace load_trace(const std::string& path);
Trace parse_trace_yaml(const std::string& text, const std::string& file);
Trace parse_trace_csv(const std::string& text, const std::string& file);
std::string to_yaml(const Trace& t);
std::string to_csv(const Trace& t);

/// A `--workload` argument: a trace path, or `zoo:MODEL[:PHASE][?key=value&...]`.
Trace resolve_workload(const std::string& arg);

/// The roles a trace's `quant` map may name, in output order: weights, activations, kv, scores.
const std::vector<std::string>& quant_roles();

/// The default formats of a trace's rows, resolved from its `quant` map (see the header comment).
struct RoleFormats {
    models::Format weights = models::parse_format("fp16");
    models::Format activations = models::parse_format("fp16");
    models::Format kv = models::parse_format("fp16");          ///< the cache as stored (kv_write)
    models::Format kv_operand = models::parse_format("fp16");  ///< B operand of qk/pv rows
    models::Format scores = models::parse_format("fp16");
};
/// Throws models::FormatError for a bad format string; unknown roles are the caller's check.
RoleFormats resolve_roles(const std::map<std::string, std::string>& quant);

/// The B-operand form of a KV-cache format. A group-wise KV format `intB/gG[/S]` means KIVI's
/// layout (keys per-channel: groups of G tokens per channel; values per-token: groups of G
/// channels per token). On the B operand of qk (Kᵀ: K = head dim, N = tokens) and of pv (V:
/// K = tokens, N = head dim) both groups run along N, so the operand format is `intB/gnG[/S]`.
/// Other formats are returned unchanged.
models::Format kv_operand_format(const models::Format& kv);

models::BSrc default_b_src(models::OpKind kind);
models::Format default_a_format(models::OpKind kind, const RoleFormats& r);
models::Format default_b_format(models::OpKind kind, models::BSrc src, const RoleFormats& r);
models::Format default_out_format(models::OpKind kind, const RoleFormats& r);

}  // namespace qasim::workloads
