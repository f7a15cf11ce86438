#pragma once
// Quantization specs of generated traces: `W4A16KV2`-style shorthands and per-role format strings.
//
// SPEC := ITEM (',' ITEM)*;  ITEM := SHORTHAND | ROLE=FORMAT  (items apply left to right, on top of
// the model's default spec; a shorthand resets every role first)
// ROLE := weights | activations | kv | scores | lm_head | embedding
// SHORTHAND := W<w>[A<a>][KV<kv>] | fp16, case-insensitive:
//   W16 → fp16; W1.58 → ternary/tensor (BitNet b1.58 absmean, one FP32 scale per matrix);
//   LLMs: W8 → int8/channel/fp32 (per output channel), W2..W7 → intW/g128 (GPTQ/AWQ-style FP16
//   scale per 128 weights along K); ViTs: W2..W8 → intW/channel/fp32 (PTQ4ViT / RepQ-ViT
//   per-channel).
//   A16 → fp16; A2..A8 → intA (dynamic per-token/per-tensor scales are not stored).
//   KV16 → fp16; KV1..KV8 → intKV/g32/fp16sz (KIVI: asymmetric, FP16 scale + FP16 min per 32,
//   keys per-channel, values per-token). KV absent ⇒ the cache holds activations (kv = A format).
//   scores (post-softmax P) = the activations format, except ViT shorthands with A < 16, which use
//   log2_A (log2 post-softmax, RepQ-ViT / PTQ4ViT style).
//   Special cases: bare `W3` / `W4` = BitMoD (bitmod3/g128, bitmod4/g128, FP16 activations);
//   `W4A4` on LLMs = OliVe (weights ovp4/channel/fp32, activations ovp4, KV and scores fp16 unless
//   KV is given); `W2A8KV4` = AccLLM's bit widths (its group size is UNVERIFIED: g128 assumed).
// lm_head and embedding of LLMs default to fp16 (usual practice, reference/workloads.md §2c); the
// ViT patch embedding and classifier head use the weights format.
#include <string>

#include "models/formats/format.h"
#include "workloads/model_config.h"

namespace qasim::workloads {

/// Formats of every operand role of a generated trace.
struct QuantScheme {
    models::Format weights = models::parse_format("fp16");
    models::Format activations = models::parse_format("fp16");
    models::Format kv = models::parse_format("fp16");         ///< KV cache as stored
    models::Format scores = models::parse_format("fp16");     ///< post-softmax probabilities
    models::Format lm_head = models::parse_format("fp16");    ///< LLM output projection
    models::Format embedding = models::parse_format("fp16");  ///< LLM token (and position) table
    bool kv_quantized() const {
        return kv.spec != "fp16" && kv.spec != "bf16" && kv.spec != "fp32";
    }
};

/// Parses `spec` ("" = the model's default) for model `m`. Errors → sim::ConfigError
/// "LABEL: MESSAGE" quoting the grammar (and the format grammar for bad format strings).
QuantScheme parse_quant_spec(const std::string& spec, const ModelConfig& m,
                             const std::string& label);
/// The spec grammar in one paragraph, for messages and --help.
std::string quant_spec_grammar();

}  // namespace qasim::workloads
