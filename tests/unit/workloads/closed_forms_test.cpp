// The generator against the closed forms and worked examples of reference/workloads.md
// (§1b, §2, §5).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "wl_test_util.h"

namespace qasim::workloads {
namespace {

using namespace test;

// ---- §2c / §5.1: LLaMA-2-7B decode, B=1, L=1024, W4A16, KV 2-bit ----

TEST(ClosedForms, Llama2_7bDecodeW4A16KV2) {
    const Trace t = zoo_trace("zoo:llama2-7b:decode?context=1024&quant=W4A16KV2");
    EXPECT_EQ(t.seq, 1023u);
    EXPECT_EQ(t.context, 1024u);
    EXPECT_EQ(block_weight_payload(t), 3238002688ull);
    // + group-128 FP16 scales (symmetric int4/g128: no zero points).
    EXPECT_EQ(block_weight_meta(t), 101187584ull);
    const Op* head = find_op(t, "lm_head");
    ASSERT_NE(head, nullptr);
    EXPECT_EQ(head->b.spec, "fp16");
    EXPECT_EQ(head->b.matrix_bytes(head->k, head->n), 262144000ull);
    EXPECT_EQ(block_weight_payload(t) + head->b.matrix_bytes(head->k, head->n), 3500146688ull);
    EXPECT_EQ(kv_read_payload(t), 67108864ull);
    EXPECT_EQ(kv_read_payload(t) + kv_read_meta(t), 100663296ull);  // KIVI G=32 FP16 scale+min
    EXPECT_EQ(matmul_flops(t), 13751025664ull);
    // Split of the FLOPs: block GEMMs + attention + lm_head.
    EXPECT_EQ(2 * sum_if(
                      t, [](const Op& op) { return is_weight_mm(op) && is_block(op); },
                      [](const Op& op) { return op.macs(); }),
              12952010752ull);
    EXPECT_EQ(
        2 * sum_if(
                t, [](const Op& op) { return op.b_src == BSrc::kv && models::is_matmul(op.kind); },
                [](const Op& op) { return op.macs(); }),
        536870912ull);
    // Non-GEMM work per layer (§2c).
    EXPECT_EQ(find_op(t, "L.softmax")->elems, 32768u);
    EXPECT_EQ(find_op(t, "L.act")->elems, 11008u);
    EXPECT_EQ(find_op(t, "L.act")->kind, OpKind::silu_mul);
    EXPECT_EQ(find_op(t, "L.attn_norm")->elems + find_op(t, "L.mlp_norm")->elems, 2u * 4096);
    EXPECT_EQ(find_op(t, "L.rope")->elems, 8192u);
    // KV write per token: 65,536 B at 2 bit (payload over 32 layers).
    const Op* w = find_op(t, "L.kv_write");
    EXPECT_EQ(w->out.payload_bytes(w->elems, 1) * w->repeat, 65536u);
    // Whole-model parameters 6,738,415,616 = blocks + 2·embedding-size matrices + norms.
    const uint64_t params = 6476005376ull + 2ull * 32000 * 4096 + 32ull * 2 * 4096 + 4096;
    EXPECT_EQ(params, 6738415616ull);
    EXPECT_EQ(sum_if(
                  t, [](const Op& op) { return is_weight_mm(op) && is_block(op); },
                  [](const Op& op) { return op.k * op.n; }),
              6476005376ull);
}

TEST(ClosedForms, Llama2_7bKiviResidual128) {
    // §2c: KIVI residual R = 128 kept FP16, key residual empty at L = 1024: 127,926,272 B.
    const Trace t = zoo_trace("zoo:llama2-7b:decode?context=1024&quant=W4A16KV2&kv_residual=128");
    EXPECT_EQ(kv_read_payload(t) + kv_read_meta(t), 127926272ull);
    EXPECT_EQ(find_op(t, "L.qk_res"), nullptr);  // L mod R = 0: all keys quantized
    ASSERT_NE(find_op(t, "L.pv_res"), nullptr);
    EXPECT_EQ(find_op(t, "L.pv_res")->k, 128u);
    EXPECT_EQ(find_op(t, "L.pv_res")->b.spec, "fp16");
    EXPECT_EQ(find_op(t, "L.pv")->k, 896u);
    // KIVI first writes FP16: 524,288 B per token; one value token and one key chunk quantized.
    const Op* w = find_op(t, "L.kv_write");
    EXPECT_EQ(w->out_bytes() * w->repeat, 524288u);
    EXPECT_EQ(find_op(t, "L.v_quant")->elems, 4096u);
    EXPECT_EQ(find_op(t, "L.k_quant")->elems, 4096u * 128);
    // FLOPs are unchanged by the split.
    EXPECT_EQ(matmul_flops(t), 13751025664ull);
}

TEST(ClosedForms, KiviResidualOtherContexts) {
    // Closed form: keys L mod R FP16, values min(L, R) FP16, the rest at KV bits + 32/G meta bits.
    for (uint64_t L : {100u, 1000u, 1151u, 2048u}) {
        for (uint64_t R : {32u, 128u}) {
            const Trace t = zoo_trace("zoo:llama3-8b:decode?context=" + std::to_string(L) +
                                      "&quant=W4A16KV4&kv_residual=" + std::to_string(R));
            const uint64_t kr = L % R, kq = L - kr, vr = std::min(L, R), vq = L - vr;
            const uint64_t per_tok = 32ull * 8 * 128;  // nl · Hkv · dh elements per K (or V) token
            // quantized: 4 bits + 1 bit of FP16 scale+min per 32 elements; residual: 16 bits.
            const uint64_t bits = per_tok * ((kq + vq) * (4 + 1) + (kr + vr) * 16);
            EXPECT_EQ((kv_read_payload(t) + kv_read_meta(t)) * 8, bits) << "L=" << L << " R=" << R;
        }
    }
}

// ---- §2c / §5.2: ViT-B/16, 224², B=1, W8A8 ----

TEST(ClosedForms, VitB16W8A8) {
    const Trace t = zoo_trace("zoo:vit-b16?quant=W8A8");
    EXPECT_EQ(t.total_macs(), 17563828224ull);
    EXPECT_EQ(t.seq, 197u);
    const std::map<std::string, uint64_t> block = {{"L.qkv", 348585984}, {"L.qk", 29805312},
                                                   {"L.pv", 29805312},   {"L.proj", 116195328},
                                                   {"L.fc1", 464781312}, {"L.fc2", 464781312}};
    uint64_t per_block = 0;
    for (const auto& [name, macs] : block) {
        const Op* op = find_op(t, name);
        ASSERT_NE(op, nullptr) << name;
        EXPECT_EQ(op->macs(), macs) << name;
        EXPECT_EQ(op->repeat, 12u);
        per_block += macs;
    }
    EXPECT_EQ(per_block, 1453954560ull);
    EXPECT_EQ(find_op(t, "patch_embed")->macs(), 115605504ull);
    EXPECT_EQ(find_op(t, "head")->macs(), 768000ull);
    // INT8 matrices: 86,292,480 B; per-output-channel FP32 scales 84,712 × 4 B.
    const auto all_w = [](const Op& op) { return is_weight_mm(op); };
    EXPECT_EQ(
        sum_if(t, all_w, [](const Op& op) { return op.b.payload_bytes(op.k, op.n) * op.batch; }),
        86292480ull);
    EXPECT_EQ(sum_if(t, all_w, [](const Op& op) { return op.b.meta_bytes(op.k, op.n) * op.batch; }),
              338848ull);
    // Every matmul operand is quantized, P uses log2 codes, qk/pv read activations (no KV cache).
    for (const auto& op : t.ops) {
        if (!models::is_matmul(op.kind)) continue;
        EXPECT_EQ(op.b.bits, 8) << op.name;
        EXPECT_EQ(op.a.bits, 8) << op.name;
    }
    EXPECT_EQ(find_op(t, "L.pv")->a.spec, "log2_8");
    EXPECT_EQ(find_op(t, "L.softmax")->out.spec, "log2_8");
    EXPECT_EQ(find_op(t, "L.qk")->b_src, BSrc::act);
    EXPECT_EQ(find_op(t, "L.qk")->batch, 12u);
    EXPECT_EQ(find_op(t, "L.softmax")->elems, 12u * 197 * 197);
}

/// ViT closed form of §2a: B·N·(4d² + 2dF) + 2·B·H·N²·dh per block, + patch + head.
uint64_t vit_macs(const ModelConfig& m, uint64_t B, uint64_t image) {
    const uint64_t P = (image / m.patch) * (image / m.patch), N = P + 1;
    const uint64_t block =
        B * N * (4 * m.d * m.d + 2 * m.d * m.ffn) + 2 * B * m.heads * N * N * m.head_dim;
    return m.layers * block + B * P * 3 * m.patch * m.patch * m.d + B * m.d * m.classes;
}

TEST(ClosedForms, VitFamilyMacs) {
    // §1a computed MACs @224: DeiT-Ti 1.254 G, DeiT-S 4.599 G, ViT-B 17.564 G, ViT-L 61.555 G,
    // ViT-H 167.295 G.
    const std::map<std::string, double> gmacs = {{"deit-tiny", 1.254},  {"deit-small", 4.599},
                                                 {"deit-base", 17.564}, {"vit-b16", 17.564},
                                                 {"vit-l16", 61.555},   {"vit-h14", 167.295}};
    for (const auto& [name, g] : gmacs) {
        const ModelConfig m = zoo_model(name);
        const Trace t = zoo_trace("zoo:" + name);
        EXPECT_EQ(t.total_macs(), vit_macs(m, 1, 224)) << name;
        EXPECT_NEAR(static_cast<double>(t.total_macs()) / 1e9, g, 0.0005) << name;
        for (uint64_t B : {2u, 8u}) {
            const Trace tb = zoo_trace("zoo:" + name + "?batch=" + std::to_string(B));
            EXPECT_EQ(tb.total_macs(), vit_macs(m, B, 224)) << name << " B=" << B;
        }
    }
    // Other image sizes: ViT-B/16 at 384 px (577 tokens), ViT-H/14 at 448 (1025 tokens).
    EXPECT_EQ(zoo_trace("zoo:vit-b16?image=384").total_macs(),
              vit_macs(zoo_model("vit-b16"), 1, 384));
    EXPECT_EQ(zoo_trace("zoo:vit-b16?image=384").seq, 577u);
    EXPECT_EQ(zoo_trace("zoo:vit-h14?image=448&batch=2").total_macs(),
              vit_macs(zoo_model("vit-h14"), 2, 448));
    EXPECT_EQ(zoo_trace("zoo:vit-h14").seq, 257u);
}

// ---- §1b: decode FLOPs/token and KV bytes/token for every LLM of the zoo ----

/// Per-layer linear weights of §2b (gated: 3·d·F; OPT/Falcon: 2·d·F).
uint64_t layer_weights(const ModelConfig& m) {
    const uint64_t attn =
        m.d * m.heads * m.head_dim + 2 * m.d * m.kv_heads * m.head_dim + m.heads * m.head_dim * m.d;
    return attn + (m.gated_mlp ? 3 : 2) * m.d * m.ffn;
}

/// Decode FLOPs/step: 2·B·nl·W_layer + 4·B·nl·H·L·dh + 2·B·d·V (§2b).
uint64_t decode_flops(const ModelConfig& m, uint64_t B, uint64_t L) {
    const uint64_t Le = m.sliding_window ? std::min(L, m.sliding_window) : L;
    return 2 * B * m.layers * layer_weights(m) + 4 * B * m.layers * m.heads * Le * m.head_dim +
           2 * B * m.d * m.vocab;
}

const std::vector<std::string> kLlms = {"llama2-7b",  "llama2-13b", "llama2-70b", "llama3-8b",
                                        "llama3-70b", "mistral-7b", "opt-6.7b",   "opt-13b",
                                        "falcon-7b",  "bitnet-2b4t"};

TEST(ClosedForms, DecodeFlopsPerTokenTable) {
    // §1b: decode FLOPs/token at L=1024, B=1 (blocks + attention + lm_head), GFLOP, 3 decimals.
    const std::map<std::string, double> table = {{"llama2-7b", 13.751},   {"llama2-13b", 26.542},
                                                 {"llama2-70b", 140.111}, {"llama3-8b", 15.546},
                                                 {"llama3-70b", 141.688}, {"mistral-7b", 14.758},
                                                 {"opt-6.7b", 13.834},    {"opt-13b", 26.519},
                                                 {"falcon-7b", 14.438},   {"bitnet-2b4t", 5.139}};
    for (const auto& name : kLlms) {
        const Trace t = zoo_trace("zoo:" + name + ":decode?context=1024");
        const ModelConfig m = zoo_model(name);
        EXPECT_EQ(matmul_flops(t), decode_flops(m, 1, 1024)) << name;
        const double g = std::round(static_cast<double>(matmul_flops(t)) / 1e6) / 1e3;
        EXPECT_DOUBLE_EQ(g, table.at(name)) << name;
    }
}

TEST(ClosedForms, KvBytesPerTokenTable) {
    // §1b: KV-cache bytes/token at FP16 (2·nl·Hkv·dh·2 B).
    const std::map<std::string, uint64_t> table = {{"llama2-7b", 524288},  {"llama2-13b", 819200},
                                                   {"llama2-70b", 327680}, {"llama3-8b", 131072},
                                                   {"llama3-70b", 327680}, {"mistral-7b", 131072},
                                                   {"opt-6.7b", 524288},   {"opt-13b", 819200},
                                                   {"falcon-7b", 8192},    {"bitnet-2b4t", 76800}};
    for (const auto& name : kLlms) {
        const Trace t = zoo_trace("zoo:" + name + ":decode?context=1024&quant=W16A16KV16");
        const Op* w = find_op(t, "L.kv_write");
        ASSERT_NE(w, nullptr) << name;
        EXPECT_EQ(w->out_bytes() * w->repeat, table.at(name)) << name;
        // Read side: L tokens per step.
        EXPECT_EQ(kv_read_payload(t), table.at(name) * 1024) << name;
    }
}

TEST(ClosedForms, DecodeOtherCombinations) {
    // (B, L, quant) combinations against §2b closed forms: FLOPs, weight bytes, KV read/write.
    struct Case {
        uint64_t B, L;
        std::string quant;
        uint64_t w_bits, kv_bits;  // kv_bits 16 = FP16 cache
        bool w_group128;
    };
    const std::vector<Case> cases = {{1, 1024, "W4A16KV2", 4, 2, true},
                                     {4, 2048, "W8A8KV8", 8, 8, false},
                                     {8, 512, "W2A8KV4", 2, 4, true},
                                     {2, 100, "W3A16KV16", 3, 16, true},
                                     {16, 2000, "W4A16KV4", 4, 4, true}};
    for (const auto& name : kLlms) {
        const ModelConfig m = zoo_model(name);
        for (const auto& c : cases) {
            if (c.L > m.max_context) continue;
            const Trace t = zoo_trace("zoo:" + name + ":decode?batch=" + std::to_string(c.B) +
                                      "&context=" + std::to_string(c.L) + "&quant=" + c.quant);
            const std::string tag =
                name + " " + c.quant + " B=" + std::to_string(c.B) + " L=" + std::to_string(c.L);
            EXPECT_EQ(matmul_flops(t), decode_flops(m, c.B, c.L)) << tag;
            // Weights: shared by the batch.
            const uint64_t wpl = layer_weights(m);
            EXPECT_EQ(block_weight_payload(t), m.layers * wpl * c.w_bits / 8) << tag;
            // Group-128 FP16 scales along K, or FP32 per output channel for W8.
            uint64_t meta = 0;
            for (const auto& op : t.ops)
                if (is_weight_mm(op) && is_block(op))
                    meta += (c.w_group128 ? (op.k + 127) / 128 * op.n * 2 : op.n * 4) * op.repeat;
            EXPECT_EQ(block_weight_meta(t), meta) << tag;
            if (c.w_group128 && m.d % 128 == 0 && m.ffn % 128 == 0) {
                EXPECT_EQ(block_weight_meta(t), m.layers * wpl / 128 * 2) << tag;
            }
            // KV read: B·nl·2·Hkv·dh·L·KV/8, + 32 bits (FP16 scale + min) per KIVI group of 32:
            // keys per-channel over tokens (a partial last group still has its scale), values
            // per-token over channels.
            const uint64_t kv_elems = c.B * m.layers * 2 * m.kv_heads * m.head_dim * c.L;
            EXPECT_EQ(kv_read_payload(t), kv_elems * c.kv_bits / 8) << tag;
            const uint64_t groups = c.B * m.layers * m.kv_heads *
                                    (m.head_dim * ((c.L + 31) / 32) + c.L * (m.head_dim / 32));
            EXPECT_EQ(kv_read_meta(t), c.kv_bits == 16 ? 0 : groups * 4) << tag;
            if (c.kv_bits != 16 && c.L % 32 == 0) {
                EXPECT_EQ(kv_read_meta(t) * 8, kv_elems) << tag;
            }
            // KV write: B·nl·2·Hkv·dh·KV/8 (payload).
            const Op* w = find_op(t, "L.kv_write");
            EXPECT_EQ(w->out.payload_bytes(w->elems, 1) * w->repeat,
                      c.B * m.layers * 2 * m.kv_heads * m.head_dim * c.kv_bits / 8)
                << tag;
            // GEMMs have M = B; attention has M = g.
            EXPECT_EQ(find_op(t, "lm_head")->m, c.B) << tag;
            EXPECT_EQ(find_op(t, "L.qk")->m, m.heads / m.kv_heads) << tag;
            EXPECT_EQ(find_op(t, "L.qk")->batch, c.B * m.kv_heads) << tag;
        }
    }
}

/// Prefill FLOPs: 2·B·S·nl·W_layer + attention + 2·B·T_out·d·V.
uint64_t prefill_flops(const ModelConfig& m, uint64_t B, uint64_t S, bool exact, bool all_logits) {
    const uint64_t attn =
        exact ? 2 * B * m.heads * m.head_dim * S * (S + 1) : 4 * B * m.heads * S * S * m.head_dim;
    return 2 * B * S * m.layers * layer_weights(m) + m.layers * attn +
           2 * B * (all_logits ? S : 1) * m.d * m.vocab;
}

TEST(ClosedForms, PrefillDenseAndExactCausal) {
    for (const auto& name : kLlms) {
        const ModelConfig m = zoo_model(name);
        for (uint64_t S : {1u, 7u, 512u, 1000u, 2048u}) {
            for (uint64_t B : {1u, 3u}) {
                const std::string base = "zoo:" + name + ":prefill?seq=" + std::to_string(S) +
                                         "&batch=" + std::to_string(B);
                const std::string tag =
                    name + " S=" + std::to_string(S) + " B=" + std::to_string(B);
                const Trace dense = zoo_trace(base);
                EXPECT_EQ(matmul_flops(dense), prefill_flops(m, B, S, false, false)) << tag;
                EXPECT_EQ(elems_of(dense, OpKind::softmax) / m.layers, B * m.heads * S * S) << tag;
                const Trace exact = zoo_trace(base + "&causal=exact&logits=all");
                EXPECT_EQ(matmul_flops(exact), prefill_flops(m, B, S, true, true)) << tag;
                EXPECT_EQ(elems_of(exact, OpKind::softmax) / m.layers,
                          B * m.heads * S * (S + 1) / 2)
                    << tag;
                // KV write per layer: B·S·2·Hkv·dh elements.
                EXPECT_EQ(find_op(dense, "L.kv_write")->elems, B * S * 2 * m.kv_heads * m.head_dim)
                    << tag;
            }
        }
    }
    // The exact decomposition stays short: ~2·log2(S) rectangle shapes.
    const Trace t = zoo_trace("zoo:llama2-7b?seq=1000&causal=exact");
    size_t qk_rows = 0;
    for (const auto& op : t.ops) qk_rows += op.kind == OpKind::attention_qk;
    EXPECT_LE(qk_rows, 25u);
}

TEST(ClosedForms, PrefillKiviWrites) {
    // KIVI prefill: keys quantized in chunks of R, values all but the last R; attention in FP16.
    const Trace t = zoo_trace("zoo:llama2-7b?seq=1000&quant=W4A16KV2&kv_residual=128");
    const uint64_t per_tok = 32 * 128;  // Hkv·dh
    EXPECT_EQ(find_op(t, "L.kv_write")->elems, per_tok * ((1000 - 1000 % 128) + (1000 - 128)));
    EXPECT_EQ(find_op(t, "L.kv_write")->out.spec, "int2/g32/fp16sz");
    EXPECT_EQ(find_op(t, "L.kv_write_res")->elems, per_tok * (1000 % 128 + 128));
    EXPECT_EQ(find_op(t, "L.kv_write_res")->out.spec, "fp16");
    EXPECT_EQ(find_op(t, "L.qk")->b_src, BSrc::act);
    EXPECT_EQ(find_op(t, "L.qk")->b.spec, "fp16");
}

// ---- §5.3 / §5.4: GQA/MQA shapes and config reading ----

TEST(ClosedForms, GqaAndMqaShapes) {
    for (uint64_t L : {1u, 1024u, 8192u}) {
        const Trace t = zoo_trace("zoo:llama3-8b:decode?context=" + std::to_string(L));
        const Op* qk = find_op(t, "L.qk");
        EXPECT_EQ(qk->kind, OpKind::attention_qk);
        EXPECT_EQ(qk->m, 4u);
        EXPECT_EQ(qk->k, 128u);
        EXPECT_EQ(qk->n, L);
        EXPECT_EQ(qk->batch, 8u);  // B·Hkv: the 32 query heads share 8 K heads
        EXPECT_EQ(qk->b_src, BSrc::kv);
        const Op* pv = find_op(t, "L.pv");
        EXPECT_EQ(pv->m, 4u);
        EXPECT_EQ(pv->k, L);
        EXPECT_EQ(pv->n, 128u);
    }
    const Trace f = zoo_trace("zoo:falcon-7b:decode?context=1024");
    const Op* qk = find_op(f, "L.qk");
    EXPECT_EQ(qk->m, 71u);
    EXPECT_EQ(qk->k, 64u);
    EXPECT_EQ(qk->n, 1024u);
    EXPECT_EQ(qk->batch, 1u);
    EXPECT_EQ(find_op(f, "L.query_key_value")->n, 4672u);  // d + 2·dh
    EXPECT_EQ(zoo_model("falcon-7b").kv_heads, 1u);
    EXPECT_EQ(zoo_model("opt-13b").d, 5120u);
    EXPECT_EQ(zoo_model("opt-13b").ffn, 20480u);
    // Prefill GQA: M = g·S.
    const Trace p = zoo_trace("zoo:llama2-70b?seq=256&batch=2");
    EXPECT_EQ(find_op(p, "L.qk")->m, 8u * 256);
    EXPECT_EQ(find_op(p, "L.qk")->batch, 2u * 8);
}

TEST(ClosedForms, MistralSlidingWindow) {
    const Trace t = zoo_trace("zoo:mistral-7b:decode?context=8192&quant=W4A16KV4");
    EXPECT_EQ(t.context, 8192u);
    EXPECT_EQ(find_op(t, "L.qk")->n, 4096u);
    EXPECT_EQ(find_op(t, "L.pv")->k, 4096u);
    EXPECT_EQ(kv_read_payload(t), 32ull * 2 * 8 * 128 * 4096 * 4 / 8);
    EXPECT_EQ(matmul_flops(t), decode_flops(zoo_model("mistral-7b"), 1, 8192));
    // Prefill beyond the window: dense charges W keys per query; exact charges Σ min(i+1, W).
    const uint64_t S = 6000, W = 4096;
    const Trace d = zoo_trace("zoo:mistral-7b?seq=6000");
    EXPECT_EQ(elems_of(d, OpKind::softmax) / 32, 32 * S * W);
    const Trace e = zoo_trace("zoo:mistral-7b?seq=6000&causal=exact");
    EXPECT_EQ(elems_of(e, OpKind::softmax) / 32, 32 * (W * (W + 1) / 2 + (S - W) * W));
    EXPECT_NE(find_op(e, "L.qk.band"), nullptr);
    EXPECT_EQ(find_op(d, "L.kv_write")->elems, W * 2 * 8 * 128);  // ring of W slots
    // Context up to max_position_embeddings (32768) is allowed.
    EXPECT_NO_THROW(zoo_trace("zoo:mistral-7b:decode?context=32768"));
}

TEST(ClosedForms, BlockStructureVariants) {
    // BitNet 2B4T: ReLU² GLU, attn_sub_norm over d, ffn_sub_norm over F, ternary W, int8 acts.
    const Trace b = zoo_trace("zoo:bitnet-2b4t:decode?context=512");
    EXPECT_EQ(find_op(b, "L.act")->kind, OpKind::relu2_mul);
    EXPECT_EQ(find_op(b, "L.attn_sub_norm")->elems, 2560u);
    EXPECT_EQ(find_op(b, "L.ffn_sub_norm")->elems, 6912u);
    EXPECT_EQ(find_op(b, "L.q_proj")->b.spec, "ternary/tensor");
    EXPECT_EQ(find_op(b, "L.q_proj")->a.spec, "int8");
    EXPECT_EQ(find_op(b, "lm_head")->b.spec, "fp16");
    EXPECT_EQ(find_op(b, "L.qk")->b.spec, "fp16");
    // Ternary payload: 2 bits per weight.
    EXPECT_EQ(block_weight_payload(b), 30ull * layer_weights(zoo_model("bitnet-2b4t")) * 2 / 8);
    // OPT: LayerNorm, ReLU, learned positions, no RoPE.
    const Trace o = zoo_trace("zoo:opt-6.7b:decode");
    EXPECT_EQ(find_op(o, "L.attn_norm")->kind, OpKind::layernorm);
    EXPECT_EQ(find_op(o, "L.act")->kind, OpKind::relu);
    EXPECT_NE(find_op(o, "pos_embed"), nullptr);
    EXPECT_EQ(find_op(o, "L.rope"), nullptr);
    EXPECT_NE(find_op(o, "L.fc1"), nullptr);
    // Falcon: one shared LayerNorm, fused QKV, GELU, two residual adds (parallel attention + MLP).
    const Trace f = zoo_trace("zoo:falcon-7b:decode");
    EXPECT_NE(find_op(f, "L.input_norm"), nullptr);
    EXPECT_EQ(find_op(f, "L.mlp_norm"), nullptr);
    EXPECT_EQ(find_op(f, "L.act")->kind, OpKind::gelu);
    EXPECT_EQ(find_op(f, "L.act")->elems, 18176u);
    EXPECT_NE(find_op(f, "L.attn_add"), nullptr);
    EXPECT_NE(find_op(f, "L.mlp_add"), nullptr);
    // Every per-layer row repeats once per layer, model-level rows once.
    for (const auto& name : kLlms) {
        const ModelConfig m = zoo_model(name);
        const Trace t = zoo_trace("zoo:" + name + ":decode");
        for (const auto& op : t.ops)
            EXPECT_EQ(op.repeat, is_block(op) ? m.layers : 1u) << name << " " << op.name;
    }
}

}  // namespace
}  // namespace qasim::workloads
