// Bit-serial array model: the closed form of models/bitserial/bitserial_model.h, the serial-bit
// scaling (W3 = 3/4 W4, W8 = 2 W4, exact), groups and dequant stalls, actions and DRAM traffic.
#include <gtest/gtest.h>

#include "models/bitserial/bitserial_model.h"

namespace qasim::models {
namespace {

BitserialParams stripes(uint32_t bpc = 1) {
    BitserialParams p;
    p.rows = 64;
    p.cols = 16;
    p.bits_per_cycle = bpc;
    p.dot_width = 4;
    p.dequant_cycles = 1;
    p.parallel_format = parse_format("fp16");
    return p;
}

Op gemm(uint64_t m, uint64_t k, uint64_t n, const std::string& w, const std::string& a = "fp16",
        uint64_t batch = 1) {
    Op op;
    op.name = "g";
    op.kind = OpKind::gemm;
    op.m = m;
    op.k = k;
    op.n = n;
    op.batch = batch;
    op.a = parse_format(a);
    op.b = parse_format(w);
    op.out = parse_format("fp16");
    return op;
}

TEST(BitserialModel, ClosedFormNoScales) {
    // int4 weights, no scales: P = 4, Ks = ceil(4096/4) = 1024, blocks = 64 × 4, no drain.
    const BitserialInfo i =
        bitserial_info(64, 4096, 4096, parse_format("fp16"), parse_format("int4"), stripes());
    EXPECT_EQ(i.passes, 4u);
    EXPECT_EQ(i.k_steps, 1024u);
    EXPECT_EQ(i.groups, 0u);
    EXPECT_EQ(i.n_blocks, 64u);
    EXPECT_EQ(i.m_blocks, 4u);
    EXPECT_EQ(i.bs_cycles, 64u * 4 * 1024 * 4);
    EXPECT_EQ(i.stall_cycles, 0u);
    EXPECT_EQ(i.drain_cycles, 0u);
    EXPECT_EQ(i.total_cycles, i.bs_cycles);
    const TilePlan plan = bitserial_plan(gemm(64, 4096, 4096, "int4"), stripes());
    EXPECT_EQ(plan.compute_cycles(), i.total_cycles);
    EXPECT_EQ(plan.macs(), 64u * 4096 * 4096);
    EXPECT_EQ(plan.tile_count(), 256u);
    EXPECT_EQ(plan.peak_ops_per_cycle, 64u * 16 * 4 / 4);
}

TEST(BitserialModel, ClosedFormGroupsAndDrain) {
    // bitmod4/g128: 32 groups of 32 K-steps; dequant latency 1 hidden behind 32·4 cycles; one
    // drain.
    const BitserialInfo i = bitserial_info(1, 4096, 4096, parse_format("fp16"),
                                           parse_format("bitmod4/g128"), stripes());
    EXPECT_EQ(i.groups, 32u);
    EXPECT_EQ(i.k_steps, 1024u);
    EXPECT_EQ(i.bs_cycles, 64u * 1 * 1024 * 4);
    EXPECT_EQ(i.stall_cycles, 0u);
    EXPECT_EQ(i.drain_cycles, 1u);
    EXPECT_EQ(i.total_cycles, i.bs_cycles + 1);
    EXPECT_EQ(bitserial_plan(gemm(1, 4096, 4096, "bitmod4/g128"), stripes()).compute_cycles(),
              i.total_cycles);
}

TEST(BitserialModel, GroupNotMultipleOfDotWidth) {
    // G = 6, D = 4, K = 12: a dot product never straddles a group → 2 groups × 2 steps = 4 (not 3).
    BitserialParams p = stripes();
    const BitserialInfo i =
        bitserial_info(1, 12, 1, parse_format("fp16"), parse_format("int4/g6"), p);
    EXPECT_EQ(i.groups, 2u);
    EXPECT_EQ(i.k_steps, 4u);
    // Partial last group: K = 14 → 2 full groups (4 steps) + 2 elements (1 step).
    EXPECT_EQ(bitserial_info(1, 14, 1, parse_format("fp16"), parse_format("int4/g6"), p).k_steps,
              5u);
}

TEST(BitserialModel, DequantStallWhenGroupsAreShort) {
    // dequant latency 100 > one group's 32 steps × 4 passes = 128? no: 100 < 128 → hidden.
    BitserialParams p = stripes();
    p.dequant_cycles = 100;
    BitserialInfo i =
        bitserial_info(1, 4096, 64, parse_format("fp16"), parse_format("int4/g128"), p);
    EXPECT_EQ(i.stall_cycles, 0u);
    EXPECT_EQ(i.drain_cycles, 100u);
    // g32: 8 steps × 4 = 32 cycles per group < 100 → 68 stall cycles per group of every block.
    i = bitserial_info(1, 4096, 64, parse_format("fp16"), parse_format("int4/g32"), p);
    EXPECT_EQ(i.groups, 128u);
    EXPECT_EQ(i.stall_cycles, 128u * 68);
    EXPECT_EQ(i.total_cycles, i.bs_cycles + 128u * 68 + 100);
    EXPECT_EQ(bitserial_plan(gemm(1, 4096, 64, "int4/g32"), p).compute_cycles(), i.total_cycles);
}

TEST(BitserialModel, SerialBitsScalingIsExact) {
    // Compute-bound GEMM (M = 256 tokens): bit-serial cycles ∝ serial bits, exactly.
    const BitserialParams p = stripes(1);
    const Format a = parse_format("fp16");
    auto bs = [&](const char* w) {
        return bitserial_info(256, 4096, 4096, a, parse_format(w), p).bs_cycles;
    };
    EXPECT_EQ(4 * bs("int3"), 3 * bs("int4"));
    EXPECT_EQ(bs("int8"), 2 * bs("int4"));
    EXPECT_EQ(4 * bs("bitmod3/g128"), 3 * bs("bitmod4/g128"));
    EXPECT_EQ(bs("int8/g128"), 2 * bs("bitmod4/g128"));
    // Without scales the total is exact too; with group scales only the drain (1 cycle) differs.
    auto total = [&](const char* w) {
        return bitserial_plan(gemm(256, 4096, 4096, w), p).compute_cycles();
    };
    EXPECT_EQ(4 * total("int3"), 3 * total("int4"));
    EXPECT_EQ(total("int8"), 2 * total("int4"));
    const double r3 =
        static_cast<double>(total("bitmod3/g128")) / static_cast<double>(total("bitmod4/g128"));
    EXPECT_NEAR(r3, 0.75, 1e-6);
    const double r8 =
        static_cast<double>(total("int8/g128")) / static_cast<double>(total("bitmod4/g128"));
    EXPECT_NEAR(r8, 2.0, 1e-6);
}

TEST(BitserialModel, TwoBitsPerCycleAsBitmodArtifact) {
    // BitMoD's artifact: pe_latency = ceil(floor(w_prec)/2): W3 and W4 both 2 passes, W8 4, W6 3.
    const BitserialParams p = stripes(2);
    const Format a = parse_format("fp16");
    auto passes = [&](const char* w) {
        return bitserial_info(1, 128, 64, a, parse_format(w), p).passes;
    };
    EXPECT_EQ(passes("bitmod3/g128"), 2u);
    EXPECT_EQ(passes("bitmod4/g128"), 2u);
    EXPECT_EQ(passes("int6"), 3u);
    EXPECT_EQ(passes("int8"), 4u);
    EXPECT_EQ(passes("fp16"), 6u);  // 11 significand bits
    EXPECT_EQ(passes("ternary"), 1u);
}

TEST(BitserialModel, ParallelSlices) {
    const Format fp16 = parse_format("fp16"), ovp4 = parse_format("ovp4"),
                 int8 = parse_format("int8");
    EXPECT_EQ(parallel_slices(fp16, fp16), 1u);
    EXPECT_EQ(parallel_slices(parse_format("int8"), fp16), 1u);
    EXPECT_EQ(parallel_slices(parse_format("bf16"), fp16), 0u);  // exponent does not fit
    EXPECT_EQ(parallel_slices(parse_format("fp32"), fp16), 0u);
    EXPECT_EQ(parallel_slices(ovp4, ovp4), 1u);
    EXPECT_EQ(parallel_slices(parse_format("int4"), ovp4), 1u);
    EXPECT_EQ(parallel_slices(int8, ovp4), 2u);
    EXPECT_EQ(parallel_slices(fp16, ovp4), 3u);  // 12-bit significand in 4-bit slices
    EXPECT_EQ(parallel_slices(fp16, int8), 2u);
}

TEST(BitserialModel, SerialActivationsUseTheActivationBits) {
    BitserialParams p = stripes(1);
    p.serial = SerialOperand::activation;
    p.parallel_format = parse_format("int8");
    const BitserialInfo i =
        bitserial_info(16, 256, 64, parse_format("int5"), parse_format("int8"), p);
    EXPECT_EQ(i.passes, 5u);
    // A float on an integer datapath is sliced (2 × 8-bit slices of the bf16 significand) ...
    EXPECT_EQ(bitserial_info(16, 256, 64, parse_format("int5"), parse_format("bf16"), p).passes,
              10u);
    // ... but a float datapath takes only floats that fit it.
    p.parallel_format = parse_format("fp16");
    // A parallel operand the datapath cannot take is an error.
    EXPECT_THROW(bitserial_info(16, 256, 64, parse_format("int5"), parse_format("bf16"), p),
                 std::invalid_argument);
}

TEST(BitserialModel, OliveBitParallelLimit) {
    // OliVe preset: 4 bits per cycle, D = 1, ovp4 datapath: a W4A4 GEMM takes one pass per step.
    BitserialParams p = stripes(4);
    p.rows = 72;
    p.dot_width = 1;
    p.parallel_format = parse_format("ovp4");
    const Op op = gemm(16, 4096, 4096, "ovp4/channel/fp32", "ovp4");
    const BitserialInfo i = bitserial_info(16, 4096, 4096, op.a, op.b, p);
    EXPECT_EQ(i.passes, 1u);
    EXPECT_EQ(i.k_steps, 4096u);
    EXPECT_EQ(i.n_blocks, 57u);     // ceil(4096 / 72)
    EXPECT_EQ(i.drain_cycles, 1u);  // per-channel rescale of the outputs
    const TilePlan plan = bitserial_plan(op, p);
    const ActionCounts a = plan.actions();
    // Both operands are OVP: each element decoded once per output block that reads it.
    EXPECT_EQ(a.get("ovp_decode"), 4096u * 4096 + 4096u * 16 * 57);
    EXPECT_EQ(a.get("dequant"), 16u * 4096);  // one output rescale per output
    EXPECT_EQ(a.get("bitmod_decode"), 0u);
    // FP16 K on the OVP datapath: 3 passes (11 significand bits / 4); FP16 scores × FP16 V: 3 × 3.
    EXPECT_EQ(bitserial_info(1, 128, 1024, parse_format("ovp4"), parse_format("fp16"), p).passes,
              3u);
    EXPECT_EQ(bitserial_info(1, 1024, 128, parse_format("fp16"), parse_format("fp16"), p).passes,
              9u);
}

TEST(BitserialModel, ActionsAndBufferReads) {
    const BitserialParams p = stripes(2);
    const Op op = gemm(20, 256, 100, "bitmod4/g128");  // blocks: N 64+36, M 16+4
    const TilePlan plan = bitserial_plan(op, p);
    const ActionCounts a = plan.actions();
    const BitserialInfo i = bitserial_info(20, 256, 100, op.a, op.b, p);
    EXPECT_EQ(plan.macs(), 20u * 256 * 100);
    EXPECT_EQ(plan.tile_count(), 4u);
    // bs_step: used PEs × Ks × P summed over blocks = M·N·Ks·P.
    EXPECT_EQ(a.get("bs_step"), 20u * 100 * i.k_steps * i.passes);
    EXPECT_EQ(a.get("exp_align"), plan.macs());
    EXPECT_EQ(a.get("dequant"), 20u * 100 * 2);         // 2 groups per output
    EXPECT_EQ(a.get("bitmod_decode"), 256u * 100 * 2);  // weights read by both M blocks
    EXPECT_EQ(a.get("sram_read_bits.weight"), 256u * 100 * 2 * 4);
    EXPECT_EQ(a.get("sram_read_bits.act"), 256u * 20 * 2 * 16);  // A read by both N blocks
    EXPECT_EQ(a.get("sram_read_bits.meta"), 2u * 100 * 2 * 8);
    EXPECT_EQ(a.get("sram_write_bits.out"), 20u * 100 * 16);
    // DRAM: weights once (matrix bytes incl. metadata), A once (fits), outputs once.
    uint64_t la = 0, lb = 0, st = 0;
    for (const auto& t : plan.tiles) {
        la += t.count * t.load_a_bytes;
        lb += t.count * t.load_b_bytes;
        st += t.count * t.store_bytes;
    }
    EXPECT_EQ(lb, op.b.matrix_bytes(256, 64) + op.b.matrix_bytes(256, 36));
    EXPECT_EQ(lb, op.b.matrix_bytes(256, 100));
    EXPECT_EQ(la, op.a.matrix_bytes(256, 20));
    EXPECT_EQ(st, op.out.payload_bytes(20, 100));
    EXPECT_TRUE(plan.double_buffered);
}

TEST(BitserialModel, ResidentOperandAndRefetchOrder) {
    BitserialParams p = stripes(1);
    p.act_sram_bytes = 1024;  // A = 32 × 256 fp16 = 16 KiB does not fit
    const Op op = gemm(32, 256, 128, "int4");  // W = 16 KiB fits 512 KiB: M blocks outer
    auto loads = [](const TilePlan& plan, uint64_t* la, uint64_t* lb) {
        *la = *lb = 0;
        for (const auto& t : plan.tiles) {
            *la += t.count * t.load_a_bytes;
            *lb += t.count * t.load_b_bytes;
        }
    };
    uint64_t la = 0, lb = 0;
    TilePlan plan = bitserial_plan(op, p);
    loads(plan, &la, &lb);
    EXPECT_EQ(la, op.a.matrix_bytes(256, 32));  // A once
    EXPECT_EQ(lb, op.b.matrix_bytes(256, 128));  // W once, resident
    EXPECT_FALSE(plan.double_buffered);          // 2 × 8 KiB A blocks > 1 KiB
    // Neither fits (W 16 KiB > 4 KiB): one operand is re-streamed once per chunk of the other;
    // here both orders cost W + 2A = A + 2W, and N blocks outer wins the tie.
    p.weight_sram_bytes = 4096;
    plan = bitserial_plan(op, p);
    loads(plan, &la, &lb);
    EXPECT_EQ(la, 2u * op.a.matrix_bytes(256, 32));
    EXPECT_EQ(lb, op.b.matrix_bytes(256, 128));
    // Cheaper to re-stream the weights when they are the smaller operand (int2 → 8 KiB).
    const Op op2 = gemm(32, 256, 128, "int2");
    plan = bitserial_plan(op2, p);
    loads(plan, &la, &lb);
    EXPECT_EQ(la, op2.a.matrix_bytes(256, 32));
    EXPECT_EQ(lb, 2u * op2.b.matrix_bytes(256, 128));
    // Chunks of several weight slices when they fit half the buffer: K = 64 int4 slices of
    // 64 rows are 2 KiB, 8 KiB buffer → 2 slices per chunk → A streamed ceil(8 / 2) = 4 times.
    p.weight_sram_bytes = 8192;
    p.act_sram_bytes = 4096;
    const Op op3 = gemm(64, 64, 512, "int4");  // A = 8 KiB, W = 16 KiB: neither fits
    plan = bitserial_plan(op3, p);
    loads(plan, &la, &lb);
    EXPECT_EQ(lb, op3.b.matrix_bytes(64, 512));
    EXPECT_EQ(la, 4u * op3.a.matrix_bytes(64, 64));
    EXPECT_EQ(plan.compute_cycles(),
              bitserial_info(64, 64, 512, op3.a, op3.b, p).total_cycles);
    EXPECT_EQ(plan.macs(), 64u * 64 * 512);
}

TEST(BitserialModel, BatchAndRunLengthEncoding) {
    const BitserialParams p = stripes(2);
    Op op = gemm(1, 128, 1024, "fp16", "fp16", 32);  // decode attention: 32 heads
    op.kind = OpKind::attention_qk;
    const TilePlan plan = bitserial_plan(op, p);
    const BitserialInfo i = bitserial_info(1, 128, 1024, op.a, op.b, p);
    EXPECT_EQ(plan.compute_cycles(), 32 * i.total_cycles);
    EXPECT_EQ(plan.macs(), 32u * 128 * 1024);
    EXPECT_EQ(plan.tile_count(), 32u * 16);
    // Per instance: the first N block (loads A and B), the others (B), the last (B, and the store
    // of the instance's outputs, held in the output buffer): 3 runs per instance.
    EXPECT_LE(plan.tiles.size(), 3u * 32);
    uint64_t stores = 0, storing_tiles = 0;
    for (const auto& t : plan.tiles) {
        stores += t.count * t.store_bytes;
        storing_tiles += t.store_bytes ? t.count : 0;
    }
    EXPECT_EQ(stores, 32u * op.out.payload_bytes(1, 1024));
    EXPECT_EQ(storing_tiles, 32u);
    // Outputs larger than the output buffer are stored by every tile.
    BitserialParams small = p;
    small.out_sram_bytes = 1024;
    const TilePlan p2 = bitserial_plan(gemm(64, 128, 1024, "int4"), small);
    storing_tiles = 0;
    for (const auto& t : p2.tiles) storing_tiles += t.store_bytes ? t.count : 0;
    EXPECT_EQ(storing_tiles, p2.tile_count());
    // Runs grow with the outer blocks (here 256 M blocks: A and W both too large, weights
    // re-streamed), not with the inner blocks or K.
    EXPECT_LE(bitserial_plan(gemm(4096, 11008, 4096, "bitmod3/g128"), p).tiles.size(),
              2u * 256 + 2);
}

TEST(BitserialModel, RejectsImpossibleShapes) {
    const BitserialParams p = stripes();
    Op op = gemm(1, 128, 128, "int4");
    op.kind = OpKind::softmax;
    EXPECT_THROW(bitserial_plan(op, p), std::invalid_argument);
    EXPECT_THROW(bitserial_plan(gemm(0, 128, 128, "int4"), p), std::invalid_argument);
    EXPECT_THROW(bitserial_plan(gemm(1, 128, 128, "int4", "bf16"), p), std::invalid_argument);
    BitserialParams bad = p;
    bad.bits_per_cycle = 0;
    EXPECT_THROW(bitserial_plan(gemm(1, 128, 128, "int4"), bad), std::invalid_argument);
    try {
        bitserial_plan(gemm(1, 128, 128, "int4", "bf16"), p);
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("bf16 does not fit the fp16 datapath"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace qasim::models
