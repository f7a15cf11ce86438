// Quantization specs: shorthands, per-role format strings, model defaults and errors.
#include <gtest/gtest.h>

#include "wl_test_util.h"

namespace qasim::workloads {
namespace {

using namespace test;

struct Expect {
    std::string weights, activations, kv, scores;
};

void expect_scheme(const std::string& spec, const std::string& model, const Expect& e) {
    const QuantScheme q = parse_quant_spec(spec, zoo_model(model), "quant");
    EXPECT_EQ(q.weights.spec, e.weights) << spec << " on " << model;
    EXPECT_EQ(q.activations.spec, e.activations) << spec << " on " << model;
    if (!e.kv.empty()) {
        EXPECT_EQ(q.kv.spec, e.kv) << spec << " on " << model;
    }
    EXPECT_EQ(q.scores.spec, e.scores) << spec << " on " << model;
}

TEST(QuantSpec, Shorthands) {
    expect_scheme("W4A16KV2", "llama2-7b", {"int4/g128", "fp16", "int2/g32/fp16sz", "fp16"});
    expect_scheme("w4a16kv2", "llama2-7b", {"int4/g128", "fp16", "int2/g32/fp16sz", "fp16"});
    expect_scheme("W8A8", "llama2-7b", {"int8/channel/fp32", "int8", "int8", "int8"});
    expect_scheme("W4A8", "llama3-8b", {"int4/g128", "int8", "int8", "int8"});
    expect_scheme("W2A8KV4", "llama2-7b",
                  {"int2/g128", "int8", "int4/g32/fp16sz", "int8"});             // AccLLM
    expect_scheme("W3", "llama2-7b", {"bitmod3/g128", "fp16", "fp16", "fp16"});  // BitMoD
    expect_scheme("W4", "opt-6.7b", {"bitmod4/g128", "fp16", "fp16", "fp16"});
    expect_scheme("W4A4", "llama2-7b", {"ovp4/channel/fp32", "ovp4", "fp16", "fp16"});  // OliVe
    expect_scheme("W4A4KV4", "llama2-7b", {"ovp4/channel/fp32", "ovp4", "int4/g32/fp16sz", "fp16"});
    expect_scheme("W16A16", "llama2-7b", {"fp16", "fp16", "fp16", "fp16"});
    expect_scheme("fp16", "bitnet-2b4t", {"fp16", "fp16", "fp16", "fp16"});
    expect_scheme("W1.58A8", "llama2-7b", {"ternary/tensor", "int8", "int8", "int8"});
    // ViT PTQ: per-channel weights, log2 post-softmax at the activation width.
    expect_scheme("W8A8", "vit-b16", {"int8/channel/fp32", "int8", "", "log2_8"});
    expect_scheme("W4A8", "deit-small", {"int4/channel/fp32", "int8", "", "log2_8"});
    expect_scheme("W6A6", "deit-base", {"int6/channel/fp32", "int6", "", "log2_6"});
    expect_scheme("W4A4", "vit-l16", {"int4/channel/fp32", "int4", "", "log2_4"});
    expect_scheme("W3", "vit-b16", {"bitmod3/g128", "fp16", "", "fp16"});
    // Model defaults: fp16, except BitNet (ternary weights, int8 activations, FP16 attention).
    expect_scheme("", "llama2-7b", {"fp16", "fp16", "fp16", "fp16"});
    expect_scheme("", "bitnet-2b4t", {"ternary/tensor", "int8", "fp16", "fp16"});
    expect_scheme("kv=int4/g32/fp16sz", "bitnet-2b4t",
                  {"ternary/tensor", "int8", "int4/g32/fp16sz", "fp16"});
}

TEST(QuantSpec, FormatStringsPerRole) {
    const QuantScheme q =
        parse_quant_spec("weights=int4/g128,activations=fp16,kv=int2/g32/fp16sz,scores=log2_4",
                         zoo_model("llama2-7b"), "quant");
    EXPECT_EQ(q.weights.spec, "int4/g128");
    EXPECT_EQ(q.kv.spec, "int2/g32/fp16sz");
    EXPECT_EQ(q.scores.spec, "log2_4");
    EXPECT_EQ(q.lm_head.spec, "fp16");
    // Items apply left to right on top of a shorthand.
    const QuantScheme r = parse_quant_spec(
        "W4A16KV2, lm_head=int8/channel, embedding=int8/channel, kv=int4/g64/fp16sz",
        zoo_model("llama2-7b"), "quant");
    EXPECT_EQ(r.weights.spec, "int4/g128");
    EXPECT_EQ(r.lm_head.spec, "int8/channel");
    EXPECT_EQ(r.embedding.spec, "int8/channel");
    EXPECT_EQ(r.kv.spec, "int4/g64/fp16sz");
    // MX / NV formats go through as given.
    const QuantScheme s =
        parse_quant_spec("weights=mxfp4,activations=fp8_e4m3", zoo_model("llama3-8b"), "quant");
    EXPECT_EQ(s.weights.spec, "mxfp4");
    EXPECT_EQ(s.kv.spec, "fp8_e4m3");  // no KV given: the cache holds activations
    // Trace rows carry the formats: lm_head override, embedding table format.
    const Trace t = zoo_trace("zoo:llama2-7b:decode?quant=W4A16KV2,lm_head=int8/channel");
    EXPECT_EQ(find_op(t, "lm_head")->b.spec, "int8/channel");
    EXPECT_EQ(find_op(t, "embed")->a.spec, "fp16");
    EXPECT_EQ(t.quant.at("kv"), "int2/g32/fp16sz");
    // Full strings reach the rows of a ViT trace (qk/pv B operands are activations).
    const Trace v =
        zoo_trace("zoo:deit-tiny?quant=weights=int4/channel/fp32,activations=int8,scores=log2_4");
    EXPECT_EQ(find_op(v, "L.pv")->a.spec, "log2_4");
    EXPECT_EQ(find_op(v, "L.pv")->b.spec, "int8");
    EXPECT_EQ(find_op(v, "patch_embed")->b.spec, "int4/channel/fp32");
    EXPECT_EQ(find_op(v, "head")->b.spec, "int4/channel/fp32");
}

TEST(QuantSpec, MetadataBytesCounted) {
    // BitMoD charges 8 bits per 128-weight group (4.0625 b/weight at W4): BitMoD-HPCA-25 sim.
    const Trace b = zoo_trace("zoo:llama2-7b:decode?quant=W4");
    EXPECT_EQ(block_weight_payload(b), 3238002688ull);
    EXPECT_EQ(block_weight_meta(b), 6476005376ull / 128);
    // Ternary: 2-bit payload and one FP32 scale per matrix.
    const Trace t = zoo_trace("zoo:bitnet-2b4t:decode");
    EXPECT_EQ(block_weight_meta(t), 30u * 7 * 4);
    // OliVe: no side storage besides the per-channel scales.
    const Trace o = zoo_trace("zoo:opt-6.7b:decode?quant=W4A4");
    uint64_t ch = 0;
    for (const auto& op : o.ops)
        if (is_weight_mm(op) && is_block(op)) ch += op.n * op.repeat;
    EXPECT_EQ(block_weight_meta(o), ch * 4);
}

TEST(QuantSpec, Errors) {
    const ModelConfig llama = zoo_model("llama2-7b");
    auto err = [&](const std::string& spec, const ModelConfig& m) {
        return error_of([&] { parse_quant_spec(spec, m, "quant"); });
    };
    EXPECT_HAS(err("W4A16KV0", llama), "quant: 'W4A16KV0': KV bits must be 1..8 or 16, got 0");
    EXPECT_HAS(err("W4A16KV", llama),
               "quant: 'W4A16KV': malformed shorthand (expected digits after KV)");
    EXPECT_HAS(err("W4A16KV", llama), "Allowed: comma-separated items");
    EXPECT_HAS(err("W4B16", llama), "malformed shorthand (unexpected 'b16')");
    EXPECT_HAS(err("Q4", llama), "malformed shorthand");
    EXPECT_HAS(err("W8", llama), "a bare W<bits> selects BitMoD weights and takes W3 or W4");
    EXPECT_HAS(err("W4KV2", llama), "give the activation bits too");
    EXPECT_HAS(err("W9A16", llama), "W bits must be 1.58, 2..8 or 16, got 9");
    EXPECT_HAS(err("W4A1", llama), "A bits must be 2..8 or 16, got 1");
    EXPECT_HAS(err("W4A16KV32", llama), "KV bits must be 1..8 or 16, got 32");
    EXPECT_HAS(err("weights=int4/q128", llama),
               "quant: 'weights=int4/q128': format 'int4/q128': unknown "
               "granularity 'q128'. Allowed: BASE[/GRANULARITY[/SCALE]]");
    EXPECT_HAS(err("weight=int4", llama), "unknown role 'weight'");
    EXPECT_HAS(err("W4A16,,kv=int4", llama), "empty item");
    EXPECT_HAS(err("W8A8KV8", zoo_model("vit-b16")), "ViT models have no KV cache");
    EXPECT_HAS(err("lm_head=int8", zoo_model("vit-b16")), "role lm_head is not used by ViT models");
}

}  // namespace
}  // namespace qasim::workloads
