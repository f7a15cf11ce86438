// Vector unit model: cycles per op type, buffer chunking, traffic by format, bad inputs.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "models/formats/format.h"
#include "models/op.h"
#include "models/vector/vector_model.h"

namespace {

using namespace qasim::models;

Op vop(OpKind k, uint64_t elems, const char* fmt = "fp16") {
    Op op;
    op.name = "v";
    op.kind = k;
    op.elems = elems;
    op.a = op.b = op.out = parse_format(fmt);
    return op;
}

uint64_t load_a(const TilePlan& p) {
    uint64_t s = 0;
    for (const auto& t : p.tiles) s += t.count * t.load_a_bytes;
    return s;
}
uint64_t load_b(const TilePlan& p) {
    uint64_t s = 0;
    for (const auto& t : p.tiles) s += t.count * t.load_b_bytes;
    return s;
}

const OpKind kVectorKinds[] = {
    OpKind::softmax, OpKind::layernorm, OpKind::rmsnorm, OpKind::gelu,  OpKind::silu,
    OpKind::silu_mul, OpKind::relu,     OpKind::relu2,   OpKind::relu2_mul, OpKind::add,
    OpKind::mul,     OpKind::rope,      OpKind::quant,   OpKind::dequant, OpKind::embedding,
    OpKind::kv_write, OpKind::lut_build};

TEST(VectorModel, OpCountsFollowTheLlmViewerConventions) {
    EXPECT_EQ(vector_op_cost(OpKind::softmax).ops_per_elem, 5u);
    EXPECT_EQ(vector_op_cost(OpKind::layernorm).ops_per_elem, 7u);
    EXPECT_EQ(vector_op_cost(OpKind::rmsnorm).ops_per_elem, 7u);
    EXPECT_EQ(vector_op_cost(OpKind::add).ops_per_elem, 1u);
    EXPECT_EQ(vector_op_cost(OpKind::gelu).ops_per_elem, 2u);
    EXPECT_EQ(vector_op_cost(OpKind::silu).ops_per_elem, 2u);
    EXPECT_EQ(vector_op_cost(OpKind::silu_mul).ops_per_elem, 3u);
    EXPECT_EQ(vector_op_cost(OpKind::softmax).reductions, 2u);
    EXPECT_EQ(vector_op_cost(OpKind::rmsnorm).reductions, 1u);
    EXPECT_EQ(vector_op_cost(OpKind::gelu).reductions, 0u);
}

TEST(VectorModel, CyclesPerOpType) {
    VectorParams p;  // 128 lanes: reduction tree depth 7
    const uint64_t e = 128 * 10;
    auto cycles = [&](OpKind k) { return vector_plan(vop(k, e), p).compute_cycles(); };
    EXPECT_EQ(cycles(OpKind::softmax), 10u * 5u + 2u * 7u);
    EXPECT_EQ(cycles(OpKind::layernorm), 10u * 7u + 2u * 7u);
    EXPECT_EQ(cycles(OpKind::rmsnorm), 10u * 7u + 7u);
    EXPECT_EQ(cycles(OpKind::gelu), 10u * 2u);
    EXPECT_EQ(cycles(OpKind::silu_mul), 10u * 3u);
    EXPECT_EQ(cycles(OpKind::relu2_mul), 10u * 4u);
    EXPECT_EQ(cycles(OpKind::add), 10u);
    EXPECT_EQ(cycles(OpKind::rope), 30u);
    EXPECT_EQ(cycles(OpKind::quant), 30u);
    EXPECT_EQ(cycles(OpKind::dequant), 20u);
    EXPECT_EQ(cycles(OpKind::kv_write), 10u);
    // A partial lane vector costs a whole cycle per op.
    EXPECT_EQ(vector_plan(vop(OpKind::add, 129), p).compute_cycles(), 2u);
    // ViT-B/16 layernorm, fp16: 197 × 768 = 151,296 elements; 4 B/elem, two 32,768-element chunks
    // per 256 KiB → 4 full chunks + 1 of 20,224: 1182 lane vectors × 7 + 5 tiles × 2 trees × 7.
    const TilePlan ln = vector_plan(vop(OpKind::layernorm, 197 * 768), p);
    EXPECT_EQ(ln.tile_count(), 5u);
    EXPECT_EQ(ln.compute_cycles(), 1182u * 7u + 5u * 2u * 7u);
}

TEST(VectorModel, OverrideCyclesPerElement) {
    VectorParams p;
    p.lanes = 64;  // tree depth 6
    p.cycles_per_elem[OpKind::softmax] = 2;
    const TilePlan plan = vector_plan(vop(OpKind::softmax, 640), p);
    EXPECT_EQ(plan.compute_cycles(), 10u * 2u + 2u * 6u);
    EXPECT_EQ(plan.macs(), 640u * 5u);  // useful work is unchanged
    EXPECT_EQ(plan.peak_ops_per_cycle, 64u * 3u);
    EXPECT_EQ(p.cycles_per_element(OpKind::softmax), 2u);
    EXPECT_EQ(p.cycles_per_element(OpKind::add), 1u);
    p.cycles_per_elem[OpKind::add] = 0;
    EXPECT_THROW(vector_plan(vop(OpKind::add, 10), p), std::invalid_argument);
}

TEST(VectorModel, ChunksFitTheBufferTwice) {
    VectorParams p;
    p.lanes = 128;
    p.buffer_bytes = 16 * 1024;  // fp16 add: 2 inputs + 1 output = 6 B/elem → 1365 per half
    const Op op = vop(OpKind::add, 10000);
    const TilePlan plan = vector_plan(op, p);
    ASSERT_EQ(plan.tiles.size(), 2u);
    EXPECT_EQ(plan.tiles[0].count, 10000u / 1280u);  // 1280 = 10 lane vectors
    EXPECT_EQ(plan.tile_count(), 8u);
    EXPECT_TRUE(plan.double_buffered);
    for (const auto& t : plan.tiles) {
        const uint64_t e = t.macs;  // add: 1 op per element
        EXPECT_LE(2 * 6 * e, p.buffer_bytes);
    }
    EXPECT_EQ(load_a(plan), 2u * 2u * 10000u);  // two fp16 inputs
    EXPECT_EQ(plan.store_bytes(), 2u * 10000u);
    EXPECT_EQ(plan.macs(), 10000u);
    EXPECT_EQ(plan.actions().get("vec_op"), 10000u);
    EXPECT_EQ(plan.actions().get("vec_buffer_read_bits"), 2u * 16u * 10000u);
    EXPECT_EQ(plan.actions().get("vec_buffer_write_bits"), 16u * 10000u);
}

TEST(VectorModel, SmallBufferRunsSingleBuffered) {
    VectorParams p;
    p.lanes = 128;
    p.buffer_bytes = 600;  // fp16 gelu: 4 B/elem → 150 elements: one lane vector, not two
    TilePlan plan = vector_plan(vop(OpKind::gelu, 1000), p);
    EXPECT_FALSE(plan.double_buffered);
    EXPECT_EQ(plan.tiles[0].macs, 128u * 2u);
    p.buffer_bytes = 100;  // 25 elements: chunks smaller than a lane vector
    plan = vector_plan(vop(OpKind::gelu, 1000), p);
    EXPECT_FALSE(plan.double_buffered);
    EXPECT_EQ(plan.tile_count(), 40u);
    EXPECT_EQ(plan.compute_cycles(), 40u * 2u);
    p.buffer_bytes = 3;  // not one element
    EXPECT_THROW(vector_plan(vop(OpKind::gelu, 1000), p), std::invalid_argument);
}

TEST(VectorModel, TrafficUsesFormatsAndMetadata) {
    VectorParams p;
    // quant: fp16 in, int8 with a per-32 fp16 scale out.
    Op q = vop(OpKind::quant, 4096);
    q.out = parse_format("int8/g32/fp16");
    TilePlan plan = vector_plan(q, p);
    EXPECT_EQ(load_a(plan), 2u * 4096u);
    EXPECT_EQ(plan.store_bytes(), 4096u + 4096u / 32u * 2u);
    // dequant: int4/g128 (fp16 scale) in, fp16 out.
    Op d = vop(OpKind::dequant, 4096);
    d.a = parse_format("int4/g128/fp16");
    plan = vector_plan(d, p);
    EXPECT_EQ(load_a(plan), 4096u / 2u + 4096u / 128u * 2u);
    EXPECT_EQ(plan.store_bytes(), 2u * 4096u);
    // silu_mul reads gate and up.
    plan = vector_plan(vop(OpKind::silu_mul, 11008), p);
    EXPECT_EQ(load_a(plan), 2u * 2u * 11008u);
    EXPECT_EQ(plan.actions().get("vec_special"), 11008u);
    // embedding gathers table rows from B (weights).
    Op emb = vop(OpKind::embedding, 4096);
    emb.b = parse_format("int8");
    plan = vector_plan(emb, p);
    EXPECT_EQ(load_a(plan), 0u);
    EXPECT_EQ(load_b(plan), 4096u);
    EXPECT_EQ(plan.store_bytes(), 2u * 4096u);
    // lut_build: 8 entries per 4 activations; int8 table entries out.
    Op lut = vop(OpKind::lut_build, 8192);
    lut.out = parse_format("int8");
    plan = vector_plan(lut, p);
    EXPECT_EQ(load_a(plan), 2u * 4096u);
    EXPECT_EQ(plan.store_bytes(), 8192u);
    // softmax: three read passes, two write passes.
    plan = vector_plan(vop(OpKind::softmax, 1024), p);
    EXPECT_EQ(plan.actions().get("vec_buffer_read_bits"), 3u * 16u * 1024u);
    EXPECT_EQ(plan.actions().get("vec_buffer_write_bits"), 2u * 16u * 1024u);
    EXPECT_EQ(plan.actions().get("vec_special"), 1024u);
}

TEST(VectorModel, EveryVectorKindPlansAndSumsAreConsistent) {
    VectorParams p;
    p.buffer_bytes = 8 * 1024;
    for (OpKind k : kVectorKinds) {
        SCOPED_TRACE(to_string(k));
        const Op op = vop(k, 100000);
        const TilePlan plan = vector_plan(op, p);
        const VectorOpCost& c = vector_op_cost(k);
        EXPECT_EQ(plan.macs(), 100000u * c.ops_per_elem);
        EXPECT_GE(plan.compute_cycles(), (100000u + 127u) / 128u * c.ops_per_elem);
        EXPECT_LE(plan.macs(), plan.compute_cycles() * plan.peak_ops_per_cycle);
        EXPECT_EQ(plan.store_bytes(), op.out_bytes());
        EXPECT_GT(plan.load_bytes(), 0u);
        EXPECT_LE(plan.tiles.size(), 2u);
    }
}

TEST(VectorModel, BadInputsThrow) {
    VectorParams p;
    for (OpKind k : {OpKind::gemm, OpKind::gemv, OpKind::attention_qk, OpKind::attention_pv}) {
        Op op = vop(k, 10);
        EXPECT_THROW(vector_plan(op, p), std::invalid_argument);
        EXPECT_THROW(vector_op_cost(k), std::invalid_argument);
    }
    EXPECT_THROW(vector_plan(vop(OpKind::add, 0), p), std::invalid_argument);
    VectorParams zero;
    zero.lanes = 0;
    EXPECT_THROW(vector_plan(vop(OpKind::add, 10), zero), std::invalid_argument);
    try {
        vector_plan(vop(OpKind::gemm, 10), p);
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("gemm"), std::string::npos) << e.what();
    }
    EXPECT_THROW(vector_plan(vop(OpKind::add, 1ull << 60), p), std::invalid_argument);
}

}  // namespace
