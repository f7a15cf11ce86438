// Bad zoo specs and generator options are rejected with messages naming the key and the value.
#include <gtest/gtest.h>

#include "wl_test_util.h"

namespace qasim::workloads {
namespace {

using namespace test;

std::string zoo_error(const std::string& spec) {
    return error_of([&] { zoo_trace(spec); });
}

TEST(GeneratorErrors, BadSpecs) {
    EXPECT_HAS(zoo_error("zoo:llama9"),
               "zoo:llama9: unknown zoo model 'llama9'; allowed: deit-tiny, deit-small");
    EXPECT_HAS(zoo_error("zoo:llama9"), "bitnet-2b4t");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?seq=0"),
               "zoo:llama2-7b?seq=0: seq: must be an integer >= 1, got '0'");
    EXPECT_HAS(zoo_error("zoo:llama2-7b:decode?context=0"),
               "context: must be an integer >= 1, got '0'");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?batch=0"), "batch: must be an integer >= 1, got '0'");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?batch=two"), "batch: must be an integer >= 1, got 'two'");
    EXPECT_HAS(
        zoo_error("zoo:llama2-7b:decode?context=4097"),
        "zoo:llama2-7b:decode?context=4097: context: 4097 is beyond llama2-7b's maximum context "
        "4096 (max_position_embeddings)");
    EXPECT_HAS(zoo_error("zoo:opt-6.7b?seq=4096"),
               "seq: 4096 is beyond opt-6.7b's maximum context 2048");
    EXPECT_HAS(zoo_error("zoo:falcon-7b:decode?seq=2048"),
               "seq: context seq + 1 = 2049 is beyond falcon-7b's maximum");
    EXPECT_HAS(zoo_error("zoo:llama2-7b:decode?quant=W4A16KV0"),
               "zoo:llama2-7b:decode?quant=W4A16KV0: quant: 'W4A16KV0': KV bits must be 1..8 or "
               "16, got 0");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?quant=W4A16K2"), "quant: 'W4A16K2': malformed shorthand");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?quant=kv=int2/g32/fp16s"), "format 'int2/g32/fp16s'");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?quant="), "quant: must not be empty");
    EXPECT_HAS(zoo_error("zoo:llama2-7b:generate"),
               "phase: must be one of prefill, decode, got 'generate'");
    EXPECT_HAS(zoo_error("zoo:llama2-7b:decode?phase=decode"), "phase: given twice");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?contxt=5"),
               "contxt: unknown option; allowed: phase, batch, seq, context, quant, kv_residual, "
               "causal, logits, image");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?seq"), "seq: expected key=value");
    EXPECT_HAS(zoo_error("zoo:"), "no model");
    EXPECT_HAS(zoo_error("zoo:llama2-7b:decode:x"), "too many ':' fields");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?causal=triangle"),
               "causal: must be one of dense, exact, got 'triangle'");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?logits=first"),
               "logits: must be one of last, all, got 'first'");
    EXPECT_HAS(zoo_error("zoo:llama2-7b:decode?seq=10&context=12"),
               "context must be seq + 1 = 11, got 12");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?seq=10&context=12"), "context must equal seq (10), got 12");
    // KIVI residual needs a quantized cache and whole groups.
    EXPECT_HAS(zoo_error("zoo:llama2-7b:decode?kv_residual=128"),
               "kv_residual: needs a quantized KV cache (e.g. quant W4A16KV2), but kv is fp16");
    EXPECT_HAS(zoo_error("zoo:llama2-7b:decode?quant=W4A16KV2&kv_residual=100"),
               "kv_residual: must be a multiple of the KV group size 32 (KIVI quantizes keys in "
               "whole groups), got 100");
    // ViT-specific.
    EXPECT_HAS(zoo_error("zoo:vit-b16:decode"), "phase: ViT models are encoders: only prefill");
    EXPECT_HAS(zoo_error("zoo:vit-b16?seq=100"),
               "seq: a ViT's token count is fixed by image and patch");
    EXPECT_HAS(zoo_error("zoo:vit-b16?image=230"),
               "image: must be a multiple of the patch size 16, got 230");
    EXPECT_HAS(zoo_error("zoo:vit-b16?kv_residual=32"), "kv_residual: ViT models have no KV cache");
    EXPECT_HAS(zoo_error("zoo:vit-b16?causal=exact"), "causal: applies to LLM prefill only");
    EXPECT_HAS(zoo_error("zoo:llama2-7b?image=224"), "image: applies to ViT models only");
    // Several problems are reported together.
    const std::string e = zoo_error("zoo:llama2-7b:decode?batch=0&context=9999");
    EXPECT_HAS(e, "batch: must be");
}

TEST(GeneratorErrors, Defaults) {
    const Trace p = zoo_trace("zoo:llama2-7b");
    EXPECT_EQ(p.phase, "prefill");
    EXPECT_EQ(p.seq, kDefaultSeq);
    EXPECT_EQ(p.context, kDefaultSeq);
    EXPECT_EQ(find_op(p, "lm_head")->m, 1u);
    const Trace d = zoo_trace("zoo:llama2-7b:decode");
    EXPECT_EQ(d.context, kDefaultSeq);
    EXPECT_EQ(d.seq, kDefaultSeq - 1);
    EXPECT_EQ(zoo_trace("zoo:llama2-7b:decode?seq=99").context, 100u);
    EXPECT_EQ(zoo_trace("zoo:llama2-7b:decode?context=1").seq, 0u);
    EXPECT_EQ(zoo_trace("zoo:llama2-7b:prefill?context=64").seq, 64u);
    EXPECT_EQ(find_op(zoo_trace("zoo:llama2-7b?seq=64&logits=all&batch=2"), "lm_head")->m, 128u);
    EXPECT_EQ(zoo_trace("zoo:llama2-7b?quant=W8A8").model, "llama2-7b");
    // The zoo: prefix is optional in parse_zoo_spec.
    EXPECT_EQ(parse_zoo_spec("llama2-7b:decode").options.phase, "decode");
}

}  // namespace
}  // namespace qasim::workloads
