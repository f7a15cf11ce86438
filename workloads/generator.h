#pragma once
// Trace generator: the op list of a ViT or LLM forward pass (prefill or one decode step) following
// reference/workloads.md §2, with the operand formats of a quantization spec.
//
// Modelling choices (each documented where it is implemented):
// * Every per-layer row has repeat = layers; model-level rows (embedding, patch embedding, final
//   norm, lm_head / head) have repeat 1. Biases are folded into their GEMM rows.
// * Attention per KV-head group: qk = (g·T, dh, L) ×B·Hkv, pv = (g·T, L, dh) ×B·Hkv (the g query
//   heads of a group share one K/V); softmax elems = B·H·T·L.
// * Prefill causal attention: `causal=dense` (default) computes the full S×S score matrix with a
//   mask (L = S for every query: 4·B·H·S²·dh FLOPs per layer, what dense kernels do);
//   `causal=exact` splits the lower triangle recursively into rectangles, giving exactly
//   S(S+1)/2 scores per head (2·B·H·dh·S(S+1) FLOPs). Prefill qk/pv read K/V as activations
//   (b_src: act, activations format): KIVI computes prefill attention on FP16 K/V.
// * Decode: T = 1, context L (tokens cached + 1); qk/pv read the KV cache (b_src: kv). Mistral's
//   sliding window caps L at the window.
// * KIVI residual R (kv_residual): the cache keeps the newest tokens in FP16. Counted at the step
//   boundary as reference/workloads.md §2c does: keys are quantized in chunks of R, so L mod R keys
//   are FP16; values keep the last min(L, R) tokens in FP16. (KIVI's code attends before flushing,
//   which holds up to R keys and R+1 values in FP16 during the step.) qk/pv rows are split into a
//   quantized part and an FP16 part; decode writes the new K/V in FP16 (kv_write) and quantizes one
//   value token per step (quant row, once L > R) and a key chunk of R tokens when L mod R = 0.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/errors.h"
#include "workloads/model_config.h"
#include "workloads/quant_spec.h"
#include "workloads/trace.h"

namespace qasim::workloads {

/// What to generate. Unset fields take the defaults listed in gen_option_help().
struct GenOptions {
    std::string phase;                ///< prefill | decode ("" = prefill)
    std::optional<uint64_t> batch;    ///< B, sequences or images (default 1)
    std::optional<uint64_t> seq;      ///< prefill: prompt length S; decode: tokens already cached
    std::optional<uint64_t> context;  ///< decode: keys attended L (= seq + 1); prefill: = seq
    std::optional<uint64_t> kv_residual;  ///< KIVI: newest tokens kept in FP16 (0 = none)
    std::optional<uint64_t> image;        ///< ViT input side in pixels (default: the config's)
    std::string quant;                    ///< quant spec ("" = the model's default)
    std::string causal;                   ///< dense | exact ("" = dense)
    std::string logits;                   ///< last | all: lm_head rows in prefill ("" = last)
};

/// Default prompt length (prefill) and context (decode) when neither seq nor context is given:
/// 1024, the worked example of reference/workloads.md §2c.
constexpr uint64_t kDefaultSeq = 1024;

/// Option keys accepted by zoo specs (`zoo:M?key=value`) and, spelled --key-name, by qasim trace.
const std::vector<std::string>& gen_option_keys();
/// Sets option `key` from text. Errors go to `errs` under path `shown` (e.g. "--seq" or "seq").
void set_gen_option(GenOptions* o, const std::string& key, const std::string& value,
                    const std::string& shown, sim::Errors& errs);

/// Generates the trace. `label` names the request in messages (e.g. the zoo spec). Throws
/// sim::ConfigError for bad options (seq 0, context beyond the model's maximum, ...).
Trace generate_trace(const ModelConfig& m, const GenOptions& o, const std::string& label);

/// A zoo spec `zoo:MODEL[:PHASE][?key=value&...]` (the `zoo:` prefix is optional here).
struct ZooSpec {
    std::string model;
    GenOptions options;
};
ZooSpec parse_zoo_spec(const std::string& spec);
/// parse_zoo_spec + zoo_model + generate_trace; the trace's source is `spec`.
Trace zoo_trace(const std::string& spec);

}  // namespace qasim::workloads
